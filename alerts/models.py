"""The alerts: what fired (``Alert``), whose inbox it is in (``AlertRecipient``), the
thresholds (``AlertSettings``) and which daily sweeps ran (``AlertSweepRun``).

The first three tables were created by the gendan app (migration gendan 0004) and keep their names
(``db_table``): the models moved here with ``SeparateDatabaseAndState`` (gendan 0007,
alerts 0001), the data did not move.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
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

from gendan.fields import ref, user_ref
from gendan.models import Singleton, singleton_constraint

# Days before the contract delivery date an alert may look ahead: at most a year.
MAX_DUE_SOON_DAYS = 366


def validate_due_soon_days(value: str) -> None:
    """Each of the comma-separated days is at most ``MAX_DUE_SOON_DAYS`` (a sweep adds
    them to today: a huge one is no date at all)."""
    days = [d for d in (value or "").split(",") if d.strip()]
    if any(not d.strip().isdigit() or int(d) > MAX_DUE_SOON_DAYS for d in days):
        raise ValidationError(
            _("每个天数须为 0 到 %(n)s 之间的整数。"), params={"n": MAX_DUE_SOON_DAYS}
        )


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
    MILESTONE_DUE_SOON = "milestone_due_soon", _("节点临近")
    MILESTONE_OVERDUE = "milestone_overdue", _("节点逾期")
    CRITICAL_PATH_SLIPPED = "critical_path_slipped", _("关键路径延误超过交期")
    MATERIAL_LATE = "material_late", _("物料未按时到货")
    SEALED_SAMPLE_MISSING = "sealed_sample_missing", _("未首件封样")
    # The conversation (conversation/): put in inboxes by alerts/receivers.py as they
    # happen, except the overdue request, found by its sweep.
    MENTION = "mention", _("有人提到你")
    APPROVAL_REQUESTED = "approval_requested", _("待审批申请")
    APPROVAL_DECIDED = "approval_decided", _("申请已审批")
    APPROVAL_OVERDUE = "approval_overdue", _("申请超时未审批")
    # The monthly assessment (kpi/): sent to its person, in their inbox until they
    # confirm or dispute it (alerts/assessments.py, raised as it happens).
    ASSESSMENT_SENT = "assessment_sent", _("考核待确认")
    # One a day per person, after the day's sweeps (alerts.services._daily_digest).
    DAILY_DIGEST = "daily_digest", _("每日汇总")


# Raised as they happen (alerts/receivers.py), never by a sweep; every other rule is
# swept on its schedule.
EVENT_RULES = frozenset(
    {
        AlertRule.MENTION,
        AlertRule.APPROVAL_REQUESTED,
        AlertRule.APPROVAL_DECIDED,
        AlertRule.ASSESSMENT_SENT,
    }
)
SWEPT_RULES = tuple(rule for rule in AlertRule.values if rule not in EVENT_RULES)


class DecimalJSONDecoder(json.JSONDecoder):
    """Reads JSON numbers with a fraction as Decimal: money in an alert's data stays exact."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)


class Alert(models.Model):
    """One alert: a rule that fired for an object (order, payment, production order), from
    the day it started (``day``) while the condition lasts (``last_seen_on``) until the
    sweep no longer finds it, or finds it escalated (``resolved_on``).

    Written by the sweeps of ``alerts.services`` only. The unique constraint on
    (rule, object) among the open alerts is what makes a re-run, a retried task, two
    workers at once or the next day's sweep leave exactly one alert while the
    condition lasts: the sweeps insert with ON CONFLICT DO NOTHING.
    """

    Rule = AlertRule

    rule = models.CharField(_("规则"), max_length=40, choices=AlertRule.choices)
    day = models.DateField(_("日期"), help_text=_("检查当天的本地日期。"))
    # No index of their own: alert_object_idx and alert_order_day_idx (below) lead with
    # them, and every sweep writes thousands of alerts through each index.
    content_type = ref(ContentType, _("对象类型"), related_name="+", db_index=False)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    order = ref(
        "orders.Order",
        _("订单"),
        on_delete=models.CASCADE,
        optional=True,
        related_name="alerts",
        db_index=False,
    )
    escalated = models.BooleanField(
        _("已升级"), default=False, help_text=_("同时发送给跟单主管（或规则规定的上级）。")
    )
    data = models.JSONField(
        _("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder, decoder=DecimalJSONDecoder
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_seen_on = models.DateField(
        _("最近一次出现"), null=True, blank=True, help_text=_("扫描最近一次发现此情况的日期。")
    )
    resolved_on = models.DateField(
        _("结束日期"),
        null=True,
        blank=True,
        help_text=_("扫描不再发现此情况（或情况升级为新提醒）的日期；空表示仍在持续。"),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        through="AlertRecipient",
        related_name="alerts",
    )

    class Meta:
        db_table = "gendan_alert"
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id"],
                condition=Q(resolved_on__isnull=True),
                name="alert_one_open_per_rule_object",
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
        from .messages import alert_message

        return alert_message(self)

    @property
    def digest_lines(self) -> list[dict[str, str]]:
        """A daily digest's rules: each one's text and the link to its list."""
        from .messages import digest_line
        from .services import digest_link

        day = (self.data or {}).get("day", "")
        return [
            {"text": digest_line(entry), "url": digest_link(entry["rule"], day)}
            for entry in (self.data or {}).get("rules", [])
        ]


class AlertRecipient(models.Model):
    """An alert in one user's inbox: when it was read, acknowledged and e-mailed."""

    # No index of their own: the unique (alert, user) and the inbox's (user, read_at)
    # lead with them. A sweep writes a row per recipient (hundreds of thousands at a
    # million orders), and each index is written for each row.
    alert = ref(
        Alert, _("提醒"), on_delete=models.CASCADE, related_name="recipients", db_index=False
    )
    user = user_ref(
        _("接收人"), on_delete=models.CASCADE, related_name="alert_inbox", db_index=False
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    digest = models.BooleanField(
        _("仅汇总"),
        default=False,
        help_text=_("按角色收到的提醒：不单独通知，计入每日汇总。"),
    )

    class Meta:
        db_table = "gendan_alertrecipient"
        verbose_name = _("提醒接收人")
        verbose_name_plural = _("提醒接收人")
        ordering = ["alert_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alert_recipient_once")
        ]
        # The inbox and its unread count read by user. The count is of the rows that came
        # to the person directly (not ``digest``): rows that came by role stay unread
        # (the digest counts them), some twenty thousand a day for a production person
        # at a million orders, and with (user, read_at) alone the count on every page
        # stepped over all of them (12 ms after one day's sweeps, more each day).
        indexes = [
            models.Index(fields=["user", "digest", "read_at"], name="alert_inbox_unread_idx")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.user_id}"


class AlertSettings(Singleton):
    """The alert thresholds (product.md §4), one row, editable in the admin."""

    due_soon_days = models.CharField(
        _("交期临近提醒（天）"),
        max_length=50,
        default="7,3,1",
        validators=[validate_comma_separated_integer_list, validate_due_soon_days],
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
        db_table = "gendan_alertsettings"
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [singleton_constraint("alert_settings_singleton")]

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
