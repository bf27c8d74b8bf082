"""Samples' answers to the hooks of ``orders.signals`` (connected by ``SamplesConfig.ready``)."""

from __future__ import annotations

from django.dispatch import receiver

from orders import signals
from orders.models import Order

from . import views


@receiver(signals.order_page, sender=Order, dispatch_uid="samples.order_page")
def order_page(sender, *, request, order, context, **kwargs):
    views.add_to_order_page(request, order, context)
