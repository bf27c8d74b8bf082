"""Serializers of the alerts API: an alert as its reader sees it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alerts.models import Alert


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
