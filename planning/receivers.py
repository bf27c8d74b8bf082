"""Planning's answers to the hooks of ``orders.signals`` and ``production.signals``,
connected when ``PlanningConfig.ready`` imports this module. Thin: each hands its
arguments to one service or page function, inside the sender's transaction."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from orders import signals
from orders.models import EventType, Order
from orders.states import OrderStatus
from production import signals as production_signals
from production.models import FINAL_INSPECTION_KINDS, InspectionResult, ProductionOrder

from . import selectors, services, views
from .models import LifecycleEvent

STATUS_EVENTS = {
    OrderStatus.DEPOSIT_PAID: LifecycleEvent.DEPOSIT_PAID,
    OrderStatus.PAID: LifecycleEvent.PAID,
}
PASSED = {InspectionResult.PASS, InspectionResult.CONDITIONAL}


def lifecycle_event_of(event) -> str | None:
    """The lifecycle event an order timeline entry stands for, if any."""
    data = event.data or {}
    if event.type == EventType.STATUS_CHANGED:
        if data.get("action") == "confirm":
            return LifecycleEvent.CONFIRMED
        return STATUS_EVENTS.get(event.to_status)
    if event.type == EventType.PRODUCTION_ISSUED:
        return LifecycleEvent.PRODUCTION_ISSUED
    if event.type == EventType.INSPECTION_RECORDED:
        passed = data.get("kind") in FINAL_INSPECTION_KINDS and data.get("result") in PASSED
        return LifecycleEvent.FINAL_INSPECTION if passed else None
    if event.type == EventType.SHIPMENT_SHIPPED:
        return LifecycleEvent.SHIPPED
    return None


@receiver(signals.order_event_recorded, sender=Order, dispatch_uid="planning.lifecycle")
def follow_lifecycle(sender, *, order, event, **kwargs):
    """Confirmed: the plan is made; any lifecycle step: its milestone is done."""
    step = lifecycle_event_of(event)
    if step is None:
        return None
    if step == LifecycleEvent.CONFIRMED:
        services.plan_generate(order, actor=event.actor)
    return services.milestone_fill(
        order, step, timezone.localdate(event.created_at), actor=event.actor
    )


@receiver(signals.order_amended, sender=Order, dispatch_uid="planning.replan")
def replan_on_amend(sender, *, order, actor, **kwargs):
    """An amendment may change the contract delivery date: the plan follows."""
    return services.plan_replan(order, actor=actor)


@receiver(
    production_signals.production_issuing, sender=ProductionOrder, dispatch_uid="planning.materials"
)
def materials_on_issue(sender, *, order, actor, materials_warning, **kwargs):
    services.check_materials_for_issue(order, actor=actor, warning=materials_warning)


@receiver(
    production_signals.variance_hints, sender=ProductionOrder, dispatch_uid="planning.variance"
)
def variance_hints(sender, *, production_orders, day, **kwargs):
    """A production order whose order has a material late offers "材料没跟上" first."""
    return selectors.late_material_hints(production_orders, day)


@receiver(signals.order_page, sender=Order, dispatch_uid="planning.order_page")
def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)
