"""The production API: production orders, daily progress reports, inspections,
incidents, and the stages reports are filed against."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action

from gendan.api.views import ApiViewSet, ListApiViewSet
from orders.api.serializers import (
    ActionReasonInputSerializer,
    EmptyInputSerializer,
    OrderSerializer,
)
from orders.api.views import OrderResourceMixin
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
    IssueProductionInputSerializer,
    ProductionOrderSerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
    StageSerializer,
)

READ_ONLY_METHODS = ["get", "head", "options"]
READ_AND_POST_METHODS = ["get", "post", "head", "options"]


def _order_action(summary, request_serializer=EmptyInputSerializer):
    """The schema of an order's lifecycle action: its input, the order afterwards."""
    return extend_schema(summary=summary, request=request_serializer, responses=OrderSerializer)


# Routed under the prefix ``orders/<pk>`` (see ``production.api.urls``): orders' API
# imports nothing of production, so production adds these actions of the order resource.
class OrderProductionViewSet(OrderResourceMixin, ApiViewSet):
    """The production actions of an order, answered with the order like its other
    lifecycle actions (same scope, lookup, filters and errors)."""

    @_order_action(
        _("下达生产通知单：deposit_paid → in_production"), IssueProductionInputSerializer
    )
    @action(detail=False, methods=["post"], url_path="issue-production")
    def issue_production(self, request, pk=None):
        return self.act(IssueProductionInputSerializer, services.production_order_issue)

    @_order_action(_("主管接受短交（生产数量少于订单数量）"), ActionReasonInputSerializer)
    @action(detail=False, methods=["post"], url_path="accept-shortfall")
    def accept_shortfall(self, request, pk=None):
        return self.act(ActionReasonInputSerializer, services.production_accept_shortfall)

    @_order_action(_("生产完成：in_production → produced"))
    @action(detail=False, methods=["post"], url_path="complete-production")
    def complete_production(self, request, pk=None):
        return self.act(EmptyInputSerializer, services.order_complete_production)


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
    service_id, reread = "production_order_id", True

    def get_queryset(self):
        return selectors.production_order_list_with_plan_visible_to(self.request.user)

    @extend_schema(
        summary=_("生产接单开工：issued → in_progress"),
        request=EmptyInputSerializer,
        responses=ProductionOrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.act(EmptyInputSerializer, services.production_order_start)

    @extend_schema(
        summary=_("生产完成（订单 → produced）"),
        request=EmptyInputSerializer,
        responses=ProductionOrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self.act(EmptyInputSerializer, services.production_order_complete)


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
        return self.create_with(
            ProgressReportInputSerializer,
            services.progress_report_create,
            ids=("production_order", "stage"),
        )


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
        return self.create_with(
            InspectionInputSerializer, services.inspection_create, ids=("production_order",)
        )


@extend_schema_view(
    list=extend_schema(summary=_("异常列表")),
    retrieve=extend_schema(summary=_("异常详情")),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "production"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    service_id = "incident_id"

    def get_queryset(self):
        return selectors.incident_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("登记异常"), request=IncidentInputSerializer, responses={201: IncidentSerializer}
    )
    def create(self, request):
        return self.create_with(
            IncidentInputSerializer,
            services.incident_open,
            ids=("order", "production_order", "responsible"),
        )

    @extend_schema(
        summary=_("解决异常"), request=IncidentResolveInputSerializer, responses=IncidentSerializer
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self.act(IncidentResolveInputSerializer, services.incident_resolve)
