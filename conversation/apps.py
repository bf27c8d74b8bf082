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
        from gendan.web import register_page_part
        from orders.forms.actions import register_order_actions

        from . import forms, receivers, selectors, views  # noqa: F401 (receivers: connected)

        register_order_actions(forms.OpenRequestForm)
        register_menu_count("requests", selectors.requests_to_decide_count)
        # The notes and photos of a shipment or an after-sales case on its own page.
        register_page_part("shipping/shipment_detail.html", views.add_to_part_page("shipment"))
        register_page_part("shipping/case_detail.html", views.add_to_part_page("case"))
