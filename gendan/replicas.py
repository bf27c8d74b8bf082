"""Reads from PostgreSQL streaming replicas (``DATABASE_REPLICA_URLS``).

``ReplicaMiddleware`` decides per request where its reads go. A replica serves the
GETs that only read and may lag a moment behind:

- the pages named in ``REPLICA_PAGES`` (the dashboard, the reports, every Excel export,
  the KPI pages), and
- the API's list and detail GETs (a viewset's ``list`` and ``retrieve``).

Everything else reads the primary, and so does, for ``GENDAN_REPLICA_PIN_SECONDS``
after it, whoever just wrote (read-your-writes): every request with an unsafe method
pins its sender to the primary — a browser by a short-lived cookie, an API client by a
marker in the shared cache keyed by a hash of its ``Authorization`` header. Who is
signed in (sessions, tokens, users, roles, API clients) is always read from the
primary, so a fresh login or token works at once. A replica that does not answer is
left out for ``GENDAN_REPLICA_RETRY_SECONDS``: its reads go to the primary, and a
request it failed half-way is served again from the primary.

``ReplicaRouter`` (``DATABASE_ROUTERS``) carries the decision out: reads of the
request's replica, writes and migrations on the primary, and reads inside a
transaction on the primary too.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import random
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

# URL names (namespace:name; ``*`` for any) whose GETs read a replica.
REPLICA_PAGES = frozenset(
    {
        "orders:dashboard",
        "orders:daily_report",
        "orders:sales_ledger",
        "orders:receivables",
        "*:export",
        "*:customer_export",
        "orders:finance_export",
        "kpi:*",
    }
)
# The API actions that read a replica.
REPLICA_ACTIONS = frozenset({"list", "retrieve"})
# Who is signed in is read from the primary: a session, token or role made a moment
# ago must work at once.
PRIMARY_APPS = frozenset({"sessions", "knox", "auth", "axes", "contenttypes"})
PRIMARY_MODELS = frozenset({"gendan.user", "gendan.apiclient"})

PIN_COOKIE = "gendan_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# The replica the current request reads (None: the primary).
_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gendan_read_alias", default=None
)

# Per process: replicas left out until a moment (time.monotonic()).
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def _mark_down(alias: str, error: Exception) -> None:
    seconds = settings.GENDAN_REPLICA_RETRY_SECONDS
    with _down_lock:
        was_up = _down_until.get(alias, 0) <= time.monotonic()
        _down_until[alias] = time.monotonic() + seconds
    if was_up:
        logger.warning(
            "replica %s does not answer (%s): reading the primary for %ss", alias, error, seconds
        )


def _usable(alias: str) -> bool:
    """Connect to ``alias`` (or check the connection kept from an earlier request)."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        _mark_down(alias, error)
        return False
    return True


def pick_replica() -> str | None:
    """A replica that answers, chosen at random among those not left out; None if none."""
    now = time.monotonic()
    candidates = [alias for alias in replicas() if _down_until.get(alias, 0) <= now]
    random.shuffle(candidates)
    return next((alias for alias in candidates if _usable(alias)), None)


def _pin_key(request) -> str | None:
    credential = request.headers.get("Authorization", "")
    if not credential:
        return None
    return "replica-pin:" + hashlib.sha256(credential.encode()).hexdigest()


def _pinned(request) -> bool:
    if request.COOKIES.get(PIN_COOKIE):
        return True
    key = _pin_key(request)
    return bool(key and caches["api"].get(key))


def _pin(request, response) -> None:
    seconds = settings.GENDAN_REPLICA_PIN_SECONDS
    if seconds <= 0:
        return
    response.set_cookie(
        PIN_COOKIE,
        "1",
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    if key := _pin_key(request):
        caches["api"].set(key, 1, timeout=seconds)


def _reads_replica(request, view_func) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    actions = getattr(view_func, "actions", None)
    if actions:  # a DRF viewset: its list and detail GETs
        return actions.get(request.method.lower()) in REPLICA_ACTIONS
    match = request.resolver_match
    if match is None:
        return False
    namespace = match.namespace or ""
    return bool(
        {f"{namespace}:{match.url_name}", f"*:{match.url_name}", f"{namespace}:*"} & REPLICA_PAGES
    )


class ReplicaMiddleware:
    """Where a request's reads go (see the module's docstring); pins writers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replicas())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        request.read_alias = None
        try:
            response = self.get_response(request)
            alias = request.read_alias
            if alias and response.status_code >= 500 and not connections[alias].is_usable():
                # The replica went away during the request: serve it from the primary.
                _mark_down(alias, DatabaseError(f"failed during {request.path}"))
                _read_alias.set(None)
                request.read_alias = None
                response = self.get_response(request)
        finally:
            _read_alias.set(None)
        if request.method not in SAFE_METHODS:
            _pin(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            self.enabled
            and request.read_alias is None
            and _reads_replica(request, view_func)
            and not _pinned(request)
        ):
            request.read_alias = pick_replica()
            _read_alias.set(request.read_alias)
        return None


class ReplicaRouter:
    """Reads of the current request's replica; writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None:
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a transaction reads what it wrote
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
