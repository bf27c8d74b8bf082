"""Fixtures of the API tests: an API client per person, Bearer tokens, a live server."""

from __future__ import annotations

import uuid

import pytest
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


@pytest.fixture
def api_server(transactional_db, settings):
    """A live server on a free port, on the test database, for clients over HTTP (the
    example ERP script, schemathesis). Started after the settings above, which its
    middleware reads once."""
    from pytest_django.live_server_helper import LiveServer

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000/minute", "anon": "100000/minute"},
    }
    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()
