"""Fixtures of the hostile-input tests: uploads land in a temporary MEDIA_ROOT; the API
tests' ``api(user)`` client factory and their fresh throttle counters per test."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import _api_settings, api  # noqa: F401
from tests.factories import Cast


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def cast(db) -> Cast:
    return Cast.create()


@pytest.fixture
def as_user():
    """as_user(user) -> a test client logged in as ``user`` (None: anonymous)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
