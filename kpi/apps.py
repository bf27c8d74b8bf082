from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = _("绩效与薪酬")

    def ready(self) -> None:
        from gendan.views import register_home_section

        from .views import home_section

        register_home_section("kpi", home_section)
