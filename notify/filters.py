"""The filters of the webhook subscriptions list (the API's /api/v1/webhooks/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gendan.filters import ListFilterSet, OrderingFilter, yes_no

from .models import WebhookSubscription


class WebhookFilterSet(ListFilterSet):
    is_active = yes_no(_("启用"), _("启用"), _("停用"))
    ordering = OrderingFilter("id", "created_at", "updated_at", default="id")

    class Meta:
        model = WebhookSubscription
