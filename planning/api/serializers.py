"""Serializers of the planning API."""

from __future__ import annotations

from rest_framework import serializers

from gendan.api.fields import ReadSerializer
from orders.api.serializers import visible_order
from planning.models import Material, MaterialKind, Milestone, Plan

QUANTITY = {"max_digits": 14, "decimal_places": 3, "min_value": 0, "max_value": 9999999999}


class MilestoneSerializer(ReadSerializer):
    order = serializers.IntegerField(source="plan.order_id", read_only=True)
    depends_on = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "order",
            "code",
            "name",
            "position",
            "owner_role",
            "lifecycle_event",
            "is_delivery",
            "offset_working_days",
            "planned_date",
            "forecast_date",
            "actual_date",
            "depends_on",
            "note",
        ]


class PlanSerializer(ReadSerializer):
    template = serializers.SlugRelatedField(slug_field="code", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "order",
            "template",
            "contract_delivery_date",
            "projected_delivery_date",
            "milestones",
            "updated_at",
        ]


class MilestoneCompleteInputSerializer(serializers.Serializer):
    actual_date = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MaterialSerializer(ReadSerializer):
    class Meta:
        model = Material
        fields = [
            "id",
            "order",
            "kind",
            "name",
            "supplier",
            "purchase_reference",
            "quantity",
            "unit",
            "required_by",
            "eta",
            "received_quantity",
            "received_on",
            "note",
            "updated_at",
        ]


class MaterialInputSerializer(serializers.Serializer):
    order = visible_order()
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    name = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(**QUANTITY)
    unit = serializers.CharField(max_length=16, required=False)
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True)
    purchase_reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    required_by = serializers.DateField(required=False, allow_null=True)
    eta = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MaterialReceiveInputSerializer(serializers.Serializer):
    received_quantity = serializers.DecimalField(required=False, **QUANTITY)
    eta = serializers.DateField(required=False, allow_null=True)
    received_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
