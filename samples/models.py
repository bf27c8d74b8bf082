"""Samples (打样): the customer's sample requests with their detail sheet, photos,
purchase requests for new material, retained samples (留样) and history; and the
trial (试板样) and first-article sealed (首件封样) samples of a production order.
Changes go through ``samples.services``."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gendan.fields import ref, user_ref
from gendan.money import MONEY, ZERO
from gendan.timeline import TimelineEvent, status_fields
from gendan.uploads import StoredFile, UploadRules
from orders.models import Customer, Order, Product
from production.models import ProductionOrder

from .states import MouldStatus, SampleStatus

PHOTOS = UploadRules(kinds=("png", "jpeg", "gif", "webp"))


class CourierTerms(models.TextChoices):
    PREPAID = "prepaid", _("寄付（我方预付）")
    COLLECT = "collect", _("到付（客户付）")


class SampleRequest(models.Model):
    """A sample request (打样单) with the written detail sheet of seed 001 §6.7."""

    Status = SampleStatus
    # The sheet's description of the item, entered as text.
    SPEC_FIELDS = (
        "item_number",
        "raw_material",
        "packing",
        "colour_print",
        "colour",
        "shipping_mark",
        "process",
    )

    number = models.CharField(_("打样单号"), max_length=32, unique=True)
    customer = ref(Customer, _("客户"), related_name="sample_requests")
    owner = user_ref(_("跟单员"), related_name="sample_requests")
    product = ref(Product, _("产品"), optional=True, related_name="sample_requests")
    item_number = models.CharField(_("货号"), max_length=64)
    raw_material = models.TextField(_("原料"), blank=True)
    packing = models.TextField(_("包装要求"), blank=True)
    colour_print = models.TextField(_("彩印要求"), blank=True)
    colour = models.CharField(_("颜色要求"), max_length=100, blank=True)
    shipping_mark = models.TextField(_("唛头"), blank=True)
    process = models.TextField(_("工艺"), blank=True)
    quantity = models.PositiveIntegerField(_("样品数量"), default=1)
    unit_price = models.DecimalField(_("报价单价"), default=ZERO, **MONEY)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    due_date = models.DateField(_("要求完成日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=SampleStatus.choices, default=SampleStatus.REQUESTED
    )
    needs_new_mould = models.BooleanField(_("需开新模具"), default=False)
    mould_status = models.CharField(
        _("开模审批"), max_length=16, choices=MouldStatus.choices, default=MouldStatus.NOT_NEEDED
    )
    mould_decided_by = user_ref(_("开模审批人"), optional=True, related_name="+")
    mould_decided_at = models.DateTimeField(_("开模审批时间"), null=True, blank=True)
    # Review (seed 001 §6.9): the fee and the courier terms are decided.
    charge_customer = models.BooleanField(_("向客户收费"), default=False)
    sample_fee = models.DecimalField(_("样品费"), default=ZERO, **MONEY)
    courier_terms = models.CharField(
        _("快递费"), max_length=10, choices=CourierTerms.choices, blank=True
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    # Dispatch.
    courier = models.CharField(_("快递公司"), max_length=64, blank=True)
    tracking_number = models.CharField(_("快递单号"), max_length=64, blank=True)
    sent_on = models.DateField(_("寄出日期"), null=True, blank=True)
    # The customer's verdict.
    verdict_on = models.DateField(_("客户答复日期"), null=True, blank=True)
    verdict_comment = models.TextField(_("客户意见"), blank=True)
    round = models.PositiveSmallIntegerField(_("打样轮次"), default=1)
    order = ref(Order, _("转成的订单"), optional=True, related_name="sample_requests")
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("打样单")
        verbose_name_plural = _("打样单")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "owner"], name="sample_status_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sample_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(sample_fee__gte=0), name="sample_money_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_number}"

    @property
    def person_id(self) -> int:
        """The merchandiser the request belongs to: the policy's SELF scope."""
        return self.owner_id

    @property
    def mould_blocks_making(self) -> bool:
        return self.needs_new_mould and self.mould_status != MouldStatus.APPROVED


class SamplePhoto(StoredFile):
    """A photo of a sample (seed 001 §6.9: photographed and filed before it is sent)."""

    upload_rules: ClassVar[UploadRules] = PHOTOS

    sample = ref(SampleRequest, _("打样单"), on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = user_ref(_("上传人"), related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("样品照片")
        verbose_name_plural = _("样品照片")
        ordering = ["sample_id", "id"]

    def __str__(self) -> str:
        return self.download_name


class PurchaseRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    RECEIVED = "received", _("已到料")


class PurchaseRequest(models.Model):
    """A written request to purchasing for new raw or auxiliary material (seed 001 §6.8)."""

    sample = ref(
        SampleRequest, _("打样单"), on_delete=models.CASCADE, related_name="purchase_requests"
    )
    material = models.CharField(_("原辅料"), max_length=200)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("单位"), max_length=16, default="pcs")
    needed_by = models.DateField(_("需要日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PurchaseRequestStatus.choices,
        default=PurchaseRequestStatus.REQUESTED,
    )
    note = models.TextField(_("说明"), blank=True)
    requested_by = user_ref(_("申请人"), related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("打样采购申请")
        verbose_name_plural = _("打样采购申请")
        ordering = ["sample_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sample_purchase_qty_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.sample} {self.material}"


class RetainedSample(models.Model):
    """The retained-sample register (留样): where the kept sample is."""

    sample = ref(SampleRequest, _("打样单"), on_delete=models.CASCADE, related_name="retained")
    location = models.CharField(_("存放位置"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    retained_on = models.DateField(_("留样日期"))
    note = models.TextField(_("备注"), blank=True)
    recorded_by = user_ref(_("登记人"), related_name="+")

    class Meta:
        verbose_name = _("留样")
        verbose_name_plural = _("留样")
        ordering = ["sample_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="retained_quantity_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.sample} @ {self.location}"


class SampleEventKind(models.TextChoices):
    CREATED = "created", _("创建")
    STATUS_CHANGED = "status_changed", _("状态变更")
    MOULD = "mould", _("开模审批")
    PHOTO = "photo", _("上传照片")
    PURCHASE = "purchase", _("采购申请")
    RETAINED = "retained", _("留样")
    CONVERTED = "converted", _("转订单")


class SampleEvent(TimelineEvent):
    """A sample request's history."""

    subject_field = "sample"
    kind_field = "kind"

    sample = ref(SampleRequest, _("打样单"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=SampleEventKind.choices)
    from_status, to_status = status_fields(SampleStatus.choices, max_length=16)

    class Meta:
        verbose_name = _("打样记录")
        verbose_name_plural = _("打样记录")
        ordering = ["sample_id", "created_at", "id"]


# --------------------------------------------------------------------------
# The samples of a production order
# --------------------------------------------------------------------------


class ProductionSampleKind(models.TextChoices):
    TRIAL = "trial", _("试板样")
    SEALED = "sealed", _("首件封样")


class ProductionSample(StoredFile):
    """A trial sample (试板样) or the first-article sealed sample (首件封样) of a
    production order; its absence is a penalty input of the KPI (kpi-and-pay.md)."""

    Kind = ProductionSampleKind
    upload_rules: ClassVar[UploadRules] = PHOTOS

    # No index of its own: prod_sample_po_kind_idx (production order, kind) leads with it.
    production_order = ref(
        ProductionOrder,
        _("生产单"),
        on_delete=models.CASCADE,
        related_name="samples",
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=8, choices=ProductionSampleKind.choices)
    recorded_on = models.DateField(_("日期"))
    is_correct = models.BooleanField(_("样品准确"), default=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = user_ref(_("登记人"), related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("生产样品（试板样/首件封样）")
        verbose_name_plural = _("生产样品（试板样/首件封样）")
        ordering = ["production_order_id", "recorded_on", "id"]
        indexes = [
            models.Index(fields=["production_order", "kind"], name="prod_sample_po_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.production_order} {self.get_kind_display()}"
