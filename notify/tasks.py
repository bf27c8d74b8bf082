"""Celery tasks of the notifications: the dispatcher, kicked after each commit that
wrote the outbox and swept by beat every minute (retries that came due, kicks lost
while the broker was down)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import dispatch


@shared_task(
    name="notify.dispatch_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def dispatch_task() -> dict[str, int]:
    """Fan out the new outbox events and send the deliveries that are due."""
    return dispatch.dispatch()
