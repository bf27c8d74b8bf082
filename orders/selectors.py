"""Reads of orders scoped by the permission policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan import policy, workdays
from gendan.models import User
from gendan.roles import Role, roles_of

from . import signals, tallies
from .models import (
    INCOMING_KINDS,
    OPEN_PAYMENT,
    ZERO,
    Approval,
    Customer,
    DeliveryTally,
    Order,
    OrderEvent,
    OrderLine,
    OrderRevision,
    Payment,
    PaymentKind,
    PaymentReceipt,
    Product,
    StatusTally,
)
from .states import NOT_FULLY_SHIPPED, OPEN, OrderStatus


def order_list_visible_to(user: User) -> QuerySet[Order]:
    """Every order ``user`` may see, with what a list row shows."""
    return policy.order_scope(user, Order.objects.select_related("customer", "owner"))


def order_list_open_for(user: User) -> QuerySet[Order]:
    """Visible orders still followed up, the nearest contract delivery date first."""
    return (
        order_list_visible_to(user).filter(status__in=OPEN).order_by("contract_delivery_date", "pk")
    )


def order_get_visible(user: User, order_id: int) -> Order | None:
    return order_list_visible_to(user).filter(pk=order_id).first()


# ==========================================================================
# Browser pages (issue #4): the order list's filters, my work, the finance
# queue and receivables, the supervisor dashboard, customers, the daily report
# and the sales ledger. Every function issues a fixed number of queries,
# whatever the number of rows.
# ==========================================================================

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
OPEN_PAYMENT_STATUSES = OPEN_PAYMENT
RECEIVABLE_KINDS = INCOMING_KINDS

# Sort keys of the order list -> order_by fields (a leading "-" reverses).
ORDER_SORTS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "customer": ("customer__name", "pk"),
    "owner": ("owner__username", "pk"),
    "status": ("status", "pk"),
    "order_date": ("order_date", "pk"),
    "due": ("contract_delivery_date", "pk"),
    "amount": ("total_amount", "pk"),
    "updated": ("updated_at", "pk"),
}


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Orders past their contract delivery date and not fully shipped."""
    return Q(
        **{
            f"{prefix}status__in": NOT_FULLY_SHIPPED,
            f"{prefix}contract_delivery_date__lt": today,
        }
    )


def _with_overdue(queryset: QuerySet, today: dt.date) -> QuerySet:
    return queryset.annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def order_list_filtered(
    user: User,
    *,
    statuses: list[str] | tuple[str, ...] = (),
    customer_id: int | None = None,
    owner_id: int | None = None,
    due_after: dt.date | None = None,
    due_before: dt.date | None = None,
    overdue: bool | None = None,
    search: str = "",
    sort: str = "-order_date",
    today: dt.date | None = None,
) -> QuerySet[Order]:
    """The visible orders matching the filters of the API (status repeatable, customer,
    owner, contract delivery date range, overdue, search on number, customer, PO and
    external reference), sorted by one of ``ORDER_SORTS``, each with ``is_overdue``."""
    today = today or timezone.localdate()
    queryset = order_list_visible_to(user)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if customer_id:
        queryset = queryset.filter(customer_id=customer_id)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if due_after:
        queryset = queryset.filter(contract_delivery_date__gte=due_after)
    if due_before:
        queryset = queryset.filter(contract_delivery_date__lte=due_before)
    if overdue is True:
        queryset = queryset.filter(overdue_q(today))
    elif overdue is False:
        queryset = queryset.exclude(overdue_q(today))
    if search := (search or "").strip():
        queryset = queryset.filter(
            Q(number__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(customer__code__icontains=search)
            | Q(customer_po__icontains=search)
            | Q(external_ref__icontains=search)
        )
    key = (sort or "").lstrip("-")
    fields = ORDER_SORTS.get(key, ORDER_SORTS["order_date"])
    if key not in ORDER_SORTS or sort.startswith("-"):
        fields = tuple(f"-{name}" for name in fields)
    return _with_overdue(queryset, today).order_by(*fields)


def order_get_detail(user: User, order_id: int) -> Order | None:
    """One visible order with everything of orders its page shows, prefetched (production
    and shipping prefetch their rows when they add them to the page: orders.signals)."""
    # Each related row with its own foreign keys joined (select_related), so that a
    # relation costs one query, not two.

    return (
        _with_overdue(order_list_visible_to(user), timezone.localdate())
        .select_related("client")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related("confirmed_by", "requested_by")
                .prefetch_related(
                    Prefetch(
                        "receipts",
                        queryset=PaymentReceipt.objects.select_related("confirmed_by"),
                    )
                )
                .order_by("requested_at", "pk"),
            ),
            Prefetch(
                "events",
                queryset=OrderEvent.objects.select_related("actor").order_by("-created_at", "-pk"),
            ),
            Prefetch("approvals", queryset=Approval.objects.select_related("approved_by")),
            Prefetch("revisions", queryset=OrderRevision.objects.select_related("created_by")),
            "shared_with",
        )
        .filter(pk=order_id)
        .first()
    )


# --------------------------------------------------------------------------
# My work: what needs my action next, grouped by the next step
# --------------------------------------------------------------------------


@dataclass
class WorkGroup:
    key: str
    label: Any
    items: list = field(default_factory=list)
    count: int = 0
    kind: str = "order"  # "order", "payment" or "production_order"
    link: str = ""  # query string of the order list (or a page) showing the whole group


def previous_working_day(today: dt.date) -> dt.date:
    """The last working day before ``today`` (one query for the calendar)."""
    exceptions = workdays._exceptions(today - dt.timedelta(days=30), today)
    day = today - dt.timedelta(days=1)
    while not workdays._is_working(day, exceptions):
        day -= dt.timedelta(days=1)
    return day


def order_conditions(today: dt.date) -> dict[str, Any]:
    """The conditions on orders that the apps above orders state (orders.signals)."""
    conditions: dict[str, Any] = {}
    for _receiver, answer in signals.order_conditions.send(sender=Order, today=today):
        conditions.update(answer)
    return conditions


def my_work(user: User, *, limit: int = 8, today: dt.date | None = None) -> list[WorkGroup]:
    """The groups of my next steps: a merchandiser's own orders; a supervisor's whole
    department; finance's payments to confirm; production's orders without progress."""
    today = today or timezone.localdate()
    roles = roles_of(user)
    groups: list[WorkGroup] = []
    S = OrderStatus
    if user.is_superuser or roles & {Role.MERCHANDISER, Role.SUPERVISOR}:
        if Role.MERCHANDISER in roles and not (user.is_superuser or Role.SUPERVISOR in roles):
            base = Order.objects.filter(owner=user).select_related("customer", "owner")
            mine = f"owner={user.pk}&"
        else:
            base = order_list_visible_to(user)
            mine = ""
        base = _with_overdue(base, today).order_by("contract_delivery_date", "pk")
        # "progress_missing" (production) and "open_after_sales" (shipping): orders.signals.
        conditions = order_conditions(today)
        open_cases = conditions["open_after_sales"]
        ship_ready = Q(status__in=(S.PAID, S.PARTIALLY_SHIPPED)) | Q(
            status__in=(S.PRODUCED, S.AWAITING_BALANCE), credit_released=True
        )
        steps = [
            ("to_confirm", _("待确认"), base.filter(status=S.DRAFT), f"status={S.DRAFT}"),
            (
                "to_request_deposit",
                _("待通知付订金"),
                base.filter(status=S.CONFIRMED),
                f"status={S.CONFIRMED}",
            ),
            (
                "to_issue_production",
                _("待下达生产"),
                base.filter(status=S.DEPOSIT_PAID),
                f"status={S.DEPOSIT_PAID}",
            ),
            (
                "progress_missing",
                _("缺生产日报"),
                base.filter(conditions["progress_missing"]),
                f"status={S.IN_PRODUCTION}",
            ),
            (
                "to_request_balance",
                _("待通知付尾款"),
                base.filter(status=S.PRODUCED, credit_released=False),
                f"status={S.PRODUCED}",
            ),
            (
                "to_ship",
                _("待出货"),
                base.filter(ship_ready),
                f"status={S.PAID}&status={S.PARTIALLY_SHIPPED}",
            ),
            (
                "to_confirm_delivery",
                _("待客户签收"),
                base.filter(status=S.SHIPPED),
                f"status={S.SHIPPED}",
            ),
            (
                "to_close",
                _("待结案"),
                base.filter(status=S.DELIVERED).exclude(open_cases),
                f"status={S.DELIVERED}",
            ),
            (
                "open_after_sales",
                _("售后处理中"),
                base.filter(open_cases),
                "",
            ),
        ]
        for key, label, queryset, query in steps:
            count = queryset.count()
            if count:
                link = f"?{mine}{query}" if query else ""
                groups.append(WorkGroup(key, label, list(queryset[:limit]), count, "order", link))
    if user.is_superuser or Role.FINANCE in roles:
        payments = payment_list_to_confirm(user)
        count = payments.count()
        if count:
            groups.append(
                WorkGroup(
                    "payments_to_confirm", _("待确认收款"), list(payments[:limit]), count, "payment"
                )
            )
    # Production's production orders without progress (orders.signals.work_groups).
    for _receiver, more in signals.work_groups.send(
        sender=Order, user=user, roles=roles, today=today, limit=limit
    ):
        groups.extend(more)
    return groups


# --------------------------------------------------------------------------
# Finance: payments to confirm, receivables by ageing
# --------------------------------------------------------------------------


def payment_list_to_confirm(user: User, *, search: str = "", kind: str = "") -> QuerySet[Payment]:
    """Open payment requests (and refunds to pay) the user may see, the earliest due first."""
    queryset = policy.related_scope(
        user,
        Payment.objects.filter(status__in=OPEN_PAYMENT_STATUSES).select_related(
            "order", "order__customer", "order__owner"
        ),
        "order",
        "payment.view",
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if search := (search or "").strip():
        queryset = queryset.filter(
            Q(order__number__icontains=search)
            | Q(order__customer__name__icontains=search)
            | Q(order__customer__code__icontains=search)
        )
    return queryset.order_by("due_date", "pk")


# Ageing buckets: (key, label, lowest age in days, highest age or None).
AGEING_BUCKETS = (
    ("b0_30", _("0–30 天"), 0, 30),
    ("b31_60", _("31–60 天"), 31, 60),
    ("b61_90", _("61–90 天"), 61, 90),
    ("b90_plus", _("90 天以上"), 91, None),
)


AGEING_KEYS = tuple(key for key, *_rest in AGEING_BUCKETS)


def _bucket_conditions(today: dt.date) -> dict[str, Q]:
    """Age = days since the request (its local date); as conditions on requested_at."""
    tz = timezone.get_current_timezone()

    def start_of(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=tz)

    conditions = {}
    for key, _label, low, high in AGEING_BUCKETS:
        q = Q(requested_at__lt=start_of(today - dt.timedelta(days=low - 1)))
        if high is not None:
            q &= Q(requested_at__gte=start_of(today - dt.timedelta(days=high)))
        conditions[key] = q
    return conditions


def _open_receivables(user: User) -> QuerySet[Payment]:
    return policy.related_scope(
        user,
        Payment.objects.filter(status__in=OPEN_PAYMENT_STATUSES, kind__in=RECEIVABLE_KINDS),
        "order",
        "payment.view",
    )


def _ageing_sums(today: dt.date) -> dict[str, Any]:
    outstanding = ExpressionWrapper(
        F("amount_due") - F("amount_received"), output_field=MONEY_FIELD
    )
    sums = {
        key: Coalesce(Sum(outstanding, filter=condition), Value(ZERO), output_field=MONEY_FIELD)
        for key, condition in _bucket_conditions(today).items()
    }
    sums["total"] = Coalesce(Sum(outstanding), Value(ZERO), output_field=MONEY_FIELD)
    return sums


def receivables_ageing(user: User, *, today: dt.date | None = None) -> dict[str, Any]:
    """What customers still owe on open requests, aged 0–30 / 31–60 / 61–90 / > 90 days
    since the request: per customer and currency, and totals per currency (one query)."""
    today = today or timezone.localdate()
    per_customer = list(
        _open_receivables(user)
        .values(
            "order__customer_id",
            "order__customer__code",
            "order__customer__name",
            "order__currency",
        )
        .annotate(**_ageing_sums(today), requests=Count("pk"))
        .order_by("-total", "order__customer__code")
    )
    per_currency: dict[str, dict[str, Any]] = {}
    for row in per_customer:
        currency = row["order__currency"]
        totals = per_currency.setdefault(
            currency,
            {"order__currency": currency, **dict.fromkeys((*AGEING_KEYS, "total"), ZERO)},
        )
        for key in (*AGEING_KEYS, "total"):
            totals[key] += row[key]
    return {
        "buckets": AGEING_BUCKETS,
        "per_customer": per_customer,
        "per_currency": [per_currency[currency] for currency in sorted(per_currency)],
        "today": today,
    }


def receivables_by_currency(user: User, *, today: dt.date | None = None) -> dict[str, Any]:
    """The totals per currency of ``receivables_ageing`` alone (the dashboard's), in one
    query that needs no customer."""
    today = today or timezone.localdate()
    # The currency by a lookup per open request (a few per cent of all payments):
    # joined instead, PostgreSQL reads every order to hash them.
    currency = Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("currency")[:1])
    per_currency = list(
        _open_receivables(user)
        .annotate(order__currency=currency)
        .values("order__currency")
        .annotate(**_ageing_sums(today))
        .order_by("order__currency")
    )
    return {"buckets": AGEING_BUCKETS, "per_currency": per_currency, "today": today}


def receivable_list(user: User) -> QuerySet[Payment]:
    """Open incoming requests, the oldest first (the detail under the ageing table)."""
    return policy.related_scope(
        user,
        Payment.objects.filter(status__in=OPEN_PAYMENT_STATUSES, kind__in=RECEIVABLE_KINDS)
        .select_related("order", "order__customer", "order__owner")
        .order_by("requested_at", "pk"),
        "order",
        "payment.view",
    )


# --------------------------------------------------------------------------
# Supervisor dashboard
# --------------------------------------------------------------------------


def order_counts_by_status(user: User) -> list[tuple[str, Any, int]]:
    """(status, label, count) for every status, in lifecycle order (one query; from
    the tallies when ``user`` sees every order)."""
    if policy.sees_all(user):
        rows = StatusTally.objects.values("status").annotate(n=Sum("orders"))
    else:
        rows = order_list_visible_to(user).order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] or 0 for row in rows}
    return [(status.value, status.label, counts.get(status.value, 0)) for status in OrderStatus]


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - back
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def _on_time_expression():
    """1 when the order's last shipment left on or before the contract delivery date."""
    last_ship = tallies.last_shipped()
    return last_ship, Case(
        When(last_ship__lte=F("contract_delivery_date"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _deliveries(user: User, since: dt.date, by: str) -> list[dict[str, Any]]:
    """Orders fully shipped since the month ``since`` began and how many on time,
    grouped ``by`` "month" or "owner_id": from the tallies when ``user`` sees every
    order, else counted from the visible orders (one query either way)."""
    if policy.sees_all(user):
        return list(
            DeliveryTally.objects.filter(month__gte=since)
            .values(by)
            .annotate(shipped=Sum("shipped"), on_time=Sum("on_time"))
        )
    tz = timezone.get_current_timezone()
    last_ship, on_time = _on_time_expression()
    rows = (
        order_list_visible_to(user)
        .filter(fully_shipped_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
        .annotate(last_ship=last_ship, month=TruncMonth("fully_shipped_at", tzinfo=tz))
        .order_by()
        .values(by)
        .annotate(shipped=Count("pk"), on_time=Sum(on_time))
    )
    result = []
    for row in rows:
        month = row.get("month")
        if isinstance(month, dt.datetime):
            row["month"] = (
                timezone.localtime(month, tz).date() if timezone.is_aware(month) else month.date()
            )
        result.append(row)
    return result


def _rate(on_time: int, shipped: int) -> Decimal | None:
    return (Decimal(on_time) / Decimal(shipped)) if shipped else None


def on_time_delivery_by_month(
    user: User, *, months: int = 12, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """On-time delivery rate of the last ``months`` months (this one last): orders fully
    shipped in the month whose last shipment left on or before the contract delivery
    date, over the orders fully shipped in the month (kpi-and-pay.md)."""
    today = today or timezone.localdate()
    rows = _deliveries(user, _month_start(today, months - 1), by="month")
    by_month = {(row["month"].year, row["month"].month): row for row in rows}
    result = []
    for back in range(months - 1, -1, -1):
        start = _month_start(today, back)
        row = by_month.get((start.year, start.month), {})
        shipped, punctual = row.get("shipped") or 0, row.get("on_time") or 0
        result.append(
            {
                "month": start,
                "shipped": shipped,
                "on_time": punctual,
                "rate": _rate(punctual, shipped),
            }
        )
    return result


def orders_due_within(user: User, *, days: int = 7, today: dt.date | None = None):
    """Orders not fully shipped whose contract delivery date is in the next ``days`` days."""
    today = today or timezone.localdate()
    return (
        _with_overdue(order_list_visible_to(user), today)
        .filter(
            status__in=NOT_FULLY_SHIPPED,
            contract_delivery_date__gte=today,
            contract_delivery_date__lte=today + dt.timedelta(days=days),
        )
        .order_by("contract_delivery_date", "pk")
    )


def orders_overdue(user: User, *, today: dt.date | None = None):
    """Orders past their contract delivery date and not fully shipped, the oldest first."""
    today = today or timezone.localdate()
    return (
        _with_overdue(order_list_visible_to(user), today)
        .filter(overdue_q(today))
        .order_by("contract_delivery_date", "pk")
    )


def merchandiser_workload(
    user: User, *, months: int = 12, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per merchandiser: open orders, overdue orders, and the on-time delivery rate of
    the orders fully shipped in the last ``months`` months (four queries)."""
    today = today or timezone.localdate()
    visible = order_list_visible_to(user).order_by()
    if policy.sees_all(user):
        open_rows = (
            StatusTally.objects.filter(status__in=OPEN).values("owner_id").annotate(n=Sum("orders"))
        )
    else:
        open_rows = visible.filter(status__in=OPEN).values("owner_id").annotate(n=Count("pk"))
    open_orders = {row["owner_id"]: row["n"] or 0 for row in open_rows}
    overdue = {
        row["owner_id"]: row["n"]
        for row in visible.filter(overdue_q(today)).values("owner_id").annotate(n=Count("pk"))
    }
    punctuality = {
        row["owner_id"]: row
        for row in _deliveries(user, _month_start(today, months - 1), by="owner_id")
    }
    owners = {pk for pk, n in open_orders.items() if n} | set(overdue)
    people = {
        u.pk: u
        for u in User.objects.filter(
            Q(pk__in=sorted(owners)) | Q(groups__name=Role.MERCHANDISER, is_active=True)
        ).distinct()
    }
    rows = []
    for pk, person in people.items():
        shipped = punctuality.get(pk, {}).get("shipped") or 0
        punctual = punctuality.get(pk, {}).get("on_time") or 0
        rows.append(
            {
                "owner": person,
                "open": open_orders.get(pk, 0),
                "overdue": overdue.get(pk, 0),
                "shipped": shipped,
                "on_time": punctual,
                "rate": _rate(punctual, shipped),
            }
        )
    rows.sort(key=lambda row: (-row["open"], str(row["owner"])))
    return rows


# --------------------------------------------------------------------------
# Customers (客户档案)
# --------------------------------------------------------------------------


def customer_list(search: str = "") -> QuerySet[Customer]:
    queryset = Customer.objects.select_related("owner").order_by("code")
    if search := (search or "").strip():
        queryset = queryset.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(country__icontains=search)
        )
    return queryset


def customer_totals(user: User, customer_ids) -> dict[int, dict[str, Any]]:
    """{customer id: {orders, open_orders, amounts: [(currency, total, received, outstanding)]}}
    over the orders ``user`` may see (drafts and cancelled orders left out)."""
    rows = (
        order_list_visible_to(user)
        .filter(customer_id__in=list(customer_ids))
        .exclude(status__in=(OrderStatus.DRAFT, OrderStatus.CANCELLED))
        .order_by()
        .values("customer_id", "currency")
        .annotate(
            orders=Count("pk"),
            open_orders=Count("pk", filter=Q(status__in=OPEN)),
            total=Sum("total_amount"),
            received=Sum("amount_received"),
        )
    )
    totals: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = totals.setdefault(
            row["customer_id"], {"orders": 0, "open_orders": 0, "amounts": []}
        )
        entry["orders"] += row["orders"]
        entry["open_orders"] += row["open_orders"]
        entry["amounts"].append(
            {
                "currency": row["currency"],
                "total": row["total"],
                "received": row["received"],
                "outstanding": row["total"] - row["received"],
            }
        )
    return totals


def customer_orders(user: User, customer_id: int) -> QuerySet[Order]:
    return _with_overdue(
        order_list_visible_to(user).filter(customer_id=customer_id), timezone.localdate()
    ).order_by("-order_date", "-pk")


# --------------------------------------------------------------------------
# Daily report (日报表) and sales ledger (销售台帐)
# --------------------------------------------------------------------------


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


def merchandiser_choices() -> QuerySet[User]:
    """Active merchandisers, for the owner filters and the reassign form."""
    return User.objects.filter(groups__name=Role.MERCHANDISER, is_active=True).order_by("username")


def payment_get_visible(user: User, payment_id: int) -> Payment | None:
    return (
        policy.related_scope(
            user,
            Payment.objects.select_related("order", "order__customer", "order__owner"),
            "order",
            "payment.view",
        )
        .filter(pk=payment_id)
        .first()
    )


# --- reads of the REST API (each list's queries do not depend on its length) ------------


def customer_list_visible_to(user: User) -> QuerySet[Customer]:
    customers = Customer.objects.all()
    return customers if policy.can(user, "customer.view") else customers.none()


def product_list_visible_to(user: User) -> QuerySet[Product]:
    products = Product.objects.all()
    return products if policy.can(user, "product.view") else products.none()


def order_list_with_lines_visible_to(user: User) -> QuerySet[Order]:
    """Visible orders with their customer and lines (one query each)."""
    return order_list_visible_to(user).prefetch_related("lines")


def order_get_with_lines(order_id: int) -> Order:
    """One order with its lines, unscoped: for answering the caller who just changed it."""
    return (
        Order.objects.select_related("customer", "owner").prefetch_related("lines").get(pk=order_id)
    )


def order_events(order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline, oldest first."""
    return order.events.select_related("actor").order_by("created_at", "pk")


def payment_list_visible_to(user: User) -> QuerySet[Payment]:
    """Payments of the orders whose money ``user`` may see, with their receipts."""
    payments = Payment.objects.select_related("order").prefetch_related("receipts")
    return policy.related_scope(user, payments, "order", "payment.view")
