"""A sweep announces its new alerts in the outbox (topic ``alert.<rule>``) only when
a webhook or group robot listens to that topic: without one it writes no rows that no
one would receive (a sweep at a million orders raises tens of thousands at once)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alerts.models import AlertRule
from notify import webhooks
from notify.models import OutboxEvent
from orders.states import OrderStatus as S
from tests.alerts.helpers import MONDAY, days, on, sweep_on
from tests.factories import order_in_status

R = AlertRule


def subscribe(cast, *types: str):
    return webhooks.webhook_subscribe(
        actor=cast.integration, url="https://erp.example.com/gendan", event_types=list(types)
    )


@pytest.fixture
def due_order(cast):
    with on(MONDAY):
        return order_in_status(cast, S.CONFIRMED, days_to_delivery=10)


def test_no_alert_notice_is_written_when_no_channel_takes_alerts(cast, due_order):
    subscribe(cast, "order.*", "alert.balance_overdue")

    (alert,) = sweep_on(due_order.contract_delivery_date - days(7), R.DELIVERY_DUE_SOON)

    assert alert.order == due_order
    assert not OutboxEvent.objects.filter(topic__startswith="alert.").exists()


@pytest.mark.parametrize("listened", ["alert.*", "alert.delivery_due_soon", "*"])
def test_a_listened_alert_is_announced_once_with_its_order_and_message(cast, due_order, listened):
    subscribe(cast, listened)

    (alert,) = sweep_on(due_order.contract_delivery_date - days(7), R.DELIVERY_DUE_SOON)

    event = OutboxEvent.objects.get(topic="alert.delivery_due_soon")
    assert (event.subject_type, event.subject_id, event.subject_label) == (
        "order",
        due_order.pk,
        due_order.number,
    )
    assert event.owner_id == due_order.owner_id
    assert event.path == reverse("orders:detail", args=[due_order.pk])
    assert str(R.DELIVERY_DUE_SOON.label) in event.title
    assert event.text == alert.message and due_order.number in event.text
    assert event.payload["alert_id"] == alert.pk
    assert event.payload["data"]["days_left"] == 7
    assert sweep_on(due_order.contract_delivery_date - days(7), R.DELIVERY_DUE_SOON) == []
    assert OutboxEvent.objects.filter(topic="alert.delivery_due_soon").count() == 1


def test_notices_are_written_a_batch_at_a_time_each_once(cast, monkeypatch):
    monkeypatch.setattr("alerts.services.PUBLISH_BATCH", 2)
    with on(MONDAY):
        orders = [order_in_status(cast, S.CONFIRMED, days_to_delivery=10) for _ in range(5)]
    subscribe(cast, "alert.*")

    alerts = sweep_on(orders[0].contract_delivery_date - days(7), R.DELIVERY_DUE_SOON)

    assert len(alerts) == 5
    events = OutboxEvent.objects.filter(topic="alert.delivery_due_soon")
    assert sorted(e.payload["alert_id"] for e in events) == sorted(a.pk for a in alerts)
    assert sorted(e.subject_id for e in events) == sorted(o.pk for o in orders)
