"""Who may call the API: Bearer tokens (hashed, expiring, revocable), the token
endpoint for people, the browser session with CSRF, machine clients' scopes, and
per-client throttling."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from gendan.api.services import api_client_create
from gendan.models import ApiClient, User
from tests.factories import PASSWORD, UserFactory, create_order


def bearer_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_person_gets_an_expiring_token_stored_only_as_a_hash(cast):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "merch", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=cast.merchandiser)
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    expiry = dt.datetime.fromisoformat(response.json()["expiry"])
    assert dt.timedelta(hours=9) < expiry - timezone.now() <= dt.timedelta(hours=10)
    me = bearer_client(token).get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": cast.merchandiser.pk,
        "username": "merch",
        "display_name": "merch",
        "roles": ["merchandiser"],
        "is_superuser": False,
        "scopes": None,
    }


@pytest.mark.parametrize(
    "body",
    [{"username": "merch", "password": "wrong"}, {"username": "ghost", "password": PASSWORD}],
)
def test_wrong_credentials_get_no_token(cast, body):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert not AuthToken.objects.exists()


def test_an_inactive_person_gets_no_token_and_its_tokens_stop_working(cast, api):
    client = api(cast.merchandiser)
    User.objects.filter(pk=cast.merchandiser.pk).update(is_active=False)

    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "merch", "password": PASSWORD}, format="json"
    )

    assert token.status_code == 400
    assert client.get("/api/v1/orders/").status_code == 401


def test_a_missing_or_bad_token_is_401_with_the_bearer_challenge(cast):
    for client in (
        APIClient(),
        bearer_client("not-a-token"),
        bearer_client("x" * 80),
    ):
        response = client.get("/api/v1/orders/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json()["code"] in {"not_authenticated", "authentication_failed"}
    latin1 = APIClient(HTTP_AUTHORIZATION="Bearer \xe9\xe9\xe9")
    assert latin1.get("/api/v1/orders/").status_code == 401


def test_an_expired_token_is_refused(cast):
    _, token = AuthToken.objects.create(user=cast.merchandiser, expiry=dt.timedelta(seconds=-1))

    response = bearer_client(token).get("/api/v1/orders/")

    assert response.status_code == 401
    assert not AuthToken.objects.exists()  # knox removes it


def test_a_token_request_reads_the_token_user_roles_and_client_in_one_query(
    cast, django_assert_num_queries
):
    create_order(cast)
    client, token = api_client_create(name="erp-one-query", scopes=["orders:read"])
    # Another token of the same client, expired: left alone until it is presented.
    AuthToken.objects.create(user=client.user, expiry=dt.timedelta(seconds=-1))
    api = bearer_client(token)

    with django_assert_num_queries(3):  # the token with all that, the orders, their lines
        response = api.get("/api/v1/orders/")

    assert len(response.json()["results"]) == 1
    assert AuthToken.objects.filter(user=client.user).count() == 2
    assert api.get("/api/v1/payments/").status_code == 403  # its scopes were read too


def test_a_role_taken_away_applies_to_the_next_request(cast, api):
    client = api(cast.supervisor)
    create_order(cast)
    assert len(client.get("/api/v1/orders/").json()["results"]) == 1

    cast.supervisor.groups.clear()

    assert client.get("/api/v1/orders/").json()["results"] == []


def test_create_api_client_prints_the_token_once_as_the_last_line(cast):
    out = io.StringIO()

    call_command(
        "create_api_client",
        "erp-main",
        "--scopes",
        "orders:read",
        "orders:write",
        "customers:read",
        "--owner",
        "merch",
        "--expires-in-days",
        "90",
        stdout=out,
    )

    token = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="erp-main")
    assert client.scopes == ["customers:read", "orders:read", "orders:write"]
    assert client.default_owner == cast.merchandiser
    assert list(client.user.groups.values_list("name", flat=True)) == ["integration"]
    assert not client.user.has_usable_password()
    stored = AuthToken.objects.get(user=client.user)
    assert dt.timedelta(days=89) < stored.expiry - timezone.now() <= dt.timedelta(days=90)
    assert token not in out.getvalue().strip().splitlines()[:-1]
    me = bearer_client(token).get("/api/v1/auth/me/").json()
    assert (me["username"], me["roles"]) == ("erp-main", ["integration"])
    assert me["scopes"] == ["customers:read", "orders:read", "orders:write"]


def test_create_api_client_refuses_unknown_scopes_owners_and_duplicates(cast):
    ApiClient.objects.filter(user=cast.integration).delete()  # the cast's own client aside
    call_command("create_api_client", "erp-a", stdout=io.StringIO())

    with pytest.raises(CommandError):
        call_command("create_api_client", "erp-a", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_client", "erp-b", "--owner", "finance", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_client", "erp-c", "--scopes", "everything", stderr=io.StringIO())
    assert list(ApiClient.objects.values_list("name", flat=True)) == ["erp-a"]


def test_tokens_of_a_client_are_rotated_and_revoked(cast):
    _, first = api_client_create(name="erp-x")
    out = io.StringIO()
    call_command("create_api_client", "erp-x", "--new-token", stdout=out)
    second = out.getvalue().strip().splitlines()[-1]

    both_work = [bearer_client(t).get("/api/v1/orders/").status_code for t in (first, second)]
    call_command("revoke_api_client", "erp-x", stdout=io.StringIO())
    after = [bearer_client(t).get("/api/v1/orders/").status_code for t in (first, second)]

    assert both_work == [200, 200]
    assert after == [401, 401]


def test_a_machine_client_touches_only_its_scopes(cast, api):
    _, token = api_client_create(name="erp-ro", scopes=["orders:read"])
    client = bearer_client(token)
    order = create_order(cast)

    assert client.get("/api/v1/orders/").status_code == 200
    assert client.get(f"/api/v1/orders/{order.pk}/").status_code == 200
    for response in (
        client.post("/api/v1/orders/", {}, format="json"),
        client.get("/api/v1/customers/"),
        client.get("/api/v1/payments/"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "scope_missing"
    # People's tokens have no scopes: their roles decide.
    assert api(cast.supervisor).get("/api/v1/payments/").status_code == 200


def test_the_browsable_api_accepts_the_session_with_csrf(cast):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.supervisor)
    order = create_order(cast)
    path = f"/api/v1/orders/{order.pk}/confirm/"

    read = client.get("/api/v1/orders/", HTTP_ACCEPT="text/html")
    without_csrf = client.post(path, {"method": "email"}, format="json")
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    with_csrf = client.post(path, {"method": "email"}, format="json", HTTP_X_CSRFTOKEN=secret)

    assert read.status_code == 200 and b"GD-" in read.content
    assert without_csrf.status_code == 403
    assert with_csrf.status_code == 200, with_csrf.json()


def test_each_client_is_throttled_on_its_own_with_retry_after(cast, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/minute", "anon": "2/minute"},
    }
    busy, other = api(cast.merchandiser), api(cast.finance)

    statuses = [busy.get("/api/v1/orders/").status_code for _ in range(4)]
    throttled = busy.get("/api/v1/orders/")

    assert statuses == [200, 200, 200, 429]
    assert throttled.json()["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert other.get("/api/v1/orders/").status_code == 200
    anonymous = [
        APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}).status_code
        for _ in range(3)
    ]
    assert anonymous == [400, 400, 429]


def test_a_user_without_any_role_sees_nothing_and_may_do_nothing(db, api):
    nobody = UserFactory(username="nobody")
    client = api(nobody)

    assert client.get("/api/v1/orders/").json()["results"] == []
    assert client.get("/api/v1/customers/").json()["results"] == []
    response = client.post("/api/v1/customers/", {"code": "C", "name": "N"}, format="json")
    assert response.status_code == 403


def test_too_many_wrong_passwords_lock_the_username_out_with_a_json_429(cast, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100/minute", "anon": "100/minute"},
    }
    client = APIClient()

    def attempt(password):
        return client.post(
            "/api/v1/auth/token/", {"username": "merch", "password": password}, format="json"
        )

    wrong = [attempt("wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    locked = attempt(PASSWORD)  # even the right password, until the cool-off is over

    assert wrong[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert wrong[-1] == 429
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["code"] == "throttled"
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
