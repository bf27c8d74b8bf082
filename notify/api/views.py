"""/api/v1/webhooks/: a machine client's own webhook subscriptions (people have none)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from gendan.api.views import (
    READ_AND_WRITE_METHODS,
    ResourceApiViewSet,
    list_and_detail,
    service_create,
    service_update,
)
from notify import webhooks
from notify.filters import WebhookFilterSet

from .serializers import WebhookInputSerializer, WebhookSerializer, WebhookUpdateInputSerializer


@list_and_detail(_("Webhook 订阅列表"), _("Webhook 订阅详情"))
class WebhookViewSet(ResourceApiViewSet):
    # The list's order is the FilterSet's (oldest first).
    api_scope, service_id = "webhooks", "subscription_id"
    http_method_names = [*READ_AND_WRITE_METHODS, "delete"]
    serializer_class, filterset_class = WebhookSerializer, WebhookFilterSet
    visible_to = webhooks.webhook_list_for
    create = service_create(
        WebhookInputSerializer, webhooks.webhook_subscribe, summary=_("新建 Webhook 订阅")
    )
    partial_update = service_update(
        WebhookUpdateInputSerializer, webhooks.webhook_update, summary=_("修改 Webhook 订阅")
    )

    @extend_schema(summary=_("删除 Webhook 订阅"), responses={204: None})
    def destroy(self, request, pk=None):
        subscription = self.get_object()
        webhooks.webhook_delete(actor=request.user, subscription_id=subscription.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
