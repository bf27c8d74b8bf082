"""The OpenAPI schema and Swagger UI, served from our own static files (no CDN), and the
JSON 404 of URLs under /api/ that match nothing."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

SWAGGER_UI = "vendor/swagger-ui"


class SchemaView(SpectacularAPIView):
    throttle_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI; its HTML, init script and assets all come from this server."""

    url_name = "api:schema"
    title = "Gendan API"
    throttle_classes: list = []

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return static(f"{SWAGGER_UI}/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return static(f"{SWAGGER_UI}/favicon-32x32.png")


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    from gendan.exceptions import NotFound

    return JsonResponse(
        {"code": NotFound.code, "detail": str(NotFound.default_message)}, status=404
    )
