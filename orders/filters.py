"""The FilterSets of the orders app's lists: one per list, used by its page, its Excel
export and the API alike (gendan.filters), so ``?status=confirmed&search=ACME``
means the same rows everywhere. The parameter names are the API's (api.md)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.filters import (
    OrderingFilter,
    SearchFilter,
    UpdatedAfterFilterSet,
    choices,
    date_range,
    id_filter,
    yes_no,
)

from .models import Customer, Order, Payment, PaymentKind, PaymentStatus, Product
from .selectors import overdue_q
from .states import OrderStatus


def order_filter(path: str = "order"):
    """``?order=<id>``: the rows of one order (payments, production, shipping)."""
    return id_filter(path, _("订单"), help_text=_("订单 id"))


class OrderFilterSet(UpdatedAfterFilterSet):
    status = choices(OrderStatus.choices, _("状态"))
    customer = id_filter("customer", _("客户"), help_text=_("客户 id"))
    owner = id_filter("owner", _("跟单员"), help_text=_("跟单员 id"))
    contract_delivery_date = date_range(
        _("合同交期"), _("合同交期范围：contract_delivery_date_after / _before（含）")
    )
    order_date = date_range(_("下单日期"), _("下单日期范围：order_date_after / _before"))
    overdue = yes_no(
        _("逾期"),
        _("仅逾期"),
        _("未逾期"),
        method="filter_overdue",
        help_text=_("true：合同交期已过且未全部出货"),
    )
    external_ref = filters.CharFilter(label=_("ERP 单号（精确）"))
    customer_po = filters.CharFilter(label=_("客户订单号（精确）"))
    search = SearchFilter(
        "number",
        "customer__name",
        "customer__code",
        "customer_po",
        "external_ref",
        help_text=_("订单编号、客户、客户订单号、外部编号"),
    )
    ordering = OrderingFilter(
        "id",
        "number",
        "status",
        "order_date",
        "contract_delivery_date",
        "total_amount",
        "created_at",
        "updated_at",
        paths={"customer": "customer__name", "owner": "owner__username"},
        default="-order_date",
    )

    class Meta:
        model = Order

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PaymentFilterSet(UpdatedAfterFilterSet):
    order = order_filter()
    kind = choices(PaymentKind.choices, _("类型"))
    status = choices(PaymentStatus.choices, _("状态"))
    due_date = date_range(_("到期日"), _("到期日范围：due_date_after / _before"))
    search = SearchFilter(
        "order__number",
        "order__customer__name",
        "order__customer__code",
        "reference",
        help_text=_("订单编号、客户或银行流水号"),
    )
    # A page shows the earliest due first: the finance queue is worked in that order.
    ordering = OrderingFilter("id", "requested_at", "due_date", "updated_at", default="due_date")

    class Meta:
        model = Payment


class CustomerFilterSet(UpdatedAfterFilterSet):
    is_active = yes_no(_("启用"), _("启用"), _("停用"))
    owner = id_filter("owner", _("负责跟单员"), help_text=_("负责跟单员 id"))
    search = SearchFilter("code", "name", help_text=_("客户编号或名称"))
    ordering = OrderingFilter("id", "code", "name", "created_at", "updated_at", default="code")

    class Meta:
        model = Customer
        fields = ["country"]


class ProductFilterSet(UpdatedAfterFilterSet):
    search = SearchFilter("item_number", "name", "series", help_text=_("货号、名称或型号系列"))
    ordering = OrderingFilter(
        "id", "item_number", "name", "created_at", "updated_at", default="item_number"
    )

    class Meta:
        model = Product
        fields = ["is_active", "series"]
