from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("生产")

    def ready(self) -> None:
        """Production's part in orders, which never imports production: the receivers
        of orders.signals, the order page's production actions, the timeline's text;
        and its policy scopes."""
        from orders.forms.actions import register_order_actions
        from orders.models import EventType
        from orders.templatetags.orders_ui import EVENT_TEXTS

        from . import forms, receivers, scopes, views  # noqa: F401 (importing receivers connects them)

        scopes.register()
        register_order_actions(
            forms.IssueProductionForm,
            forms.AcceptShortfallForm,
            forms.CompleteProductionForm,
            forms.OpenIncidentForm,
        )
        EVENT_TEXTS[EventType.INSPECTION_RECORDED] = views.inspection_event_text
        EVENT_TEXTS[EventType.PROGRESS_CORRECTED] = views.report_event_text
        EVENT_TEXTS[EventType.PROGRESS_WITHDRAWN] = views.report_event_text
