"""Project-level views: the health check and the home page.

The home page ("My work") shows what the apps put on it: each app with something
for it registers a section from its ``AppConfig.ready()`` (orders: my next steps;
alerts: my unread alerts), so the foundation imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

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
            # One attempt: a load balancer polls again soon; a retry would only make a
            # broker outage take seconds longer to show.
            conn.ensure_connection(max_retries=0, timeout=2)
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


# name -> the section's template context for the request, in the order of registration
# (the order of INSTALLED_APPS).
HomeSection = Callable[[HttpRequest], dict[str, Any]]
_home_sections: dict[str, HomeSection] = {}


def register_home_section(name: str, section: HomeSection) -> None:
    """Put ``section``'s context on the home page (call it from ``AppConfig.ready()``)."""
    _home_sections[name] = section


@page("home")
def home(request: HttpRequest) -> HttpResponse:
    """My work: what needs my action next, grouped by the next step."""
    context: dict[str, Any] = {}
    for section in _home_sections.values():
        context.update(section(request))
    return render(request, "home.html", context)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages that name no icon (the admin's)."""
    return redirect(static("img/favicon.svg"))
