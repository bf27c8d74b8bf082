"""Project-level views: health check, home page."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from orders import selectors as order_selectors

from .celery import app as celery_app
from .web import page


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with Connection(
            celery_app.conf.broker_url,
            transport_options=celery_app.conf.broker_transport_options,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 otherwise."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@page("home")
def home(request: HttpRequest) -> HttpResponse:
    """My work: what needs my action next, grouped by the next step."""
    groups = order_selectors.my_work(request.user)
    # Hook for the alerts app (in-app inbox): when it lands, add the user's unread
    # alerts here, e.g. ``"alerts": alert_selectors.alert_list_unread_for(request.user)[:10]``,
    # and render them in templates/home.html (see the "alerts" block there).
    return render(request, "home.html", {"groups": groups})
