"""Playwright against Debian's Chromium (/usr/bin/chromium), never a downloaded browser.

Every test here is marked ``browser`` and skipped when /usr/bin/chromium is absent.
``ui(user)`` opens a fresh browser context logged in as ``user`` through the real
login form; every page it visits is watched for JavaScript console errors, which
fail the test. ``shot(page, name)`` writes a full-page screenshot to
var/artefacts/screenshots/.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

# Django refuses database access from an event loop's thread unless told it is safe;
# Playwright's sync API runs one, and the live server's teardown would fail.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "screenshots"
PASSWORD = "test-pass-123"  # tests.factories.PASSWORD


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="needs Debian's Chromium at /usr/bin/chromium (CI installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def site(settings, transactional_db):
    """A live server of its own per test, started after the settings below, which its
    middleware reads once: plain HTTP (no HTTPS redirect, no Secure-only cookies) and
    static files from the finders (no collectstatic)."""
    from pytest_django.live_server_helper import LiveServer

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.LANGUAGE_CODE = "zh-hans"
    server = LiveServer("localhost:0")
    server._live_server_modified_settings.enable()
    yield server
    # Let the request threads of the closed browser contexts finish before the server
    # stops sharing SQLite's in-memory connection with them.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        thread.is_alive() and thread.name.endswith("(process_request_thread)")
        for thread in threading.enumerate()
    ):
        time.sleep(0.05)
    server._live_server_modified_settings.disable()
    server.stop()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def ui(browser, site):
    """ui(user, locale="zh-CN") -> a Page logged in as ``user``; console errors fail the test."""
    contexts, errors = [], []

    def open_as(user, *, locale: str = "zh-CN"):
        context = browser.new_context(
            base_url=site.url, locale=locale, viewport={"width": 1440, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: (
                errors.append(f"{user}: {message.text} ({page.url})")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(f"{user}: {exc} ({page.url})"))
        if user is not None:
            page.goto("/accounts/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{site.url}/")
        return page

    open_as.errors = errors
    yield open_as
    for context in contexts:
        context.close()
    assert not errors, "JavaScript console errors:\n" + "\n".join(errors)
