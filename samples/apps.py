from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplesConfig(AppConfig):
    name = "samples"
    verbose_name = _("打样")

    def ready(self) -> None:
        """Samples' part in the order and production order pages (their receivers)."""
        from . import receivers  # noqa: F401 (importing receivers connects them)
