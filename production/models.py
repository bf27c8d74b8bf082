"""Production orders (生产通知单), daily progress reports, plan milestones,
quality inspections and incidents. Changes go through ``production.services``."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gendan.fields import ref, user_ref
from gendan.money import MONEY, ZERO
from orders.models import Order

# The statuses live in states.py; imported here too, where the other apps look for them.
from .states import ACTIVE_PRODUCTION_STATUSES, ProductionOrderStatus


class ProductionOrder(models.Model):
    Status = ProductionOrderStatus

    number = models.CharField(_("生产单号"), max_length=32, unique=True)
    order = ref(Order, _("订单"), related_name="production_orders")
    revision = models.PositiveIntegerField(_("订单版本"))
    issued_by = user_ref(_("下达人"))
    issued_at = models.DateTimeField(_("下达时间"))
    factory = models.CharField(_("工厂/车间"), max_length=100)
    is_outside_processor = models.BooleanField(_("外协厂"), default=False)
    # db_default: rows written by raw SQL (the benchmark data loader) get False too.
    rush = models.BooleanField(_("加急"), default=False, db_default=False)
    planned_start = models.DateField(_("计划开始"))
    planned_finish = models.DateField(_("计划完成"))
    quantity = models.PositiveIntegerField(_("数量"))
    # Good pieces made under the production order this one superseded (改单), counted
    # as produced here; its plan starts from them.
    carried_quantity = models.PositiveIntegerField(_("改单结转数量"), default=0, db_default=0)
    processing_fee = models.DecimalField(_("加工费"), default=ZERO, **MONEY)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ProductionOrderStatus.choices,
        default=ProductionOrderStatus.ISSUED,
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("作废/回收时间"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("替代生产单"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("生产通知单")
        verbose_name_plural = _("生产通知单")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["status", "planned_finish"], name="prod_order_status_finish_idx"),
            models.Index(fields=["completed_at"], name="prod_order_completed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="prod_order_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(planned_finish__gte=models.F("planned_start")),
                name="prod_order_finish_after_start",
            ),
            models.CheckConstraint(condition=Q(processing_fee__gte=0), name="prod_order_fee_gte_0"),
            # At most one live production order per customer order.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["issued", "in_progress", "completed"]),
                name="prod_order_one_live_per_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PRODUCTION_STATUSES


class Stage(models.Model):
    """A production stage (工序) for daily reports; configurable by an admin."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_output = models.BooleanField(
        _("计入产出"),
        default=False,
        help_text=_("此工序的良品数计为已生产数量（通常是最后一道工序，如包装）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工序")
        verbose_name_plural = _("工序")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class VarianceReason(models.TextChoices):
    PLAN_ERROR = "plan_error", _("原计划错误")
    EQUIPMENT_FAILURE = "equipment_failure", _("设备故障")
    MATERIAL_LATE = "material_late", _("材料没跟上")
    HIGH_DEFECT_RATE = "high_defect_rate", _("不良率和报废率过高")
    RUSH_ORDER = "rush_order", _("临时工作或特急订单")
    UPSTREAM_DELAY = "upstream_delay", _("前制程延误")
    STAFFING = "staffing", _("员工缺勤或流动率高")
    OTHER = "other", _("其他")


class ProgressReport(models.Model):
    """A daily progress report (生产日报): one per production order, date and stage."""

    # No index of its own: the unique (production order, date, stage) leads with it
    # (and serves the look-ups by production order and date as well).
    production_order = ref(
        ProductionOrder,
        _("生产单"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
        db_index=False,
    )
    date = models.DateField(_("日期"))
    stage = ref(Stage, _("工序"))
    good_quantity = models.PositiveIntegerField(_("良品数"), default=0)
    defective_quantity = models.PositiveIntegerField(_("不良数"), default=0)
    scrap_quantity = models.PositiveIntegerField(_("报废数"), default=0)
    variance_reason = models.CharField(
        _("偏差原因"), max_length=24, choices=VarianceReason.choices, blank=True
    )
    note = models.TextField(_("备注"), blank=True)
    reported_by = user_ref(_("填报人"))
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("生产日报")
        verbose_name_plural = _("生产日报")
        ordering = ["production_order_id", "date", "stage__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["production_order", "date", "stage"], name="progress_one_per_po_date_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.production_order} {self.date} {self.stage}"


# A progress report as the admin and the API show it.
REPORT_FIELDS = (
    "date",
    "stage",
    "good_quantity",
    "defective_quantity",
    "scrap_quantity",
    "variance_reason",
    "note",
    "reported_by",
)


class PlanMilestone(models.Model):
    """An optional point of the plan curve: planned cumulative quantity by a date."""

    production_order = ref(
        ProductionOrder, _("生产单"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("日期"))
    planned_cumulative_quantity = models.PositiveIntegerField(_("计划累计数量"))

    class Meta:
        verbose_name = _("计划节点")
        verbose_name_plural = _("计划节点")
        ordering = ["production_order_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["production_order", "date"], name="milestone_one_per_po_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.production_order} {self.date}: {self.planned_cumulative_quantity}"


class InspectionKind(models.TextChoices):
    INCOMING_MATERIAL = "incoming_material", _("来料检验")
    FIRST_ARTICLE = "first_article", _("首件封样")
    INLINE_EARLY = "inline_early", _("初期检验")
    INLINE_MID = "inline_mid", _("中期检验")
    FINAL = "final", _("尾期检验")
    PRE_SHIPMENT = "pre_shipment", _("出货前检验")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    CONDITIONAL = "conditional", _("有条件接受")


# Kinds that count as the final inspection required before production is complete.
FINAL_INSPECTION_KINDS = (InspectionKind.FINAL, InspectionKind.PRE_SHIPMENT)


class QualityInspection(models.Model):
    Kind = InspectionKind
    Result = InspectionResult

    production_order = ref(
        ProductionOrder, _("生产单"), on_delete=models.CASCADE, related_name="inspections"
    )
    kind = models.CharField(_("检验类型"), max_length=20, choices=InspectionKind.choices)
    result = models.CharField(_("结果"), max_length=12, choices=InspectionResult.choices)
    inspected_on = models.DateField(_("检验日期"))
    sample_size = models.PositiveIntegerField(_("抽样数"), default=0)
    defects_found = models.PositiveIntegerField(_("不良数"), default=0)
    defects = models.TextField(_("不良描述"), blank=True)
    estimated_loss = models.DecimalField(_("预估损失"), default=ZERO, **MONEY)
    inspector = user_ref(_("检验员"))
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("质量检验")
        verbose_name_plural = _("质量检验")
        ordering = ["production_order_id", "inspected_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(defects_found__lte=models.F("sample_size")) | Q(sample_size=0),
                name="inspection_defects_lte_sample",
            ),
            models.CheckConstraint(
                condition=Q(estimated_loss__gte=0), name="inspection_loss_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.production_order} {self.get_kind_display()} {self.get_result_display()}"


class IncidentKind(models.TextChoices):
    DELAY = "delay", _("延误")
    QUALITY = "quality", _("质量")
    MATERIAL_SHORTAGE = "material_shortage", _("缺料")
    EQUIPMENT = "equipment", _("设备")
    OTHER = "other", _("其他")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    RESOLVED = "resolved", _("已解决")


class Incident(models.Model):
    """An exception (异常) during production; its loss and resolution feed the KPI."""

    Kind = IncidentKind
    Status = IncidentStatus

    order = ref(Order, _("订单"), related_name="incidents")
    production_order = ref(
        ProductionOrder,
        _("生产单"),
        on_delete=models.SET_NULL,
        optional=True,
        related_name="incidents",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=IncidentKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    description = models.TextField(_("描述"))
    opened_at = models.DateTimeField(_("发生时间"))
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    loss_amount = models.DecimalField(_("损失金额"), default=ZERO, **MONEY)
    responsible = user_ref(_("责任人"), optional=True, related_name="responsible_incidents")
    reported_by = user_ref(_("登记人"), related_name="+")

    class Meta:
        verbose_name = _("异常")
        verbose_name_plural = _("异常")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["status", "opened_at"], name="incident_status_opened_idx"),
            models.Index(fields=["resolved_at"], name="incident_resolved_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(loss_amount__gte=0), name="incident_loss_gte_0"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("opened_at")),
                name="incident_resolved_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"
