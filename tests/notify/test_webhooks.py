"""ERP webhooks against real receivers (processes of their own on loopback ports):
the signature verifies, retries keep the delivery id, a rolled-back change is never
announced, and an outage loses nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notify import dispatch, webhooks
from notify.models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent
from orders import events
from orders.models import EventType
from tests.factories import create_order

from .conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def subscribe(cast, url: str, types=("order.*",)):
    return webhooks.webhook_subscribe(actor=cast.integration, url=url, event_types=list(types))


def later(delivery_or_now, seconds: float = 0) -> dt.datetime:
    return delivery_or_now + dt.timedelta(seconds=seconds)


def test_the_example_receiver_verifies_the_signature(cast, start_example_receiver):
    port = free_port()
    subscription = subscribe(cast, f"http://127.0.0.1:{port}/gendan")
    receiver = start_example_receiver(subscription.secret, port)
    order = create_order(cast)

    assert dispatch.dispatch() == {"fanned_out": 1, "tried": 1}

    line = json.loads(receiver.process.stdout.readline())
    delivery = Delivery.objects.get()
    assert line["delivery_id"] == str(delivery.delivery_id)
    assert line["type"] == "order.created"
    assert line["subject"] == {
        "type": "order",
        "id": order.pk,
        "label": order.number,
        "url": "https://gendan.example.com" + reverse("orders:detail", args=[order.pk]),
    }
    assert order.number in line["title"]
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    attempt = DeliveryAttempt.objects.get()
    assert attempt.ok and attempt.status_code == 200


def test_a_wrong_secret_is_refused_and_retried_later(cast, start_receiver):
    receiver = start_receiver("webhook", secret="not-the-subscription-secret")
    subscribe(cast, receiver.url())
    create_order(cast)

    now = timezone.now()
    dispatch.dispatch(now=now)

    [entry] = receiver.entries()
    assert entry["verified"] is False and entry["status"] == 401
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1 and "401" in delivery.last_error
    assert delivery.next_attempt_at == now + dispatch.backoff(1)


def test_a_receiver_answering_500_twice_gets_it_a_third_time_with_the_same_id(
    cast, start_receiver, settings
):
    settings.GENDAN_NOTIFY_RETRY_BASE_SECONDS = 30
    subscription = subscribe(cast, "http://127.0.0.1:1/placeholder")
    receiver = start_receiver("webhook", secret=subscription.secret, fail_first=2)
    webhooks.webhook_update(
        actor=cast.integration, subscription_id=subscription.pk, url=receiver.url()
    )
    create_order(cast)

    t0 = timezone.now()
    dispatch.dispatch(now=t0)
    # Not due yet: the backoff holds the second try back.
    dispatch.dispatch(now=later(t0, 29))
    assert len(receiver.entries()) == 1
    dispatch.dispatch(now=later(t0, 30))  # base × 2^0
    dispatch.dispatch(now=later(t0, 30 + 59))
    assert len(receiver.entries()) == 2
    dispatch.dispatch(now=later(t0, 30 + 60))  # base × 2^1

    entries = receiver.entries()
    assert [e["status"] for e in entries] == [500, 500, 200]
    assert all(e["verified"] for e in entries)
    ids = {e["headers"]["x-gendan-delivery"] for e in entries}
    delivery = Delivery.objects.get()
    assert ids == {str(delivery.delivery_id)}
    assert {json.loads(e["body"])["delivery_id"] for e in entries} == ids
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert list(DeliveryAttempt.objects.order_by("at").values_list("status_code", "ok")) == [
        (500, False),
        (500, False),
        (200, True),
    ]


def test_after_the_limit_it_is_given_up_until_redelivered_from_the_admin(
    cast, start_receiver, settings, admin_client
):
    settings.GENDAN_NOTIFY_MAX_ATTEMPTS = 2
    subscription = subscribe(cast, "http://127.0.0.1:1/placeholder")
    receiver = start_receiver("webhook", secret=subscription.secret, fail_first=2)
    webhooks.webhook_update(
        actor=cast.integration, subscription_id=subscription.pk, url=receiver.url()
    )
    create_order(cast)
    t0 = timezone.now()
    dispatch.dispatch(now=t0)
    dispatch.dispatch(now=later(t0, 3600))
    dispatch.dispatch(now=later(t0, 7200))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert len(receiver.entries()) == 2

    response = admin_client.post(
        reverse("admin:notify_delivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    dispatch.dispatch()

    entries = receiver.entries()
    assert [e["status"] for e in entries] == [500, 500, 200]
    assert {e["headers"]["x-gendan-delivery"] for e in entries} == {str(delivery.delivery_id)}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_a_rolled_back_change_is_never_delivered(cast, start_receiver):
    subscription = subscribe(cast, "http://127.0.0.1:1/placeholder", types=["order.updated"])
    receiver = start_receiver("webhook", secret=subscription.secret)
    webhooks.webhook_update(
        actor=cast.integration, subscription_id=subscription.pk, url=receiver.url()
    )
    order = create_order(cast)

    with pytest.raises(RuntimeError), transaction.atomic():
        events.updated(order, actor=cast.merchandiser, changed=["rolled_back"])
        assert OutboxEvent.objects.filter(topic="order.updated").count() == 1
        raise RuntimeError("the service failed after recording its event")
    events.updated(order, actor=cast.merchandiser, changed=["committed"])
    dispatch.dispatch()

    assert OutboxEvent.objects.filter(topic="order.updated").count() == 1
    bodies = [json.loads(e["body"]) for e in receiver.entries()]
    assert [b["data"]["data"]["changed"] for b in bodies] == [["committed"]]


def test_a_thousand_events_queued_during_an_outage_all_arrive_once_it_is_back(cast, start_receiver):
    port = free_port()  # nobody listens there yet: connection refused
    subscription = subscribe(cast, f"http://127.0.0.1:{port}/hook", types=["order.updated"])
    order = create_order(cast)
    with transaction.atomic():
        for i in range(1000):
            events.record(order, EventType.UPDATED, actor=cast.merchandiser, changed=[str(i)])

    t0 = timezone.now()
    assert dispatch.dispatch(now=t0) == {"fanned_out": 1001, "tried": 1000}
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=1).count() == 1000

    receiver = start_receiver("webhook", secret=subscription.secret, port=port)
    dispatch.dispatch(now=later(t0, 3600))

    entries = receiver.entries()
    assert all(e["verified"] and e["status"] == 200 for e in entries)
    received = {e["headers"]["x-gendan-delivery"] for e in entries}
    expected = {str(i) for i in Delivery.objects.values_list("delivery_id", flat=True)}
    assert len(expected) == 1000 and received == expected
    changed = sorted(int(json.loads(e["body"])["data"]["data"]["changed"][0]) for e in entries)
    assert changed == list(range(1000))
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_old_events_with_nothing_left_to_send_are_purged(cast, settings):
    settings.GENDAN_NOTIFY_KEEP_DAYS = 30
    subscribe(cast, "http://127.0.0.1:1/nobody")  # refused: stays pending
    create_order(cast)
    dispatch.dispatch()
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    later_on = timezone.now() + dt.timedelta(days=31)
    assert dispatch.purge(now=later_on) == 0  # one delivery still to send
    Delivery.objects.update(status=DeliveryStatus.FAILED)
    assert dispatch.purge(now=later_on) == 1
    assert not OutboxEvent.objects.exists() and not DeliveryAttempt.objects.exists()
    assert dispatch.purge(now=timezone.now()) == 0
