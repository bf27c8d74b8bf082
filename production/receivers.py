"""Production's answers to the hooks of ``orders.signals`` (connected in
``ProductionConfig.ready``): thin, each hands its arguments to one service,
selector or page function.

The transition hooks run inside the order's transaction, under the order's row
lock, and let every error through."""

from __future__ import annotations

from orders.states import OrderStatus

from . import selectors, services, views


def recall_on_cancel(sender, *, order, actor, note, **kwargs):
    """The order is being cancelled: recall its live production orders."""
    return services.recall_production_orders(order, actor=actor, note=note)


def reissue_on_amend(sender, *, order, actor, **kwargs):
    """The order was amended: an order in production gets a production order for the
    new revision (the old one superseded)."""
    if order.status == OrderStatus.IN_PRODUCTION:
        return services.reissue_for_revision(order, actor=actor)
    return None


def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)


def order_conditions(sender, *, today, **kwargs):
    return {"progress_missing": selectors.progress_missing(today)}


def work_groups(sender, *, user, roles, today, limit, **kwargs):
    return selectors.work_groups(user, roles=roles, today=today, limit=limit)
