"""Celery tasks of the notifications: the dispatcher, kicked after each commit that
wrote the outbox and swept by beat every minute (retries that came due, kicks lost
while the broker was down)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import dispatch

# Below CELERY_TASK_SOFT_TIME_LIMIT (120 s by default), with room for one slow receiver.
DISPATCH_SECONDS = 90


@shared_task(name="notify.dispatch_task", autoretry_for=(OperationalError,), retry_backoff=True)
def dispatch_task() -> dict[str, int]:
    """Fan out the new outbox events and send the deliveries that are due, for at most
    DISPATCH_SECONDS (within the default time limits); the next run goes on."""
    done = dispatch.dispatch(seconds=DISPATCH_SECONDS)
    done["purged"] = dispatch.purge()
    return done
