"""Idempotency-Key (api.md): the same key from the same caller with the same body
within 24 hours returns the first response and changes nothing; another body is a
422; two requests with one key at the same moment produce one effect."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from gendan.models import IdempotencyKey
from orders import services as order_services
from orders.models import Order, OrderEvent, PaymentKind, PaymentReceipt
from orders.states import OrderStatus as S
from tests.api.conftest import bearer
from tests.api.helpers import days
from tests.factories import CustomerFactory, create_order, open_payment, order_in_status
from tests.orders.helpers import snapshot


def order_body(customer):
    return {
        "customer": customer.pk,
        "contract_delivery_date": days(30),
        "lines": [{"description": "mug", "quantity": 10, "unit_price": "2.00"}],
    }


def post(client, path, body, key, **extra):
    # A raw JSON body, so that tests control its exact bytes.
    return client.post(
        path,
        json.dumps(body, **extra),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_replay_returns_the_first_response_and_creates_one_order(cast, api):
    client = api(cast.merchandiser)
    body = order_body(CustomerFactory())

    first = post(client, "/api/v1/orders/", body, "order-1")
    # The same document with other key order and whitespace is the same body.
    again = post(client, "/api/v1/orders/", dict(reversed(body.items())), "order-1", indent=2)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1
    assert OrderEvent.objects.filter(type="created").count() == 1
    assert IdempotencyKey.objects.get().status_code == 201


def test_the_same_key_with_another_body_is_422_and_changes_nothing(cast, api):
    client = api(cast.merchandiser)
    customer = CustomerFactory()
    post(client, "/api/v1/orders/", order_body(customer), "order-1")
    before = snapshot()

    other = post(client, "/api/v1/orders/", {**order_body(customer), "customer_po": "X"}, "order-1")
    other_path = post(client, "/api/v1/customers/", order_body(customer), "order-1")

    assert other.status_code == other_path.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert snapshot() == before


def test_a_repeated_action_is_answered_again_without_a_second_effect(cast, api):
    order = create_order(cast)
    client = api(cast.merchandiser)
    path = f"/api/v1/orders/{order.pk}/confirm/"

    first = post(client, path, {"method": "email"}, "confirm-41")
    before = snapshot()
    again = post(client, path, {"method": "email"}, "confirm-41")
    without_key = client.post(path, {"method": "email"}, format="json")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.json()["status"] == S.CONFIRMED
    assert snapshot() == before
    assert without_key.status_code == 409  # without a key, a repeat is just a wrong state


def test_an_error_answer_is_replayed_too(cast, api):
    order = create_order(cast)
    client = api(cast.merchandiser)
    path = f"/api/v1/orders/{order.pk}/request-deposit/"

    first = post(client, path, {}, "deposit-1")  # a draft: 409
    order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="fax")
    again = post(client, path, {}, "deposit-1")

    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    order.refresh_from_db()
    assert order.status == S.CONFIRMED  # the replay did not request the deposit


def test_keys_belong_to_their_caller(cast, api):
    customer = CustomerFactory()

    mine = post(api(cast.merchandiser), "/api/v1/orders/", order_body(customer), "k")
    theirs = post(
        api(cast.supervisor),
        "/api/v1/orders/",
        {**order_body(customer), "owner": cast.merchandiser.pk},
        "k",
    )

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_key_is_forgotten_after_24_hours(cast, api):
    client = api(cast.merchandiser)
    customer = CustomerFactory()
    post(client, "/api/v1/orders/", order_body(customer), "old-key")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=24, minutes=1))

    again = post(
        client, "/api/v1/orders/", {**order_body(customer), "customer_po": "new"}, "old-key"
    )

    assert again.status_code == 201
    assert Order.objects.count() == 2
    assert IdempotencyKey.objects.get().fingerprint  # the old row was replaced


def test_a_request_that_fails_leaves_no_key_behind(cast, api, monkeypatch):
    client = api(cast.merchandiser)
    client.raise_request_exception = False
    customer = CustomerFactory()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(order_services, "order_create", broken)
    failed = post(client, "/api/v1/orders/", order_body(customer), "retry-me")
    monkeypatch.undo()
    retried = post(client, "/api/v1/orders/", order_body(customer), "retry-me")

    assert failed.status_code == 500
    assert retried.status_code == 201
    assert Order.objects.count() == 1


@pytest.mark.parametrize("key", ["", " ", "k" * 256])
def test_a_malformed_key_is_400(cast, api, key):
    response = post(api(cast.merchandiser), "/api/v1/orders/", {}, key)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["Idempotency-Key"]


def test_reads_ignore_the_key(cast, api):
    response = api(cast.merchandiser).get("/api/v1/orders/", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


# --- at the same moment (PostgreSQL: row locks across connections) ----------------------


def run_together(*calls):
    """Run the callables in threads released by one barrier; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_create_one_order(cast):
    token = bearer(cast.merchandiser)
    body = order_body(CustomerFactory())

    def create():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = post(client, "/api/v1/orders/", body, "same-moment")
        return response.status_code, response.json()

    results = run_together(create, create, create)

    assert Order.objects.count() == 1
    created = [body for status, body in results if status == 201]
    assert created, results
    assert all(body["id"] == created[0]["id"] for body in created)
    # A twin either waited and got the first answer, or was told to retry.
    assert all(
        status == 201 or (status, body["code"]) == (409, "request_in_progress")
        for status, body in results
    ), results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_payment_confirmations_with_one_key_at_once_confirm_it_once(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = open_payment(order, PaymentKind.DEPOSIT)
    token = bearer(cast.finance)
    body = {"amount_received": "100.00", "received_on": days(0), "method": "tt"}

    def confirm():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return post(client, f"/api/v1/payments/{payment.pk}/confirm/", body, "tt-100").status_code

    results = run_together(confirm, confirm)

    assert PaymentReceipt.objects.filter(payment=payment).count() == 1
    assert sorted(results) in ([200, 200], [200, 409])
    order.refresh_from_db()
    assert str(order.amount_received) == "100.00"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_twin_that_waits_too_long_is_told_to_retry(cast, settings, monkeypatch):
    settings.GENDAN_IDEMPOTENCY_LOCK_WAIT_SECONDS = 0.3
    token = bearer(cast.merchandiser)
    body = order_body(CustomerFactory())
    inside, release = threading.Event(), threading.Event()
    real_create = order_services.order_create

    def slow_create(**kwargs):
        inside.set()
        release.wait(timeout=10)
        return real_create(**kwargs)

    monkeypatch.setattr(order_services, "order_create", slow_create)

    def client():
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return c

    first_result = {}

    def first():
        try:
            first_result["response"] = post(client(), "/api/v1/orders/", body, "slow")
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(timeout=10)
    twin = post(client(), "/api/v1/orders/", body, "slow")
    release.set()
    thread.join(timeout=30)
    replay = post(client(), "/api/v1/orders/", body, "slow")

    assert twin.status_code == 409
    assert twin.json()["code"] == "request_in_progress"
    assert twin["Retry-After"] == "1"
    assert first_result["response"].status_code == 201
    assert replay.status_code == 201 and replay.json() == first_result["response"].json()
    assert Order.objects.count() == 1
