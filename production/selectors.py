"""Reads of production data: produced quantities, inspections and the plan curve."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan import bounds, policy
from gendan.models import User
from gendan.roles import Role
from orders.models import EventType
from orders.selectors import WorkGroup, previous_working_day
from orders.states import OrderStatus

from .models import (
    ACTIVE_PRODUCTION_STATUSES,
    FINAL_INSPECTION_KINDS,
    Incident,
    InspectionResult,
    ProductionOrder,
    ProductionOrderStatus,
    ProgressReport,
    QualityInspection,
    Stage,
)


def produced_quantity(production_order: ProductionOrder) -> int:
    """Good quantity reported at the output stages (e.g. packing), all dates, plus the
    quantity carried over from the production order it superseded."""
    total = ProgressReport.objects.filter(
        production_order=production_order, stage__is_output=True
    ).aggregate(total=Sum("good_quantity"))["total"]
    return production_order.carried_quantity + (total or 0)


def final_inspection_passed(production_order: ProductionOrder) -> bool:
    """Whether the latest final or pre-shipment inspection passed."""
    latest = (
        production_order.inspections.filter(kind__in=FINAL_INSPECTION_KINDS)
        .order_by("-inspected_on", "-id")
        .values_list("result", flat=True)
        .first()
    )
    return latest == InspectionResult.PASS


def planned_cumulative(production_order: ProductionOrder, on: dt.date) -> int:
    """Planned cumulative quantity by ``on``: through the milestones when given,
    else linear between planned start and finish (the whole quantity by finish). The
    curve starts from the quantity carried over from a superseded production order."""
    carried = production_order.carried_quantity
    points = [(bounds.shift(production_order.planned_start, -1), carried)]
    points += [(m.date, m.planned_cumulative_quantity) for m in production_order.milestones.all()]
    points.append((production_order.planned_finish, production_order.quantity))
    points.sort()
    if on <= points[0][0]:
        return carried
    for (d0, q0), (d1, q1) in pairwise(points):
        if on <= d1:
            span = (d1 - d0).days or 1
            return q0 + (q1 - q0) * (on - d0).days // span
    return production_order.quantity


# ==========================================================================
# Browser pages (issue #4): the production board, the quick daily entry, a
# production order's page and its planned-vs-actual chart.
# ==========================================================================

# Behind plan when the produced quantity is more than 10 % under the plan (product.md §4).
BEHIND_PLAN_TOLERANCE = 0.10


def production_order_list_visible_to(
    user: User, action: str = "order.view"
) -> QuerySet[ProductionOrder]:
    """Production orders of the orders on which ``user`` may take ``action``."""
    return policy.related_scope(
        user,
        ProductionOrder.objects.select_related("order", "order__customer", "order__owner"),
        "order",
        action,
    )


def with_produced(queryset: QuerySet[ProductionOrder]) -> QuerySet[ProductionOrder]:
    """Annotate ``produced``: good quantity reported at the output stages, plus the
    quantity carried over from a superseded production order."""
    return queryset.annotate(
        produced=F("carried_quantity")
        + Coalesce(
            Sum(
                "progress_reports__good_quantity",
                filter=Q(progress_reports__stage__is_output=True),
            ),
            0,
        )
    )


def _measure(production_order: ProductionOrder, today: dt.date) -> ProductionOrder:
    """Set planned_to_date, percent and behind on a production order annotated with
    ``produced`` and prefetched milestones (no query). Behind compares with the plan
    up to yesterday: today's quantity may still be reported this evening."""
    production_order.planned_to_date = planned_cumulative(production_order, today)
    production_order.percent = (
        min(100, round(100 * production_order.produced / production_order.quantity))
        if production_order.quantity
        else 0
    )
    planned_by_yesterday = planned_cumulative(production_order, bounds.shift(today, -1))
    production_order.behind = production_order.is_active and (
        production_order.produced < planned_by_yesterday * (1 - BEHIND_PLAN_TOLERANCE)
    )
    return production_order


def production_order_list(user: User) -> QuerySet[ProductionOrder]:
    """Visible production orders with ``produced``, the earliest planned finish first:
    the rows of the production order page and its export (``production.filters``)."""
    return with_produced(production_order_list_visible_to(user)).order_by("planned_finish", "pk")


def progress_report_list(user: User) -> QuerySet[ProgressReport]:
    """Visible progress reports with their order and reporter, the latest first: the
    rows of the progress report page and its export (``production.filters``)."""
    return (
        progress_report_list_visible_to(user)
        .select_related("production_order__order", "reported_by")
        .order_by("-date", "-pk")
    )


def production_board(
    user: User, *, today: dt.date | None = None, recent_days: int = 14
) -> dict[str, list[ProductionOrder]]:
    """Live production orders by status, plus those completed in the last ``recent_days``."""
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=recent_days)
    queryset = (
        with_produced(production_order_list_visible_to(user, "progress_report.create"))
        .filter(
            Q(status__in=ACTIVE_PRODUCTION_STATUSES)
            | Q(status=ProductionOrderStatus.COMPLETED, completed_at__gte=since)
        )
        .prefetch_related("milestones")
        .order_by("planned_finish", "pk")
    )
    columns: dict[str, list[ProductionOrder]] = {
        ProductionOrderStatus.ISSUED: [],
        ProductionOrderStatus.IN_PROGRESS: [],
        ProductionOrderStatus.COMPLETED: [],
    }
    for production_order in queryset:
        columns[production_order.status].append(_measure(production_order, today))
    return columns


def quick_entry_rows(user: User, *, day: dt.date) -> list[ProductionOrder]:
    """The live production orders ``user`` may file progress for, each with ``produced``
    and ``reported`` (the number of reports already filed for ``day``; the reports
    themselves in ``day_reports``, to correct or withdraw them)."""
    queryset = (
        with_produced(production_order_list_visible_to(user, "progress_report.create"))
        .filter(status__in=ACTIVE_PRODUCTION_STATUSES)
        .annotate(reported=Count("progress_reports", filter=Q(progress_reports__date=day)))
        .prefetch_related(
            "milestones",
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.filter(date=day)
                .select_related("stage")
                .order_by("stage__position", "pk"),
                to_attr="day_reports",
            ),
        )
        .order_by("planned_finish", "pk")
    )
    return [_measure(production_order, day) for production_order in queryset]


def active_stages() -> QuerySet[Stage]:
    return Stage.objects.filter(is_active=True).order_by("position", "pk")


def production_order_get_printable(user: User, production_order_id: int):
    """One visible production order with what its printed notice shows."""
    return (
        production_order_list_visible_to(user)
        .select_related("issued_by", "superseded_by")
        .filter(pk=production_order_id)
        .first()
    )


def production_order_get_detail(user: User, production_order_id: int) -> ProductionOrder | None:
    """One visible production order with its reports, inspections, incidents and plan."""
    production_order = (
        with_produced(production_order_list_visible_to(user))
        .select_related("issued_by")
        .prefetch_related(
            "milestones",
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.select_related("stage", "reported_by").order_by(
                    "-date", "stage__position"
                ),
            ),
            "inspections__inspector",
            "incidents__responsible",
        )
        .filter(pk=production_order_id)
        .first()
    )
    if production_order is not None:
        _measure(production_order, timezone.localdate())
    return production_order


def progress_series(
    production_order: ProductionOrder, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The planned-vs-actual chart of a production order: one point a day from the
    planned start to the later of the planned finish and the last report; the actual
    cumulative good quantity at the output stages stops at today. Uses the prefetched
    reports and milestones."""
    today = today or timezone.localdate()
    daily: dict[dt.date, int] = {}
    for report in production_order.progress_reports.all():
        if report.stage.is_output:
            daily[report.date] = daily.get(report.date, 0) + report.good_quantity
    start = min([production_order.planned_start, *daily])
    end = max([production_order.planned_finish, *daily])
    if (end - start).days > 366:  # a sheet issued long ago: the last year is enough
        start = end - dt.timedelta(days=366)
    labels, planned, actual = [], [], []
    cumulative = production_order.carried_quantity + sum(q for d, q in daily.items() if d < start)
    # Counted, not stepped past ``end``: a plan ending on 9999-12-31 has no day after.
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        cumulative += daily.get(day, 0)
        labels.append(day.isoformat())
        planned.append(planned_cumulative(production_order, day))
        actual.append(cumulative if day <= today else None)
    return {"labels": labels, "planned": planned, "actual": actual}


def incident_get_visible(user: User, incident_id: int) -> Incident | None:
    return policy.related_scope(user, Incident.objects.all()).filter(pk=incident_id).first()


# ==========================================================================
# REST API (issue #3): lists whose queries do not depend on their length.
# ==========================================================================


def production_order_list_with_plan_visible_to(user: User) -> QuerySet[ProductionOrder]:
    """Visible production orders with ``produced`` (good quantity at the output stages)
    and their plan milestones."""
    return with_produced(production_order_list_visible_to(user)).prefetch_related("milestones")


def progress_report_get_detail(user: User, report_id: int) -> ProgressReport | None:
    """One visible progress report with its production order, order and reporter, and
    ``history``: the events of its corrections, the latest first."""
    report = (
        progress_report_list_visible_to(user)
        .select_related("production_order__order__customer", "reported_by")
        .filter(pk=report_id)
        .first()
    )
    if report is not None:
        report.history = list(
            report.production_order.order.events.filter(
                type=EventType.PROGRESS_CORRECTED, data__report=report.pk
            )
            .select_related("actor")
            .order_by("-created_at", "-id")
        )
    return report


def progress_report_list_visible_to(user: User) -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.select_related("stage", "production_order")
    return policy.related_scope(user, reports, "production_order__order")


def inspection_list_visible_to(user: User) -> QuerySet[QualityInspection]:
    inspections = QualityInspection.objects.select_related("production_order")
    return policy.related_scope(user, inspections, "production_order__order")


def incident_list_visible_to(user: User) -> QuerySet[Incident]:
    return policy.related_scope(user, Incident.objects.all())


# --------------------------------------------------------------------------
# For orders' pages and reports (handed over through orders.signals)
# --------------------------------------------------------------------------


def order_page_prefetches() -> list[Prefetch]:
    """What the order page shows of production: the production orders with their
    plan, inspections and reports, and the incidents."""
    return [
        Prefetch(
            "production_orders",
            queryset=ProductionOrder.objects.select_related("issued_by")
            .prefetch_related(
                "milestones",
                Prefetch(
                    "inspections",
                    queryset=QualityInspection.objects.select_related("inspector"),
                ),
                Prefetch(
                    "progress_reports",
                    queryset=ProgressReport.objects.select_related("stage", "reported_by").order_by(
                        "-date", "-stage__position"
                    ),
                ),
            )
            .order_by("issued_at", "pk"),
        ),
        Prefetch("incidents", queryset=Incident.objects.select_related("production_order")),
    ]


def progress_missing(today: dt.date) -> Q:
    """A condition on orders: in production, and the live production order, issued
    before the last working day, has no progress report since that day."""
    since = previous_working_day(today)
    stale = ProductionOrder.objects.filter(
        order_id=OuterRef("pk"),
        status__in=ACTIVE_PRODUCTION_STATUSES,
        issued_at__date__lt=since,
    ).exclude(
        Exists(ProgressReport.objects.filter(production_order_id=OuterRef("pk"), date__gte=since))
    )
    return Q(status=OrderStatus.IN_PRODUCTION) & Exists(stale)


def work_groups(user: User, *, roles, today: dt.date, limit: int) -> list[WorkGroup]:
    """My work of production: the live production orders without progress — the
    production order list of ``?progress_missing=true`` (its count is that list's)."""
    from .filters import ProductionOrderFilterSet  # the list's FilterSet (filters.py)

    if Role.PRODUCTION not in roles:
        return []
    query = QueryDict(mutable=True)
    query.update({"progress_missing": "true", "ordering": "planned_finish"})
    filterset = ProductionOrderFilterSet(query, queryset=production_order_list(user))
    stale = filterset.qs.select_related("order", "order__customer")
    count = stale.count()
    if not count:
        return []
    return [
        WorkGroup(
            "production_progress_missing",
            _("缺生产日报的生产单"),
            list(stale[:limit]),
            count,
            "production_order",
            f"?{query.urlencode()}",
        )
    ]
