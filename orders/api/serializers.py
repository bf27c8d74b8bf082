"""Serializers of the orders API: output serializers are read-only views of a row;
input serializers check types and sizes only — every rule lives in the services."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gendan.api.fields import (
    RatioField,
    ReadSerializer,
    VisibleRelatedField,
    count,
    money,
    object_id,
)
from gendan.models import User
from orders import selectors
from orders.models import (
    APPROVAL_AND_CLOSING_FIELDS,
    LINE_FIELDS,
    PAYMENT_FIELDS,
    ConfirmationMethod,
    Customer,
    ImportBatch,
    ImportKind,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentReceipt,
    Product,
)
from orders.services import CUSTOMER_FIELDS, MAX_AMOUNT, PRODUCT_FIELDS


def visible_order(**kwargs) -> VisibleRelatedField:
    """An input naming by id an order the caller may see (the apps' inputs too)."""
    return VisibleRelatedField(Order, selectors.order_list_visible_to, **kwargs)


# --- customers and products ---------------------------------------------------------


class CustomerSerializer(ReadSerializer):
    default_deposit_ratio = RatioField(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", *CUSTOMER_FIELDS, "created_at", "updated_at"]


class CustomerInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    country = serializers.CharField(max_length=64, required=False, allow_blank=True)
    default_deposit_ratio = RatioField(required=False)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("负责跟单员的用户 id。"),
    )
    is_active = serializers.BooleanField(required=False)


class ProductSerializer(ReadSerializer):
    class Meta:
        model = Product
        fields = ["id", *PRODUCT_FIELDS, "created_at", "updated_at"]


class ProductInputSerializer(serializers.Serializer):
    item_number = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    series = serializers.CharField(max_length=100, required=False, allow_blank=True)
    spec = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=16, required=False)
    default_price = money(minimum=0, required=False)
    is_active = serializers.BooleanField(required=False)


# --- orders -------------------------------------------------------------------------


class OrderLineSerializer(ReadSerializer):
    class Meta:
        model = OrderLine
        fields = ["id", *LINE_FIELDS]


class OrderSerializer(ReadSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    deposit_ratio = RatioField(read_only=True)
    balance_due = money(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "revision",
            "customer",
            "customer_name",
            "owner",
            "external_ref",
            "customer_po",
            "currency",
            "order_date",
            "contract_delivery_date",
            "planned_ship_date",
            "deposit_ratio",
            "lines",
            "total_quantity",
            "total_amount",
            "discount_amount",
            "deposit_due",
            "amount_received",
            "balance_due",
            "quality_requirements",
            "packing_requirements",
            "confirmation_method",
            "confirmation_reference",
            "confirmed_at",
            *APPROVAL_AND_CLOSING_FIELDS,
        ]


class OrderLineInputSerializer(serializers.Serializer):
    product = object_id(required=False, allow_null=True)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    series = serializers.CharField(max_length=100, required=False, allow_blank=True)
    colour = serializers.CharField(max_length=64, required=False, allow_blank=True)
    spec = serializers.CharField(max_length=200, required=False, allow_blank=True)
    size = serializers.CharField(max_length=32, required=False, allow_blank=True)
    quantity = count(minimum=1, help_text=_("大于 0 的整数。"))
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True)
    unit_price = money(
        minimum=0, required=False, allow_null=True, help_text=_("省略时取产品的默认单价。")
    )


class _OrderHeaderInputSerializer(serializers.Serializer):
    """Header fields an order is created and (as a draft) changed with. Server-computed
    fields (number, status, amounts, revision) are not inputs: sent, they are ignored."""

    customer = object_id()
    external_ref = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_("ERP 的单号；每个接口客户端唯一，重复时返回 409 和已有订单的 id。"),
    )
    customer_po = serializers.CharField(max_length=64, required=False, allow_blank=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    order_date = serializers.DateField(required=False)
    contract_delivery_date = serializers.DateField()
    planned_ship_date = serializers.DateField(required=False, allow_null=True)
    deposit_ratio = RatioField(required=False, help_text=_("省略时取客户的默认订金比例。"))
    quality_requirements = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    packing_requirements = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    lines = OrderLineInputSerializer(many=True, max_length=500)


class OrderCreateInputSerializer(_OrderHeaderInputSerializer):
    owner = object_id(
        required=False,
        allow_null=True,
        help_text=_("跟单员的用户 id；省略时为创建者本人、接口客户端的默认跟单员或客户的负责人。"),
    )


class OrderUpdateInputSerializer(_OrderHeaderInputSerializer):
    """PATCH of a draft: any subset of the header fields; ``lines`` replaces all lines."""


class OrderEventSerializer(ReadSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = [
            "id",
            "type",
            "actor",
            "actor_name",
            "from_status",
            "to_status",
            "note",
            "data",
            "created_at",
        ]

    def get_actor_name(self, event: OrderEvent) -> str:
        return str(event.actor) if event.actor_id else ""


# --- order actions ------------------------------------------------------------------


class ConfirmInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=ConfirmationMethod.choices, help_text=_("客户书面确认的方式。")
    )
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone_confirmed = serializers.BooleanField(required=False, default=True)
    attachment_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**53,
        help_text=_("作为书面确认凭据的本订单附件（签字订单、传真等）。"),
    )


class ContractDateInputSerializer(serializers.Serializer):
    contract_delivery_date = serializers.DateField(help_text=_("新的合同交期，不早于今天。"))
    reason = serializers.CharField(max_length=2000, allow_blank=True)


def discount_amount_field() -> serializers.DecimalField:
    return money(
        positive=True,
        max_value=MAX_AMOUNT,
        required=False,
        allow_null=True,
        help_text=_("折扣金额（与折扣比例二选一）。"),
    )


def discount_percent_field() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
        help_text=_("折扣比例，订单金额的百分之几（与折扣金额二选一）。"),
    )


class DiscountInputSerializer(serializers.Serializer):
    amount = discount_amount_field()
    percent = discount_percent_field()
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class DueInDaysInputSerializer(serializers.Serializer):
    due_in_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)


class ActionReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ActionNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EmptyInputSerializer(serializers.Serializer):
    pass


class ConfirmDeliveryInputSerializer(serializers.Serializer):
    delivered_at = serializers.DateTimeField(required=False)


class AmendInputSerializer(serializers.Serializer):
    lines = OrderLineInputSerializer(many=True, max_length=500)
    confirmation_method = serializers.ChoiceField(choices=ConfirmationMethod.choices)
    confirmation_reference = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    contract_delivery_date = serializers.DateField(required=False)
    planned_ship_date = serializers.DateField(required=False)
    quality_requirements = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    packing_requirements = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class ReassignInputSerializer(serializers.Serializer):
    owner = object_id()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# --- payments -----------------------------------------------------------------------


class PaymentReceiptSerializer(ReadSerializer):
    class Meta:
        model = PaymentReceipt
        fields = [
            "id",
            "amount",
            "received_on",
            "method",
            "reference",
            "confirmed_by",
            "confirmed_at",
        ]


class PaymentSerializer(ReadSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    outstanding = money(read_only=True)
    receipts = PaymentReceiptSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "order",
            "order_number",
            *PAYMENT_FIELDS,
            "confirmed_by",
            "confirmed_at",
            "received_on",
            "method",
            "reference",
            "note",
            "voided_at",
            "receipts",
            "created_at",
            "updated_at",
        ]


class PaymentConfirmInputSerializer(serializers.Serializer):
    amount_received = money(positive=True, help_text=_("本次到账金额；可分多次确认。"))
    received_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("银行流水号。")
    )


# --- Excel imports ------------------------------------------------------------------


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("工作表的行号（1 为表头）"))
    column = serializers.CharField(help_text=_("列字母，如 Q"))
    header = serializers.CharField(help_text=_("列名"))
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["create", "change", "unchanged", "error"])
    text = serializers.CharField()


class ImportBatchSerializer(ReadSerializer):
    rows = serializers.SerializerMethodField(help_text=_("每行将新建、修改或不变，或有错误"))
    errors = serializers.SerializerMethodField(help_text=_("每个错误的行、列和说明"))
    created = serializers.SerializerMethodField(help_text=_("导入后新建的记录 id"))

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "row_count",
            "error_count",
            "rows",
            "errors",
            "created",
            "created_at",
            "checked_at",
            "imported_at",
        ]
        read_only_fields = fields

    def get_rows(self, batch) -> list[dict]:
        rows = (batch.result or {}).get("rows", [])
        return ImportRowSerializer(
            [{"row": r, "action": a, "text": t} for r, a, t in rows], many=True
        ).data

    def get_errors(self, batch) -> list[dict]:
        errors = (batch.result or {}).get("errors", [])
        keys = ("row", "column", "header", "message")
        return ImportProblemSerializer(
            [dict(zip(keys, e, strict=True)) for e in errors], many=True
        ).data

    def get_created(self, batch) -> dict[str, list[int]]:
        return (batch.result or {}).get("created", {})


class ImportUploadInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField(help_text=_(".xlsx 文件（模板见 imports/template/）"))


class ImportTemplateQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
