"""Routes of the notifications API, mounted under /api/v1/ by gendan.api.urls."""

from .views import WebhookViewSet

routes = [("webhooks", WebhookViewSet, "webhook")]
