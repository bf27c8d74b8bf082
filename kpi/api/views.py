"""The kpi/ endpoints of api.md: assessments and pay statements (GET, scoped by the
policy) and the workflow actions, each a few lines around one service call.

Domain errors become their HTTP status through gendan.exceptions.api_exception_handler.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from gendan import excel
from gendan.api.views import ActionMixin, FilterBackend, service_action
from gendan.exceptions import ValidationFailed

from .. import periods, selectors, services
from ..filters import AssessmentFilterSet, PayStatementFilterSet
from ..models import Assessment
from . import serializers as s


def _input(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise ValidationFailed(
            fields={name: [str(e) for e in errors] for name, errors in serializer.errors.items()}
        )
    return serializer.validated_data


class AssessmentViewSet(ActionMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly assessments: the merchandiser's own, or the department's.

    Filters: ``period`` (YYYY-MM), ``status``, ``person``.
    """

    serializer_class = s.AssessmentSerializer
    permission_classes = [IsAuthenticated]
    service_id = "assessment_id"
    filter_backends = [FilterBackend]
    filterset_class = AssessmentFilterSet

    def get_queryset(self):
        return selectors.assessment_list_visible_to(self.request.user).select_related(
            "pay_statement"
        )

    def validated(self, serializer_class, **kwargs) -> dict:
        return _input(serializer_class, self.request)

    def written(self, assessment: Assessment, status_code: int = 200) -> Response:
        """The assessment as the caller now sees it (or as the service returned it)."""
        fresh = self.get_queryset().filter(pk=assessment.pk).first() or assessment
        return Response(s.AssessmentSerializer(fresh).data, status=status_code)

    @extend_schema(
        operation_id="kpi_assessments_compute_month",
        request=s.PeriodInput,
        responses=s.AssessmentSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="compute",
        url_name="compute-month",
        pagination_class=None,
    )
    def compute_month(self, request: Request) -> Response:
        """Compute (or recompute) the drafts of a month for the department."""
        data = _input(s.PeriodInput, request)
        rows = services.assessment_compute_month(actor=request.user, period=data["period"])
        queryset = self.get_queryset().filter(pk__in=[r.pk for r in rows])
        return Response(s.AssessmentSerializer(queryset, many=True).data)

    @extend_schema(
        request=s.PeriodInput,
        responses={
            200: {
                "type": "object",
                "properties": {
                    "finalized": {"type": "array", "items": {"type": "integer"}},
                    "open": {"type": "array", "items": {"type": "integer"}},
                },
            }
        },
    )
    @action(detail=False, methods=["post"], url_path="finalize-month")
    def finalize_month(self, request: Request) -> Response:
        """Finalise the department's confirmed assessments of a month."""
        data = _input(s.PeriodInput, request)
        done, left = services.assessment_finalize_month(actor=request.user, period=data["period"])
        return Response({"finalized": [a.pk for a in done], "open": [a.pk for a in left]})

    compute = service_action(None, services.assessment_compute)
    enter = service_action(s.EnterInput, services.assessment_enter)
    send = service_action(None, services.assessment_send)
    confirm = service_action(None, services.assessment_confirm)
    dispute = service_action(s.AssessmentReasonInput, services.assessment_dispute)
    reconfirm = service_action(s.AssessmentNoteInput, services.assessment_reconfirm)
    finalize = service_action(None, services.assessment_finalize)
    reopen = service_action(s.AssessmentReasonInput, services.assessment_reopen)


class PayStatementViewSet(viewsets.ReadOnlyModelViewSet):
    """Pay statements with their explained lines: the person's own, or all (finance,
    supervisors). Filter: ``period`` (YYYY-MM). ``export`` returns the Excel pay sheet."""

    serializer_class = s.PayStatementSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = PayStatementFilterSet

    def get_queryset(self):
        return selectors.pay_statement_list_visible_to(self.request.user).prefetch_related("lines")

    @extend_schema(request=s.PeriodInput, responses={(200, excel.XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["post"])
    def export(self, request: Request) -> HttpResponse:
        """Finance: the month's pay sheet (finalised assessments become exported)."""
        data = _input(s.PeriodInput, request)
        content, _statements = services.assessment_export(actor=request.user, period=data["period"])
        return excel.download(content, f"pay-sheet-{periods.label(data['period'])}.xlsx")
