"""The channels registry: where an outbox event may go.

A channel names the targets an event goes to (``targets``: keys such as a webhook
subscription's id) and sends one delivery (``send``), raising ``SendFailed`` when the
other end did not take it (the dispatcher retries with backoff). Notify registers
its own (ERP webhooks, WeCom and DingTalk group robots); a higher app registers
more from its ``AppConfig.ready()`` with ``register``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

import requests
from django.conf import settings

if TYPE_CHECKING:
    from .models import Delivery, OutboxEvent

CHANNELS: dict[str, Channel] = {}


class SendFailed(Exception):
    """The target did not take the delivery: ``status_code`` (None: no answer)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class Channel:
    name: ClassVar[str]

    def targets(self, event: OutboxEvent) -> Iterable[str]:
        raise NotImplementedError

    def active(self) -> bool:
        """Whether any target is configured at all (no kick after commit otherwise)."""
        return True

    def listens(self, topic: str) -> bool:
        """Whether an active target takes events of ``topic`` at all (one query; the
        sweeps ask before writing thousands of alert notices no one would receive)."""
        return True

    def send(self, delivery: Delivery, session: requests.Session) -> int | None:
        """Send ``delivery``; returns the HTTP status (if any), raises SendFailed."""
        raise NotImplementedError


def register(channel: Channel) -> None:
    CHANNELS[channel.name] = channel


# Whether any channel has a target, known for a few seconds (or until a subscription
# or robot is saved in this process): a commit with no one to tell queues no task.
_ACTIVE = {"until": 0.0, "value": True}
ACTIVE_TTL_SECONDS = 10.0


def any_active() -> bool:
    now = time.monotonic()
    if now >= _ACTIVE["until"]:
        _ACTIVE["value"] = any(channel.active() for channel in CHANNELS.values())
        _ACTIVE["until"] = now + ACTIVE_TTL_SECONDS
    return bool(_ACTIVE["value"])


def any_listens(topic: str) -> bool:
    """Whether any channel has an active target for events of ``topic``."""
    return any(channel.listens(topic) for channel in CHANNELS.values())


def forget_active(**kwargs) -> None:
    """A subscription or robot changed: ask again at the next commit."""
    _ACTIVE["until"] = 0.0


def post_json(
    session: requests.Session, url: str, body: bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    """POST a JSON body within GENDAN_NOTIFY_TIMEOUT; a network error or a status
    outside 2xx is SendFailed."""
    try:
        response = session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
            timeout=settings.GENDAN_NOTIFY_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}"[:1000]) from None
    if not 200 <= response.status_code < 300:
        raise SendFailed(
            f"HTTP {response.status_code}: {response.text[:500]}", response.status_code
        )
    return response


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def unix_now() -> int:
    return int(time.time())
