"""The conversation around an order: its follow-up thread (notes and customer contact
records, 跟进记录), the files attached to it and to its inspections, after-sales cases
and shipments, and the requests a merchandiser makes for a decision (申请与审批).

Every row belongs to one order (``order``), which is what the policy scopes by; a row
about a part of the order also names it (``inspection``, ``case``, ``shipment``).
Every change goes through ``conversation.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gendan.fields import ref, user_ref
from gendan.models import Singleton, singleton_constraint
from gendan.uploads import StoredFile, UploadPath
from orders.models import Order
from production.models import QualityInspection
from shipping.models import AfterSalesCase, Shipment, ShipmentDocument


class AboutMixin(models.Model):
    """The order a row belongs to, and the part of it the row is about (if any)."""

    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="+")
    inspection = ref(
        QualityInspection, _("检验"), on_delete=models.CASCADE, optional=True, related_name="+"
    )
    case = ref(AfterSalesCase, _("售后"), on_delete=models.CASCADE, optional=True, related_name="+")
    shipment = ref(Shipment, _("出货"), on_delete=models.CASCADE, optional=True, related_name="+")

    ABOUT_FIELDS = ("inspection", "case", "shipment")

    class Meta:
        abstract = True
        ordering = ["order_id", "created_at", "id"]

    @property
    def about(self):
        """The inspection, case or shipment the row is about (None: the order)."""
        for name in self.ABOUT_FIELDS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None


NoteKind = models.TextChoices(
    "NoteKind",
    [
        ("NOTE", ("note", _("跟进备注"))),
        ("CALL", ("call", _("电话"))),
        ("EMAIL", ("email", _("电子邮件"))),
        ("WECHAT", ("wechat", _("微信"))),
        ("VISIT", ("visit", _("拜访"))),
    ],
)


CONTACT_KINDS = (NoteKind.CALL, NoteKind.EMAIL, NoteKind.WECHAT, NoteKind.VISIT)


class Note(AboutMixin):
    """One entry of an order's follow-up thread: a note to colleagues (with @mentions),
    or a record of a contact with the customer (how, with whom, when, what was said)."""

    Kind = NoteKind

    kind = models.CharField(_("类型"), max_length=10, choices=NoteKind.choices, default="note")
    body = models.TextField(_("内容"), max_length=5000)
    contact_person = models.CharField(_("客户联系人"), max_length=100, blank=True)
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    author = user_ref(_("记录人"), related_name="+")
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("提到的同事"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta(AboutMixin.Meta):
        verbose_name = verbose_name_plural = _("跟进记录")
        indexes = [models.Index(fields=["order", "created_at"], name="note_order_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


RequestKind = models.TextChoices(
    "RequestKind",
    [
        ("DEPOSIT_WAIVER", ("deposit_waiver", _("豁免订金"))),
        ("RELEASE_ON_CREDIT", ("release_on_credit", _("赊销放行"))),
        ("PRODUCTION_SHORTFALL", ("production_shortfall", _("接受短交"))),
        ("LATE_CANCELLATION", ("late_cancellation", _("生产后取消订单"))),
        ("CONTRACT_DATE_CHANGE", ("contract_date_change", _("修改合同交期"))),
        ("DISCOUNT", ("discount", _("折扣"))),
        ("WRITE_OFF", ("write_off", _("核销尾差（银行手续费）"))),
        ("RUSH", ("rush", _("生产加急"))),
    ],
)


RequestStatus = models.TextChoices(
    "RequestStatus",
    [
        ("PENDING", ("pending", _("待审批"))),
        ("APPROVED", ("approved", _("已批准"))),
        ("REJECTED", ("rejected", _("已驳回"))),
    ],
)


class ApprovalRequest(models.Model):
    """A request for a decision (申请): who asks what of whom, why, and the answer."""

    Kind = RequestKind
    Status = RequestStatus

    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("申请类型"), max_length=24, choices=RequestKind.choices)
    reason = models.TextField(_("申请原因"), max_length=2000)
    # What the decision needs besides the reason (e.g. the new contract date).
    params = models.JSONField(_("参数"), default=dict, blank=True)
    approver_role = models.CharField(_("审批角色"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = user_ref(_("申请人"), related_name="+")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    decided_by = user_ref(_("审批人"), optional=True, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True, max_length=2000)

    class Meta:
        verbose_name = verbose_name_plural = _("申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request of a kind per order: a second would only repeat the question.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(status="pending"),
                name="request_one_pending_per_kind",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="request_waiting_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


AttachmentCategory = models.TextChoices(
    "AttachmentCategory",
    [
        ("SIGNED_ORDER", ("signed_order", _("签字订单"))),
        ("FAX", ("fax", _("传真"))),
        ("CUSTOMER_PO", ("customer_po", _("客户采购单"))),
        ("ARTWORK", ("artwork", _("图稿"))),
        ("PHOTO", ("photo", _("照片"))),
        ("DOCUMENT", ("document", _("单证"))),
        ("OTHER", ("other", _("其他"))),
    ],
)


# The categories a written confirmation of the order may be.
CONFIRMATION_CATEGORIES = (
    AttachmentCategory.SIGNED_ORDER,
    AttachmentCategory.FAX,
    AttachmentCategory.CUSTOMER_PO,
    AttachmentCategory.OTHER,
)


class Attachment(AboutMixin, StoredFile):
    """A file attached to an order, or to its inspection, after-sales case or shipment
    (a document of its checklist), or to a note or a request of its thread; checked,
    stored and served by ``gendan.uploads``. Images get a thumbnail."""

    Category = AttachmentCategory

    category = models.CharField(
        _("类别"), max_length=16, choices=AttachmentCategory.choices, default="other"
    )
    # A file of a note or of a request (else of the order, or the part it is about).
    note, request = (
        ref(model, label, on_delete=models.CASCADE, optional=True, related_name="files")
        for model, label in ((Note, _("跟进记录")), (ApprovalRequest, _("申请")))
    )
    # The item of a shipment's documents checklist this file is (its one file).
    shipment_document = ref(
        ShipmentDocument, _("出货单证"), on_delete=models.CASCADE, optional=True, related_name="+"
    )
    thumbnail = models.FileField(_("缩略图"), upload_to=UploadPath(), blank=True)
    uploaded_by = user_ref(_("上传人"), related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)

    class Meta(AboutMixin.Meta):
        verbose_name = verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["order", "created_at"], name="attachment_order_time_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment_document"],
                condition=Q(shipment_document__isnull=False),
                name="attachment_one_file_per_shipment_document",
            )
        ]

    def __str__(self) -> str:
        return self.file_name or f"#{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.file_content_type.startswith("image/")


class ApprovalSettings(Singleton):
    """How long a request may wait before the approver's supervisor is told (one row,
    editable in the admin)."""

    overdue_hours = models.PositiveSmallIntegerField(
        _("审批超时（小时）"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("申请等待审批超过这么多小时，提醒审批人的上级。"),
    )
    escalate_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主管的上级"),
        blank=True,
        related_name="+",
        help_text=_("给主管的申请超时后提醒这些人；留空则提醒系统管理员。"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("审批设置")
        constraints = [singleton_constraint("approval_settings_singleton")]
