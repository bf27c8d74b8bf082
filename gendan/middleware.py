"""Gendan's middleware: the language choice, and 503 for an unreachable database.

Language: Simplified Chinese unless the user picked another language with the switch
(the language cookie). The browser's Accept-Language is not consulted: a Chinese
company's staff often run English-language browsers."""

import logging
import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from . import csp
from .exceptions import DatabaseUnavailable, is_database_unavailable, retry_after_seconds

logger = logging.getLogger(__name__)

# The plain error pages (templates/500.html, 503.html) carry their few lines of CSS
# inline: they need neither the database nor the static files.
ERROR_PAGE_CSP = {"style-src": ["'unsafe-inline'"]}


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


def database_unavailable_response(request) -> HttpResponse:
    """503 with Retry-After for a request that found the database unreachable: JSON
    ``{"code": "database_unavailable", …}`` under /api/, a plain page elsewhere (it
    touches neither the database nor the static files)."""
    retry_after = str(retry_after_seconds())
    if request.path.startswith("/api/"):
        response = JsonResponse(DatabaseUnavailable().as_dict(), status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
        csp.allow(response, ERROR_PAGE_CSP)
    response["Retry-After"] = retry_after
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database cannot be reached (PostgreSQL restarting,
    down, unreachable) answers 503 + Retry-After instead of a 500; Django reconnects on
    a later request by itself (CONN_HEALTH_CHECKS), nothing needs restarting. The API's
    own views get the same answer from gendan.exceptions.api_exception_handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logger.warning("%s: database unavailable (%s)", request.path, exception)
            return database_unavailable_response(request)
        return None


def server_error(request, *args, **kwargs) -> HttpResponse:
    """handler500: the 503 above when the error was an unreachable database raised
    outside a view (a middleware reading the session or the user), else Django's 500."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return csp.allow(defaults.server_error(request, *args, **kwargs), ERROR_PAGE_CSP)
