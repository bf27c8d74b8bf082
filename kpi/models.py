"""Monthly assessments, pay schemes as data, the month's inputs and pay statements.

Fields and constraints only; every change goes through ``kpi.services``, the
rules of kpi-and-pay.md live in ``kpi.scoring`` (pure) and ``kpi.services``.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gendan.fields import ref, user_ref
from gendan.money import MONEY, ZERO
from gendan.timeline import TimelineEvent, status_fields

from .states import AssessmentStatus

SCORE = {"max_digits": 5, "decimal_places": 2}
HOURS = {"max_digits": 6, "decimal_places": 2}


def _range(low: int, high: int) -> list:
    return [MinValueValidator(Decimal(low)), MaxValueValidator(Decimal(high))]


# --------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------


class AssessmentTemplate(models.Model):
    """Weights of the four performance metrics (summing to 50) and the time limits
    of the resolution metric. One template is the default."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    is_default = models.BooleanField(_("默认模板"), default=False)
    weight_on_time = models.DecimalField(
        _("准时交货率分值"), default=Decimal("20"), validators=_range(0, 50), **SCORE
    )
    weight_completion = models.DecimalField(
        _("订单完成率分值"), default=Decimal("10"), validators=_range(0, 50), **SCORE
    )
    weight_complaints = models.DecimalField(
        _("客户满意度分值"), default=Decimal("10"), validators=_range(0, 50), **SCORE
    )
    weight_resolution = models.DecimalField(
        _("问题处理能力分值"), default=Decimal("10"), validators=_range(0, 50), **SCORE
    )
    incident_limit_hours = models.PositiveIntegerField(_("异常处理时限（小时）"), default=48)
    after_sales_limit_hours = models.PositiveIntegerField(_("售后处理时限（小时）"), default=72)

    class Meta:
        verbose_name = _("考核模板")
        verbose_name_plural = _("考核模板")
        ordering = ["-is_default", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_on_time__gte=0)
                & Q(weight_completion__gte=0)
                & Q(weight_complaints__gte=0)
                & Q(weight_resolution__gte=0),
                name="kpi_template_weights_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(
                    weight_on_time=Decimal(50)
                    - F("weight_completion")
                    - F("weight_complaints")
                    - F("weight_resolution")
                ),
                name="kpi_template_weights_sum_50",
                violation_error_message=_("四项指标的分值之和必须为 50。"),
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="kpi_one_default_template"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            "on_time": self.weight_on_time,
            "completion": self.weight_completion,
            "complaints": self.weight_complaints,
            "resolution": self.weight_resolution,
        }


class Assessment(models.Model):
    """One person's monthly assessment (月度绩效考核), with the raw counts it was computed from."""

    Status = AssessmentStatus

    person = user_ref(_("被考核人"), related_name="assessments")
    period = models.DateField(_("考核月份"), help_text=_("该月的第一天。"))
    template = ref(AssessmentTemplate, _("考核模板"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    # Raw counts, so the person can check every rate.
    shipped_count = models.PositiveIntegerField(_("当月全部出货订单数"), default=0)
    on_time_count = models.PositiveIntegerField(_("其中准时出货"), default=0)
    due_count = models.PositiveIntegerField(_("当月合同交期订单数"), default=0)
    completed_count = models.PositiveIntegerField(_("其中月底前全部出货"), default=0)
    complaint_count = models.PositiveIntegerField(_("当月客户投诉数"), default=0)
    resolution_count = models.PositiveIntegerField(_("应处理的异常与售后数"), default=0)
    resolved_in_time_count = models.PositiveIntegerField(_("其中按时处理"), default=0)
    # Points of each metric after rescaling; empty = no data for that metric.
    on_time_points = models.DecimalField(_("准时交货得分"), null=True, blank=True, **SCORE)
    completion_points = models.DecimalField(_("订单完成得分"), null=True, blank=True, **SCORE)
    complaints_points = models.DecimalField(_("客户满意度得分"), null=True, blank=True, **SCORE)
    resolution_points = models.DecimalField(_("问题处理得分"), null=True, blank=True, **SCORE)
    performance = models.DecimalField(
        _("工作绩效"), null=True, blank=True, validators=_range(0, 50), **SCORE
    )
    performance_is_manual = models.BooleanField(_("工作绩效手工录入"), default=False)
    performance_note = models.TextField(_("工作绩效说明"), blank=True)
    teamwork = models.DecimalField(
        _("团队合作能力"), null=True, blank=True, validators=_range(0, 30), **SCORE
    )
    attitude = models.DecimalField(
        _("工作态度及服务质量"), null=True, blank=True, validators=_range(0, 20), **SCORE
    )
    total_score = models.DecimalField(_("总分"), null=True, blank=True, **SCORE)
    dispute_reason = models.TextField(_("异议理由"), blank=True)
    reconfirm_note = models.TextField(_("主管复核意见"), blank=True)
    reopen_reason = models.TextField(_("重新打开原因"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        ordering = ["-period", "person_id"]
        indexes = [models.Index(fields=["period", "status"], name="kpi_assessment_period_idx")]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="kpi_one_assessment_a_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="kpi_assessment_period_day_1"),
            models.CheckConstraint(
                condition=Q(teamwork__isnull=True) | (Q(teamwork__gte=0) & Q(teamwork__lte=30)),
                name="kpi_teamwork_0_30",
            ),
            models.CheckConstraint(
                condition=Q(attitude__isnull=True) | (Q(attitude__gte=0) & Q(attitude__lte=20)),
                name="kpi_attitude_0_20",
            ),
            models.CheckConstraint(
                condition=Q(performance__isnull=True)
                | (Q(performance__gte=0) & Q(performance__lte=50)),
                name="kpi_performance_0_50",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status in (AssessmentStatus.FINALIZED, AssessmentStatus.EXPORTED)

    @property
    def has_metric_data(self) -> bool:
        """Whether any of the four metrics had data (else performance is entered by hand)."""
        return any(
            points is not None
            for points in (
                self.on_time_points,
                self.completion_points,
                self.complaints_points,
                self.resolution_points,
            )
        )


class AssessmentAction(models.TextChoices):
    COMPUTED = "computed", _("计算")
    ENTERED = "entered", _("主管评分")
    SENT = "sent", _("发送")
    CONFIRMED = "confirmed", _("确认")
    DISPUTED = "disputed", _("提出异议")
    RECONFIRMED = "reconfirmed", _("主管复核确认")
    FINALIZED = "finalized", _("定稿")
    EXPORTED = "exported", _("导出工资表")
    REOPENED = "reopened", _("重新打开")
    INPUT_CHANGED = "input_changed", _("扣款/工时/差错变更")


class AssessmentEvent(TimelineEvent):
    """The assessment's history: every step, who, when, from which status to which."""

    Action = AssessmentAction
    subject_field = "assessment"
    kind_field = "action"

    assessment = ref(Assessment, _("考核"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=AssessmentAction.choices)
    from_status, to_status = status_fields(AssessmentStatus.choices, max_length=12)

    class Meta:
        verbose_name = _("考核记录")
        verbose_name_plural = _("考核记录")
        ordering = ["assessment_id", "created_at", "id"]


# --------------------------------------------------------------------------
# Pay schemes: configuration, not code
# --------------------------------------------------------------------------


class PayScheme(models.Model):
    """A pay scheme (薪酬方案): its components and penalty rules are rows finance edits."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    assessment_template = ref(
        AssessmentTemplate, _("考核模板"), optional=True, help_text=_("留空则使用默认考核模板。")
    )
    is_preset = models.BooleanField(_("预置方案"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("薪酬方案")
        verbose_name_plural = _("薪酬方案")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComponentKind(models.TextChoices):
    POSITION_SALARY = "position_salary", _("岗位工资/基本工资")
    COMMISSION = "commission", _("销售提成")
    PROCESSING_FEE = "processing_fee", _("延时工资（按加工费）")
    DECLARATION_BONUS = "declaration_bonus", _("报关提成")
    QUALITY_AWARD = "quality_award", _("文明生产质量奖")
    OVERTIME = "overtime", _("加班工资")
    ABSENCE = "absence", _("出勤不足扣发")


class CommissionBasis(models.TextChoices):
    FULLY_SHIPPED = "fully_shipped", _("当月全部出货的订单金额")
    FULLY_PAID = "fully_paid", _("当月全款到账的订单金额")


class PayComponent(models.Model):
    """One component of a scheme. ``amount`` means, by kind: the monthly salary;
    the award; the bonus per declaration; the pay per 10,000 of processing fees;
    the rate per hour (overtime, absence). The commission uses ``rate_permille``,
    ``basis`` and ``scaled_by_score``; the award its two thresholds."""

    Kind = ComponentKind

    scheme = ref(PayScheme, _("薪酬方案"), on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("类型"), max_length=20, choices=ComponentKind.choices)
    label = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("工资表上的名称。"))
    enabled = models.BooleanField(_("启用"), default=True)
    amount = models.DecimalField(_("金额/费率"), default=ZERO, **MONEY)
    rate_permille = models.DecimalField(
        _("提成比例（‰）"), max_digits=8, decimal_places=3, default=Decimal("0")
    )
    basis = models.CharField(
        _("提成基数"),
        max_length=16,
        choices=CommissionBasis.choices,
        default=CommissionBasis.FULLY_SHIPPED,
    )
    scaled_by_score = models.BooleanField(_("按考核得分折算"), default=False)
    penalty_threshold = models.DecimalField(_("当月扣款低于"), default=Decimal("200.00"), **MONEY)
    loss_threshold = models.DecimalField(_("公司损失低于"), default=Decimal("1000.00"), **MONEY)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("薪酬项目")
        verbose_name_plural = _("薪酬项目")
        ordering = ["scheme_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="kpi_component_once_a_scheme"),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(rate_permille__gte=0)
                & Q(penalty_threshold__gte=0)
                & Q(loss_threshold__gte=0),
                name="kpi_component_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or str(ComponentKind(self.kind).label)


class PenaltyRuleKind(models.TextChoices):
    PERCENT_OF_LOSS = "percent_of_loss", _("按损失比例（分段）")
    FIXED = "fixed", _("每次固定金额")
    RANGE = "range", _("每次金额范围（主管选定）")


class PenaltyFlag(models.TextChoices):
    YEAR_END_BONUS_CANCELLED = "year_end_bonus_cancelled", _("取消年终奖")


class PenaltyRule(models.Model):
    """A penalty rule (考核扣款) of a scheme."""

    Kind = PenaltyRuleKind

    scheme = ref(PayScheme, _("薪酬方案"), on_delete=models.CASCADE, related_name="penalty_rules")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=PenaltyRuleKind.choices)
    amount = models.DecimalField(_("每次金额"), default=ZERO, **MONEY)
    min_amount = models.DecimalField(_("最低金额"), default=ZERO, **MONEY)
    max_amount = models.DecimalField(_("最高金额"), default=ZERO, **MONEY)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("扣款规则")
        verbose_name_plural = _("扣款规则")
        ordering = ["scheme_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="kpi_penalty_rule_code_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(min_amount__gte=0)
                & Q(max_amount__gte=F("min_amount")),
                name="kpi_penalty_rule_amounts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PenaltyBracket(models.Model):
    """A bracket of a percent-of-loss rule: loss ≤ ``up_to`` (empty = no upper bound)
    → ``percent`` % of the loss plus ``fixed_amount``, and the bracket's flag."""

    rule = ref(PenaltyRule, _("扣款规则"), on_delete=models.CASCADE, related_name="brackets")
    up_to = models.DecimalField(
        _("损失上限（含）"), null=True, blank=True, help_text=_("留空表示无上限。"), **MONEY
    )
    percent = models.DecimalField(
        _("比例（%）"), max_digits=6, decimal_places=3, default=Decimal("0")
    )
    fixed_amount = models.DecimalField(_("固定金额"), default=ZERO, **MONEY)
    flag = models.CharField(_("附加处理"), max_length=32, choices=PenaltyFlag.choices, blank=True)

    class Meta:
        verbose_name = _("损失分段")
        verbose_name_plural = _("损失分段")
        ordering = ["rule_id", F("up_to").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(fixed_amount__gte=0),
                name="kpi_bracket_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"≤ {self.up_to}" if self.up_to is not None else "∞"


class PaySchemeAssignment(models.Model):
    """A scheme assigned to a person from a date; the one in force on a month's last
    day applies to that month."""

    person = user_ref(_("人员"), related_name="pay_scheme_assignments")
    scheme = ref(PayScheme, _("薪酬方案"), related_name="assignments")
    effective_from = models.DateField(_("生效日期"))
    probation_until = models.DateField(
        _("试用期至"), null=True, blank=True, help_text=_("试用期内出货的报关单不计提成。")
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = user_ref(_("设置人"), optional=True, related_name="+")
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("薪酬方案分配")
        verbose_name_plural = _("薪酬方案分配")
        ordering = ["person_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "effective_from"], name="kpi_one_assignment_a_day"
            ),
            models.CheckConstraint(
                condition=Q(probation_until__isnull=True)
                | Q(probation_until__gte=models.F("effective_from")),
                name="kpi_probation_after_effective_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.scheme} ({self.effective_from})"


# --------------------------------------------------------------------------
# The month's inputs, entered by supervisors
# --------------------------------------------------------------------------


class PenaltyRecord(models.Model):
    """One penalty (考核扣款) under a rule, with its order or shipment and a note."""

    person = user_ref(_("人员"), related_name="penalty_records")
    period = models.DateField(_("月份"))
    rule = ref(PenaltyRule, _("扣款规则"))
    order = ref("orders.Order", _("订单"), optional=True, related_name="+")
    shipment = ref("shipping.Shipment", _("出货"), optional=True, related_name="+")
    incident = ref(
        "production.Incident",
        _("异常"),
        optional=True,
        related_name="+",
        help_text=_("关联异常的损失不再重复计入公司损失。"),
    )
    occurred_on = models.DateField(_("发生日期"))
    loss_amount = models.DecimalField(_("损失金额"), default=ZERO, **MONEY)
    chosen_amount = models.DecimalField(_("主管选定金额"), null=True, blank=True, **MONEY)
    amount = models.DecimalField(_("扣款金额"), **MONEY)
    flag = models.CharField(_("附加处理"), max_length=32, choices=PenaltyFlag.choices, blank=True)
    note = models.TextField(_("说明"))
    created_by = user_ref(_("登记人"), related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("扣款记录")
        verbose_name_plural = _("扣款记录")
        ordering = ["period", "person_id", "occurred_on", "id"]
        indexes = [models.Index(fields=["period", "person"], name="kpi_penalty_period_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(loss_amount__gte=0), name="kpi_penalty_amount_gte_0"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="kpi_penalty_period_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.rule} {self.amount}"


class PayAdjustment(models.Model):
    """The month's hours: overtime (加班) and missing hours (出勤不足), and whole days
    absent, which pro-rate the quality award."""

    person = user_ref(_("人员"), related_name="pay_adjustments")
    period = models.DateField(_("月份"))
    overtime_hours = models.DecimalField(_("加班小时"), default=ZERO, **HOURS)
    absence_hours = models.DecimalField(_("出勤不足小时"), default=ZERO, **HOURS)
    days_absent = models.DecimalField(
        _("缺勤天数"), max_digits=4, decimal_places=1, default=Decimal("0")
    )
    note = models.TextField(_("备注"), blank=True)
    entered_by = user_ref(_("登记人"), related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工时调整")
        verbose_name_plural = _("工时调整")
        ordering = ["period", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="kpi_one_adjustment_a_month"),
            models.CheckConstraint(
                condition=Q(overtime_hours__gte=0)
                & Q(absence_hours__gte=0)
                & Q(days_absent__gte=0),
                name="kpi_adjustment_hours_gte_0",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="kpi_adjustment_period_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period:%Y-%m}"


class ShipmentFaultKind(models.TextChoices):
    EXTRA_COST = "extra_cost", _("给公司产生额外费用")
    LATE_SHIPMENT = "late_shipment", _("导致出货延迟")
    WRONG_DOCUMENTS = "wrong_documents", _("单据错误")
    LATE_TAX_REBATE = "late_tax_rebate", _("退税资料延误")


class ShipmentFault(models.Model):
    """A merchandiser's fault on a shipment: the shipment earns no declaration bonus,
    and faults cancel the month's, quarter's or year's bonus (kpi-and-pay.md §2).
    ``period`` is the month the shipment left."""

    Kind = ShipmentFaultKind

    shipment = ref("shipping.Shipment", _("出货"), related_name="faults")
    person = user_ref(_("责任跟单员"), related_name="shipment_faults")
    period = models.DateField(_("月份"))
    kind = models.CharField(_("差错类型"), max_length=20, choices=ShipmentFaultKind.choices)
    note = models.TextField(_("说明"))
    created_by = user_ref(_("登记人"), related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("出货差错")
        verbose_name_plural = _("出货差错")
        ordering = ["period", "person_id", "id"]
        indexes = [models.Index(fields=["person", "period"], name="kpi_fault_person_period_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="kpi_fault_period_day_1"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.get_kind_display()}"


# --------------------------------------------------------------------------
# Pay statements
# --------------------------------------------------------------------------


# What the monthly computation writes on a pay statement (the rest is its key).
STATEMENT_FIELDS = (
    "scheme",
    "total_score",
    "position_salary",
    "commission",
    "processing_fee_pay",
    "quality_award",
    "overtime_pay",
    "absence_deduction",
    "penalties",
    "total_pay",
    "declaration_bonus_accrued",
    "declaration_bonus_year_to_date",
    "year_end_bonus_cancelled",
    "resignation_review",
    "computed_at",
)


class PayStatement(models.Model):
    """A person's pay for a month, computed with the assessment and frozen with it."""

    assessment = models.OneToOneField(
        Assessment, verbose_name=_("考核"), on_delete=models.CASCADE, related_name="pay_statement"
    )
    scheme = ref(PayScheme, _("薪酬方案"), optional=True)
    total_score = models.DecimalField(_("考核得分"), null=True, blank=True, **SCORE)
    position_salary = models.DecimalField(_("岗位工资"), default=ZERO, **MONEY)
    commission = models.DecimalField(_("提成"), default=ZERO, **MONEY)
    processing_fee_pay = models.DecimalField(_("延时工资"), default=ZERO, **MONEY)
    quality_award = models.DecimalField(_("质量奖"), default=ZERO, **MONEY)
    overtime_pay = models.DecimalField(_("加班工资"), default=ZERO, **MONEY)
    absence_deduction = models.DecimalField(_("出勤不足扣发"), default=ZERO, **MONEY)
    penalties = models.DecimalField(_("考核扣款"), default=ZERO, **MONEY)
    total_pay = models.DecimalField(_("应发合计"), default=ZERO, **MONEY)
    declaration_bonus_accrued = models.DecimalField(
        _("本月报关提成（计提）"), default=ZERO, **MONEY
    )
    declaration_bonus_year_to_date = models.DecimalField(
        _("本年报关提成累计"), default=ZERO, **MONEY
    )
    year_end_bonus_cancelled = models.BooleanField(_("取消年终奖"), default=False)
    resignation_review = models.BooleanField(
        _("视自动离职（待人事复核）"),
        default=False,
        help_text=_("本年出货差错累计 8 次及以上；仅提示人事复核，不自动处理。"),
    )
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工资单")
        verbose_name_plural = _("工资单")
        ordering = ["-assessment__period", "assessment__person_id"]

    def __str__(self) -> str:
        return f"{self.assessment} {self.total_pay}"

    @property
    def person_id(self) -> int:
        """The person whose pay this is (the policy's SELF scope reads it)."""
        return self.assessment.person_id


class LineEffect(models.TextChoices):
    ADD = "add", _("应发")
    DEDUCT = "deduct", _("扣发")
    ACCRUE = "accrue", _("计提（年底发放）")
    INFO = "info", _("说明")


class PayStatementLine(models.Model):
    """One explained amount of a statement: which orders, which rule."""

    Effect = LineEffect

    statement = ref(PayStatement, _("工资单"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("项目"), max_length=24)
    label = models.CharField(_("名称"), max_length=200)
    effect = models.CharField(_("性质"), max_length=8, choices=LineEffect.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    explanation = models.TextField(_("计算说明"), blank=True)
    detail = models.JSONField(_("明细"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工资单明细")
        verbose_name_plural = _("工资单明细")
        ordering = ["statement_id", "position"]

    def __str__(self) -> str:
        return f"{self.label} {self.amount}"
