"""Reads of the plans: an order's plan, the slipping milestones across orders."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gendan import policy
from gendan.models import User
from production.models import VarianceReason

from .models import Material, Milestone, Plan


def plan_of(order) -> Plan | None:
    return (
        Plan.objects.filter(order=order)
        .select_related("template")
        .prefetch_related("milestones__depends_on")
        .first()
    )


def slipping(today: dt.date | None = None) -> Q:
    """A milestone not done whose forecast is after its planned date, or already past."""
    today = today or timezone.localdate()
    return Q(actual_date__isnull=True) & (
        Q(forecast_date__gt=F("planned_date")) | Q(forecast_date__lt=today)
    )


def milestone_list_visible_to(user: User) -> QuerySet[Milestone]:
    return policy.related_scope(
        user,
        Milestone.objects.select_related("plan__order__customer", "plan__order__owner"),
        "plan__order",
    )


def milestone_list_slipping(user: User) -> QuerySet[Milestone]:
    """Every slipping milestone of the orders ``user`` may see, the most urgent first."""
    return milestone_list_visible_to(user).filter(slipping()).order_by("forecast_date", "pk")


def material_list_visible_to(user: User) -> QuerySet[Material]:
    return policy.related_scope(user, Material.objects.select_related("order"))


def late_materials(order) -> list[Material]:
    today = timezone.localdate()
    return list(
        Material.objects.filter(order=order, received_on__isnull=True, required_by__lt=today)
    )


def plan_list_visible_to(user: User) -> QuerySet[Plan]:
    return policy.related_scope(user, Plan.objects.select_related("template")).prefetch_related(
        "milestones__depends_on"
    )


def late_material_hints(production_orders, day: dt.date) -> dict[int, str]:
    """{production order id: "material_late"} for those whose order has a material not
    all in by its required-by date (one query)."""
    by_order = {po.order_id: po.pk for po in production_orders}
    late = Material.objects.filter(
        order_id__in=by_order, received_on__isnull=True, required_by__lt=day
    ).values_list("order_id", flat=True)
    return {by_order[order_id]: VarianceReason.MATERIAL_LATE for order_id in set(late)}
