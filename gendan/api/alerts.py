"""/api/v1/alerts/: the caller's own alert inbox (api.md) and acknowledging an alert.

Reads go through gendan.alerts.selectors (only the caller's alerts: anyone else's is
404); acknowledging is one call to gendan.alerts.services.alert_acknowledge.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from gendan.alerts import selectors, services
from gendan.models import Alert, AlertRule

from .views import ApiViewSet


class AlertSerializer(serializers.ModelSerializer):
    message = serializers.CharField(read_only=True, help_text=_("提醒内容（当前语言）。"))
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "day",
            "order",
            "escalated",
            "message",
            "data",
            "created_at",
            "read_at",
            "acknowledged_at",
        ]
        read_only_fields = fields


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


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """My alerts, newest first; filters ``rule`` (repeatable), ``order``, ``day``,
    ``unread``, ``acknowledged``."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    ordering_fields = ["id", "created_at", "day"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.alert_list_for(self.request.user)

    @extend_schema(summary=_("确认提醒"), request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def ack(self, request, pk=None):
        alert = self.get_object()
        services.alert_acknowledge(actor=request.user, alert_id=alert.pk)
        return Response(AlertSerializer(self.get_object()).data)


routes = [("alerts", AlertViewSet, "alert")]
