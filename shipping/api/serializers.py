"""Serializers of the shipping API: read-only outputs, type-and-size-only inputs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gendan.api.fields import ReadSerializer, count, money, object_id
from orders.api.serializers import visible_order
from shipping.models import (
    AfterSalesCase,
    AfterSalesKind,
    DocumentKind,
    Shipment,
    ShipmentDocument,
    ShipmentLine,
    ShipmentMode,
)


class ShipmentLineSerializer(ReadSerializer):
    class Meta:
        model = ShipmentLine
        fields = ["id", "order_line", "quantity"]


class ShipmentDocumentSerializer(ReadSerializer):
    class Meta:
        model = ShipmentDocument
        fields = ["id", "kind", "required", "is_ready", "updated_at"]


class ShipmentSerializer(ReadSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)
    documents = ShipmentDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "status",
            "planned_ship_date",
            "actual_ship_date",
            "mode",
            "forwarder",
            "carrier",
            "tracking_number",
            "container",
            "packages",
            "customs_declaration_number",
            "lines",
            "documents",
            "created_by",
            "created_at",
            "shipped_at",
            "delivered_at",
            "note",
            "updated_at",
        ]


class ShipmentLineInputSerializer(serializers.Serializer):
    order_line = object_id(help_text=_("订单行 id（见订单的 lines[].id）。"))
    quantity = count(minimum=1, help_text=_("本次出货数量，大于 0。"))


class ShipmentInputSerializer(serializers.Serializer):
    order = visible_order()
    planned_ship_date = serializers.DateField()
    mode = serializers.ChoiceField(choices=ShipmentMode.choices)
    lines = ShipmentLineInputSerializer(
        many=True,
        required=False,
        max_length=500,
        help_text=_("省略时出货全部未出货数量（部分出货时列出每行数量）。"),
    )
    forwarder = serializers.CharField(max_length=100, required=False, allow_blank=True)
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    packages = count(required=False)
    required_documents = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices),
        required=False,
        max_length=len(DocumentKind.choices),
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ShipmentPackInputSerializer(serializers.Serializer):
    packages = count(required=False)


class ShipmentShipInputSerializer(serializers.Serializer):
    actual_ship_date = serializers.DateField(required=False)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    container = serializers.CharField(max_length=64, required=False, allow_blank=True)
    customs_declaration_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True
    )
    packages = count(required=False)


class ShipmentDeliverInputSerializer(serializers.Serializer):
    delivered_at = serializers.DateTimeField(required=False)


class ShipmentCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class AfterSalesCaseSerializer(ReadSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)

    class Meta:
        model = AfterSalesCase
        fields = [
            "id",
            "order",
            "order_number",
            "kind",
            "status",
            "received_at",
            "description",
            "root_cause",
            "corrective_action",
            "cost",
            "customer_satisfaction",
            "opened_by",
            "resolved_at",
            "closed_at",
            "updated_at",
        ]


class AfterSalesCaseInputSerializer(serializers.Serializer):
    order = visible_order()
    kind = serializers.ChoiceField(choices=AfterSalesKind.choices)
    description = serializers.CharField(max_length=10000, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)


class AfterSalesInvestigateInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AfterSalesResolveInputSerializer(serializers.Serializer):
    root_cause = serializers.CharField(max_length=10000, allow_blank=True)
    corrective_action = serializers.CharField(max_length=10000, allow_blank=True)
    cost = money(minimum=0, required=False)
    resolved_at = serializers.DateTimeField(required=False)


class AfterSalesCloseInputSerializer(serializers.Serializer):
    customer_satisfaction = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5
    )
