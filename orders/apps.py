from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("订单")

    def ready(self) -> None:
        from gendan.views import register_home_section

        from . import scopes
        from .views.home import my_work_section

        scopes.register()
        register_home_section("my_work", my_work_section)
