from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = _("通知")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gendan.timeline import recorded

        from . import channels, models, outbox, robots, webhooks

        recorded.connect(outbox.on_timeline_recorded, dispatch_uid="notify.outbox")
        channels.register(webhooks.WebhookChannel())
        channels.register(robots.RobotChannel())
        for model in (models.WebhookSubscription, models.GroupRobot):
            post_save.connect(channels.forget_active, sender=model, dispatch_uid=f"notify.{model}")
            post_delete.connect(
                channels.forget_active, sender=model, dispatch_uid=f"notify.del.{model}"
            )
