from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("生产")

    def ready(self) -> None:
        from orders import signals
        from orders.models import Order

        from . import receivers

        for signal, receiver in (
            (signals.order_cancelling, receivers.recall_on_cancel),
            (signals.order_amended, receivers.reissue_on_amend),
        ):
            signal.connect(receiver, sender=Order, dispatch_uid=f"production.{receiver.__name__}")
