"""Production's answers to the hooks of ``orders.signals``, connected when
``ProductionConfig.ready`` imports this module. Thin: each hands its arguments to
one service, selector or page function.

The transition hooks run inside the order's transaction, under the order's row
lock, and let every error through."""

from __future__ import annotations

from django.dispatch import receiver

from orders import signals
from orders.models import Order
from orders.states import OrderStatus

from . import selectors, services, views


@receiver(signals.order_cancelling, sender=Order, dispatch_uid="production.recall")
def recall_on_cancel(sender, *, order, actor, note, **kwargs):
    """The order is being cancelled: recall its live production orders."""
    return services.recall_production_orders(order, actor=actor, note=note)


@receiver(signals.order_amended, sender=Order, dispatch_uid="production.reissue")
def reissue_on_amend(sender, *, order, actor, revision=None, **kwargs):
    """The order was amended: an order in production gets a production order for the
    new revision (the old one superseded, the unchanged lines' output carried over)."""
    if order.status == OrderStatus.IN_PRODUCTION:
        previous_lines = revision.previous_lines if revision is not None else ()
        return services.reissue_for_revision(order, actor=actor, previous_lines=previous_lines)
    return None


@receiver(signals.order_page, sender=Order, dispatch_uid="production.order_page")
def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)


@receiver(signals.order_conditions, sender=Order, dispatch_uid="production.conditions")
def order_conditions(sender, *, today, **kwargs):
    return {"progress_missing": selectors.progress_missing(today)}


@receiver(signals.work_groups, sender=Order, dispatch_uid="production.work_groups")
def work_groups(sender, *, user, roles, today, limit, **kwargs):
    return selectors.work_groups(user, roles=roles, today=today, limit=limit)
