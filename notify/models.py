"""The notifications outbox and its channels' settings.

- ``OutboxEvent``: one domain event to announce, written in the transaction of the
  change (``notify.outbox``); the dispatcher fans it out after commit.
- ``Delivery``: the event for one channel and one target (a webhook subscription, a
  group robot), with a stable id, its state, attempts and next attempt;
  ``DeliveryAttempt``: the delivery log, one row per try.
- ``WebhookSubscription``: an ERP (``gendan.ApiClient``) asks for some event types at
  a URL, signed with its secret.
- ``GroupRobot``: a team's WeCom or DingTalk group robot.
- ``NotificationPreference``: how a person wants e-mail (as it happens, a daily
  digest, or none).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.fields import ref
from gendan.models import ApiClient

ROBOT_URL_HELP = _("机器人的完整 Webhook 地址（含 key 或 access_token）。")
SIGN_HELP = _("钉钉机器人“加签”的密钥（SEC 开头）；不加签或企业微信留空。")
# Every event type ("*" in a subscription's list).
ALL_EVENTS = "*"


class DeliveryStatus(models.TextChoices):
    """A delivery waits (tried again after each failure), went through, or was given up."""

    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("已放弃")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class RobotPlatform(models.TextChoices):
    """The group robots a team may use."""

    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


def validate_event_types(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("请至少填写一个事件类型（或 *）。"))
    for item in value:
        if not isinstance(item, str) or not item or len(item) > 64 or "\x00" in item:
            raise ValidationError(_("事件类型须为不超过 64 个字符的文本。"))


def matches(event_types: list[str], topic: str) -> bool:
    """``topic`` ("order.status_changed") is one of ``event_types``: exactly, by its
    family ("order.*") or "*"."""
    family = topic.split(".", 1)[0] + ".*"
    return any(t in (ALL_EVENTS, topic, family) for t in event_types)


class EmailMode(models.TextChoices):
    """How a person's alerts reach them by e-mail."""

    IMMEDIATE = "immediate", _("即时发送")
    DIGEST = "digest", _("每日汇总")
    OFF = "off", _("不发邮件")


class OutboxEvent(models.Model):
    """A domain event waiting to be announced (or announced: ``fanned_out_at``)."""

    event_id = models.UUIDField(_("事件 ID"), default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(_("事件类型"), max_length=64, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.BigIntegerField(_("对象编号"))
    subject_label = models.CharField(_("对象"), max_length=100, blank=True)
    # Whose object it is (an order's merchandiser): a team robot takes its members' events.
    owner_id = models.BigIntegerField(_("负责人编号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), blank=True)
    path = models.CharField(_("链接"), max_length=200, blank=True)
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    fanned_out_at = models.DateTimeField(_("分发时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("待发通知")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="outbox_not_fanned_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.subject_label or self.subject_id}"

    @property
    def url(self) -> str:
        """The absolute link to the object (``GENDAN_SITE_URL`` + its page)."""
        return settings.GENDAN_SITE_URL.rstrip("/") + self.path if self.path else ""


class Delivery(models.Model):
    """One event for one channel target. ``delivery_id`` stays the same over every
    retry and redelivery: the receiver de-duplicates on it."""

    Status = DeliveryStatus

    delivery_id = models.UUIDField(_("投递 ID"), default=uuid.uuid4, unique=True, editable=False)
    event = ref(OutboxEvent, _("事件"), on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=32)
    target = models.CharField(_("目标"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_error = models.TextField(_("最近错误"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = _("通知投递")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "target"], name="delivery_once_per_target"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.target} {self.event_id}"


class DeliveryAttempt(models.Model):
    """One try of a delivery: the log the admin shows."""

    delivery = ref(Delivery, _("投递"), on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"), default=False)
    status_code = models.PositiveIntegerField(_("HTTP 状态"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("投递记录")
        ordering = ["delivery_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S}"


class WebhookSubscription(models.Model):
    """An ERP's subscription: the event types it wants, where, signed with ``secret``."""

    client = ref(
        ApiClient, _("接口客户端"), on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("接收地址"), max_length=500)
    event_types = models.JSONField(
        _("事件类型"),
        default=list,
        validators=[validate_event_types],
        help_text=_("如 order.status_changed、order.*、alert.*；* 表示全部。"),
    )
    secret = models.CharField(_("签名密钥"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("Webhook 订阅")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"


class GroupRobot(models.Model):
    """A team's group robot: the events of the team's members' objects go to its group."""

    Platform = RobotPlatform

    name = models.CharField(_("名称"), max_length=100)
    platform = models.CharField(_("平台"), max_length=16, choices=RobotPlatform.choices)
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500, help_text=ROBOT_URL_HELP)
    secret = models.CharField(_("加签密钥"), max_length=100, blank=True, help_text=SIGN_HELP)
    # The team: only events about its members' objects (none: every event).
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("团队成员"), blank=True, related_name="+"
    )
    event_types = models.JSONField(
        _("事件类型"),
        default=list,
        validators=[validate_event_types],
        help_text=_('如 ["alert.*", "order.status_changed"]；* 表示全部。'),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("群机器人")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NotificationPreference(models.Model):
    """A person's choice of e-mail (no row: as it happens)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.CharField(
        _("邮件提醒"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return f"{self.user} {self.email}"
