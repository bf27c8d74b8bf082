"""Serializers of the webhook subscriptions API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gendan.api.fields import ReadSerializer
from notify.models import WebhookSubscription

EVENT_TYPES_HELP = _(
    "事件类型列表：如 order.status_changed、order.*（一类）、alert.delivery_overdue；* 表示全部。"
)


class WebhookSerializer(ReadSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=_("签名密钥：X-Gendan-Signature 的 HMAC-SHA256 密钥。")
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "is_active", "secret", "created_at", "updated_at"]


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text=_("接收地址（http 或 https）。"))
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64),
        min_length=1,
        max_length=50,
        required=False,
        help_text=EVENT_TYPES_HELP,
    )


class WebhookUpdateInputSerializer(WebhookInputSerializer):
    url = serializers.CharField(max_length=500, required=False)
    is_active = serializers.BooleanField(required=False)
    rotate_secret = serializers.BooleanField(
        required=False, help_text=_("为 true 时生成新的签名密钥。")
    )
