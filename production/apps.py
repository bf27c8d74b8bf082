from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("生产")

    def ready(self) -> None:
        from . import scopes

        scopes.register()
