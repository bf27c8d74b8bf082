"""The FilterSets of the production app's lists: one per list, used by its page, its
Excel export and the API alike (gendan.filters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.filters import (
    BooleanFilter,
    ListFilterSet,
    MomentRangeFilter,
    OrderingFilter,
    SearchFilter,
    UpdatedAfterFilterSet,
    choices,
    date_range,
    id_filter,
)
from orders.filters import order_filter

from .models import (
    Incident,
    IncidentKind,
    IncidentStatus,
    InspectionKind,
    InspectionResult,
    ProductionOrder,
    ProductionOrderStatus,
    ProgressReport,
    QualityInspection,
)


def production_order_filter():
    return id_filter("production_order", _("生产单"), help_text=_("生产单 id"))


class ProductionOrderFilterSet(UpdatedAfterFilterSet):
    order = order_filter()
    status = choices(ProductionOrderStatus.choices, _("状态"))
    planned_finish = date_range(
        _("计划完成"), _("计划完成日期范围：planned_finish_after / _before")
    )
    factory = filters.CharFilter(
        lookup_expr="icontains", label=_("工厂/车间"), help_text=_("工厂/车间（包含）")
    )
    is_outside_processor = BooleanFilter(label=_("外协厂"))
    search = SearchFilter(
        "number", "order__number", "factory", help_text=_("生产单号、订单编号或工厂")
    )
    ordering = OrderingFilter(
        "id", "issued_at", "planned_start", "planned_finish", "updated_at", default="planned_finish"
    )

    class Meta:
        model = ProductionOrder


class ProgressReportFilterSet(ListFilterSet):
    production_order = production_order_filter()
    order = order_filter("production_order__order")
    stage = filters.CharFilter(field_name="stage__code", label=_("工序"), help_text=_("工序代码"))
    date = date_range(_("日期"), _("日期范围：date_after / _before"))
    search = SearchFilter(
        "production_order__number",
        "production_order__order__number",
        help_text=_("生产单号或订单编号"),
    )
    ordering = OrderingFilter("id", "date", "created_at", default="-date")

    class Meta:
        model = ProgressReport


class InspectionFilterSet(ListFilterSet):
    production_order = production_order_filter()
    order = order_filter("production_order__order")
    kind = choices(InspectionKind.choices, _("类型"))
    result = choices(InspectionResult.choices, _("结果"))
    inspected_on = date_range(_("检验日期"), _("检验日期范围：inspected_on_after / _before"))
    ordering = OrderingFilter("id", "inspected_on", "created_at", default="-inspected_on")

    class Meta:
        model = QualityInspection


class IncidentFilterSet(ListFilterSet):
    order = order_filter()
    production_order = production_order_filter()
    kind = choices(IncidentKind.choices, _("类型"))
    status = choices(IncidentStatus.choices, _("状态"))
    opened_at = MomentRangeFilter(
        label=_("发生时间"), help_text=_("发生时间范围：opened_at_after / _before")
    )
    search = SearchFilter("description", "resolution", help_text=_("描述或处理结果"))
    ordering = OrderingFilter("id", "opened_at", default="-opened_at")

    class Meta:
        model = Incident
