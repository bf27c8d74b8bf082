"""Fixtures of the API tests: an API client per person, Bearer tokens, a live server."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from rest_framework.test import APIClient

from gendan.api.services import token_issue
from gendan.models import User


@pytest.fixture(autouse=True)
def _api_settings(settings):
    # Plain HTTP in tests (production redirects to HTTPS), and fresh throttle counters
    # per test: user ids repeat across tests on SQLite.
    settings.SECURE_SSL_REDIRECT = False
    # Pages (browsable API, docs) render without a prior collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{uuid.uuid4()}",
        },
    }


def bearer(user: User) -> str:
    """A fresh knox token for ``user``."""
    _, token = token_issue(user=user, expires_in=None)
    return token


@pytest.fixture
def api():
    """``api(user)``: an APIClient that authenticates as ``user`` with a Bearer token
    (``api()`` is anonymous)."""

    def make(user: User | None = None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
        return client

    return make


class _SerialWSGIServer(WSGIServer):
    """Handles one request at a time, in the server's thread, and closes each connection
    (Django does for a server that is not threaded): on SQLite every request shares the
    test's one in-memory connection, so two must never overlap. (Also much faster for
    many short requests than a thread and a kept-alive connection per client.)"""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override or {}

    def process_request(self, request, client_address):
        for alias, conn in self.connections_override.items():
            connections[alias] = conn
        super().process_request(request, client_address)


class _SerialLiveServerThread(LiveServerThread):
    server_class = _SerialWSGIServer


class LiveApiServer:
    """A live server on a free port of 127.0.0.1, on the test database."""

    def __init__(self) -> None:
        self.shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        self.thread = _SerialLiveServerThread(
            "127.0.0.1", StaticFilesHandler, connections_override=self.shared, port=0
        )
        self.thread.daemon = True
        for conn in self.shared.values():
            conn.inc_thread_sharing()
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            self.stop()
            raise self.thread.error

    @property
    def url(self) -> str:
        return f"http://{self.thread.host}:{self.thread.port}"

    def stop(self) -> None:
        self.thread.terminate()
        for conn in self.shared.values():
            conn.dec_thread_sharing()


@pytest.fixture
def api_server(transactional_db, settings):
    """A live server for clients over HTTP (the example ERP script, schemathesis),
    started after the settings above, which its middleware reads once."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000/minute", "anon": "100000/minute"},
    }
    server = LiveApiServer()
    yield server
    server.stop()
