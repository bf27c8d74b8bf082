from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("出货与售后")

    def ready(self) -> None:
        """Shipping's part in orders, which never imports shipping (see ProductionConfig),
        and the shipments the tallies count."""
        from orders.forms.actions import register_order_actions
        from orders.kernel import tallies
        from orders.models import EventType
        from orders.templatetags.orders_ui import EVENT_TEXTS

        from . import forms, receivers, views  # noqa: F401 (importing receivers connects them)
        from .models import Shipment
        from .states import GONE_SHIPMENT_STATUSES

        register_order_actions(forms.OpenAfterSalesForm)
        for event_type in (EventType.AFTER_SALES_OPENED, EventType.AFTER_SALES_UPDATED):
            EVENT_TEXTS[event_type] = views.after_sales_event_text
        tallies.count_shipments(Shipment, gone=GONE_SHIPMENT_STATUSES)
