"""The filters of the alert list (the API's /api/v1/alerts/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.filters import BooleanFilter, DateFilter, ListFilterSet, OrderingFilter, id_filter

from .models import Alert, AlertRule


class AlertFilterSet(ListFilterSet):
    rule = filters.MultipleChoiceFilter(choices=AlertRule.choices, label=_("规则"))
    unread = BooleanFilter(method="filter_unread", label=_("未读"))
    acknowledged = BooleanFilter(method="filter_acknowledged", label=_("已确认"))
    order = id_filter("order", _("订单"), help_text=_("订单 id"))
    day = DateFilter(label=_("日期"))
    ordering = OrderingFilter("id", "created_at", "day", default="-id")

    class Meta:
        model = Alert

    def filter_unread(self, queryset, name, value):
        return queryset.filter(mine__read_at__isnull=value)

    def filter_acknowledged(self, queryset, name, value):
        return queryset.filter(mine__acknowledged_at__isnull=not value)
