from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationConfig(AppConfig):
    name = "conversation"
    verbose_name = _("跟进与审批")

    def ready(self) -> None:
        """The conversation's part in orders, which never imports it: the receivers of
        orders.signals (order page, confirming with a document, My work) and the
        order page's request action."""
        from gendan.context_processors import register_menu_count
        from orders.forms.actions import register_order_actions

        from . import forms, receivers, selectors  # noqa: F401 (importing receivers connects them)

        register_order_actions(forms.OpenRequestForm)
        register_menu_count("requests", lambda user: selectors.requests_to_decide(user).count())
