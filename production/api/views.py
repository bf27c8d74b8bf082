"""The production API: production orders, daily progress reports, inspections,
incidents, and the stages reports are filed against."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from gendan.api.views import ApiViewSet, ListApiViewSet
from orders.api.serializers import EmptyInputSerializer
from production import selectors, services
from production.filters import (
    IncidentFilterSet,
    InspectionFilterSet,
    ProductionOrderFilterSet,
    ProgressReportFilterSet,
)

from .serializers import (
    IncidentInputSerializer,
    IncidentResolveInputSerializer,
    IncidentSerializer,
    InspectionInputSerializer,
    InspectionSerializer,
    ProductionOrderSerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
    StageSerializer,
)

READ_ONLY_METHODS = ["get", "head", "options"]
READ_AND_POST_METHODS = ["get", "post", "head", "options"]


@extend_schema_view(list=extend_schema(summary=_("工序列表（生产日报的 stage 代码）")))
class StageViewSet(mixins.ListModelMixin, ApiViewSet):
    api_scope = "production"
    http_method_names = READ_ONLY_METHODS
    serializer_class = StageSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.active_stages()


@extend_schema_view(
    list=extend_schema(summary=_("生产通知单列表")),
    retrieve=extend_schema(summary=_("生产通知单详情")),
)
class ProductionOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "production"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = ProductionOrderSerializer
    filterset_class = ProductionOrderFilterSet

    def get_queryset(self):
        return selectors.production_order_list_with_plan_visible_to(self.request.user)

    def _production_order(self, production_order_id: int) -> Response:
        production_order = self.get_queryset().get(pk=production_order_id)
        return Response(ProductionOrderSerializer(production_order).data)

    @extend_schema(
        summary=_("生产接单开工：issued → in_progress"),
        request=EmptyInputSerializer,
        responses=ProductionOrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        production_order = self.get_object()
        self.validated(EmptyInputSerializer)
        services.production_order_start(actor=request.user, production_order_id=production_order.pk)
        return self._production_order(production_order.pk)

    @extend_schema(
        summary=_("生产完成（订单 → produced）"),
        request=EmptyInputSerializer,
        responses=ProductionOrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        production_order = self.get_object()
        self.validated(EmptyInputSerializer)
        services.production_order_complete(
            actor=request.user, production_order_id=production_order.pk
        )
        return self._production_order(production_order.pk)


@extend_schema_view(
    list=extend_schema(summary=_("生产日报列表")),
    retrieve=extend_schema(summary=_("生产日报详情")),
)
class ProgressReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "production"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet

    def get_queryset(self):
        return selectors.progress_report_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("填报生产日报（每个生产单、日期、工序一份；重复返回 409 duplicate）"),
        request=ProgressReportInputSerializer,
        responses={201: ProgressReportSerializer},
    )
    def create(self, request):
        data = self.validated(ProgressReportInputSerializer)
        report = services.progress_report_create(
            actor=request.user,
            production_order_id=data.pop("production_order").pk,
            stage_id=data.pop("stage").pk,
            **data,
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("质量检验列表")),
    retrieve=extend_schema(summary=_("质量检验详情")),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "production"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        return selectors.inspection_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("登记质量检验"),
        request=InspectionInputSerializer,
        responses={201: InspectionSerializer},
    )
    def create(self, request):
        data = self.validated(InspectionInputSerializer)
        inspection = services.inspection_create(
            actor=request.user, production_order_id=data.pop("production_order").pk, **data
        )
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("异常列表")),
    retrieve=extend_schema(summary=_("异常详情")),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "production"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet

    def get_queryset(self):
        return selectors.incident_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("登记异常"), request=IncidentInputSerializer, responses={201: IncidentSerializer}
    )
    def create(self, request):
        data = self.validated(IncidentInputSerializer)
        incident = services.incident_open(
            actor=request.user,
            order_id=data.pop("order").pk,
            production_order_id=data.pop("production_order", None),
            responsible_id=data.pop("responsible", None),
            **data,
        )
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("解决异常"), request=IncidentResolveInputSerializer, responses=IncidentSerializer
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        incident = self.get_object()
        data = self.validated(IncidentResolveInputSerializer)
        incident = services.incident_resolve(actor=request.user, incident_id=incident.pk, **data)
        return Response(IncidentSerializer(incident).data)
