"""FilterSets of the orders API's lists."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.api.filters import UpdatedAfterFilterSet, id_filter
from orders import selectors
from orders.models import Customer, Order, Payment, PaymentKind, PaymentStatus, Product
from orders.states import OrderStatus


class CustomerFilterSet(UpdatedAfterFilterSet):
    owner = id_filter("owner", _("负责跟单员 id"))

    class Meta:
        model = Customer
        fields = ["is_active", "country"]


class ProductFilterSet(UpdatedAfterFilterSet):
    class Meta:
        model = Product
        fields = ["is_active", "series"]


class OrderFilterSet(UpdatedAfterFilterSet):
    status = filters.MultipleChoiceFilter(
        choices=OrderStatus.choices, label=_("状态（可重复：?status=a&status=b）")
    )
    customer = id_filter("customer", _("客户 id"))
    owner = id_filter("owner", _("跟单员 id"))
    contract_delivery_date = filters.DateFromToRangeFilter(
        label=_("合同交期范围：contract_delivery_date_after / _before（含）")
    )
    order_date = filters.DateFromToRangeFilter(label=_("下单日期范围：order_date_after / _before"))
    overdue = filters.BooleanFilter(
        method="filter_overdue", label=_("true：合同交期已过且未全部出货")
    )
    external_ref = filters.CharFilter(label=_("ERP 单号（精确）"))
    customer_po = filters.CharFilter(label=_("客户订单号（精确）"))

    class Meta:
        model = Order
        fields = ["status", "customer", "owner", "external_ref", "customer_po"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PaymentFilterSet(UpdatedAfterFilterSet):
    order = id_filter("order", _("订单 id"))
    kind = filters.MultipleChoiceFilter(choices=PaymentKind.choices, label=_("类型（可重复）"))
    status = filters.MultipleChoiceFilter(choices=PaymentStatus.choices, label=_("状态（可重复）"))
    due_date = filters.DateFromToRangeFilter(label=_("到期日范围：due_date_after / _before"))

    class Meta:
        model = Payment
        fields = ["order", "kind", "status"]
