"""The time-and-action plan (T&A, 各工序时间节点) of an order and its materials (面辅料).

A ``MilestoneTemplate`` (admin-editable) lists the milestones of a kind of order,
each dated back from the contract delivery date by working days, with an owner
role, dependencies and, where one exists, the lifecycle event that fills its
actual date. A ``Plan`` is made from a template when the order is confirmed.
Changes go through ``planning.services``."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gendan.fields import ref, user_ref
from gendan.timeline import TimelineEvent
from orders.models import Order


class OwnerRole(models.TextChoices):
    MERCHANDISER = "merchandiser", _("跟单员")
    SUPERVISOR = "supervisor", _("跟单主管")
    CUSTOMER = "customer", _("客户")
    PURCHASING = "purchasing", _("采购")
    PRODUCTION = "production", _("生产")
    QC = "qc", _("质检")
    DOCUMENTS = "documents", _("单证")
    FINANCE = "finance", _("财务")


class LifecycleEvent(models.TextChoices):
    """The order's lifecycle steps that fill a milestone's actual date by themselves."""

    CONFIRMED = "confirmed", _("订单确认")
    DEPOSIT_PAID = "deposit_paid", _("订金到账")
    PRODUCTION_ISSUED = "production_issued", _("下达生产")
    FINAL_INSPECTION = "final_inspection", _("尾期检验")
    SHIPPED = "shipped", _("出货")
    PAID = "paid", _("尾款到账")


class MilestoneTemplate(models.Model):
    """The milestones of a kind of order (a garment export order, …)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_default = models.BooleanField(_("默认模板"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("临近提醒（工作日）"), default=3, help_text=_("节点预计日期前这么多个工作日提醒。")
    )

    class Meta:
        verbose_name = _("节点模板")
        verbose_name_plural = _("节点模板")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="plan_one_default_template",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TemplateStep(models.Model):
    """One milestone of a template: ``offset_working_days`` working days before the
    contract delivery date (negative: after it)."""

    template = ref(MilestoneTemplate, _("模板"), on_delete=models.CASCADE, related_name="steps")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    owner_role = models.CharField(_("负责角色"), max_length=16, choices=OwnerRole.choices)
    offset_working_days = models.SmallIntegerField(
        _("距交期（工作日）"), help_text=_("交期前的工作日数；负数表示交期后。")
    )
    lifecycle_event = models.CharField(
        _("自动完成事件"), max_length=20, choices=LifecycleEvent.choices, blank=True
    )
    is_delivery = models.BooleanField(
        _("交货节点"), default=False, help_text=_("此节点的预计日期即预计交期。")
    )
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("前置节点"), symmetrical=False, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("模板节点")
        verbose_name_plural = _("模板节点")
        ordering = ["template_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="plan_step_code_unique"),
            models.CheckConstraint(
                condition=Q(offset_working_days__gte=-250) & Q(offset_working_days__lte=500),
                name="plan_step_offset_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """An order's time-and-action plan."""

    order = models.OneToOneField(
        Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="plan"
    )
    template = ref(MilestoneTemplate, _("模板"), related_name="plans")
    contract_delivery_date = models.DateField(_("合同交期"))
    projected_delivery_date = models.DateField(_("预计交期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节点计划")
        verbose_name_plural = _("节点计划")
        ordering = ["-id"]
        indexes = [
            models.Index(
                F("projected_delivery_date") - F("contract_delivery_date"),
                name="plan_slip_idx",
            )
        ]

    def __str__(self) -> str:
        return str(self.order)

    @property
    def is_late(self) -> bool:
        return self.projected_delivery_date > self.contract_delivery_date


class Milestone(models.Model):
    """A dated milestone of a plan: planned (from the template), forecast (moved by
    late predecessors) and actual."""

    # No index of its own: plan_milestone_code_unique (plan, code) leads with it.
    plan = ref(Plan, _("计划"), on_delete=models.CASCADE, related_name="milestones", db_index=False)
    # Looked up only within a plan (plan_milestone_code_unique): a SlugField's own index
    # (and its LIKE twin) over a dozen values in ten million rows would serve nothing.
    code = models.SlugField(_("代码"), max_length=40, db_index=False)
    name = models.CharField(_("名称"), max_length=100)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    owner_role = models.CharField(_("负责角色"), max_length=16, choices=OwnerRole.choices)
    lifecycle_event = models.CharField(
        _("自动完成事件"), max_length=20, choices=LifecycleEvent.choices, blank=True
    )
    is_delivery = models.BooleanField(_("交货节点"), default=False)
    offset_working_days = models.SmallIntegerField(_("距交期（工作日）"))
    planned_date = models.DateField(_("计划日期"))
    forecast_date = models.DateField(_("预计日期"))
    actual_date = models.DateField(_("实际日期"), null=True, blank=True)
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("前置节点"), symmetrical=False, blank=True, related_name="dependants"
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("计划节点")
        verbose_name_plural = _("计划节点")
        ordering = ["plan_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_milestone_code_unique")
        ]
        indexes = [
            models.Index(
                fields=["forecast_date"],
                condition=Q(actual_date__isnull=True),
                name="milestone_open_forecast_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.name}"

    @property
    def order(self) -> Order:
        return self.plan.order

    @property
    def slip_days(self) -> int:
        """Calendar days the forecast (or the actual date) is after the planned date."""
        return ((self.actual_date or self.forecast_date) - self.planned_date).days


class MaterialKind(models.TextChoices):
    FABRIC = "fabric", _("面料")
    TRIM = "trim", _("辅料")
    ACCESSORY = "accessory", _("配件")
    PACKING = "packing", _("包材")


class Material(models.Model):
    """A material an order needs (面辅料): bought from a supplier, due by a date."""

    Kind = MaterialKind

    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("类别"), max_length=12, choices=MaterialKind.choices)
    name = models.CharField(_("物料"), max_length=200)
    supplier = models.CharField(_("供应商"), max_length=200, blank=True)
    purchase_reference = models.CharField(_("采购单号"), max_length=64, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("单位"), max_length=16, default="m")
    required_by = models.DateField(_("需到日期"))
    eta = models.DateField(_("预计到货"), null=True, blank=True)
    received_quantity = models.DecimalField(
        _("已到数量"), max_digits=14, decimal_places=3, default=0
    )
    received_on = models.DateField(_("到齐日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = user_ref(_("登记人"), related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("物料")
        verbose_name_plural = _("物料")
        ordering = ["order_id", "required_by", "id"]
        indexes = [
            models.Index(
                fields=["required_by"],
                condition=Q(received_on__isnull=True),
                name="material_open_required_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(received_quantity__gte=0),
                name="material_quantities",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.name}"

    @property
    def is_complete(self) -> bool:
        return self.received_on is not None


class PlanEventKind(models.TextChoices):
    GENERATED = "generated", _("生成计划")
    REPLANNED = "replanned", _("交期变更，重新排期")
    ACTUAL = "actual", _("节点完成")
    MATERIAL = "material", _("物料")
    MATERIAL_WARNING = "material_warning", _("缺料下达生产")


class PlanEvent(TimelineEvent):
    """What happened to an order's plan and materials."""

    subject_field = "order"
    kind_field = "kind"

    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="plan_events")
    kind = models.CharField(_("类型"), max_length=20, choices=PlanEventKind.choices)
    from_status = models.CharField(_("原值"), max_length=20, blank=True)
    to_status = models.CharField(_("新值"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("计划记录")
        verbose_name_plural = _("计划记录")
        ordering = ["order_id", "created_at", "id"]
