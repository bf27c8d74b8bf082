"""/api/v1/alerts/: the caller's own alert inbox (api.md) and acknowledging an alert.

Reads go through alerts.selectors (only the caller's alerts: anyone else's is
404); acknowledging is one call to alerts.services.alert_acknowledge.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from alerts import selectors, services
from alerts.filters import AlertFilterSet
from gendan.api.views import ListApiViewSet

from .serializers import AlertSerializer


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ListApiViewSet):
    """My alerts, newest first; filters ``rule`` (repeatable), ``order``, ``day``,
    ``unread``, ``acknowledged``."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet

    visible_to = selectors.alert_list_for

    @extend_schema(summary=_("确认提醒"), request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def ack(self, request, pk=None):
        alert = self.get_object()
        services.alert_acknowledge(actor=request.user, alert_id=alert.pk)
        return Response(AlertSerializer(self.get_object()).data)
