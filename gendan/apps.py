from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GendanConfig(AppConfig):
    name = "gendan"
    verbose_name = _("跟单系统")
