"""What shipping does when an order's transition sends one of the hooks of
``orders.signals`` (connected in ``ShippingConfig.ready``). Each runs inside the
order's transaction, under the order's row lock, and lets every error through."""

from __future__ import annotations

from . import services


def cancel_on_cancel(sender, *, order, actor, note, **kwargs):
    """The order is being cancelled: cancel its shipments that have not left."""
    return services.cancel_open_shipments(order, actor=actor, note=note)


def deliver_on_delivery(sender, *, order, actor, delivered_at, **kwargs):
    """The customer received the order: every shipment that left is delivered."""
    return services.mark_shipments_delivered(order, actor=actor, delivered_at=delivered_at)


def guard_closing(sender, *, order, **kwargs):
    """The order is being closed: refused (GuardFailed) while an after-sales case is open."""
    return services.refuse_closing_with_open_cases(order)
