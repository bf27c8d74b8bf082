"""The FilterSets of the orders app's lists: one per list, used by its page, its Excel
export and the API alike (gendan.filters), so ``?status=confirmed&search=ACME``
means the same rows everywhere. The parameter names are the API's (api.md)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import DateRangeWidget

from gendan.db import in_constants
from gendan.filters import (
    DateRangeFilter,
    IdFilter,
    OrderingFilter,
    SearchFilter,
    UpdatedAfterFilterSet,
    choices,
    date_range,
    id_filter,
    yes_no,
)

from . import tallies
from .models import Customer, Order, OrderLine, Payment, PaymentKind, PaymentStatus, Product
from .selectors import NEXT_STEPS, next_step_conditions, overdue_q
from .states import NOT_FULLY_SHIPPED, OPEN, OrderStatus

# ``?status_group=``: the statuses a dashboard figure counts together.
STATUS_GROUPS = {
    "open": OPEN,  # followed up: neither closed nor cancelled
    "not_shipped": NOT_FULLY_SHIPPED,  # goods still to ship (not cancelled)
}
STATUS_GROUP_CHOICES = [
    ("open", _("跟进中（未结案、未取消）")),
    ("not_shipped", _("未全部出货（未取消）")),
]
MAX_DUE_WITHIN = 366


class LineSearchFilter(SearchFilter):
    """The order search: every word found in one of the order's ``fields`` or in a
    line's product name, 货号, colour or description — one EXISTS per word over the
    lines, so an order with many matching lines is listed once."""

    LINE_FIELDS = ("product__name", "product__item_number", "colour", "description")

    def term_q(self, term: str) -> Q:
        lines = OrderLine.objects.filter(order_id=OuterRef("pk")).filter(
            self.any_of(term, self.LINE_FIELDS)
        )
        return super().term_q(term) | Q(Exists(lines))


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
    status_group = filters.ChoiceFilter(
        choices=STATUS_GROUP_CHOICES,
        label=_("状态组"),
        method="filter_status_group",
        help_text=_("open：跟进中；not_shipped：未全部出货"),
    )
    next_step = filters.ChoiceFilter(
        choices=[(key, label) for key, label in NEXT_STEPS],
        label=_("下一步"),
        method="filter_next_step",
        help_text=_("我的工作中的下一步（to_confirm、to_ship…）"),
    )
    due_within = IdFilter(
        min_value=0,
        max_value=MAX_DUE_WITHIN,
        label=_("几天内到期"),
        method="filter_due_within",
        help_text=_("未全部出货、合同交期在今天起 N 天内（含）的订单"),
    )
    fully_shipped = DateRangeFilter(
        label=_("全部出货日期"),
        help_text=_("全部出货日期范围：fully_shipped_after / _before（含）"),
        method="filter_fully_shipped",
        widget=DateRangeWidget(attrs={"type": "date"}),
    )
    on_time = yes_no(
        _("按期出货"),
        _("按期"),
        _("未按期"),
        method="filter_on_time",
        help_text=_("true：最后一批货在合同交期当天或之前出运"),
    )
    external_ref = filters.CharFilter(label=_("ERP 单号（精确）"))
    customer_po = filters.CharFilter(label=_("客户订单号（精确）"))
    search = LineSearchFilter(
        "number",
        "customer__name",
        "customer__code",
        "customer_po",
        "external_ref",
        help_text=_("订单编号、客户、客户订单号、外部编号、产品名称、货号、颜色"),
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

    def filter_status_group(self, queryset, name, value):
        return queryset.filter(status__in=STATUS_GROUPS[value]) if value else queryset

    def filter_next_step(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(next_step_conditions(timezone.localdate())[value])

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(
            in_constants("status", NOT_FULLY_SHIPPED),  # the partial index (overdue_q)
            contract_delivery_date__gte=today,
            contract_delivery_date__lte=today + dt.timedelta(days=int(value)),
        )

    def filter_fully_shipped(self, queryset, name, value):
        """By the local day the order was fully shipped (as the dashboard's months)."""
        if not value:
            return queryset
        tz = timezone.get_current_timezone()
        if value.start is not None:
            start = dt.datetime.combine(value.start, dt.time.min, tzinfo=tz)
            queryset = queryset.filter(fully_shipped_at__gte=start)
        if value.stop is not None:
            end = dt.datetime.combine(value.stop + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            queryset = queryset.filter(fully_shipped_at__lt=end)
        return queryset

    def filter_on_time(self, queryset, name, value):
        """The last shipment that left, left on or before the contract delivery date
        (the on-time delivery rate's rule, orders.tallies)."""
        queryset = queryset.alias(last_ship=tallies.last_shipped())
        on_time = Q(last_ship__lte=F("contract_delivery_date"))
        if value:
            return queryset.filter(on_time)
        return queryset.filter(Q(last_ship__gt=F("contract_delivery_date")) | Q(last_ship=None))


class PaymentFilterSet(UpdatedAfterFilterSet):
    order = order_filter()
    kind = choices(PaymentKind.choices, _("类型"))
    status = choices(PaymentStatus.choices, _("状态"))
    due_date = date_range(_("到期日"), _("到期日范围：due_date_after / _before"))
    currency = filters.CharFilter(
        field_name="order__currency", max_length=3, label=_("币种"), help_text=_("币种，如 USD")
    )
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
