"""Shipping's answers to ``orders.signals`` (imported by ``ShippingConfig.ready``, which
connects them); the rules are those of production/receivers.py."""

from __future__ import annotations

from django.dispatch import receiver

from orders import signals
from orders.models import Customer, Order

from . import selectors, services, views


@receiver(signals.order_cancelling, sender=Order, dispatch_uid="shipping.cancel")
def cancel_on_cancel(sender, *, order, actor, note, **kwargs):
    """The order is being cancelled: cancel its shipments that have not left."""
    return services.cancel_open_shipments(order, actor=actor, note=note)


@receiver(signals.order_delivery_confirming, sender=Order, dispatch_uid="shipping.deliver")
def deliver_on_delivery(sender, *, order, actor, delivered_at, **kwargs):
    """The customer received the order: every shipment that left is delivered."""
    return services.mark_shipments_delivered(order, actor=actor, delivered_at=delivered_at)


@receiver(signals.order_closing, sender=Order, dispatch_uid="shipping.guard_closing")
def guard_closing(sender, *, order, **kwargs):
    """The order is being closed: refused (GuardFailed) while an after-sales case is open."""
    return services.refuse_closing_with_open_cases(order)


@receiver(signals.order_page, sender=Order, dispatch_uid="shipping.order_page")
def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)


@receiver(signals.customer_page, sender=Customer, dispatch_uid="shipping.customer_page")
def customer_page(sender, *, request, customer, context, **kwargs):
    views.add_to_customer_page(request, customer, context)


@receiver(signals.order_conditions, sender=Order, dispatch_uid="shipping.conditions")
def order_conditions(sender, *, today, **kwargs):
    return {"open_after_sales": selectors.open_after_sales()}


@receiver(signals.daily_report, sender=Order, dispatch_uid="shipping.daily_report")
def daily_report(sender, *, day, order_ids, **kwargs):
    return selectors.daily_report_part(order_ids, day=day)
