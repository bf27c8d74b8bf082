"""The alert inbox in the browser: my alerts only, the unread count in the menu,
acknowledging in place, the unread ones on my home page."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertRecipient, AlertRule
from orders.models import Order
from tests.factories import create_order

from .conftest import client_for


def raise_alerts(order: Order, users, n: int) -> list[Alert]:
    """n alerts on ``order`` (a day each) in the inboxes of ``users``: the condition
    started again each day (one alert per rule and object is open at a time)."""
    order_type = ContentType.objects.get_for_model(Order)
    today = timezone.localdate()
    alerts = Alert.objects.bulk_create(
        Alert(
            rule=AlertRule.DELIVERY_OVERDUE,
            day=today - timezone.timedelta(days=i),
            resolved_on=None if i == 0 else today - timezone.timedelta(days=i - 1),
            content_type=order_type,
            object_id=order.pk,
            order=order,
            data={
                "order_number": order.number,
                "contract_delivery_date": "2026-11-01",
                "days_overdue": i + 1,
            },
        )
        for i in range(n)
    )
    AlertRecipient.objects.bulk_create(
        AlertRecipient(alert=alert, user=user) for alert in alerts for user in users
    )
    return alerts


@pytest.fixture
def order(cast):
    return create_order(cast)


def test_the_inbox_shows_my_alerts_and_the_menu_counts_the_unread(cast, order):
    (mine,) = raise_alerts(order, [cast.merchandiser], 1)
    (theirs,) = raise_alerts(
        create_order(cast, owner=cast.other_merchandiser), [cast.other_merchandiser], 1
    )
    page = client_for(cast.merchandiser).get(reverse("alerts")).content.decode()
    assert f'id="alert-{mine.pk}"' in page
    assert f'id="alert-{theirs.pk}"' not in page
    assert order.number in page
    assert 'data-unread="1"' in page
    home = client_for(cast.merchandiser).get(reverse("home")).content.decode()
    assert 'id="home-alerts"' in home and f'id="alert-{mine.pk}"' in home


def test_acknowledging_in_place_and_not_someone_elses(cast, order):
    (alert,) = raise_alerts(order, [cast.merchandiser, cast.supervisor], 1)
    client = client_for(cast.merchandiser)

    response = client.post(reverse("alert_ack", args=[alert.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert f'id="alert-{alert.pk}"' in response.content.decode()
    mine = AlertRecipient.objects.get(alert=alert, user=cast.merchandiser)
    assert mine.acknowledged_at is not None and mine.read_at is not None
    theirs = AlertRecipient.objects.get(alert=alert, user=cast.supervisor)
    assert theirs.acknowledged_at is None
    # Acknowledged alerts leave the default view and the unread count.
    page = client.get(reverse("alerts")).content.decode()
    assert f'id="alert-{alert.pk}"' not in page and "data-unread" not in page
    assert f'id="alert-{alert.pk}"' in client.get(reverse("alerts") + "?show=all").content.decode()
    # Someone who is not a recipient gets 404, whether the alert exists or not.
    finance = client_for(cast.finance)
    assert finance.post(reverse("alert_ack", args=[alert.pk])).status_code == 404
    assert finance.post(reverse("alert_ack", args=[alert.pk + 999])).status_code == 404
    assert client.get(reverse("alert_ack", args=[alert.pk])).status_code == 405


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["alerts", "home"])
def test_the_inbox_query_count_does_not_grow_with_the_alerts(cast, order, url_name):
    client = client_for(cast.merchandiser)
    raise_alerts(order, [cast.merchandiser], 5)
    with_5 = _queries(client, reverse(url_name))
    Alert.objects.all().delete()
    raise_alerts(order, [cast.merchandiser], 50)
    assert _queries(client, reverse(url_name)) == with_5
