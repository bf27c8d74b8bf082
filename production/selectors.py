"""Reads of production data: produced quantities, inspections and the plan curve."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from django.db.models import Sum

from .models import (
    FINAL_INSPECTION_KINDS,
    InspectionResult,
    ProductionOrder,
    ProgressReport,
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
