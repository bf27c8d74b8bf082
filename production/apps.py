from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("生产")

    def ready(self) -> None:
        """Production's part in orders, which never imports production: the receivers
        of orders.signals, the order page's production actions, the timeline's text."""
        from orders import signals
        from orders.forms.actions import register_order_actions
        from orders.models import EventType, Order
        from orders.templatetags.orders_ui import EVENT_TEXTS

        from . import forms, receivers, views

        for signal, receiver in (
            (signals.order_cancelling, receivers.recall_on_cancel),
            (signals.order_amended, receivers.reissue_on_amend),
            (signals.order_page, receivers.order_page),
            (signals.order_conditions, receivers.order_conditions),
            (signals.work_groups, receivers.work_groups),
        ):
            signal.connect(receiver, sender=Order, dispatch_uid=f"production.{receiver.__name__}")
        register_order_actions(
            forms.IssueProductionForm,
            forms.AcceptShortfallForm,
            forms.CompleteProductionForm,
            forms.OpenIncidentForm,
        )
        EVENT_TEXTS[EventType.INSPECTION_RECORDED] = views.inspection_event_text
