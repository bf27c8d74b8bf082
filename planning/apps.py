from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("节点计划与物料")

    def ready(self) -> None:
        """Planning's part in orders and production, which never import it: the
        receivers of their hooks (plan on confirm, re-plan on amend, milestones done by
        the lifecycle, the materials check when production is issued, the order page)."""
        from . import receivers  # noqa: F401 (importing receivers connects them)
