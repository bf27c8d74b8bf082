from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_comma_separated_integer_list,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Gendan user; roles are Django groups (gendan.roles.Role)."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Sequence(models.Model):
    """A named counter for document numbers (orders, production orders, shipments).

    Numbers are taken with an atomic UPDATE … SET last = last + 1, which holds the
    row lock until the surrounding transaction commits: two transactions never
    get the same number.
    """

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class Holiday(models.Model):
    """A day that breaks the Monday–Friday rule: a public holiday, or a make-up
    working day on a weekend (调休上班, ``is_working_day=True``)."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_working_day = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选表示这是周末补班的工作日。")
    )

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AlertRule(models.TextChoices):
    """The alert rules of product.md §4."""

    DELIVERY_DUE_SOON = "delivery_due_soon", _("交期临近")
    DELIVERY_OVERDUE = "delivery_overdue", _("交期已过")
    PRODUCTION_BEHIND_PLAN = "production_behind_plan", _("生产落后计划")
    DELIVERY_AT_RISK = "delivery_at_risk", _("交期风险")
    PROGRESS_REPORT_MISSING = "progress_report_missing", _("生产日报缺失")
    DEPOSIT_OVERDUE = "deposit_overdue", _("订金逾期未付")
    BALANCE_OVERDUE = "balance_overdue", _("尾款逾期未付")
    ASSESSMENT_DUE = "assessment_due", _("考核待办")


class DecimalJSONDecoder(json.JSONDecoder):
    """Reads JSON numbers with a fraction as Decimal: money in an alert's data stays exact."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)


class Alert(models.Model):
    """One alert: a rule that fired for an object (order, payment, production order) on a day.

    Written by the sweeps of ``gendan.alerts`` only. The unique constraint on
    (rule, day, object) is what makes a re-run, a retried task or two workers
    at once leave exactly one alert: the sweeps insert with ON CONFLICT DO NOTHING.
    """

    Rule = AlertRule

    rule = models.CharField(_("规则"), max_length=40, choices=AlertRule.choices)
    day = models.DateField(_("日期"), help_text=_("检查当天的本地日期。"))
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("订单"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    escalated = models.BooleanField(
        _("已升级"), default=False, help_text=_("同时发送给跟单主管（或规则规定的上级）。")
    )
    data = models.JSONField(
        _("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder, decoder=DecimalJSONDecoder
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        through="AlertRecipient",
        related_name="alerts",
    )

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "day", "content_type", "object_id"],
                name="alert_one_per_rule_day_object",
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="alert_object_idx"),
            models.Index(fields=["order", "day"], name="alert_order_day_idx"),
            models.Index(fields=["created_at"], name="alert_created_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_rule_display()} {self.data.get('order_number', self.object_id)} {self.day}"
        )

    @property
    def message(self) -> str:
        """The alert as a sentence, in the active language."""
        from gendan.alerts.messages import alert_message

        return alert_message(self)


class AlertRecipient(models.Model):
    """An alert in one user's inbox: when it was read, acknowledged and e-mailed."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("提醒"), on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="alert_inbox",
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒接收人")
        verbose_name_plural = _("提醒接收人")
        ordering = ["alert_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alert_recipient_once")
        ]
        # The inbox and its unread count read by user.
        indexes = [models.Index(fields=["user", "read_at"], name="alert_inbox_unread_idx")]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.user_id}"


class AlertSettings(models.Model):
    """The alert thresholds (product.md §4), one row, editable in the admin."""

    SINGLETON_ID = 1

    due_soon_days = models.CharField(
        _("交期临近提醒（天）"),
        max_length=50,
        default="7,3,1",
        validators=[validate_comma_separated_integer_list],
        help_text=_("距合同交期还有这些天数时提醒，用逗号分隔。"),
    )
    behind_plan_percent = models.PositiveSmallIntegerField(
        _("落后计划阈值（%）"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("实际累计良品数比计划累计数少超过此百分比时提醒。"),
    )
    progress_missing_working_days = models.PositiveSmallIntegerField(
        _("日报缺失（工作日）"),
        default=1,
        help_text=_("超过此工作日数没有生产日报时提醒。"),
    )
    deposit_overdue_days = models.PositiveSmallIntegerField(
        _("订金逾期（天）"), default=7, help_text=_("请款后这么多天订金仍未全部到账时提醒。")
    )
    balance_escalation_days = models.PositiveSmallIntegerField(
        _("尾款升级（天）"),
        default=14,
        help_text=_("尾款逾期（超过客户付款期限）达到此天数后同时提醒跟单主管。"),
    )
    packing_shipping_lead_days = models.PositiveSmallIntegerField(
        _("包装出运周期（天）"),
        default=3,
        help_text=_("生产完成到出货所需的天数，用于交期风险预测。"),
    )
    run_rate_window_days = models.PositiveSmallIntegerField(
        _("产量速率取样（填报天数）"),
        default=7,
        validators=[MinValueValidator(2)],
        help_text=_("按最近这么多个有产出的填报日计算生产速率。"),
    )
    send_email = models.BooleanField(_("发送邮件"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="alert_settings_singleton")]

    def __str__(self) -> str:
        return str(_("提醒设置"))

    @classmethod
    def load(cls) -> AlertSettings:
        """The settings row (created with the defaults if it is missing)."""
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return obj

    @property
    def due_soon_day_list(self) -> list[int]:
        return sorted({int(d) for d in self.due_soon_days.split(",") if d.strip()}, reverse=True)


class AlertSweepRun(models.Model):
    """One rule's sweep for one day that ran and committed (with its alerts).

    Beat sends each daily sweep once; a send that fails (the broker down at that
    minute) is not repeated by beat. The catch-up (``alert_sweep_catch_up``) runs
    every rule whose time has come today and that has no row for today.
    """

    rule = models.CharField(_("规则"), max_length=40, choices=AlertRule.choices)
    day = models.DateField(_("日期"))
    first_run_at = models.DateTimeField(_("首次运行时间"))
    last_run_at = models.DateTimeField(_("最近运行时间"))
    runs = models.PositiveIntegerField(_("运行次数"), default=0)
    alerts_created = models.PositiveIntegerField(_("新提醒数"), default=0)

    class Meta:
        verbose_name = _("提醒扫描记录")
        verbose_name_plural = _("提醒扫描记录")
        ordering = ["-day", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "day"], name="alert_sweep_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.day}"


class ApiScope(models.TextChoices):
    """What a machine client's token may touch (people's tokens are limited by roles only)."""

    CUSTOMERS_READ = "customers:read", _("读取客户")
    CUSTOMERS_WRITE = "customers:write", _("新建和修改客户")
    PRODUCTS_READ = "products:read", _("读取产品")
    PRODUCTS_WRITE = "products:write", _("新建和修改产品")
    ORDERS_READ = "orders:read", _("读取订单")
    ORDERS_WRITE = "orders:write", _("新建和修改订单")
    PAYMENTS_READ = "payments:read", _("读取收付款")
    PRODUCTION_READ = "production:read", _("读取生产数据")
    SHIPMENTS_READ = "shipments:read", _("读取出货和售后")


# An ERP's usual needs: create and read orders, customers and products; read the rest.
DEFAULT_API_SCOPES = [
    ApiScope.CUSTOMERS_READ,
    ApiScope.CUSTOMERS_WRITE,
    ApiScope.PRODUCTS_READ,
    ApiScope.PRODUCTS_WRITE,
    ApiScope.ORDERS_READ,
    ApiScope.ORDERS_WRITE,
    ApiScope.PAYMENTS_READ,
    ApiScope.SHIPMENTS_READ,
]


class ApiClient(models.Model):
    """A machine client of the API (an ERP): a user in the ``integration`` group whose
    tokens may only touch its ``scopes``. Its tokens are knox tokens (hashed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    name = models.CharField(_("名称"), max_length=100, unique=True)
    scopes = models.JSONField(_("权限范围"), default=list)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("默认跟单员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("接口新建订单未指定跟单员时使用。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyKey(models.Model):
    """A POST's ``Idempotency-Key``: the first request's fingerprint and response, kept
    24 hours per caller. The row is inserted (and committed) before the request runs;
    ``status_code`` stays empty until its response is stored, in the same transaction
    as the request's own changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调用方"), on_delete=models.CASCADE
    )
    key = models.CharField(_("幂等键"), max_length=255)
    fingerprint = models.CharField(_("请求指纹"), max_length=64)
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=2000)
    status_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_body = models.TextField(_("响应内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
