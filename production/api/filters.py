"""FilterSets of the production API's lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.api.filters import MomentRangeFilter, UpdatedAfterFilterSet, id_filter
from production.models import (
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


class ProductionOrderFilterSet(UpdatedAfterFilterSet):
    order = id_filter("order", _("订单 id"))
    status = filters.MultipleChoiceFilter(
        choices=ProductionOrderStatus.choices, label=_("状态（可重复）")
    )
    planned_finish = filters.DateFromToRangeFilter(
        label=_("计划完成日期范围：planned_finish_after / _before")
    )
    factory = filters.CharFilter(lookup_expr="icontains", label=_("工厂/车间（包含）"))
    is_outside_processor = filters.BooleanFilter()

    class Meta:
        model = ProductionOrder
        fields = ["order", "status", "factory", "is_outside_processor"]


class ProgressReportFilterSet(filters.FilterSet):
    production_order = id_filter("production_order", _("生产单 id"))
    order = id_filter("production_order__order", _("订单 id"))
    stage = filters.CharFilter(field_name="stage__code", label=_("工序代码"))
    date = filters.DateFromToRangeFilter(label=_("日期范围：date_after / _before"))

    class Meta:
        model = ProgressReport
        fields = ["production_order", "order", "stage"]


class InspectionFilterSet(filters.FilterSet):
    production_order = id_filter("production_order", _("生产单 id"))
    order = id_filter("production_order__order", _("订单 id"))
    kind = filters.MultipleChoiceFilter(choices=InspectionKind.choices)
    result = filters.MultipleChoiceFilter(choices=InspectionResult.choices)
    inspected_on = filters.DateFromToRangeFilter(
        label=_("检验日期范围：inspected_on_after / _before")
    )

    class Meta:
        model = QualityInspection
        fields = ["production_order", "order", "kind", "result"]


class IncidentFilterSet(filters.FilterSet):
    order = id_filter("order", _("订单 id"))
    production_order = id_filter("production_order", _("生产单 id"))
    kind = filters.MultipleChoiceFilter(choices=IncidentKind.choices)
    status = filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    opened_at = MomentRangeFilter(label=_("发生时间范围：opened_at_after / _before"))

    class Meta:
        model = Incident
        fields = ["order", "production_order", "kind", "status"]
