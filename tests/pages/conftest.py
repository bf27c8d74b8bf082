"""Page tests with Django's test client: plain static storage (no collectstatic),
plain HTTP, and the users of ``tests.factories.Cast`` logged in with force_login
(django-axes needs the request, so ``client.login`` is not used)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import Cast, UserFactory


@pytest.fixture(autouse=True)
def _pages_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """as_user(user) -> a test client logged in as ``user`` (None: anonymous)."""
    return client_for


@pytest.fixture
def cast(db) -> Cast:
    return Cast.create()
