"""The FilterSets of the samples' lists (page, Excel export and API alike)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.filters import (
    ListFilterSet,
    OrderingFilter,
    SearchFilter,
    UpdatedAfterFilterSet,
    choices,
    date_range,
    id_filter,
)
from production.filters import production_order_filter

from .models import ProductionSample, ProductionSampleKind, SampleRequest
from .states import MouldStatus, SampleStatus


class SampleRequestFilterSet(UpdatedAfterFilterSet):
    status = choices(SampleStatus.choices, _("状态"))
    mould_status = choices(MouldStatus.choices, _("开模审批"))
    customer = id_filter("customer", _("客户"), help_text=_("客户 id"))
    owner = id_filter("owner", _("跟单员"), help_text=_("跟单员 id"))
    due_date = date_range(_("要求完成日期"), _("要求完成日期范围：due_date_after / _before"))
    search = SearchFilter(
        "number",
        "item_number",
        "tracking_number",
        "customer__name",
        help_text=_("单号、货号、快递单号或客户"),
    )
    ordering = OrderingFilter("id", "created_at", "due_date", default="-created_at")

    class Meta:
        model = SampleRequest


class ProductionSampleFilterSet(ListFilterSet):
    production_order = production_order_filter()
    kind = choices(ProductionSampleKind.choices, _("类型"))
    ordering = OrderingFilter("id", "recorded_on", default="-recorded_on")

    class Meta:
        model = ProductionSample
