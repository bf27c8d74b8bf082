"""The FilterSets of planning's lists (page, Excel export and API alike)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.filters import (
    ListFilterSet,
    OrderingFilter,
    SearchFilter,
    UpdatedAfterFilterSet,
    choices,
    date_range,
    has_value,
    id_filter,
)
from orders.filters import order_filter

from .models import Material, MaterialKind, Milestone, OwnerRole


class MilestoneFilterSet(ListFilterSet):
    """The slipping milestones across orders (the supervisor's view) and any plan's."""

    order = order_filter("plan__order")
    owner = id_filter("plan__order__owner", _("跟单员"), help_text=_("订单跟单员 id"))
    customer = id_filter("plan__order__customer", _("客户"), help_text=_("客户 id"))
    owner_role = choices(OwnerRole.choices, _("负责角色"))
    forecast_date = date_range(_("预计日期"), _("预计日期范围：forecast_date_after / _before"))
    done = has_value("actual_date", _("已完成"), _("未完成"))
    search = SearchFilter("name", "plan__order__number", help_text=_("节点或订单号"))
    ordering = OrderingFilter("id", "forecast_date", "planned_date", default="forecast_date")

    class Meta:
        model = Milestone


class MaterialFilterSet(UpdatedAfterFilterSet):
    order = order_filter()
    kind = choices(MaterialKind.choices, _("类别"))
    received = has_value("received_on", _("已到齐"), _("未到齐"))
    required_by = date_range(_("需到日期"), _("需到日期范围：required_by_after / _before"))
    search = SearchFilter(
        "name", "supplier", "purchase_reference", help_text=_("物料、供应商或采购单号")
    )
    ordering = OrderingFilter("id", "required_by", default="required_by")

    class Meta:
        model = Material
