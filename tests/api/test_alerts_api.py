"""/api/v1/alerts/: the caller's own inbox, acknowledging, constant query count."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import AlertRecipient
from tests.factories import create_order
from tests.pages.test_alert_pages import raise_alerts


def test_the_inbox_lists_my_alerts_only_and_ack_acknowledges(cast, api):
    order = create_order(cast)
    mine = raise_alerts(order, [cast.merchandiser, cast.supervisor], 2)
    other = raise_alerts(create_order(cast, owner=cast.other_merchandiser), [cast.finance], 1)
    client = api(cast.merchandiser)

    body = client.get("/api/v1/alerts/").json()
    assert [a["id"] for a in body["results"]] == sorted((a.pk for a in mine), reverse=True)
    first = body["results"][0]
    assert first["rule"] == "delivery_overdue" and order.number in first["message"]
    assert first["acknowledged_at"] is None

    response = client.post(f"/api/v1/alerts/{mine[0].pk}/ack/")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    assert AlertRecipient.objects.get(alert=mine[0], user=cast.merchandiser).acknowledged_at
    assert not AlertRecipient.objects.get(alert=mine[0], user=cast.supervisor).acknowledged_at
    # Acknowledging again changes nothing and answers the same.
    assert client.post(f"/api/v1/alerts/{mine[0].pk}/ack/").status_code == 200

    open_ones = client.get("/api/v1/alerts/", {"acknowledged": "false"}).json()["results"]
    assert [a["id"] for a in open_ones] == [mine[1].pk]
    # Someone else's alert does not exist for me.
    assert client.get(f"/api/v1/alerts/{other[0].pk}/").status_code == 404
    assert client.post(f"/api/v1/alerts/{other[0].pk}/ack/").status_code == 404
    assert api().get("/api/v1/alerts/").status_code == 401


def test_the_inbox_query_count_does_not_depend_on_the_page_size(cast, api):
    raise_alerts(create_order(cast), [cast.merchandiser], 12)
    client = api(cast.merchandiser)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/alerts/", {"page_size": 5}).json()["results"]) == 5
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/alerts/", {"page_size": 100}).json()["results"]) == 12
    assert len(small) == len(large)
