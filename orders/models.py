"""Customers, products, orders, lines, payments, approvals and the order timeline.

Models hold fields, constraints and cheap single-row properties; every change
of a domain row goes through ``orders.services`` (or the other apps' services).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gendan.fields import ref, user_ref
from gendan.money import CENT, MONEY, ZERO  # noqa: F401  (importable from here too)
from gendan.timeline import TimelineEvent, status_fields
from gendan.uploads import StoredFile, UploadRules

from .states import NOT_FULLY_SHIPPED, OrderStatus


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Customer(TimeStamped):
    code = models.CharField(_("客户编号"), max_length=32, unique=True)
    name = models.CharField(_("客户名称"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("电话"), max_length=50, blank=True)
    contact_email = models.EmailField(_("电子邮件"), blank=True)
    address = models.TextField(_("地址"), blank=True)
    country = models.CharField(_("国家/地区"), max_length=64, blank=True)
    default_deposit_ratio = models.DecimalField(
        _("默认订金比例"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.3000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("付款期限（天）"), default=7)
    owner = user_ref(
        _("负责跟单员"), on_delete=models.SET_NULL, optional=True, related_name="customers"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_deposit_ratio__gte=0) & Q(default_deposit_ratio__lte=1),
                name="customer_deposit_ratio_0_1",
            )
        ]

    def __str__(self) -> str:
        return self.label(self.code, self.name)

    @staticmethod
    def label(code: str, name: str) -> str:
        """How a customer is named in lists and choices: ``__str__`` from its code and name."""
        return f"{code} {name}"


class Product(TimeStamped):
    item_number = models.CharField(_("货号"), max_length=64, unique=True)
    name = models.CharField(_("品名"), max_length=200)
    series = models.CharField(_("型号系列"), max_length=100, blank=True)
    spec = models.CharField(_("规格"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=16, default="pcs")
    default_price = models.DecimalField(_("默认单价"), default=ZERO, **MONEY)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["item_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_price__gte=0), name="product_default_price_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_number} {self.name}"


class ConfirmationMethod(models.TextChoices):
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")
    SIGNED_ORDER = "signed_order", _("签字订单")


# What the supervisor approved and when the order left each stage (the admin's section
# "主管批准与结案", the tail of the API's order).
APPROVAL_AND_CLOSING_FIELDS = (
    "deposit_waived",
    "credit_released",
    "shortfall_accepted",
    "cancel_reason",
    "cancelled_at",
    "fully_shipped_at",
    "delivered_at",
    "closed_at",
    "created_at",
    "updated_at",
)


class Order(TimeStamped):
    number = models.CharField(_("订单编号"), max_length=32, unique=True)
    customer = ref(Customer, _("客户"), related_name="orders")
    owner = user_ref(_("跟单员"), related_name="owned_orders")
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("共享给"),
        blank=True,
        related_name="shared_orders",
    )
    customer_po = models.CharField(_("客户订单号"), max_length=64, blank=True)
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    client = user_ref(
        _("接口客户端"),
        optional=True,
        related_name="client_orders",
        help_text=_("通过接口创建此订单的 ERP 客户端。"),
    )
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    order_date = models.DateField(_("下单日期"))
    contract_delivery_date = models.DateField(_("合同交期"))
    planned_ship_date = models.DateField(_("计划出货日期"), null=True, blank=True)
    deposit_ratio = models.DecimalField(
        _("订金比例"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("版本"), default=1)
    quality_requirements = models.TextField(_("品质特殊要求"), blank=True)
    packing_requirements = models.TextField(_("包装要求"), blank=True)
    confirmation_method = models.CharField(
        _("确认方式"), max_length=20, choices=ConfirmationMethod.choices, blank=True
    )
    confirmation_reference = models.CharField(_("确认凭据"), max_length=200, blank=True)
    phone_confirmed = models.BooleanField(_("已电话确认"), default=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # Amounts are computed by the services from lines and receipts, never from input.
    total_amount = models.DecimalField(_("总金额"), default=ZERO, **MONEY)
    deposit_due = models.DecimalField(_("应付订金"), default=ZERO, **MONEY)
    amount_received = models.DecimalField(_("已收金额"), default=ZERO, **MONEY)
    # The discounts granted after confirmation (order_apply_discount): the total is the
    # lines' amount less this. db_default: rows written by raw SQL (the benchmark data
    # loader) get 0 too.
    discount_amount = models.DecimalField(_("折扣金额"), default=ZERO, db_default=ZERO, **MONEY)
    total_quantity = models.PositiveIntegerField(_("总数量"), default=0)
    deposit_waived = models.BooleanField(_("已豁免订金"), default=False)
    credit_released = models.BooleanField(_("已赊销放行"), default=False)
    shortfall_accepted = models.BooleanField(_("已接受短交"), default=False)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    fully_shipped_at = models.DateTimeField(_("全部出货时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "contract_delivery_date"], name="order_status_due_idx"),
            models.Index(fields=["owner", "status"], name="order_owner_status_idx"),
            models.Index(fields=["contract_delivery_date"], name="order_due_idx"),
            models.Index(fields=["customer", "status"], name="order_customer_status_idx"),
            models.Index(fields=["order_date"], name="order_date_idx"),
            models.Index(fields=["fully_shipped_at"], name="order_fully_shipped_idx"),
            # Whose order it is and its number, without reading the order: the KPI
            # month joins a month's production orders and a year's shipments to their
            # orders' owners for every person at once (an index-only scan of a few
            # percent of the table's size instead of a scan of the whole table).
            models.Index(
                fields=["owner", "id"], include=["number"], name="order_owner_covering_idx"
            ),
            # The orders still to ship by date (a few percent of all): the dashboard's
            # due-soon and overdue lists and counts, the delivery alerts; with the
            # owner, the counts per merchandiser read the index alone.
            models.Index(
                fields=["contract_delivery_date", "id"],
                name="order_to_ship_due_idx",
                condition=Q(status__in=sorted(NOT_FULLY_SHIPPED)),
                include=["owner_id"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_ref"],
                condition=~Q(external_ref=""),
                name="order_external_ref_unique_per_client",
            ),
            models.CheckConstraint(
                condition=Q(deposit_ratio__gte=0) & Q(deposit_ratio__lte=1),
                name="order_deposit_ratio_0_1",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0)
                & Q(deposit_due__gte=0)
                & Q(deposit_due__lte=models.F("total_amount")),
                name="order_amounts_consistent",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="order_revision_gte_1"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])

    @property
    def balance_due(self) -> Decimal:
        """What the customer still owes (never negative)."""
        return max(self.total_amount - self.amount_received, ZERO)

    @staticmethod
    def balance_due_expression() -> Greatest:
        """``balance_due`` computed by the database (for ``values()`` and annotations)."""
        return Greatest(
            F("total_amount") - F("amount_received"),
            Value(ZERO),
            output_field=models.DecimalField(**MONEY),
        )

    @property
    def deposit_outstanding(self) -> Decimal:
        return max(self.deposit_due - self.amount_received, ZERO)

    @property
    def fully_paid(self) -> bool:
        return self.amount_received >= self.total_amount


class OrderLine(models.Model):
    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("行号"), default=1)
    product = ref(Product, _("产品"), optional=True, related_name="order_lines")
    description = models.CharField(_("描述"), max_length=200, blank=True)
    series = models.CharField(_("型号系列"), max_length=100, blank=True)
    colour = models.CharField(_("颜色"), max_length=64, blank=True)
    spec = models.CharField(_("规格"), max_length=200, blank=True)
    size = models.CharField(_("尺码"), max_length=32, blank=True)
    quantity = models.PositiveIntegerField(_("数量"))
    unit = models.CharField(_("单位"), max_length=16, default="pcs")
    unit_price = models.DecimalField(_("单价"), **MONEY)
    amount = models.DecimalField(_("金额"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("订单行")
        verbose_name_plural = _("订单行")
        ordering = ["order_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="order_line_unit_price_gte_0"
            ),
            models.CheckConstraint(
                condition=~Q(product=None) | ~Q(description=""),
                name="order_line_product_or_description",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} × {self.quantity}"

    @property
    def label(self) -> str:
        """What the line is called: its description, else its product's name (a free-text
        line has no product)."""
        return self.description or (self.product.name if self.product_id else "")


# An order line as the admin and the API show it.
LINE_FIELDS = (
    "position",
    "product",
    "description",
    "series",
    "colour",
    "spec",
    "size",
    "quantity",
    "unit",
    "unit_price",
    "amount",
)


class PaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("订金")
    BALANCE = "balance", _("尾款")
    REFUND = "refund", _("退款")
    OTHER = "other", _("其他")


class PaymentStatus(models.TextChoices):
    REQUESTED = "requested", _("待收款")  # asked for, nothing received yet
    PARTIALLY_RECEIVED = "partially_received", _("部分到账")  # some receipts confirmed
    RECEIVED = "received", _("已到账")  # receipts cover the amount due
    VOIDED = "voided", _("已作废")  # request withdrawn (waiver, cancellation)


# A request still waiting for (some of) its money.
OPEN_PAYMENT = (PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED)
# The kinds the customer pays (a refund goes the other way).
INCOMING_KINDS = (PaymentKind.DEPOSIT, PaymentKind.BALANCE, PaymentKind.OTHER)


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    TT = "tt", _("电汇 T/T")
    LC = "lc", _("信用证 L/C")
    CASH = "cash", _("现金")
    CHEQUE = "cheque", _("支票")
    OTHER = "other", _("其他")
    # A small difference finance writes off (bank charges), not money received.
    WRITE_OFF = "write_off", _("核销差额")


# A payment request as the admin's list and the API show it.
PAYMENT_FIELDS = (
    "kind",
    "status",
    "amount_due",
    "amount_received",
    "outstanding",
    "requested_at",
    "due_date",
)


class Payment(TimeStamped):
    """A request for money (or a refund to make) and what finance confirmed of it."""

    Kind = PaymentKind
    Status = PaymentStatus

    order = ref(Order, _("订单"), related_name="payments")
    kind = models.CharField(_("类型"), max_length=10, choices=PaymentKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.REQUESTED
    )
    amount_due = models.DecimalField(_("应收金额"), **MONEY)
    amount_received = models.DecimalField(_("已收金额"), default=ZERO, **MONEY)
    requested_at = models.DateTimeField(_("请款时间"))
    requested_by = user_ref(_("请款人"), optional=True, related_name="+")
    due_date = models.DateField(_("到期日"))
    confirmed_by = user_ref(_("确认人"), optional=True, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    received_on = models.DateField(_("到账日期"), null=True, blank=True)
    method = models.CharField(
        _("付款方式"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    reference = models.CharField(_("银行流水号"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("收付款")
        verbose_name_plural = _("收付款")
        ordering = ["order_id", "requested_at", "id"]
        indexes = [
            models.Index(fields=["kind", "status", "due_date"], name="payment_kind_status_due_idx"),
            models.Index(fields=["status", "requested_at"], name="payment_status_requested_idx"),
            # Finance's queue: the open requests, the earliest due first.
            models.Index(
                fields=["due_date", "id"],
                name="payment_open_due_idx",
                condition=Q(status__in=["partially_received", "requested"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_due__gte=0), name="payment_amount_due_gte_0"),
            models.CheckConstraint(
                condition=Q(amount_received__gte=0), name="payment_amount_received_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()} {self.amount_due}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_due - self.amount_received, ZERO)

    @property
    def is_open(self) -> bool:
        return self.status in (PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED)


class PaymentReceipt(models.Model):
    """One receipt (or refund paid out) confirmed by finance; partial receipts add up."""

    payment = ref(Payment, _("收付款"), related_name="receipts")
    amount = models.DecimalField(_("金额"), **MONEY)
    received_on = models.DateField(_("到账日期"))
    method = models.CharField(_("付款方式"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(_("银行流水号"), max_length=100, blank=True)
    confirmed_by = user_ref(_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("到账记录")
        verbose_name_plural = _("到账记录")
        ordering = ["payment_id", "id"]
        indexes = [
            # A month's receipts: the orders fully paid in it (the KPI month's commission
            # on the fully-paid basis).
            models.Index(
                fields=["received_on"], include=["payment"], name="receipt_received_on_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_gt_0"),
            # The same bank transfer cannot be confirmed twice against one request.
            models.UniqueConstraint(
                fields=["payment", "reference"],
                condition=~Q(reference=""),
                name="receipt_reference_unique_per_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.amount} ({self.received_on})"

    @property
    def signed_amount(self) -> Decimal:
        """The amount as the order's account counts it: a refund paid out is negative."""
        return -self.amount if self.payment.kind == PaymentKind.REFUND else self.amount


class ApprovalKind(models.TextChoices):
    DEPOSIT_WAIVER = "deposit_waiver", _("订金豁免")
    RELEASE_ON_CREDIT = "release_on_credit", _("赊销放行")
    PRODUCTION_SHORTFALL = "production_shortfall", _("接受短交")
    LATE_CANCELLATION = "late_cancellation", _("生产后取消")


class Approval(models.Model):
    """A supervisor's recorded exception: who allowed what, when and why."""

    Kind = ApprovalKind

    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("类型"), max_length=24, choices=ApprovalKind.choices)
    reason = models.TextField(_("原因"))
    approved_by = user_ref(_("批准人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("主管批准")
        verbose_name_plural = _("主管批准")
        ordering = ["order_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"


class OrderRevision(models.Model):
    """One amendment (改单): the new revision, its lines and the customer's written confirmation."""

    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField(_("版本"))
    previous_lines = models.JSONField(_("修改前的订单行"), default=list)
    previous_values = models.JSONField(_("修改前的字段"), default=dict)
    total_amount = models.DecimalField(_("新总金额"), **MONEY)
    confirmation_method = models.CharField(
        _("确认方式"), max_length=20, choices=ConfirmationMethod.choices
    )
    confirmation_reference = models.CharField(_("确认凭据"), max_length=200, blank=True)
    reason = models.TextField(_("改单原因"), blank=True)
    created_by = user_ref(_("修改人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("改单记录")
        verbose_name_plural = _("改单记录")
        ordering = ["order_id", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["order", "revision"], name="order_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order} r{self.revision}"


class EventType(models.TextChoices):
    CREATED = "created", _("创建")
    UPDATED = "updated", _("修改")
    STATUS_CHANGED = "status_changed", _("状态变更")
    PAYMENT_REQUESTED = "payment_requested", _("请款")
    PAYMENT_ADJUSTED = "payment_adjusted", _("请款调整")
    PAYMENT_RECEIVED = "payment_received", _("到账确认")
    PAYMENT_VOIDED = "payment_voided", _("请款作废")
    REFUND_FLAGGED = "refund_flagged", _("待退款")
    APPROVAL = "approval", _("主管批准")
    AMENDED = "amended", _("改单")
    DISCOUNTED = "discounted", _("折扣")
    REASSIGNED = "reassigned", _("转交")
    PRODUCTION_ISSUED = "production_issued", _("下达生产单")
    PRODUCTION_STARTED = "production_started", _("开始生产")
    PRODUCTION_SUPERSEDED = "production_superseded", _("生产单作废（改单）")
    PRODUCTION_RECALLED = "production_recalled", _("生产单回收")
    PRODUCTION_RUSHED = "production_rushed", _("生产加急")
    PROGRESS_REPORTED = "progress_reported", _("生产日报")
    PROGRESS_CORRECTED = "progress_corrected", _("生产日报更正")
    PROGRESS_WITHDRAWN = "progress_withdrawn", _("生产日报撤回")
    INSPECTION_RECORDED = "inspection_recorded", _("检验")
    INCIDENT_OPENED = "incident_opened", _("异常")
    INCIDENT_RESOLVED = "incident_resolved", _("异常解决")
    SHIPMENT_CREATED = "shipment_created", _("出货计划")
    SHIPMENT_PACKED = "shipment_packed", _("装箱")
    SHIPMENT_SHIPPED = "shipment_shipped", _("出货")
    SHIPMENT_DELIVERED = "shipment_delivered", _("签收")
    SHIPMENT_CANCELLED = "shipment_cancelled", _("出货取消")
    AFTER_SALES_OPENED = "after_sales_opened", _("售后登记")
    AFTER_SALES_UPDATED = "after_sales_updated", _("售后处理")


class OrderEvent(TimelineEvent):
    """The order's timeline: who did what, when, from which status to which."""

    Type = EventType
    subject_field = "order"
    kind_field = "type"

    # No index of its own: order_event_order_time_idx (order, created_at) leads with it.
    order = ref(Order, _("订单"), on_delete=models.CASCADE, related_name="events", db_index=False)
    type = models.CharField(_("类型"), max_length=32, choices=EventType.choices)
    from_status, to_status = status_fields(OrderStatus.choices, max_length=20)

    class Meta:
        verbose_name = _("订单事件")
        verbose_name_plural = _("订单事件")
        ordering = ["order_id", "created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="order_event_order_time_idx")]


# --------------------------------------------------------------------------
# Tallies: counts kept up to date by the services (``orders.tallies``), so that the
# supervisor dashboard reads a few hundred rows instead of counting every order.
# --------------------------------------------------------------------------


class StatusTally(models.Model):
    """How many orders a merchandiser holds in a status."""

    owner = user_ref(_("跟单员"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=OrderStatus.choices)
    orders = models.IntegerField(_("订单数"), default=0)

    class Meta:
        verbose_name = _("订单状态计数")
        verbose_name_plural = _("订单状态计数")
        constraints = [
            models.UniqueConstraint(fields=["owner", "status"], name="status_tally_unique"),
            models.CheckConstraint(condition=Q(orders__gte=0), name="status_tally_orders_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.status} {self.orders}"


class DeliveryTally(models.Model):
    """A merchandiser's orders fully shipped in a month (local time), and how many of
    them left on or before their contract delivery date (the on-time rate's parts)."""

    owner = user_ref(_("跟单员"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    shipped = models.IntegerField(_("全部出货订单数"), default=0)
    on_time = models.IntegerField(_("准时订单数"), default=0)

    class Meta:
        verbose_name = _("交货计数")
        verbose_name_plural = _("交货计数")
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="delivery_tally_unique"),
            models.CheckConstraint(
                condition=Q(on_time__gte=0) & Q(shipped__gte=F("on_time")),
                name="delivery_tally_counts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.month:%Y-%m} {self.on_time}/{self.shipped}"


class ReceivableTally(models.Model):
    """What customers still owe on the open requests (``OPEN_PAYMENT``, of the
    ``INCOMING_KINDS``) due on a day, in a currency: the dashboard's receivables and
    their ageing, read from a few hundred rows instead of the open requests."""

    currency = models.CharField(_("币种"), max_length=3)
    due_date = models.DateField(_("到期日"))
    outstanding = models.DecimalField(_("未收金额"), default=ZERO, **MONEY)
    requests = models.IntegerField(_("请款数"), default=0)

    class Meta:
        verbose_name = _("应收计数")
        verbose_name_plural = _("应收计数")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "due_date"], name="receivable_tally_unique"
            ),
            models.CheckConstraint(
                condition=Q(requests__gte=0), name="receivable_tally_requests_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.due_date} {self.outstanding} ({self.requests})"


class ImportKind(models.TextChoices):
    ORDERS = "orders", _("订单")
    CUSTOMERS = "customers", _("客户")
    PRODUCTS = "products", _("产品")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")  # the dry run is running (a Celery task for large files)
    CHECKED = "checked", _("待确认")  # the preview is ready; nothing written yet
    IMPORTING = "importing", _("导入中")  # confirmed; the import is running
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("有错误")  # the dry run (or the import) found errors; nothing written


class ImportBatch(StoredFile):
    """An uploaded Excel file to import (``orders.imports``): its dry run's preview and,
    once confirmed, what it created. Nothing of the file is written before the
    confirmation, and then all of it or nothing."""

    upload_rules = UploadRules(kinds=("xlsx",))

    Kind = ImportKind
    Status = ImportStatus

    kind = models.CharField(_("导入类型"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # {"rows": [[row, action, text], …], "errors": [[row, column, header, message], …],
    #  "created": {"orders": [ids…], …}}
    result = models.JSONField(_("结果"), default=dict, blank=True)
    # Who uploaded and confirmed it, and when each step ended.
    created_by, confirmed_by = (
        user_ref(_("上传人"), related_name="+"),
        user_ref(_("确认人"), optional=True, related_name="+"),
    )
    created_at, updated_at = (
        models.DateTimeField(_("上传时间"), auto_now_add=True),
        models.DateTimeField(_("更新时间"), auto_now=True),
    )
    checked_at, imported_at = (
        models.DateTimeField(_("检查时间"), null=True, blank=True),
        models.DateTimeField(_("导入时间"), null=True, blank=True),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("Excel 导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
