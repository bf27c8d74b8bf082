"""What production does when an order's transition sends one of the hooks of
``orders.signals`` (connected in ``ProductionConfig.ready``). Each runs inside the
order's transaction, under the order's row lock, and lets every error through."""

from __future__ import annotations

from orders.states import OrderStatus

from . import services


def recall_on_cancel(sender, *, order, actor, note, **kwargs):
    """The order is being cancelled: recall its live production orders."""
    return services.recall_production_orders(order, actor=actor, note=note)


def reissue_on_amend(sender, *, order, actor, **kwargs):
    """The order was amended: an order in production gets a production order for the
    new revision (the old one superseded)."""
    if order.status == OrderStatus.IN_PRODUCTION:
        return services.reissue_for_revision(order, actor=actor)
    return None
