"""The orders API: customers, products, orders with their lifecycle actions, payments.

Thin: reads through the scoped selectors, every write is input serializer → one
service call → output serializer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from gendan.api.authentication import api_client_of
from gendan.api.rows import Rows
from gendan.api.views import ListApiViewSet, RowsListMixin
from orders import selectors, services
from orders.filters import CustomerFilterSet, OrderFilterSet, PaymentFilterSet, ProductFilterSet
from orders.models import Order

from .serializers import (
    ActionNoteInputSerializer,
    ActionReasonInputSerializer,
    AmendInputSerializer,
    ConfirmDeliveryInputSerializer,
    ConfirmInputSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    DueInDaysInputSerializer,
    EmptyInputSerializer,
    OrderCreateInputSerializer,
    OrderEventSerializer,
    OrderSerializer,
    OrderUpdateInputSerializer,
    PaymentConfirmInputSerializer,
    PaymentSerializer,
    ProductInputSerializer,
    ProductSerializer,
    ReassignInputSerializer,
)

READ_ONLY_METHODS = ["get", "head", "options"]
READ_AND_WRITE_METHODS = ["get", "post", "patch", "head", "options"]


@extend_schema_view(
    list=extend_schema(summary=_("客户列表（?search= 按编号和名称）")),
    retrieve=extend_schema(summary=_("客户详情")),
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "customers"
    http_method_names = READ_AND_WRITE_METHODS
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    ordering = ["code"]
    service_id = "customer_id"

    def get_queryset(self):
        return selectors.customer_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("新建客户"), request=CustomerInputSerializer, responses={201: CustomerSerializer}
    )
    def create(self, request):
        return self.create_with(CustomerInputSerializer, services.customer_create)

    @extend_schema(
        summary=_("修改客户"), request=CustomerInputSerializer, responses=CustomerSerializer
    )
    def partial_update(self, request, pk=None):
        return self.act(CustomerInputSerializer, services.customer_update, partial=True)


@extend_schema_view(
    list=extend_schema(summary=_("产品列表")),
    retrieve=extend_schema(summary=_("产品详情")),
)
class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "products"
    http_method_names = READ_AND_WRITE_METHODS
    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    ordering = ["item_number"]
    service_id = "product_id"

    def get_queryset(self):
        return selectors.product_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("新建产品"), request=ProductInputSerializer, responses={201: ProductSerializer}
    )
    def create(self, request):
        return self.create_with(ProductInputSerializer, services.product_create)

    @extend_schema(
        summary=_("修改产品"), request=ProductInputSerializer, responses=ProductSerializer
    )
    def partial_update(self, request, pk=None):
        return self.act(ProductInputSerializer, services.product_update, partial=True)


def _order_action(summary, request_serializer=EmptyInputSerializer):
    """The schema of a lifecycle action: its input, and the order as it is afterwards."""
    return extend_schema(summary=summary, request=request_serializer, responses=OrderSerializer)


class OrderResourceMixin:
    """The order resource of the API: the visible orders, their filters, and ``_act``
    for a lifecycle action. Shared by ``OrderViewSet`` and the viewsets of the apps
    above orders that add actions at /orders/{id}/… (production's issue-production,
    accept-shortfall, complete-production), so orders imports none of them."""

    api_scope = "orders"
    http_method_names = READ_AND_WRITE_METHODS
    serializer_class = OrderSerializer
    filterset_class = OrderFilterSet
    service_id, reread = "order_id", True

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return selectors.order_list_with_lines_visible_to(self.request.user)
        return selectors.order_list_visible_to(self.request.user)

    def written(self, obj, status_code: int = status.HTTP_200_OK) -> Response:
        """The order as it is after the write, with its lines."""
        return Response(
            OrderSerializer(selectors.order_get_with_lines(obj.pk)).data, status=status_code
        )


@extend_schema_view(
    list=extend_schema(summary=_("订单列表")),
    retrieve=extend_schema(summary=_("订单详情（含订单行）")),
)
class OrderViewSet(RowsListMixin, mixins.RetrieveModelMixin, OrderResourceMixin, ListApiViewSet):
    list_rows = Rows(OrderSerializer, expressions={"balance_due": Order.balance_due_expression()})

    @extend_schema(
        summary=_("新建订单（草稿，含订单行）"),
        request=OrderCreateInputSerializer,
        responses={201: OrderSerializer},
    )
    def create(self, request):
        data = self.validated(OrderCreateInputSerializer)
        owner_id = data.pop("owner", None)
        client = api_client_of(request.user)
        if owner_id is None and client is not None:
            owner_id = client.default_owner_id
        order = services.order_create(
            actor=request.user, customer_id=data.pop("customer"), owner_id=owner_id, **data
        )
        return self.written(order, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改草稿订单（lines 替换全部订单行；确认后请用 amend）"),
        request=OrderUpdateInputSerializer,
        responses=OrderSerializer,
    )
    def partial_update(self, request, pk=None):
        return self.act(OrderUpdateInputSerializer, services.order_update_draft, partial=True)

    @extend_schema(
        summary=_("订单时间线"),
        responses=OrderEventSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        order = self.get_object()
        return Response(OrderEventSerializer(selectors.order_events(order), many=True).data)

    @_order_action(_("客户书面确认：draft → confirmed"), ConfirmInputSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.act(ConfirmInputSerializer, services.order_confirm)

    @_order_action(_("请客户付订金：confirmed → awaiting_deposit"), DueInDaysInputSerializer)
    @action(detail=True, methods=["post"], url_path="request-deposit")
    def request_deposit(self, request, pk=None):
        return self.act(DueInDaysInputSerializer, services.order_request_deposit)

    @_order_action(_("主管豁免订金：→ deposit_paid"), ActionReasonInputSerializer)
    @action(detail=True, methods=["post"], url_path="waive-deposit")
    def waive_deposit(self, request, pk=None):
        return self.act(ActionReasonInputSerializer, services.order_waive_deposit)

    @_order_action(_("请客户付尾款：produced → awaiting_balance"), DueInDaysInputSerializer)
    @action(detail=True, methods=["post"], url_path="request-balance")
    def request_balance(self, request, pk=None):
        return self.act(DueInDaysInputSerializer, services.order_request_balance)

    @_order_action(_("主管赊销放行：尾款未到也可出货"), ActionReasonInputSerializer)
    @action(detail=True, methods=["post"], url_path="release-on-credit")
    def release_on_credit(self, request, pk=None):
        return self.act(ActionReasonInputSerializer, services.order_release_on_credit)

    @_order_action(_("客户签收：shipped → delivered"), ConfirmDeliveryInputSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-delivery")
    def confirm_delivery(self, request, pk=None):
        return self.act(ConfirmDeliveryInputSerializer, services.order_confirm_delivery)

    @_order_action(_("结案：delivered → closed"), ActionNoteInputSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.act(ActionNoteInputSerializer, services.order_close)

    @_order_action(_("取消订单（出货前）"), ActionReasonInputSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.act(ActionReasonInputSerializer, services.order_cancel)

    @_order_action(_("改单：新版本（需客户书面确认）"), AmendInputSerializer)
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        return self.act(AmendInputSerializer, services.order_amend)

    @_order_action(_("主管转交订单给另一位跟单员"), ReassignInputSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        order = self.get_object()
        data = self.validated(ReassignInputSerializer)
        services.order_reassign(
            actor=request.user, order_id=order.pk, owner_id=data["owner"], note=data.get("note", "")
        )
        return self.written(order)


@extend_schema_view(
    list=extend_schema(summary=_("收付款列表")),
    retrieve=extend_schema(summary=_("收付款详情（含到账记录）")),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    api_scope = "payments"
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    service_id, reread = "payment_id", True

    def get_queryset(self):
        return selectors.payment_list_visible_to(self.request.user)

    @extend_schema(
        summary=_("财务确认到账（可分多次）"),
        request=PaymentConfirmInputSerializer,
        responses=PaymentSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.act(PaymentConfirmInputSerializer, services.payment_confirm)
