"""Celery tasks of the alerts app: the alert sweeps and the alert e-mails.

Each takes ids or names, calls one service and is safe to run twice (see
alerts.services). The sweeps are scheduled by Celery beat from the
database (django-celery-beat; installed by migration gendan 0004, editable in
the admin); a sweep whose send was lost is caught up (alert_sweep_catch_up_task).

The tasks keep the names they had when they lived in ``gendan.tasks``: the schedule
rows of django-celery-beat, and any message already in the broker, name them so.
"""

from __future__ import annotations

import logging
import smtplib

from celery import bootsteps, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from gendan.celery import app as celery_app

from . import services

logger = logging.getLogger(__name__)


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


@shared_task(name="gendan.tasks.alert_sweep_catch_up_task", soft_time_limit=60, time_limit=90)
def alert_sweep_catch_up_task() -> list[str]:
    """Queue the daily sweeps that were due today and have not run (a beat send lost
    while the broker was down); returns their rules."""
    return services.alert_sweep_catch_up()


class SweepCatchUpOnConnect(bootsteps.StartStopStep):
    """A worker step that queues the sweeps' catch-up each time the worker has connected
    to the broker: when it starts, and when it reconnects after a broker outage, which
    is when beat's sends may have been lost. (Celery's ``worker_ready`` signal fires at
    start only.) GENDAN_SWEEP_CATCH_UP_ON_WORKER_START=false turns it off."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer) -> None:
        if not settings.GENDAN_SWEEP_CATCH_UP_ON_WORKER_START:
            return
        try:
            alert_sweep_catch_up_task.delay()
        except Exception:  # the broker went again: the next connection or beat retries
            logger.warning("could not queue the alert sweeps' catch-up", exc_info=True)


celery_app.steps["consumer"].add(SweepCatchUpOnConnect)
