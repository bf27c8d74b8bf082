"""The shipping API: shipments (partial or whole) and after-sales cases."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action

from gendan.api.views import ListApiViewSet
from shipping import selectors, services
from shipping.filters import AfterSalesCaseFilterSet, ShipmentFilterSet

from .serializers import (
    AfterSalesCaseInputSerializer,
    AfterSalesCaseSerializer,
    AfterSalesCloseInputSerializer,
    AfterSalesInvestigateInputSerializer,
    AfterSalesResolveInputSerializer,
    ShipmentCancelInputSerializer,
    ShipmentDeliverInputSerializer,
    ShipmentInputSerializer,
    ShipmentPackInputSerializer,
    ShipmentSerializer,
    ShipmentShipInputSerializer,
)

READ_AND_POST_METHODS = ["get", "post", "head", "options"]


@extend_schema_view(
    list=extend_schema(summary=_("出货列表")),
    retrieve=extend_schema(summary=_("出货详情（含明细和单证清单）")),
)
class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "shipments"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilterSet
    service_id, reread = "shipment_id", True

    def get_queryset(self):
        return selectors.shipment_list_with_lines_visible_to(self.request.user)

    @extend_schema(
        summary=_("安排出货（可部分出货：lines 列出每个订单行的数量）"),
        request=ShipmentInputSerializer,
        responses={201: ShipmentSerializer},
    )
    def create(self, request):
        return self.create_with(ShipmentInputSerializer, services.shipment_create, ids=("order",))

    @extend_schema(
        summary=_("装箱：planned → packed"),
        request=ShipmentPackInputSerializer,
        responses=ShipmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def pack(self, request, pk=None):
        return self.act(ShipmentPackInputSerializer, services.shipment_pack)

    @extend_schema(
        summary=_("出货（需全款到账或主管赊销放行）"),
        request=ShipmentShipInputSerializer,
        responses=ShipmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        return self.act(ShipmentShipInputSerializer, services.shipment_ship)

    @extend_schema(
        summary=_("客户签收此批货物"),
        request=ShipmentDeliverInputSerializer,
        responses=ShipmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self.act(ShipmentDeliverInputSerializer, services.shipment_deliver)

    @extend_schema(
        summary=_("取消未出货的出货"),
        request=ShipmentCancelInputSerializer,
        responses=ShipmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.act(ShipmentCancelInputSerializer, services.shipment_cancel)


@extend_schema_view(
    list=extend_schema(summary=_("售后案例列表")),
    retrieve=extend_schema(summary=_("售后案例详情")),
)
class AfterSalesCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "shipments"
    http_method_names = READ_AND_POST_METHODS
    serializer_class = AfterSalesCaseSerializer
    filterset_class = AfterSalesCaseFilterSet
    service_id = "case_id"

    def get_queryset(self):
        return selectors.case_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("登记售后案例（货物已出厂后）"),
        request=AfterSalesCaseInputSerializer,
        responses={201: AfterSalesCaseSerializer},
    )
    def create(self, request):
        return self.create_with(
            AfterSalesCaseInputSerializer, services.after_sales_case_open, ids=("order",)
        )

    @extend_schema(
        summary=_("开始调查：open → investigating"),
        request=AfterSalesInvestigateInputSerializer,
        responses=AfterSalesCaseSerializer,
    )
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        return self.act(AfterSalesInvestigateInputSerializer, services.after_sales_case_investigate)

    @extend_schema(
        summary=_("解决：原因分析、纠正措施、费用"),
        request=AfterSalesResolveInputSerializer,
        responses=AfterSalesCaseSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self.act(AfterSalesResolveInputSerializer, services.after_sales_case_resolve)

    @extend_schema(
        summary=_("关闭已解决的案例（客户满意度 1–5）"),
        request=AfterSalesCloseInputSerializer,
        responses=AfterSalesCaseSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.act(AfterSalesCloseInputSerializer, services.after_sales_case_close)
