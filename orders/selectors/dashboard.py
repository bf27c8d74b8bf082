"""The supervisor dashboard: orders by status, on-time delivery, due and overdue
orders, each merchandiser's workload (from the tallies when the user sees every order)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gendan import policy
from gendan.models import User
from gendan.roles import Role

from .. import tallies
from ..models import DeliveryTally, StatusTally
from ..states import OPEN, OrderStatus
from .lists import order_list_visible_to, overdue_q


def order_counts_by_status(
    user: User, *, tallied: dict[str, int] | None = None
) -> list[tuple[str, Any, int]]:
    """(status, label, count) for every status, in lifecycle order (one query; from
    the tallies when ``user`` sees every order). ``tallied``: the status tally's sums
    by status, already read (``orders.figures.dashboard_tallies``)."""
    if tallied is not None:
        counts = tallied
    elif policy.sees_all(user):
        rows = StatusTally.objects.values("status").annotate(n=Sum("orders"))
        counts = {row["status"]: row["n"] or 0 for row in rows}
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
    user: User,
    *,
    months: int = 12,
    today: dt.date | None = None,
    tallied: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """On-time delivery rate of the last ``months`` months (this one last): orders fully
    shipped in the month whose last shipment left on or before the contract delivery
    date, over the orders fully shipped in the month (kpi-and-pay.md). ``tallied``: the
    delivery tally's sums by month of those months, already read
    (``orders.figures.dashboard_tallies``)."""
    today = today or timezone.localdate()
    if tallied is None:
        rows = _deliveries(user, _month_start(today, months - 1), by="month")
    else:
        rows = tallied
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


def order_count_from_tallies(
    user: User, *, statuses: set[str], owner_id: int | None = None
) -> int | None:
    """How many orders in ``statuses`` (of ``owner_id``) there are, from the status tally;
    None for a user who does not see every order (the tally counts them all)."""
    if not policy.sees_all(user):
        return None
    rows = StatusTally.objects.filter(status__in=statuses)
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    return rows.aggregate(n=Sum("orders"))["n"] or 0
