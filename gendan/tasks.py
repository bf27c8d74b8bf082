"""Celery tasks of the gendan app: the alert sweeps and the alert e-mails.

Each takes ids or names, calls one service and is safe to run twice (see
gendan.alerts.services). The sweeps are scheduled by Celery beat from the
database (django-celery-beat; installed by migration gendan 0004, editable in
the admin).
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from gendan.alerts import services


@shared_task(
    name="gendan.tasks.alert_sweep_task",
    # A lost connection or a deadlock with a concurrent sweep: run it again, it is idempotent.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    # The slowest sweep takes about 7 s at a million orders (bench/README.md).
    soft_time_limit=120,
    time_limit=180,
)
def alert_sweep_task(rule: str) -> int:
    """Raise today's alerts of one rule; returns how many were new."""
    return len(services.alert_sweep(rule=rule))


@shared_task(
    name="gendan.tasks.alert_email_send_task",
    # The mail server is down, refuses, drops the connection or does not answer within
    # EMAIL_TIMEOUT (an OSError), or the send outlives the soft limit: try again later,
    # 1, 2, 4, 8 … seconds (with jitter) up to 5 minutes apart (below the broker's
    # visibility timeout, which a waiting retry must not outlast).
    autoretry_for=(OSError, smtplib.SMTPException, OperationalError, SoftTimeLimitExceeded),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=120,
    time_limit=150,
)
def alert_email_send_task(alert_id: int) -> int:
    """E-mail one alert to its recipients not e-mailed yet; returns how many were sent."""
    return services.alert_email_send(alert_id=alert_id)


@shared_task(
    name="gendan.tasks.alert_email_queue_pending_task", soft_time_limit=120, time_limit=180
)
def alert_email_queue_pending_task() -> int:
    """Queue the e-mails of recent alerts that have not gone out; returns how many."""
    return len(services.alert_email_queue_pending())
