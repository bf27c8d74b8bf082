"""The orders API: customers, products, orders with their lifecycle actions, payments.

Thin: reads through the scoped selectors, every write is input serializer → one
service call → output serializer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from gendan import policy
from gendan.api.authentication import api_client_of
from gendan.api.rows import Rows
from gendan.api.views import (
    READ_AND_POST_METHODS,
    READ_AND_WRITE_METHODS,
    ApiViewSet,
    ListApiViewSet,
    ResourceApiViewSet,
    RowsListMixin,
    document_action,
    list_and_detail,
    service_action,
    service_create,
    service_update,
)
from gendan.db import Statements
from gendan.excel import XLSX, download
from orders import imports, selectors, services
from orders.documents import proforma_invoice
from orders.filters import CustomerFilterSet, OrderFilterSet, PaymentFilterSet, ProductFilterSet
from orders.models import ImportBatch, Order
from orders.services import imports as import_services

from .serializers import (
    ActionNoteInputSerializer,
    ActionReasonInputSerializer,
    AmendInputSerializer,
    ConfirmDeliveryInputSerializer,
    ConfirmInputSerializer,
    ContractDateInputSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    DiscountInputSerializer,
    DueInDaysInputSerializer,
    ImportBatchSerializer,
    ImportTemplateQuerySerializer,
    ImportUploadInputSerializer,
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


@list_and_detail(_("客户列表（?search= 按编号和名称）"), _("客户详情"))
class CustomerViewSet(ResourceApiViewSet):
    api_scope = "customers"
    http_method_names = READ_AND_WRITE_METHODS
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    ordering = ["code"]
    service_id = "customer_id"

    visible_to = selectors.customer_list_visible_to

    create = service_create(
        CustomerInputSerializer, services.customer_create, summary=_("新建客户")
    )
    partial_update = service_update(
        CustomerInputSerializer, services.customer_update, summary=_("修改客户")
    )


@list_and_detail(_("产品列表"), _("产品详情"))
class ProductViewSet(ResourceApiViewSet):
    api_scope = "products"
    http_method_names = READ_AND_WRITE_METHODS
    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    ordering = ["item_number"]
    service_id = "product_id"

    visible_to = selectors.product_list_visible_to

    create = service_create(ProductInputSerializer, services.product_create, summary=_("新建产品"))
    partial_update = service_update(
        ProductInputSerializer, services.product_update, summary=_("修改产品")
    )


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


@list_and_detail(_("订单列表"), _("订单详情（含订单行）"))
class OrderViewSet(RowsListMixin, mixins.RetrieveModelMixin, OrderResourceMixin, ListApiViewSet):
    list_rows = Rows(OrderSerializer, expressions={"balance_due": Order.balance_due_expression()})
    # The orders' scope is the policy's (the user's id and roles): an ERP client's
    # polling runs one compiled statement per page size (RowsListMixin).
    list_statements = Statements(size=256)

    def list_sources(self, request):
        # get_queryset is the policy's order scope and nothing else: a merchandiser's
        # page comes from their own and shared orders by index (RowsListMixin).
        return policy.order_scope_sources(request.user, "order.view")

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

    partial_update = service_update(
        OrderUpdateInputSerializer,
        services.order_update_draft,
        summary=_("修改草稿订单（lines 替换全部订单行；确认后请用 amend）"),
    )
    proforma_invoice = document_action(
        proforma_invoice,
        summary=_("形式发票 PDF（金额大写：人民币为中文大写，其他币种为英文）"),
        url_path="proforma-invoice",
        allowed=lambda user, order: policy.can(user, "payment.view", order),
    )

    @extend_schema(
        summary=_("订单时间线"),
        responses=OrderEventSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        order = self.get_object()
        return Response(OrderEventSerializer(selectors.order_events(order), many=True).data)

    confirm = service_action(
        ConfirmInputSerializer, services.order_confirm, summary=_("客户书面确认：draft → confirmed")
    )
    request_deposit = service_action(
        DueInDaysInputSerializer,
        services.order_request_deposit,
        summary=_("请客户付订金：confirmed → awaiting_deposit"),
    )
    waive_deposit = service_action(
        ActionReasonInputSerializer,
        services.order_waive_deposit,
        summary=_("主管豁免订金：→ deposit_paid"),
    )
    request_balance = service_action(
        DueInDaysInputSerializer,
        services.order_request_balance,
        summary=_("请客户付尾款：produced → awaiting_balance"),
    )
    release_on_credit = service_action(
        ActionReasonInputSerializer,
        services.order_release_on_credit,
        summary=_("主管赊销放行：尾款未到也可出货"),
    )
    confirm_delivery = service_action(
        ConfirmDeliveryInputSerializer,
        services.order_confirm_delivery,
        summary=_("客户签收：shipped → delivered"),
    )
    close = service_action(
        ActionNoteInputSerializer, services.order_close, summary=_("结案：delivered → closed")
    )
    cancel = service_action(
        ActionReasonInputSerializer, services.order_cancel, summary=_("取消订单（出货前）")
    )
    amend = service_action(
        AmendInputSerializer, services.order_amend, summary=_("改单：新版本（需客户书面确认）")
    )
    apply_discount = service_action(
        DiscountInputSerializer,
        services.order_apply_discount,
        summary=_("主管给予折扣：订单金额降低，应收订金和尾款随之调整"),
    )
    change_contract_date = service_action(
        ContractDateInputSerializer,
        services.order_change_contract_date,
        summary=_("主管修改合同交期（客户已同意）"),
    )

    @extend_schema(
        summary=_("主管转交订单给另一位跟单员"),
        request=ReassignInputSerializer,
        responses=OrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        order = self.get_object()
        data = self.validated(ReassignInputSerializer)
        services.order_reassign(
            actor=request.user, order_id=order.pk, owner_id=data["owner"], note=data.get("note", "")
        )
        return self.written(order)


@list_and_detail(_("收付款列表"), _("收付款详情（含到账记录）"))
class PaymentViewSet(ResourceApiViewSet):
    api_scope = "payments"
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    service_id, reread = "payment_id", True

    visible_to = selectors.payment_list_visible_to

    confirm = service_action(
        PaymentConfirmInputSerializer,
        services.payment_confirm,
        summary=_("财务确认到账（可分多次）"),
    )


@list_and_detail(_("我的 Excel 导入"), _("Excel 导入：预览（每行的操作和每个错误）或结果"))
class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Excel import for ERP clients that prefer files: upload (a dry run, nothing
    written), read the preview, confirm (all or nothing)."""

    api_scope = "orders"
    service_id = "batch_id"
    queryset = ImportBatch.objects.none()  # the schema's id type; get_queryset scopes
    serializer_class = ImportBatchSerializer
    parser_classes = [MultiPartParser]
    http_method_names = READ_AND_POST_METHODS
    filter_backends = []

    def get_queryset(self):
        return selectors.import_list(self.request.user).defer(None).order_by("-id")

    @extend_schema(
        summary=_("上传 .xlsx 并检查（预览，不写入数据）；大文件由后台任务检查"),
        request={"multipart/form-data": ImportUploadInputSerializer},
        responses={201: ImportBatchSerializer},
    )
    def create(self, request):
        data = self.validated(ImportUploadInputSerializer)
        batch = import_services.import_upload(
            actor=request.user, kind=data["kind"], upload=data["file"]
        )
        return self.written(batch, status.HTTP_201_CREATED)

    # Confirm: all or nothing, orders as drafts.
    confirm = service_action(
        None,
        import_services.import_confirm,
        summary=_("确认导入（全部成功或全部不导入；订单为草稿）"),
    )

    @extend_schema(
        summary=_("下载导入模板（.xlsx，中英文列名）"),
        parameters=[ImportTemplateQuerySerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def template(self, request):
        query = ImportTemplateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data["kind"]
        return download(imports.template(kind), f"gendan-import-{kind}.xlsx")
