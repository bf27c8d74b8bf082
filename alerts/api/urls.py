"""Routes of the alerts API, mounted under /api/v1/ by gendan.api.urls."""

from .views import AlertViewSet

routes = [("alerts", AlertViewSet, "alert")]
