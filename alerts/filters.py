"""The filters of the alert list (the API's /api/v1/alerts/)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Alert, AlertRule


class AlertFilterSet(django_filters.FilterSet):
    rule = django_filters.MultipleChoiceFilter(choices=AlertRule.choices)
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("未读"))
    acknowledged = django_filters.BooleanFilter(method="filter_acknowledged", label=_("已确认"))
    order = django_filters.NumberFilter(field_name="order_id")

    class Meta:
        model = Alert
        fields = ["rule", "order", "day"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(mine__read_at__isnull=value)

    def filter_acknowledged(self, queryset, name, value):
        return queryset.filter(mine__acknowledged_at__isnull=not value)
