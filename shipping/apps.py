from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("出货与售后")

    def ready(self) -> None:
        """Shipping's part in orders, which never imports shipping: the receivers of
        orders.signals, the order page's after-sales action, the timeline's text, and
        the shipments the tallies count."""
        from orders import signals, tallies
        from orders.forms.actions import register_order_actions
        from orders.models import Customer, EventType, Order
        from orders.templatetags.orders_ui import EVENT_TEXTS

        from . import forms, receivers, views
        from .models import Shipment
        from .states import GONE_SHIPMENT_STATUSES

        for signal, receiver in (
            (signals.order_cancelling, receivers.cancel_on_cancel),
            (signals.order_delivery_confirming, receivers.deliver_on_delivery),
            (signals.order_closing, receivers.guard_closing),
            (signals.order_page, receivers.order_page),
            (signals.order_conditions, receivers.order_conditions),
            (signals.daily_report, receivers.daily_report),
        ):
            signal.connect(receiver, sender=Order, dispatch_uid=f"shipping.{receiver.__name__}")
        signals.customer_page.connect(
            receivers.customer_page, sender=Customer, dispatch_uid="shipping.customer_page"
        )
        register_order_actions(forms.OpenAfterSalesForm)
        EVENT_TEXTS[EventType.AFTER_SALES_OPENED] = views.after_sales_event_text
        EVENT_TEXTS[EventType.AFTER_SALES_UPDATED] = views.after_sales_event_text
        tallies.count_shipments(Shipment, gone=GONE_SHIPMENT_STATUSES)
