"""The dispatcher: fan the outbox's events out to their channels' targets, then send
the deliveries that are due, with retries and exponential backoff.

Safe to run any number of times at once: events and deliveries are taken with
``SELECT … FOR UPDATE SKIP LOCKED``, one at a time, so two workers never send the
same delivery at the same moment, and a delivery is marked in the transaction that
holds its lock. A worker killed between the send and the mark leaves the delivery
pending: it is sent again (at least once; the receiver de-duplicates on its id).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .channels import CHANNELS, SendFailed
from .models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: base × 2^(attempts−1), at most the cap."""
    base = settings.GENDAN_NOTIFY_RETRY_BASE_SECONDS
    return dt.timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.GENDAN_NOTIFY_RETRY_MAX_SECONDS)
    )


def fan_out(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Create the deliveries of the events not fanned out yet; returns how many events."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            events = list(
                OutboxEvent.objects.select_for_update(skip_locked=True)
                .filter(fanned_out_at__isnull=True)
                .order_by("id")[:batch]
            )
            if not events:
                return done
            deliveries = [
                Delivery(event=event, channel=name, target=target, next_attempt_at=now)
                for event in events
                for name, channel in CHANNELS.items()
                for target in channel.targets(event)
            ]
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(fanned_out_at=now)
            done += len(events)


def deliver_due(
    *, now: dt.datetime | None = None, limit: int | None = None, deadline: float | None = None
) -> int:
    """Send the pending deliveries due by ``now``, oldest first; returns how many were
    tried."""
    now = now or timezone.now()
    limit = limit or settings.GENDAN_NOTIFY_BATCH
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    with requests.Session() as session:
        for pk in due:
            if deadline is not None and time.monotonic() > deadline:
                break
            tried += _deliver_one(pk, session, now=now)
    return tried


def _deliver_one(pk: int, session: requests.Session, *, now: dt.datetime) -> int:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:  # sent meanwhile, or being sent by another worker
            return 0
        channel = CHANNELS.get(delivery.channel)
        started = time.monotonic()
        status_code, error = None, ""
        try:
            if channel is None:
                raise SendFailed(f"unknown channel {delivery.channel!r}")
            status_code = channel.send(delivery, session)
        except SendFailed as exc:
            status_code, error = exc.status_code, str(exc)
        except Exception as exc:  # a bug in a channel must not stop the others
            logger.exception("notification channel %s failed", delivery.channel)
            error = f"{type(exc).__name__}: {exc}"[:1000]
        delivery.attempts += 1
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.last_error = ""
        else:
            delivery.last_error = error
            if delivery.attempts >= settings.GENDAN_NOTIFY_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(
            update_fields=["attempts", "status", "delivered_at", "last_error", "next_attempt_at"]
        )
        DeliveryAttempt.objects.create(
            delivery=delivery,
            ok=not error,
            status_code=status_code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    return 1


def dispatch(*, now: dt.datetime | None = None, seconds: float | None = None) -> dict[str, int]:
    """Fan out and deliver until nothing more is due now (each round at most a batch),
    or until ``seconds`` have passed (the rest is left to the next run)."""
    deadline = time.monotonic() + seconds if seconds else None
    fanned = fan_out(now=now)
    tried = 0
    while True:
        n = deliver_due(now=now, deadline=deadline)
        tried += n
        out_of_time = deadline is not None and time.monotonic() > deadline
        if n < settings.GENDAN_NOTIFY_BATCH or out_of_time:
            return {"fanned_out": fanned, "tried": tried}


def purge(*, now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Delete the outbox events older than GENDAN_NOTIFY_KEEP_DAYS that have been fanned
    out and have nothing left to send (their deliveries and log go with them); returns
    how many. A batch at a time, so that a beat run stays short."""
    now = now or timezone.now()
    old = OutboxEvent.objects.filter(
        fanned_out_at__isnull=False,
        created_at__lt=now - dt.timedelta(days=settings.GENDAN_NOTIFY_KEEP_DAYS),
    ).exclude(deliveries__status=DeliveryStatus.PENDING)
    ids = list(old.order_by("id").values_list("pk", flat=True)[:batch])
    OutboxEvent.objects.filter(pk__in=ids).delete()
    return len(ids)


@transaction.atomic
def redeliver(delivery_ids: list[int]) -> int:
    """Send these deliveries again (same delivery id), with a fresh count of attempts."""
    count = (
        Delivery.objects.select_for_update()
        .filter(pk__in=delivery_ids)
        .update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
    )
    if count:
        from .outbox import kick_on_commit

        kick_on_commit()
    return count
