"""The FilterSets of the shipping app's lists: one per list, used by its page, its
Excel export and the API alike (gendan.filters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.filters import (
    MomentRangeFilter,
    OrderingFilter,
    SearchFilter,
    UpdatedAfterFilterSet,
    choices,
    date_range,
)
from orders.filters import order_filter

from .models import (
    AfterSalesCase,
    AfterSalesKind,
    AfterSalesStatus,
    Shipment,
    ShipmentMode,
    ShipmentStatus,
)


class ShipmentFilterSet(UpdatedAfterFilterSet):
    order = order_filter()
    status = choices(ShipmentStatus.choices, _("状态"))
    mode = choices(ShipmentMode.choices, _("运输方式"))
    planned_ship_date = date_range(
        _("计划出货日期"), _("计划出货日期范围：planned_ship_date_after / _before")
    )
    actual_ship_date = date_range(
        _("实际出货日期"), _("实际出货日期范围：actual_ship_date_after / _before")
    )
    search = SearchFilter(
        "number",
        "order__number",
        "order__customer__name",
        "tracking_number",
        "container",
        help_text=_("出货单号、订单编号、客户、运单号、柜号"),
    )
    ordering = OrderingFilter(
        "id", "planned_ship_date", "created_at", "updated_at", default="-planned_ship_date"
    )

    class Meta:
        model = Shipment


class AfterSalesCaseFilterSet(UpdatedAfterFilterSet):
    order = order_filter()
    kind = choices(AfterSalesKind.choices, _("类型"))
    status = choices(AfterSalesStatus.choices, _("状态"))
    received_at = MomentRangeFilter(
        label=_("收到时间"), help_text=_("收到时间范围：received_at_after / _before")
    )
    search = SearchFilter(
        "order__number",
        "order__customer__name",
        "description",
        help_text=_("订单编号、客户或问题"),
    )
    ordering = OrderingFilter("id", "received_at", "updated_at", default="-received_at")

    class Meta:
        model = AfterSalesCase
