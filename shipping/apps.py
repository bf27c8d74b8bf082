from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("出货与售后")

    def ready(self) -> None:
        from orders import signals
        from orders.models import Order

        from . import receivers

        for signal, receiver in (
            (signals.order_cancelling, receivers.cancel_on_cancel),
            (signals.order_delivery_confirming, receivers.deliver_on_delivery),
            (signals.order_closing, receivers.guard_closing),
        ):
            signal.connect(receiver, sender=Order, dispatch_uid=f"shipping.{receiver.__name__}")
