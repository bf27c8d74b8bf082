"""Shipments with their lines and documents checklist, and after-sales cases.
Changes go through ``shipping.services``."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gendan.fields import ref, user_ref
from gendan.money import MONEY, ZERO
from orders.models import Order, OrderLine

# The statuses live in states.py; imported here too, where the other apps look for them.
from .states import GONE_SHIPMENT_STATUSES as GONE_SHIPMENT_STATUSES
from .states import LIVE_SHIPMENT_STATUSES as LIVE_SHIPMENT_STATUSES
from .states import OPEN_AFTER_SALES_STATUSES as OPEN_AFTER_SALES_STATUSES
from .states import AfterSalesStatus, ShipmentStatus


class ShipmentMode(models.TextChoices):
    SEA = "sea", _("海运")
    AIR = "air", _("空运")
    TRUCK = "truck", _("陆运")
    COURIER = "courier", _("快递")
    PICKUP = "pickup", _("客户自提")


class Shipment(models.Model):
    Status = ShipmentStatus
    Mode = ShipmentMode

    number = models.CharField(_("出货单号"), max_length=32, unique=True)
    order = ref(Order, _("订单"), related_name="shipments")
    status = models.CharField(
        _("状态"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.PLANNED
    )
    planned_ship_date = models.DateField(_("计划出货日期"))
    actual_ship_date = models.DateField(_("实际出货日期"), null=True, blank=True)
    mode = models.CharField(_("运输方式"), max_length=10, choices=ShipmentMode.choices)
    forwarder = models.CharField(_("货代"), max_length=100, blank=True)
    carrier = models.CharField(_("承运人"), max_length=100, blank=True)
    tracking_number = models.CharField(_("运单/提单号"), max_length=100, blank=True)
    container = models.CharField(_("柜号"), max_length=64, blank=True)
    packages = models.PositiveIntegerField(_("件数"), default=0)
    customs_declaration_number = models.CharField(_("报关单号"), max_length=64, blank=True)
    created_by = user_ref(_("创建人"), related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    shipped_at = models.DateTimeField(_("出货登记时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("出货")
        verbose_name_plural = _("出货")
        ordering = ["-planned_ship_date", "-id"]
        indexes = [
            models.Index(
                fields=["status", "planned_ship_date"], name="shipment_status_planned_idx"
            ),
            models.Index(fields=["actual_ship_date"], name="shipment_actual_date_idx"),
            # The customs declarations by the day the goods left, with their order: the
            # KPI month counts a year of them per person and month from this index
            # alone (the per-declaration bonus, kpi-and-pay.md §2).
            models.Index(
                fields=["actual_ship_date"],
                include=["order", "id"],
                name="shipment_declared_idx",
                condition=Q(status__in=GONE_SHIPMENT_STATUSES) & ~Q(customs_declaration_number=""),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    # No index of its own: the unique (shipment, order line) leads with it.
    shipment = ref(
        Shipment, _("出货"), on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    order_line = ref(OrderLine, _("订单行"), related_name="shipment_lines")
    quantity = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("出货明细")
        verbose_name_plural = _("出货明细")
        ordering = ["shipment_id", "order_line_id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_gt_0"),
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipment_line_unique_per_order_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.order_line_id} × {self.quantity}"


class DocumentKind(models.TextChoices):
    COMMERCIAL_INVOICE = "commercial_invoice", _("商业发票")
    PACKING_LIST = "packing_list", _("装箱单")
    CUSTOMS_DECLARATION = "customs_declaration", _("报关单")
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin", _("产地证（如 Form A）")
    INSURANCE = "insurance", _("保险单")
    INSPECTION_CERTIFICATE = "inspection_certificate", _("商检证书")


class ShipmentDocument(models.Model):
    """One item of a shipment's documents checklist: needed or not, ready or not. Its
    file, once uploaded, is one of the order's attachments (the one model of files,
    above shipping: ``shipping.signals``), downloaded only through
    ``shipping:document_download``."""

    Kind = DocumentKind

    # No index of its own: shipment_document_unique (shipment, kind) leads with it.
    shipment = ref(
        Shipment, _("出货"), on_delete=models.CASCADE, related_name="documents", db_index=False
    )
    kind = models.CharField(_("单证"), max_length=24, choices=DocumentKind.choices)
    required = models.BooleanField(_("需要"), default=True)
    is_ready = models.BooleanField(_("已备齐"), default=False)
    updated_by = user_ref(_("更新人"), optional=True, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("出货单证")
        verbose_name_plural = _("出货单证")
        ordering = ["shipment_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "kind"], name="shipment_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.get_kind_display()}"


class AfterSalesKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    RETURN = "return", _("退货")
    EXCHANGE = "exchange", _("换货")
    REWORK = "rework", _("返工")
    REPRODUCTION = "reproduction", _("重新生产")
    DISCOUNT = "discount", _("折让")


class AfterSalesCase(models.Model):
    Kind = AfterSalesKind
    Status = AfterSalesStatus

    order = ref(Order, _("订单"), related_name="after_sales_cases")
    kind = models.CharField(_("类型"), max_length=16, choices=AfterSalesKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=AfterSalesStatus.choices, default=AfterSalesStatus.OPEN
    )
    received_at = models.DateTimeField(_("收到时间"))
    description = models.TextField(_("问题描述"))
    root_cause = models.TextField(_("原因分析"), blank=True)
    corrective_action = models.TextField(_("纠正措施"), blank=True)
    cost = models.DecimalField(_("费用"), default=ZERO, **MONEY)
    customer_satisfaction = models.PositiveSmallIntegerField(
        _("客户满意度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    opened_by = user_ref(_("登记人"))
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("售后案例")
        verbose_name_plural = _("售后案例")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="after_sales_status_recv_idx"),
            models.Index(fields=["order", "status"], name="after_sales_order_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="after_sales_cost_gte_0"),
            models.CheckConstraint(
                condition=Q(customer_satisfaction__isnull=True)
                | (Q(customer_satisfaction__gte=1) & Q(customer_satisfaction__lte=5)),
                name="after_sales_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"
