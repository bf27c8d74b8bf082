"""The daily report (日报表) and the sales ledger (销售台帐)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, Sum

from gendan.models import User

from .. import signals
from ..models import ZERO, Order, PaymentKind, PaymentReceipt
from ..states import OrderStatus
from .finance import MONEY_FIELD
from .lists import order_list_visible_to


def daily_report(user: User, *, day: dt.date, owner_id: int | None = None) -> dict[str, Any]:
    """For one day and one merchandiser (or everyone the user may see): orders received
    and their amounts, payments confirmed, shipments that left, complaints received
    (the last two added by shipping: orders.signals.daily_report)."""
    orders = order_list_visible_to(user)
    if owner_id:
        orders = orders.filter(owner_id=owner_id)
    visible_ids = orders.values("pk")
    received = list(
        orders.filter(order_date=day).exclude(status=OrderStatus.CANCELLED).order_by("number")
    )
    receipts = list(
        PaymentReceipt.objects.filter(payment__order_id__in=visible_ids, confirmed_at__date=day)
        .select_related("payment", "payment__order", "payment__order__customer", "confirmed_by")
        .order_by("confirmed_at", "pk")
    )

    def by_currency(pairs) -> list[tuple[str, Decimal]]:
        sums: dict[str, Decimal] = {}
        for currency, amount in pairs:
            sums[currency] = sums.get(currency, ZERO) + amount
        return sorted(sums.items())

    report = {
        "day": day,
        "orders": received,
        "order_totals": by_currency((o.currency, o.total_amount) for o in received),
        "receipts": receipts,
        "receipt_totals": by_currency(
            (
                r.payment.order.currency,
                -r.amount if r.payment.kind == PaymentKind.REFUND else r.amount,
            )
            for r in receipts
        ),
    }
    for _receiver, part in signals.daily_report.send(
        sender=Order, user=user, day=day, order_ids=visible_ids
    ):
        report.update(part)
    return report


LEDGER_EXCLUDED = (OrderStatus.DRAFT, OrderStatus.CANCELLED)


def sales_ledger(
    user: User,
    *,
    customer_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """The sales ledger: for one customer its orders with amount, received and
    outstanding; without one, a line per customer and currency. Drafts and cancelled
    orders are not sales."""
    orders = order_list_visible_to(user).exclude(status__in=LEDGER_EXCLUDED)
    if start:
        orders = orders.filter(order_date__gte=start)
    if end:
        orders = orders.filter(order_date__lte=end)
    outstanding = ExpressionWrapper(
        F("total_amount") - F("amount_received"), output_field=MONEY_FIELD
    )
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    totals = list(
        orders.order_by()
        .values("currency")
        .annotate(
            orders=Count("pk"),
            total=Sum("total_amount"),
            received=Sum("amount_received"),
            outstanding=Sum(outstanding),
        )
        .order_by("currency")
    )
    if customer_id:
        rows = list(orders.order_by("order_date", "number"))
        return {"orders": rows, "customers": None, "totals": totals}
    customers = list(
        orders.order_by()
        .values("customer_id", "customer__code", "customer__name", "currency")
        .annotate(
            orders=Count("pk"),
            total=Sum("total_amount"),
            received=Sum("amount_received"),
            outstanding=Sum(outstanding),
        )
        .order_by("customer__code", "currency")
    )
    return {"orders": None, "customers": customers, "totals": totals}
