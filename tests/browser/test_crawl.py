"""A crawl of the demo company as each demo role (issue #17's acceptance).

The demo data (``manage.py seed_demo``) is seeded once; then each role opens the home
page in Chromium and follows every link breadth-first (``tests/browser/crawler.py``,
bounded: a few pages of each kind, at most ``LIMIT`` opened per role). For every
role, nothing may come back: a link that answers 403, 404 or 500 (a role is shown
only the links it may follow), a console or page error, a page wider than the
viewport at 1366 px or at 390 px. The crawl must end by itself, and it prints the
pages per role. Screenshots of each role's home (both widths), an order page and
the KPI pages go to var/artefacts/screenshots/crawl-<role>-*.png.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from demo.story import USERS
from gendan.models import User
from tests.factories import ensure_reference_data

from .conftest import shot
from .crawler import DESKTOP, PHONE, crawl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# One user per role (merch2 is a second merchandiser; the admin has no role, and
# sees what the supervisor sees and the Django admin, which the crawl leaves alone).
ROLES = [u.username for u in USERS if u.role and u.username != "merch2"]
LIMIT = 150


def signed_in(browser, base_url: str, username: str):
    """A browser context at desktop size with ``username``'s session (no login form:
    the form is the journeys' business)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=DESKTOP)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context


def photographer(username: str):
    """``shoot(page, path)`` for the crawl: the home page at both widths, the first
    order page, the first page of each kind under /kpi/."""
    taken: set[str] = set()

    def shoot(page, path: str) -> None:
        if path == "/":
            name = "home"
        elif re.fullmatch(r"/orders/\d+/", path):
            name = "order"
        elif path.startswith("/kpi/"):
            name = re.sub(r"[\d-]+", "", path).strip("/").replace("/", "-")  # kpi-month
        else:
            return
        if name in taken:
            return
        taken.add(name)
        shot(page, f"crawl-{username}-{name}")
        if name == "home":
            page.set_viewport_size(PHONE)
            shot(page, f"crawl-{username}-home-390")
            page.set_viewport_size(DESKTOP)

    return shoot


def test_each_role_reaches_only_pages_that_open_without_errors_and_fit_the_screen(
    browser, site, settings, report
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.monotonic()
    ensure_reference_data()  # the groups and stages, whichever test flushed them
    call_command("seed_demo", verbosity=0)
    seeded = time.monotonic()
    problems, counts, files_checked = [], [], set()
    for username in ROLES:
        began = time.monotonic()
        context = signed_in(browser, site.url, username)
        result = crawl(
            context,
            site.url,
            limit=LIMIT,
            shoot=photographer(username),
            files_checked=files_checked,
        )
        context.close()
        counts.append(
            f"{username}: {len(result.pages)} pages opened, {result.checked} more links "
            f"checked, {time.monotonic() - began:.0f} s (slowest: {result.slowest()})"
        )
        problems += [f"{username}: {problem}" for problem in result.problems]
        assert result.pages and result.pages[0] == "/", f"{username}: the home page did not open"
        # Bounded, and ended by itself: it ran out of links before reaching the limit.
        assert not result.capped, f"{username}: more than {LIMIT} pages to open"
    # In the terminal summary's "figures" (the CI log), whatever the output capturing.
    report(f"browser crawl: seed {seeded - started:.0f} s, then per role:")
    for line in counts:
        report(f"  {line}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
