"""The production API: production orders, daily progress reports, inspections,
incidents, and the stages reports are filed against."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from gendan.api.views import (
    READ_ONLY_METHODS,
    ApiViewSet,
    ResourceApiViewSet,
    document_action,
    list_and_detail,
    service_action,
    service_create,
)
from orders.api.serializers import ActionReasonInputSerializer, EmptyInputSerializer
from orders.api.views import OrderResourceMixin
from production import selectors, services
from production.documents import production_notice
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
    ProgressReportCorrectInputSerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
    StageSerializer,
)


# Routed under the prefix ``orders/<pk>`` (see ``production.api.urls``): orders' API
# imports nothing of production, so production adds these actions of the order resource.
class OrderProductionViewSet(OrderResourceMixin, ApiViewSet):
    """The production actions of an order, answered with the order like its other
    lifecycle actions (same scope, lookup, filters and errors)."""

    issue_production = service_action(
        IssueProductionInputSerializer,
        services.production_order_issue,
        summary=_("下达生产通知单：deposit_paid → in_production"),
        detail=False,
    )
    accept_shortfall = service_action(
        ActionReasonInputSerializer,
        services.production_accept_shortfall,
        summary=_("主管接受短交（生产数量少于订单数量）"),
        detail=False,
    )
    complete_production = service_action(
        EmptyInputSerializer,
        services.order_complete_production,
        summary=_("生产完成：in_production → produced"),
        detail=False,
    )


@extend_schema_view(list=extend_schema(summary=_("工序列表（生产日报的 stage 代码）")))
class StageViewSet(mixins.ListModelMixin, ApiViewSet):
    api_scope = "production"
    http_method_names = READ_ONLY_METHODS
    serializer_class = StageSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.active_stages()


@list_and_detail(_("生产通知单列表"), _("生产通知单详情"))
class ProductionOrderViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = ProductionOrderSerializer
    filterset_class = ProductionOrderFilterSet
    service_id, reread = "production_order_id", True

    visible_to = selectors.production_order_list_with_plan_visible_to

    start = service_action(
        EmptyInputSerializer,
        services.production_order_start,
        summary=_("生产接单开工：issued → in_progress"),
    )
    complete = service_action(
        EmptyInputSerializer,
        services.production_order_complete,
        summary=_("生产完成（订单 → produced）"),
    )
    notice = document_action(
        production_notice,
        summary=_("生产通知单 PDF（作废的印有“已作废 / VOID”）"),
        url_path="notice",
    )


@list_and_detail(_("生产日报列表"), _("生产日报详情"))
class ProgressReportViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet

    visible_to = selectors.progress_report_list_visible_to
    service_id = "report_id"

    create = service_create(
        ProgressReportInputSerializer,
        services.progress_report_create,
        ids=("production_order", "stage"),
        summary=_("填报生产日报（每个生产单、日期、工序一份；重复返回 409 duplicate）"),
    )
    correct = service_action(
        ProgressReportCorrectInputSerializer,
        services.progress_report_correct,
        summary=_("更正生产日报的数量（须填原因）"),
    )
    withdraw = service_action(
        ActionReasonInputSerializer,
        services.progress_report_withdraw,
        summary=_("撤回生产日报（须填原因；答复撤回前的日报）"),
    )


@list_and_detail(_("质量检验列表"), _("质量检验详情"))
class InspectionViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    visible_to = selectors.inspection_list_visible_to

    create = service_create(
        InspectionInputSerializer,
        services.inspection_create,
        ids=("production_order",),
        summary=_("登记质量检验"),
    )


@list_and_detail(_("异常列表"), _("异常详情"))
class IncidentViewSet(ResourceApiViewSet):
    api_scope = "production"
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    service_id = "incident_id"

    visible_to = selectors.incident_list_visible_to

    create = service_create(
        IncidentInputSerializer,
        services.incident_open,
        ids=("order", "production_order", "responsible"),
        summary=_("登记异常"),
    )
    resolve = service_action(
        IncidentResolveInputSerializer, services.incident_resolve, summary=_("解决异常")
    )
