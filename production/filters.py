"""The FilterSets of the production app's lists: one per list, used by its page, its
Excel export and the API alike (gendan.filters)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
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
    yes_no,
)
from orders.filters import order_filter
from orders.models import Order

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
from .selectors import progress_missing
from .states import ACTIVE_PRODUCTION_STATUSES


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
    progress_missing = yes_no(
        _("缺生产日报"),
        _("缺日报"),
        _("不缺"),
        method="filter_progress_missing",
        help_text=_("true：进行中，上一个工作日以来没有生产日报（我的工作）"),
    )
    search = SearchFilter(
        "number", "order__number", "factory", help_text=_("生产单号、订单编号或工厂")
    )
    ordering = OrderingFilter(
        "id", "issued_at", "planned_start", "planned_finish", "updated_at", default="planned_finish"
    )

    class Meta:
        model = ProductionOrder

    def filter_progress_missing(self, queryset, name, value):
        missing = Q(
            status__in=ACTIVE_PRODUCTION_STATUSES,
            order_id__in=Order.objects.filter(progress_missing(timezone.localdate())).values("pk"),
        )
        return queryset.filter(missing) if value else queryset.exclude(missing)


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
