from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig as BeatAppConfig


class GendanConfig(AppConfig):
    default = True  # the app's own config, among the others below
    name = "gendan"
    verbose_name = _("跟单系统")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .db import use_fast_timestamps

        connection_created.connect(use_fast_timestamps, dispatch_uid="gendan.fast_timestamps")


# The third-party apps that show in the admin, under names a user reads (their own
# are their package names, AXES and KNOX, or untranslated).
class AxesConfig(AxesAppConfig):
    verbose_name = _("登录防护")


class KnoxConfig(AppConfig):
    name = "knox"
    verbose_name = _("API 令牌")


class CeleryBeatConfig(BeatAppConfig):
    verbose_name = _("定时任务")
