"""Two web servers (two gunicorns, as on two machines) on one database and one Redis:
a session signed in on one is signed in on the other and signed out on both at once,
and the API's rate limit counts the requests to both together."""

from __future__ import annotations

import re

import pytest
import redis as redis_client
import requests
from django.conf import settings

from gendan.api.services import token_issue
from tests.faults.conftest import process_env
from tests.faults.harness import gunicorn
from tests.scale.conftest import collect_static
from tests.scale.test_replicas import _session_cookie

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

RATE = 10


def test_sessions_and_rate_limits_are_shared_by_two_web_servers(folder, processes, redis, cast):
    session_key = _session_cookie(cast.supervisor)
    _, token = token_issue(user=cast.supervisor, expires_in=None)
    env = process_env(
        folder,
        REDIS_URL=redis.url,
        SECRET_KEY=settings.SECRET_KEY,
        GENDAN_API_RATE_CLIENT=f"{RATE}/minute",
    )
    collect_static(env)
    bases = []
    for name in ("a", "b"):  # each its own log folder
        (folder / name).mkdir()
        server, base = gunicorn(env, folder / name)
        processes.append(server)
        bases.append(base)
    base_a, base_b = bases

    browser = requests.Session()
    browser.cookies.set("sessionid", session_key)
    for base in (base_a, base_b):
        page = browser.get(f"{base}/dashboard/")
        assert page.status_code == 200 and "/accounts/login/" not in page.url
    # Signed out on the first server: signed out on the second at once.
    home = browser.get(f"{base_a}/").text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
    out = browser.post(f"{base_a}/accounts/logout/", data={"csrfmiddlewaretoken": csrf})
    assert out.status_code == 200
    browser.cookies.set("sessionid", session_key)  # the old cookie, replayed
    assert "/accounts/login/" in browser.get(f"{base_b}/dashboard/").url

    # The rate limit: RATE requests a minute in all, whichever server answers them.
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    codes = [api.get(f"{(base_a, base_b)[i % 2]}/api/v1/auth/me/").status_code for i in range(12)]
    assert codes[:RATE] == [200] * RATE and set(codes[RATE:]) == {429}, codes
    keys = redis_client.Redis.from_url(redis.url).keys("*")
    assert any(key.startswith(b"gendan-api") for key in keys)
