"""Project-level views: health check, home page, the alert inbox."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from kombu import Connection

from orders import selectors as order_selectors

from .alerts import selectors as alert_selectors
from .alerts import services as alert_services
from .celery import app as celery_app
from .exceptions import NotFound
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


@page("home")
def home(request: HttpRequest) -> HttpResponse:
    """My work: what needs my action next, grouped by the next step."""
    groups = order_selectors.my_work(request.user)
    alerts = alert_selectors.alert_list_for(request.user, unread=True)[:HOME_ALERTS]
    return render(request, "home.html", {"groups": groups, "alerts": alerts})


HOME_ALERTS = 8
INBOX_PAGE_SIZE = 30


@page("alerts")
def alert_inbox(request: HttpRequest) -> HttpResponse:
    """My alerts: the open ones (not acknowledged) by default, or all of them."""
    show_all = request.GET.get("show") == "all"
    alerts = alert_selectors.alert_list_for(request.user, acknowledged=None if show_all else False)
    page_obj = Paginator(alerts, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alerts/inbox.html", {"page_obj": page_obj, "show_all": show_all})


@require_POST
@page("alerts")
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge one alert of my inbox (htmx: the row is replaced in place)."""
    try:
        alert_services.alert_acknowledge(actor=request.user, alert_id=alert_id)
    except NotFound:
        raise Http404 from None
    if request.htmx:
        alert = alert_selectors.alert_get_for(request.user, alert_id)
        return render(request, "alerts/_row.html", {"alert": alert})
    messages.success(request, _("已确认提醒。"))
    return redirect("alerts")
