"""The OpenAPI schema and Swagger UI, served from our own static files (no CDN), and the
JSON 404 of URLs under /api/ that match nothing.

Neither is public: the schema answers an authenticated caller (a Bearer token — as an
ERP or a client generator reads it — or the browser session), 401 otherwise; the docs
page sends an anonymous visitor to the login page and reads the schema with the
session."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from .permissions import HasApiScope

SWAGGER_UI = "vendor/swagger-ui"


class SchemaView(SpectacularAPIView):
    throttle_classes: list = []
    # Read by any authenticated caller (machine clients need no scope for it).
    permission_classes = [IsAuthenticated, HasApiScope]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI; its HTML, init script and assets all come from this server. Mounted
    behind ``login_required`` (``docs_view``): the page is for people signed in."""

    url_name = "api:schema"
    title = "Gendan API"
    template_name = "api/swagger_ui.html"
    throttle_classes: list = []
    permission_classes = [IsAuthenticated]

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return static(f"{SWAGGER_UI}/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return static(f"{SWAGGER_UI}/favicon-32x32.png")


docs_view = login_required(DocsView.as_view())


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    from gendan.exceptions import NotFound

    return JsonResponse(
        {"code": NotFound.code, "detail": str(NotFound.default_message)}, status=404
    )
