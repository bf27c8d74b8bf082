"""Serializers of the kpi/ endpoints of api.md: output bodies, and the inputs of the
workflow actions (parsed here, checked by the services)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gendan.api.fields import BoundedDecimalField

from .. import periods
from ..models import STATEMENT_FIELDS, Assessment, PayStatement, PayStatementLine


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-09"})
class PeriodField(serializers.Field):
    """A month as "YYYY-MM"."""

    def to_representation(self, value):
        return periods.label(value)

    def to_internal_value(self, data):
        try:
            return periods.parse(data)
        except ValueError:
            raise serializers.ValidationError("YYYY-MM") from None


class AssessmentSerializer(serializers.ModelSerializer):
    period = PeriodField(read_only=True)
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    pay_statement = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "person",
            "person_name",
            "period",
            "status",
            "template",
            "counts",
            "points",
            "performance",
            "performance_is_manual",
            "performance_note",
            "teamwork",
            "attitude",
            "total_score",
            "dispute_reason",
            "reconfirm_note",
            "reopen_reason",
            "computed_at",
            "sent_at",
            "confirmed_at",
            "finalized_at",
            "exported_at",
            "pay_statement",
        ]
        read_only_fields = fields

    def get_pay_statement(self, obj) -> int | None:
        statement = getattr(obj, "pay_statement", None)
        return statement.pk if statement else None

    def get_counts(self, obj) -> dict[str, int]:
        return {
            "shipped": obj.shipped_count,
            "on_time": obj.on_time_count,
            "due": obj.due_count,
            "completed": obj.completed_count,
            "complaints": obj.complaint_count,
            "resolution_total": obj.resolution_count,
            "resolved_in_time": obj.resolved_in_time_count,
        }

    def get_points(self, obj) -> dict[str, str | None]:
        return {
            name: (None if value is None else str(value))
            for name, value in (
                ("on_time", obj.on_time_points),
                ("completion", obj.completion_points),
                ("complaints", obj.complaints_points),
                ("resolution", obj.resolution_points),
            )
        }


class PayStatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayStatementLine
        fields = ["position", "kind", "label", "effect", "amount", "explanation", "detail"]
        read_only_fields = fields


class PayStatementSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="assessment.person_id", read_only=True)
    person_name = serializers.CharField(source="assessment.person.__str__", read_only=True)
    period = PeriodField(source="assessment.period", read_only=True)
    status = serializers.CharField(source="assessment.status", read_only=True)
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    lines = PayStatementLineSerializer(many=True, read_only=True)

    class Meta:
        model = PayStatement
        fields = ["id", "assessment", "person", "person_name", "period", "status"]
        fields += [*STATEMENT_FIELDS, "lines"]
        read_only_fields = fields


class PeriodInput(serializers.Serializer):
    period = PeriodField()


class EnterInput(serializers.Serializer):
    # The ranges are the service's (kpi.services: 0–30, 0–20, 0–50), stated in the schema.
    teamwork = BoundedDecimalField(max_digits=5, decimal_places=2, minimum=0, maximum=30)
    attitude = BoundedDecimalField(max_digits=5, decimal_places=2, minimum=0, maximum=20)
    performance = BoundedDecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, minimum=0, maximum=50
    )
    performance_note = serializers.CharField(required=False, allow_blank=True)


class AssessmentReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class AssessmentNoteInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)
