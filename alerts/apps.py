from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("提醒")

    def ready(self) -> None:
        from gendan.context_processors import register_menu_count
        from gendan.views import register_home_section

        from . import receivers, selectors, views  # noqa: F401 (importing receivers connects them)

        register_home_section("alerts", views.home_section)
        register_menu_count("alerts", selectors.alert_unread_count_for)
