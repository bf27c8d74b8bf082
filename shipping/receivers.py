"""Shipping's answers to the hooks of ``orders.signals`` (connected in
``ShippingConfig.ready``): thin, each hands its arguments to one service,
selector or page function.

The transition hooks run inside the order's transaction, under the order's row
lock, and let every error through."""

from __future__ import annotations

from . import selectors, services, views


def cancel_on_cancel(sender, *, order, actor, note, **kwargs):
    """The order is being cancelled: cancel its shipments that have not left."""
    return services.cancel_open_shipments(order, actor=actor, note=note)


def deliver_on_delivery(sender, *, order, actor, delivered_at, **kwargs):
    """The customer received the order: every shipment that left is delivered."""
    return services.mark_shipments_delivered(order, actor=actor, delivered_at=delivered_at)


def guard_closing(sender, *, order, **kwargs):
    """The order is being closed: refused (GuardFailed) while an after-sales case is open."""
    return services.refuse_closing_with_open_cases(order)


def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)


def customer_page(sender, *, request, customer, context, **kwargs):
    views.add_to_customer_page(request, customer, context)


def order_conditions(sender, *, today, **kwargs):
    return {"open_after_sales": selectors.open_after_sales()}


def daily_report(sender, *, day, order_ids, **kwargs):
    return selectors.daily_report_part(order_ids, day=day)
