"""Operational checks: health endpoint, production settings, the login page."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from gendan.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_up(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": True, "broker": True}
    # A load balancer polls it: it must never be cached.
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client, monkeypatch):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "broker": False}


def test_healthz_is_served_over_plain_http_even_when_https_is_enforced():
    # The load balancer's probe speaks plain HTTP to the container.
    assert r"^healthz/$" in settings.SECURE_REDIRECT_EXEMPT


# Development and test switches the deployment check must not see; the browser tests
# set DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser/conftest.py).
NOT_IN_PRODUCTION = {
    "GENDAN_HTTPS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def test_check_deploy_reports_no_issues_under_production_settings(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_PRODUCTION}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="gendan.example.com",
        GENDAN_VAR_DIR=str(tmp_path),
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


@pytest.mark.django_db
def test_login_page_renders_for_an_anonymous_user(client):
    response = client.get("/accounts/login/", secure=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="username"' in html
    assert 'name="password"' in html


@pytest.mark.django_db
def test_home_page_sends_an_anonymous_user_to_the_login_page(client):
    response = client.get("/", secure=True)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
