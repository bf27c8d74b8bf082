"""/api/: the v1 resources (one router over every app's routes), tokens, schema, docs.
Mounted by gendan.urls under the namespace ``api``."""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from alerts.api.urls import routes as alert_routes
from conversation.api.urls import routes as conversation_routes
from kpi.api.urls import ROUTES as kpi_routes
from orders.api.urls import routes as order_routes
from production.api.urls import routes as production_routes
from shipping.api.urls import routes as shipping_routes

from .auth_views import LogoutView, MeView, TokenDetailView, TokenListView, TokenView
from .docs import SchemaView, docs_view, not_found

router = DefaultRouter()
for prefix, viewset, basename in (
    *order_routes,
    *production_routes,
    *shipping_routes,
    *conversation_routes,
    *kpi_routes,
    *alert_routes,
):
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/auth/me/", MeView.as_view(), name="me"),
    path("v1/auth/logout/", LogoutView.as_view(), name="logout"),
    path("v1/auth/tokens/", TokenListView.as_view(), name="tokens"),
    # A token's id is its knox token_key: the first characters of the token.
    re_path(
        r"^v1/auth/tokens/(?P<id>[0-9A-Za-z_-]{1,25})/$",
        TokenDetailView.as_view(),
        name="token_detail",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    # Anything else under /api/ is a JSON 404, like a missing object.
    re_path(r"^.*$", not_found),
]
