"""Reads of production data: produced quantities, inspections and the plan curve."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from gendan import policy
from gendan.models import User

from .models import (
    FINAL_INSPECTION_KINDS,
    Incident,
    InspectionResult,
    ProductionOrder,
    ProgressReport,
    QualityInspection,
    Stage,
)


def produced_quantity(production_order: ProductionOrder) -> int:
    """Good quantity reported at the output stages (e.g. packing), all dates."""
    total = ProgressReport.objects.filter(
        production_order=production_order, stage__is_output=True
    ).aggregate(total=Sum("good_quantity"))["total"]
    return total or 0


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
    else linear between planned start and finish (the whole quantity by finish)."""
    points = [(production_order.planned_start - dt.timedelta(days=1), 0)]
    points += [(m.date, m.planned_cumulative_quantity) for m in production_order.milestones.all()]
    points.append((production_order.planned_finish, production_order.quantity))
    points.sort()
    if on <= points[0][0]:
        return 0
    for (d0, q0), (d1, q1) in pairwise(points):
        if on <= d1:
            span = (d1 - d0).days or 1
            return q0 + (q1 - q0) * (on - d0).days // span
    return production_order.quantity


# --- reads of the REST API (each list's queries do not depend on its length) ------------


def production_order_list_visible_to(user: User) -> QuerySet[ProductionOrder]:
    """Production orders of the orders ``user`` may see, with the good quantity produced
    so far (output stages) and the plan milestones."""
    production_orders = (
        ProductionOrder.objects.select_related("order")
        .annotate(
            produced_quantity=Coalesce(
                Sum(
                    "progress_reports__good_quantity",
                    filter=Q(progress_reports__stage__is_output=True),
                ),
                0,
            )
        )
        .prefetch_related("milestones")
    )
    return policy.related_scope(user, production_orders, "order", "order.view")


def progress_report_list_visible_to(user: User) -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.select_related("stage", "production_order")
    return policy.related_scope(user, reports, "production_order__order", "order.view")


def inspection_list_visible_to(user: User) -> QuerySet[QualityInspection]:
    inspections = QualityInspection.objects.select_related("production_order")
    return policy.related_scope(user, inspections, "production_order__order", "order.view")


def incident_list_visible_to(user: User) -> QuerySet[Incident]:
    return policy.related_scope(user, Incident.objects.all(), "order", "order.view")


def stage_list_active() -> QuerySet[Stage]:
    return Stage.objects.filter(is_active=True)
