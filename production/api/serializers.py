"""Serializers of the production API: read-only outputs, type-and-size-only inputs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gendan.api.fields import ReadSerializer, VisibleRelatedField, count, money, object_id
from orders.api.serializers import visible_order
from production import selectors
from production.models import (
    REPORT_FIELDS,
    Incident,
    IncidentKind,
    InspectionKind,
    InspectionResult,
    PlanMilestone,
    ProductionOrder,
    ProgressReport,
    QualityInspection,
    Stage,
    VarianceReason,
)


def visible_production_order(**kwargs) -> VisibleRelatedField:
    """An input naming by id a production order the caller may see."""
    return VisibleRelatedField(
        ProductionOrder, selectors.production_order_list_visible_to, **kwargs
    )


class StageSerializer(ReadSerializer):
    class Meta:
        model = Stage
        fields = ["id", "code", "name", "position", "is_output"]


class PlanMilestoneSerializer(ReadSerializer):
    class Meta:
        model = PlanMilestone
        fields = ["date", "planned_cumulative_quantity"]


class ProductionOrderSerializer(ReadSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    produced_quantity = serializers.IntegerField(
        source="produced",
        read_only=True,
        help_text=_("产出工序（如包装）已报良品数，含改单结转数量。"),
    )
    milestones = PlanMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = ProductionOrder
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "revision",
            "status",
            "issued_by",
            "issued_at",
            "factory",
            "is_outside_processor",
            "planned_start",
            "planned_finish",
            "quantity",
            "carried_quantity",
            "produced_quantity",
            "processing_fee",
            "milestones",
            "started_at",
            "completed_at",
            "closed_at",
            "superseded_by",
            "note",
            "updated_at",
        ]


class MilestoneInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    planned_cumulative_quantity = count()


class IssueProductionInputSerializer(serializers.Serializer):
    factory = serializers.CharField(max_length=100, allow_blank=True)
    planned_start = serializers.DateField()
    planned_finish = serializers.DateField()
    is_outside_processor = serializers.BooleanField(required=False, default=False)
    processing_fee = money(minimum=0, required=False, help_text=_("外协加工费。"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    milestones = MilestoneInputSerializer(many=True, required=False, max_length=366)
    materials_warning = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("物料未到齐时必填的缺料说明（否则 409 materials_missing）。"),
    )


class ProgressReportSerializer(ReadSerializer):
    stage = serializers.SlugRelatedField(slug_field="code", read_only=True)
    order = serializers.IntegerField(source="production_order.order_id", read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "production_order",
            "order",
            *REPORT_FIELDS,
            "created_at",
        ]


class ProgressReportInputSerializer(serializers.Serializer):
    production_order = visible_production_order()
    date = serializers.DateField()
    stage = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Stage.objects.filter(is_active=True),
        help_text=_("工序代码，如 cutting、sewing、packing（见 stages/）。"),
    )
    good_quantity = count()
    defective_quantity = count(required=False, default=0)
    scrap_quantity = count(required=False, default=0)
    variance_reason = serializers.ChoiceField(
        choices=VarianceReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ProgressReportCorrectInputSerializer(serializers.Serializer):
    """A report's corrected quantities (they replace the old ones), with the reason."""

    reason = serializers.CharField(max_length=2000, help_text=_("更正原因（必填）。"))
    good_quantity = count()
    defective_quantity = count(required=False, default=0)
    scrap_quantity = count(required=False, default=0)
    variance_reason = serializers.ChoiceField(
        choices=VarianceReason.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InspectionSerializer(ReadSerializer):
    order = serializers.IntegerField(source="production_order.order_id", read_only=True)

    class Meta:
        model = QualityInspection
        fields = [
            "id",
            "production_order",
            "order",
            "kind",
            "result",
            "inspected_on",
            "sample_size",
            "defects_found",
            "defects",
            "estimated_loss",
            "inspector",
            "note",
            "created_at",
        ]


class InspectionInputSerializer(serializers.Serializer):
    production_order = visible_production_order()
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    inspected_on = serializers.DateField(required=False)
    sample_size = count(required=False, default=0)
    defects_found = count(required=False, default=0)
    defects = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    estimated_loss = money(minimum=0, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class IncidentSerializer(ReadSerializer):
    class Meta:
        model = Incident
        fields = [
            "id",
            "order",
            "production_order",
            "kind",
            "status",
            "description",
            "opened_at",
            "resolved_at",
            "resolution",
            "loss_amount",
            "responsible",
            "reported_by",
        ]


class IncidentInputSerializer(serializers.Serializer):
    order = visible_order()
    production_order = object_id(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    description = serializers.CharField(max_length=10000, allow_blank=True)
    opened_at = serializers.DateTimeField(required=False)
    loss_amount = money(minimum=0, required=False)
    responsible = object_id(required=False, allow_null=True)


class IncidentResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=10000, allow_blank=True)
    resolved_at = serializers.DateTimeField(required=False)
    loss_amount = money(minimum=0, required=False)
