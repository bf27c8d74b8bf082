"""FilterSets of the shipping API's lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.api.filters import MomentRangeFilter, UpdatedAfterFilterSet, id_filter
from shipping.models import (
    AfterSalesCase,
    AfterSalesKind,
    AfterSalesStatus,
    Shipment,
    ShipmentMode,
    ShipmentStatus,
)


class ShipmentFilterSet(UpdatedAfterFilterSet):
    order = id_filter("order", _("订单 id"))
    status = filters.MultipleChoiceFilter(choices=ShipmentStatus.choices, label=_("状态（可重复）"))
    mode = filters.MultipleChoiceFilter(choices=ShipmentMode.choices)
    planned_ship_date = filters.DateFromToRangeFilter(
        label=_("计划出货日期范围：planned_ship_date_after / _before")
    )
    actual_ship_date = filters.DateFromToRangeFilter(
        label=_("实际出货日期范围：actual_ship_date_after / _before")
    )

    class Meta:
        model = Shipment
        fields = ["order", "status", "mode"]


class AfterSalesCaseFilterSet(UpdatedAfterFilterSet):
    order = id_filter("order", _("订单 id"))
    kind = filters.MultipleChoiceFilter(choices=AfterSalesKind.choices)
    status = filters.MultipleChoiceFilter(choices=AfterSalesStatus.choices)
    received_at = MomentRangeFilter(label=_("收到时间范围：received_at_after / _before"))

    class Meta:
        model = AfterSalesCase
        fields = ["order", "kind", "status"]
