"""The shipping API: shipments (partial or whole) and after-sales cases."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.api.views import (
    ResourceApiViewSet,
    list_and_detail,
    service_action,
    service_create,
)
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


@list_and_detail(_("出货列表"), _("出货详情（含明细和单证清单）"))
class ShipmentViewSet(ResourceApiViewSet):
    api_scope = "shipments"
    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilterSet
    service_id, reread = "shipment_id", True

    visible_to = selectors.shipment_list_with_lines_visible_to

    create = service_create(
        ShipmentInputSerializer,
        services.shipment_create,
        ids=("order",),
        summary=_("安排出货（可部分出货：lines 列出每个订单行的数量）"),
    )
    pack = service_action(
        ShipmentPackInputSerializer, services.shipment_pack, summary=_("装箱：planned → packed")
    )
    ship = service_action(
        ShipmentShipInputSerializer,
        services.shipment_ship,
        summary=_("出货（需全款到账或主管赊销放行）"),
    )
    deliver = service_action(
        ShipmentDeliverInputSerializer, services.shipment_deliver, summary=_("客户签收此批货物")
    )
    cancel = service_action(
        ShipmentCancelInputSerializer, services.shipment_cancel, summary=_("取消未出货的出货")
    )


@list_and_detail(_("售后案例列表"), _("售后案例详情"))
class AfterSalesCaseViewSet(ResourceApiViewSet):
    api_scope = "shipments"
    serializer_class = AfterSalesCaseSerializer
    filterset_class = AfterSalesCaseFilterSet
    service_id = "case_id"

    visible_to = selectors.case_list_visible_to

    create = service_create(
        AfterSalesCaseInputSerializer,
        services.after_sales_case_open,
        ids=("order",),
        summary=_("登记售后案例（货物已出厂后）"),
    )
    investigate = service_action(
        AfterSalesInvestigateInputSerializer,
        services.after_sales_case_investigate,
        summary=_("开始调查：open → investigating"),
    )
    resolve = service_action(
        AfterSalesResolveInputSerializer,
        services.after_sales_case_resolve,
        summary=_("解决：原因分析、纠正措施、费用"),
    )
    close = service_action(
        AfterSalesCloseInputSerializer,
        services.after_sales_case_close,
        summary=_("关闭已解决的案例（客户满意度 1–5）"),
    )
