"""ERP webhooks: the channel, the signature, and the subscriptions' service.

A delivery is an HTTP POST of a JSON body to the subscription's URL with

- ``X-Gendan-Event``: the event type (``order.status_changed``);
- ``X-Gendan-Delivery``: the delivery's id, the same on every retry and redelivery
  (the receiver de-duplicates on it: delivery is at least once);
- ``X-Gendan-Signature: t=<unix seconds>,v1=<hex>``: HMAC-SHA256 with the
  subscription's secret over ``<t>.<body>`` (the body's bytes as sent).

A 2xx answer is delivered; anything else (or no answer within the timeout) is
tried again with exponential backoff (``notify.dispatch``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gendan.bounds import storable
from gendan.exceptions import NotFound, PermissionDenied, ValidationFailed
from gendan.models import User

from .channels import Channel, dumps, post_json, unix_now
from .models import (
    ALL_EVENTS,
    Delivery,
    OutboxEvent,
    WebhookSubscription,
    matches,
    new_secret,
    validate_event_types,
)

SIGNATURE_HEADER = "X-Gendan-Signature"
DELIVERY_HEADER = "X-Gendan-Delivery"
EVENT_HEADER = "X-Gendan-Event"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Gendan-Signature`` value of ``body`` sent at ``timestamp``."""
    digest = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, sent within ``tolerance``
    seconds of ``now`` (what a receiver does; ``examples/webhook_receiver.py``)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


def body_of(event: OutboxEvent, delivery: Delivery) -> dict:
    return {
        "delivery_id": str(delivery.delivery_id),
        "event_id": str(event.event_id),
        "type": event.topic,
        "created_at": event.created_at.isoformat(),
        "subject": {
            "type": event.subject_type,
            "id": event.subject_id,
            "label": event.subject_label,
            "url": event.url,
        },
        "title": event.title,
        "data": event.payload,
    }


class WebhookChannel(Channel):
    name = "webhook"

    @staticmethod
    def _subscribed(topic: str) -> list[str]:
        """The active subscriptions (of active clients) that take ``topic``."""
        subscriptions = WebhookSubscription.objects.filter(
            is_active=True, client__user__is_active=True
        ).values_list("pk", "event_types")
        return [str(pk) for pk, types in subscriptions if matches(types, topic)]

    def targets(self, event):
        return self._subscribed(event.topic)

    def active(self):
        return WebhookSubscription.objects.filter(is_active=True).exists()

    def listens(self, topic):
        return bool(self._subscribed(topic))

    def send(self, delivery, session):
        subscription = WebhookSubscription.objects.filter(pk=int(delivery.target)).first()
        if subscription is None or not subscription.is_active:
            return None  # unsubscribed meanwhile: nothing to send
        body = dumps(body_of(delivery.event, delivery))
        headers = {
            EVENT_HEADER: delivery.event.topic,
            DELIVERY_HEADER: str(delivery.delivery_id),
            SIGNATURE_HEADER: sign(subscription.secret, unix_now(), body),
        }
        return post_json(session, subscription.url, body, headers).status_code


# --------------------------------------------------------------------------
# Subscriptions (the API's /api/v1/webhooks/ and the admin)
# --------------------------------------------------------------------------


def check_url(url: str, field: str = "url") -> str:
    """An http(s) URL, at most 500 characters; a literal loopback, private or link-local
    address (or localhost) only with GENDAN_WEBHOOK_ALLOW_PRIVATE (tests, a LAN ERP)."""
    url = str(url or "").strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(fields={field: [_("请输入有效的 http(s) 地址。")]})
    if not settings.GENDAN_WEBHOOK_ALLOW_PRIVATE:
        host = parts.hostname
        try:
            address = ipaddress.ip_address(host)
            private = not address.is_global
        except ValueError:
            private = host == "localhost" or host.endswith((".localhost", ".local"))
        if private:
            raise ValidationFailed(fields={field: [_("不允许内网或本机地址。")]})
    return url


def check_event_types(value) -> list[str]:
    try:
        validate_event_types(value)
    except Exception:
        raise ValidationFailed(
            fields={"event_types": [_("请填写事件类型列表（如 order.*），* 表示全部。")]}
        ) from None
    return sorted(set(value))


def _client_of(actor: User):
    client = getattr(actor, "api_client", None) if actor is not None else None
    if client is None:
        raise PermissionDenied(action="webhook.manage")
    return client


def webhook_list_for(actor: User):
    """The caller's own subscriptions (people have none)."""
    client = getattr(actor, "api_client", None)
    if client is None:
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(client=client).order_by("id")


@storable
@transaction.atomic
def webhook_subscribe(*, actor: User, url: str, event_types: list[str] | None = None):
    """A machine client subscribes ``url`` to ``event_types`` (default ``["*"]``); the
    new secret is in the answer (and in the admin)."""
    client = _client_of(actor)
    return WebhookSubscription.objects.create(
        client=client,
        url=check_url(url),
        event_types=check_event_types(event_types or [ALL_EVENTS]),
        secret=new_secret(),
    )


def _lock(actor: User, subscription_id: int) -> WebhookSubscription:
    subscription = webhook_list_for(actor).select_for_update().filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound(model="webhook", id=subscription_id)
    return subscription


@storable
@transaction.atomic
def webhook_update(
    *,
    actor: User,
    subscription_id: int,
    url: str | None = None,
    event_types: list[str] | None = None,
    is_active: bool | None = None,
    rotate_secret: bool = False,
):
    subscription = _lock(actor, subscription_id)
    if url is not None:
        subscription.url = check_url(url)
    if event_types is not None:
        subscription.event_types = check_event_types(event_types)
    if is_active is not None:
        subscription.is_active = is_active
    if rotate_secret:
        subscription.secret = new_secret()
    subscription.save()
    return subscription


@transaction.atomic
def webhook_delete(*, actor: User, subscription_id: int) -> None:
    _lock(actor, subscription_id).delete()
