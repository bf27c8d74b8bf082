"""Finance: payments to confirm, receivables by ageing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections, router
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan import policy
from gendan.db import in_constants
from gendan.models import User

from ..models import (
    INCOMING_KINDS,
    OPEN_PAYMENT,
    ZERO,
    Order,
    Payment,
    PaymentKind,
    ReceivableTally,
)

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
OPEN_PAYMENT_STATUSES = OPEN_PAYMENT
RECEIVABLE_KINDS = INCOMING_KINDS


def payment_list_to_confirm(user: User) -> QuerySet[Payment]:
    """Open payment requests (and refunds to pay) the user may see, the earliest due
    first: the finance queue (filtered by ``orders.filters.PaymentFilterSet``)."""
    return policy.related_scope(
        user,
        # The statuses as constants: payment_open_due_idx's condition (``gendan.db``).
        Payment.objects.filter(in_constants("status", OPEN_PAYMENT_STATUSES))
        .select_related("order", "order__customer", "order__owner")
        .order_by("due_date", "pk"),
        "order",
        "payment.view",
    )


# The statement of ``payment_count_to_confirm`` of each database, (SQL, parameters):
# built once (building the two counts' queries took three times what running them does).
_to_confirm_counts: dict[str, tuple[str, list]] = {}


def payment_count_to_confirm(user: User) -> int | None:
    """How many payments the finance queue lists without a filter
    (``payment_list_to_confirm``), read from the receivable tally (the open requests
    customers owe, kept by the services) plus a count of the open payments of the other
    kinds (refunds, a few), in one statement: a million orders have some 25,000 open
    requests, a count of which grew with them. None for a user who does not see every
    payment (the tally counts them all)."""
    if not policy.sees_all(user, "payment.view"):
        return None
    alias = router.db_for_read(Payment)
    statement = _to_confirm_counts.get(alias)
    if statement is None:
        others = [kind for kind in PaymentKind.values if kind not in RECEIVABLE_KINDS]
        paid_out = (
            Payment.objects.using(alias)
            .filter(in_constants("status", OPEN_PAYMENT_STATUSES), kind__in=others)
            .order_by()
            .values("pk")
        )
        sql, params = paid_out.query.sql_with_params()
        quote = connections[alias].ops.quote_name
        tally = quote(ReceivableTally._meta.db_table)
        requests = quote(ReceivableTally._meta.get_field("requests").column)
        statement = _to_confirm_counts[alias] = (
            f"SELECT COALESCE((SELECT SUM({requests}) FROM {tally}), 0)"
            f" + (SELECT COUNT(*) FROM ({sql}) paid_out)",
            list(params),
        )
    sql, params = statement
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# Ageing from the due date — the receivables page, the dashboard and the export alike:
# (key, label, lowest days past due or None, highest or None).
DUE_AGEING_BUCKETS = (
    ("not_due", _("未到期"), None, 0),
    ("d1_30", _("逾期 1–30 天"), 1, 30),
    ("d31_60", _("逾期 31–60 天"), 31, 60),
    ("d61_90", _("逾期 61–90 天"), 61, 90),
    ("d90_plus", _("逾期 90 天以上"), 91, None),
)
AGEING_BUCKETS = DUE_AGEING_BUCKETS
AGEING_KEYS = tuple(key for key, *_rest in AGEING_BUCKETS)


def due_bucket(days_past_due: int) -> str:
    """The key of ``DUE_AGEING_BUCKETS`` a request ``days_past_due`` days past its due
    date falls in (0 or less: not yet due)."""
    for key, _label, low, high in DUE_AGEING_BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise ValueError(days_past_due)


def _bucket_conditions(today: dt.date) -> dict[str, Q]:
    """Each bucket of ``DUE_AGEING_BUCKETS`` as a condition on the due date (the
    database's side of ``due_bucket``)."""
    conditions = {}
    for key, _label, low, high in DUE_AGEING_BUCKETS:
        q = Q()
        if low is not None:
            q &= Q(due_date__lte=today - dt.timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gte=today - dt.timedelta(days=high))
        conditions[key] = q
    return conditions


def _open_receivables(user: User) -> QuerySet[Payment]:
    return policy.related_scope(
        user,
        Payment.objects.filter(
            in_constants("status", OPEN_PAYMENT_STATUSES), kind__in=RECEIVABLE_KINDS
        ),
        "order",
        "payment.view",
    )


def _ageing_sums(today: dt.date, amount: str = "") -> dict[str, Any]:
    """The sums of each ageing bucket and the total, of the payments' outstanding
    amounts, or of the column ``amount`` (the receivable tally's)."""
    outstanding = (
        F(amount)
        if amount
        else ExpressionWrapper(F("amount_due") - F("amount_received"), output_field=MONEY_FIELD)
    )
    sums = {
        key: Coalesce(Sum(outstanding, filter=condition), Value(ZERO), output_field=MONEY_FIELD)
        for key, condition in _bucket_conditions(today).items()
    }
    sums["total"] = Coalesce(Sum(outstanding), Value(ZERO), output_field=MONEY_FIELD)
    return sums


def receivables_ageing(user: User, *, today: dt.date | None = None) -> dict[str, Any]:
    """What customers still owe on open requests, aged from the due date (not yet due,
    1–30 / 31–60 / 61–90 / over 90 days past due, ``DUE_AGEING_BUCKETS``): per customer
    and currency, and totals per currency (one query). Each row's ``amounts`` are its
    buckets' in order."""
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
    for row in [*per_customer, *per_currency.values()]:
        row["amounts"] = [row[key] for key in AGEING_KEYS]
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
    if policy.sees_all(user, "payment.view"):
        # From the receivable tally (kept by the services): a row per currency and
        # due date instead of every open request and its order's currency, each put in
        # its bucket here (``due_bucket``; the query of six filtered sums took longer to
        # build than these few hundred rows to read and add up).
        sums: dict[str, dict[str, Any]] = {}
        rows = ReceivableTally.objects.filter(requests__gt=0).values_list(
            "currency", "due_date", "outstanding"
        )
        for currency, due_date, outstanding in rows:
            row = sums.get(currency)
            if row is None:
                row = sums[currency] = {
                    "order__currency": currency,
                    **dict.fromkeys(AGEING_KEYS, ZERO),
                    "total": ZERO,
                }
            row[due_bucket((today - due_date).days)] += outstanding
            row["total"] += outstanding
        per_currency = [sums[currency] for currency in sorted(sums)]
        return {"buckets": AGEING_BUCKETS, "per_currency": per_currency, "today": today}
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


def receivable_requests(user: User) -> QuerySet[Payment]:
    """The open requests of money customers owe that ``user`` may see, the longest past
    due first: the rows of the receivables ageing export (filtered by
    ``orders.filters.PaymentFilterSet``)."""
    return (
        _open_receivables(user)
        .select_related("order", "order__customer", "order__owner")
        .order_by("due_date", "pk")
    )
