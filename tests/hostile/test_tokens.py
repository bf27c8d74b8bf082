"""Accounts and tokens, as a hostile user would try them: an integration account with a
password but no client record, a token kept after its password changed, tokens that
cannot be logged out or listed, and X-Forwarded-For rotated to dodge the throttle."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from demo.story.people import DEMO_PASSWORD, seed_users
from gendan.api.services import api_client_create, token_issue
from gendan.api.urls import router
from gendan.models import ApiClient, User
from gendan.roles import Role
from tests.factories import PASSWORD, UserFactory, ensure_reference_data


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(settings):
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"hostile-tokens-{uuid.uuid4()}",
        },
    }


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def new_token(user: User) -> str:
    return token_issue(user=user, expires_in=dt.timedelta(hours=1))[1]


def get_token(username: str, password: str, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
    )


# --------------------------------------------------------------------------
# An integration account without a client record gets nothing
# --------------------------------------------------------------------------

LISTS = sorted(
    f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry if "(" not in prefix
)


@pytest.fixture
def demo_erp(db) -> User:
    """The integration user seed_demo makes: a password, no ApiClient."""
    ensure_reference_data()
    users, _counts = seed_users()
    erp = users["erp"]
    assert not ApiClient.objects.filter(user=erp).exists()
    return erp


def test_the_demo_integration_user_gets_no_token_for_its_password(demo_erp):
    response = get_token("erp", DEMO_PASSWORD)

    assert response.status_code == 403
    assert response.json()["code"] == "password_login_refused"
    assert not AuthToken.objects.filter(user=demo_erp).exists()


def test_an_integration_user_without_a_client_record_may_do_nothing_in_the_api(demo_erp):
    client = bearer(new_token(demo_erp))  # a token it got somehow (before this fix)

    answers = {path: client.get(path).status_code for path in LISTS}
    answers["me"] = client.get("/api/v1/auth/me/").status_code
    answers["tokens"] = client.get("/api/v1/auth/tokens/").status_code
    answers["schema"] = client.get("/api/schema/").status_code
    created = client.post("/api/v1/customers/", {"code": "X1", "name": "X"}, format="json")

    assert set(answers.values()) == {403}, answers
    assert created.status_code == 403
    assert created.json()["code"] == "api_client_missing"
    assert len(LISTS) >= 14  # orders, production orders, progress reports, …


def test_nor_through_the_browser_session(demo_erp):
    client = Client()
    client.force_login(demo_erp)

    assert client.get("/api/v1/orders/").status_code == 403
    assert client.get("/api/v1/production-orders/").status_code == 403
    assert client.get("/api/v1/progress-reports/").status_code == 403


def test_the_same_user_made_a_client_touches_exactly_its_scopes(demo_erp):
    ApiClient.objects.create(user=demo_erp, name="erp-demo", scopes=["orders:read"])
    client = bearer(new_token(demo_erp))

    assert client.get("/api/v1/orders/").status_code == 200
    assert client.get("/api/v1/production-orders/").status_code == 403
    assert client.get("/api/v1/progress-reports/").status_code == 403
    assert get_token("erp", DEMO_PASSWORD).status_code == 403  # still no password login


def test_a_person_with_the_integration_role_too_is_held_to_the_client_rules(cast):
    cast.supervisor.groups.add(Group.objects.get(name=Role.INTEGRATION))

    assert get_token("boss", PASSWORD).status_code == 403
    assert bearer(new_token(cast.supervisor)).get("/api/v1/orders/").status_code == 403


# --------------------------------------------------------------------------
# A token dies with the password it was obtained with
# --------------------------------------------------------------------------


def _token_works(token: str) -> bool:
    return bearer(token).get("/api/v1/auth/me/").status_code == 200


def test_a_token_stops_working_when_the_password_is_changed_on_the_password_page(cast):
    token = get_token("merch", PASSWORD).json()["token"]
    page = Client()
    page.force_login(cast.merchandiser)

    response = page.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert bearer(token).get("/api/v1/orders/").status_code == 401
    assert not AuthToken.objects.filter(user=cast.merchandiser).exists()
    assert page.get("/").status_code == 200  # the session that changed it stays
    assert _token_works(get_token("merch", "a-new-long-passphrase-42").json()["token"])


def test_a_token_stops_working_when_the_password_is_set_in_code_or_the_admin(cast):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    first, second = new_token(cast.merchandiser), new_token(cast.finance)

    cast.merchandiser.set_password("another-passphrase-1")
    cast.merchandiser.save()
    page = Client()
    page.force_login(admin)
    response = page.post(
        f"/admin/gendan/user/{cast.finance.pk}/password/",
        {
            "password1": "another-passphrase-2",
            "password2": "another-passphrase-2",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not _token_works(first)
    assert not _token_works(second)


def test_a_password_made_unusable_ends_its_tokens_too(cast):
    token = new_token(cast.merchandiser)

    cast.merchandiser.set_unusable_password()
    cast.merchandiser.save(update_fields=["password"])

    assert not _token_works(token)


def test_a_token_older_than_the_last_password_change_is_refused_however_it_changed(cast):
    token = new_token(cast.merchandiser)
    # A change that deleted nothing (a bulk update, a restored backup): the stamp decides.
    User.objects.filter(pk=cast.merchandiser.pk).update(
        password_changed_at=timezone.now() + dt.timedelta(seconds=1)
    )

    assert bearer(token).get("/api/v1/auth/me/").status_code == 401
    assert not AuthToken.objects.filter(user=cast.merchandiser).exists()


def test_an_upgraded_password_hash_at_login_is_no_password_change(cast, settings):
    token = new_token(cast.merchandiser)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = User.objects.get(pk=cast.merchandiser.pk)

    assert user.check_password(PASSWORD)  # re-hashed with PBKDF2 and saved

    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")
    assert _token_works(token)


def test_other_saves_of_the_user_leave_the_tokens_alone(cast):
    token = new_token(cast.merchandiser)

    cast.merchandiser.display_name = "张三"
    cast.merchandiser.save()
    cast.merchandiser.refresh_from_db()
    cast.merchandiser.save(update_fields=["last_login"])

    assert _token_works(token)


# --------------------------------------------------------------------------
# Logging a token out, listing and revoking one's tokens
# --------------------------------------------------------------------------


def test_logout_revokes_the_presented_token_only(cast):
    token, other = new_token(cast.merchandiser), new_token(cast.merchandiser)

    response = bearer(token).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert bearer(token).get("/api/v1/auth/me/").status_code == 401
    assert bearer(token).post("/api/v1/auth/logout/").status_code == 401
    assert _token_works(other)


def test_logout_needs_a_token_not_a_session(cast):
    client = APIClient()
    client.force_login(cast.merchandiser)

    assert client.post("/api/v1/auth/logout/").status_code == 401


def test_the_token_list_shows_ones_own_working_tokens_without_their_secret(cast):
    current = new_token(cast.merchandiser)
    forever, _secret = token_issue(user=cast.merchandiser, expires_in=None)
    AuthToken.objects.create(user=cast.merchandiser, expiry=dt.timedelta(seconds=-1))  # expired
    new_token(cast.finance)

    response = bearer(current).get("/api/v1/auth/tokens/")

    assert response.status_code == 200
    rows = response.json()
    assert [set(row) for row in rows] == [{"id", "created", "expiry", "current"}] * 2
    assert {row["id"] for row in rows} == {current[:15], forever.token_key}
    assert [row["id"] for row in rows if row["current"]] == [current[:15]]
    assert [row["expiry"] for row in rows if row["id"] == forever.token_key] == [None]
    body = response.content.decode()
    assert current not in body and _secret not in body
    assert not any(token.digest in body for token in AuthToken.objects.all())


def test_a_token_is_revoked_by_its_id(cast):
    current, other = new_token(cast.merchandiser), new_token(cast.merchandiser)
    client = bearer(current)

    response = client.delete(f"/api/v1/auth/tokens/{other[:15]}/")

    assert response.status_code == 204
    assert not _token_works(other)
    assert [row["id"] for row in client.get("/api/v1/auth/tokens/").json()] == [current[:15]]


def test_someone_elses_token_is_a_404_and_stays_alive(cast):
    mine, theirs = new_token(cast.merchandiser), new_token(cast.other_merchandiser)

    response = bearer(mine).delete(f"/api/v1/auth/tokens/{theirs[:15]}/")
    missing = bearer(mine).delete("/api/v1/auth/tokens/0123456789abcde/")

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"code": "not_found", "detail": "对象不存在。"}
    assert _token_works(theirs)


@pytest.mark.parametrize("token_id", ["%00", "a%00b", "x" * 40, "..", "a b"])
def test_a_malformed_token_id_is_a_404(cast, token_id):
    response = bearer(new_token(cast.merchandiser)).delete(f"/api/v1/auth/tokens/{token_id}/")

    assert response.status_code == 404


def test_a_machine_client_may_log_its_own_token_out(cast):
    _client, token = api_client_create(name="erp-logout", scopes=["orders:read"])

    assert bearer(token).get("/api/v1/auth/tokens/").status_code == 200
    assert bearer(token).post("/api/v1/auth/logout/").status_code == 204
    assert not _token_works(token)


# --------------------------------------------------------------------------
# X-Forwarded-For is believed only from our own proxies
# --------------------------------------------------------------------------


def _anonymous_rate(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100/minute", "anon": rate},
    }


def test_rotating_x_forwarded_for_does_not_dodge_the_anonymous_throttle(db, settings):
    _anonymous_rate(settings, "3/minute")
    settings.GENDAN_NUM_PROXIES = 0

    codes = [
        get_token("ghost", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)
    ]

    assert codes == [400, 400, 400, 429]


def test_behind_one_proxy_its_address_for_the_client_is_honoured(db, settings):
    _anonymous_rate(settings, "3/minute")
    settings.GENDAN_NUM_PROXIES = 1

    # Each request from another client, as our proxy reports it (the last address); a
    # client-written address further left changes nothing.
    spread = [
        get_token("ghost", "x", HTTP_X_FORWARDED_FOR=f"10.9.9.9, 203.0.113.{i}").status_code
        for i in range(4)
    ]
    one_client = [
        get_token("ghost", "x", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 198.51.100.7").status_code
        for i in range(4)
    ]

    assert spread == [400, 400, 400, 400]
    assert one_client == [400, 400, 400, 429]


def test_the_login_lockout_follows_the_same_rule(cast, settings):
    _anonymous_rate(settings, "100/minute")
    settings.GENDAN_NUM_PROXIES = 0
    limit = settings.AXES_FAILURE_LIMIT

    wrong = [
        get_token("merch", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(limit)
    ]
    right = get_token("merch", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert wrong[-1] == 429
    assert right.status_code == 429  # a new forwarded address is the same client


def test_the_client_address_rule(rf, settings):
    from gendan.clientip import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3", REMOTE_ADDR="9.9.9.9")
    answers = {}
    for proxies in (0, 1, 2, 3, 5):
        settings.GENDAN_NUM_PROXIES = proxies
        answers[proxies] = client_ip(request)

    assert answers == {0: "9.9.9.9", 1: "3.3.3.3", 2: "2.2.2.2", 3: "1.1.1.1", 5: "1.1.1.1"}
    settings.GENDAN_NUM_PROXIES = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="9.9.9.9")) == "9.9.9.9"
