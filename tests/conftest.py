import os

import pytest
from django.db import connection

from tests.factories import Cast

# Figures a test reports to the CI log (case counts, pages crawled): printed in the
# terminal summary, whatever the output capturing.
_REPORTED: list[str] = []


@pytest.fixture
def report():
    """``report(line)``: a line for the terminal summary of the run (the CI log)."""
    return _REPORTED.append


def pytest_configure(config):
    """Under pytest-xdist each process has its own test database (pytest-django) and,
    here, its own keys in the shared Redis cache (throttle counters, idempotency keys)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from django.conf import settings

        for cache in settings.CACHES.values():
            cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX', '')}-{worker}"


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands its figures to the controller, which prints them."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["figures"] = list(_REPORTED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _REPORTED.extend(getattr(node, "workeroutput", {}).get("figures", []))


def pytest_terminal_summary(terminalreporter):
    if _REPORTED:
        terminalreporter.section("figures")
        for line in _REPORTED:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` need row locks across connections: PostgreSQL only."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    # Uploaded files of a test go to its temporary directory, never to var/media.
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    # PBKDF2 is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP and no collectstatic manifest exists in tests.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def cast(db) -> Cast:
    return Cast.create()


@pytest.fixture
def merchandiser(cast):
    return cast.merchandiser


@pytest.fixture
def supervisor(cast):
    return cast.supervisor


@pytest.fixture
def finance(cast):
    return cast.finance


@pytest.fixture
def production_user(cast):
    return cast.production
