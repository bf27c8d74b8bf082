"""Login, logout, password change and the lockout after repeated wrong passwords."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

from .conftest import client_for


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_logging_in_rotates_the_session_and_logging_out_ends_it(cast):
    client = Client()
    anonymous = client.session  # a session that exists before the login
    anonymous["seen"] = True
    anonymous.save()
    client.cookies["sessionid"] = anonymous.session_key

    response = _login(client, cast.merchandiser.username, PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    session_key = client.cookies["sessionid"].value
    assert session_key != anonymous.session_key
    assert client.get(reverse("home")).status_code == 200

    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302
    # The old session is gone from the store, not only from the browser.
    assert not Session.objects.filter(session_key=session_key).exists()


def test_a_wrong_password_shows_the_error_and_does_not_log_in(cast):
    client = Client()
    response = _login(client, cast.merchandiser.username, "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_repeated_wrong_passwords_lock_the_account_for_a_while(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, cast.finance.username, "guess").status_code == 200

    response = _login(client, cast.finance.username, "guess")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    # Even the right password is refused during the cool-off.
    response = _login(client, cast.finance.username, PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302
    # Another user from the same address is not locked out.
    assert _login(Client(), cast.merchandiser.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["merchandiser", "finance", "integration"])
def test_every_user_changes_their_password(cast, role):
    user = getattr(cast, role)
    client = client_for(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-Longer-pass-2026",
            "new_password2": "a-much-Longer-pass-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("a-much-Longer-pass-2026")
    # Still logged in on this device.
    assert client.get(reverse("home")).status_code == 200
