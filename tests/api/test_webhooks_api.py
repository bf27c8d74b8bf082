"""/api/v1/webhooks/: a machine client manages its own webhook subscriptions."""

from __future__ import annotations

from gendan.api.services import api_client_create
from notify.models import WebhookSubscription


def test_a_client_subscribes_reads_changes_and_deletes_its_own(cast, api, settings):
    client = api(cast.integration)
    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://erp.example.com/gendan", "event_types": ["order.*", "alert.*"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    subscription = WebhookSubscription.objects.get(pk=body["id"])
    assert body["secret"] == subscription.secret and len(body["secret"]) >= 40
    assert body["event_types"] == ["alert.*", "order.*"]
    assert subscription.client == cast.integration.api_client

    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [s["id"] for s in listed] == [subscription.pk]

    patched = client.patch(
        f"/api/v1/webhooks/{subscription.pk}/",
        {"is_active": False, "rotate_secret": True},
        format="json",
    )
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False and patched.json()["secret"] != body["secret"]

    assert client.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_nobody_else_sees_or_touches_a_subscription(cast, api):
    own = api(cast.integration).post(
        "/api/v1/webhooks/", {"url": "https://erp.example.com/a"}, format="json"
    )
    pk = own.json()["id"]
    assert own.json()["event_types"] == ["*"]
    _other, token = api_client_create(name="other-erp")
    other = api()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert other.get(f"/api/v1/webhooks/{pk}/").status_code == 404
    assert other.patch(f"/api/v1/webhooks/{pk}/", {"url": "https://x.example"}).status_code == 404
    assert other.delete(f"/api/v1/webhooks/{pk}/").status_code == 404
    assert other.get("/api/v1/webhooks/").json()["results"] == []
    # People have no subscriptions and may not create one.
    person = api(cast.supervisor)
    assert person.get("/api/v1/webhooks/").json()["results"] == []
    refused = person.post("/api/v1/webhooks/", {"url": "https://erp.example.com/b"})
    assert refused.status_code == 403
    assert WebhookSubscription.objects.count() == 1


def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(cast, api, settings):
    client = api(cast.integration)
    for payload, field in [
        ({"url": "https://erp.example.com/\x00"}, "url"),
        ({"url": "ftp://erp.example.com/"}, "url"),
        ({"url": "http://127.0.0.1:8000/"}, "url"),
        ({"url": "http://10.1.2.3/hook"}, "url"),
        ({"url": "http://localhost/hook"}, "url"),
        ({"url": "https://erp.example.com/", "event_types": []}, "event_types"),
        ({"url": "https://erp.example.com/", "event_types": ["a\x00"]}, "event_types[0]"),
    ]:
        response = client.post("/api/v1/webhooks/", payload, format="json")
        assert response.status_code == 400, (payload, response.json())
        assert field in response.json()["fields"], (payload, response.json())
    assert not WebhookSubscription.objects.exists()
    # A LAN ERP: allowed when the deployment says so.
    settings.GENDAN_WEBHOOK_ALLOW_PRIVATE = True
    assert (
        client.post("/api/v1/webhooks/", {"url": "http://10.1.2.3/hook"}, format="json").status_code
        == 201
    )
