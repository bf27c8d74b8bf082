"""A Celery worker killed with SIGKILL in the middle of a sweep, then in the middle of an
e-mail: the task it held comes back after the visibility timeout (set short here), runs
on the next worker, and leaves one alert and one e-mail per recipient."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

from alerts import tasks
from alerts.models import Alert, AlertRecipient, AlertRule
from tests.faults.conftest import process_env, publish, test_database_url
from tests.faults.harness import celery_worker, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 5  # seconds
RESTORE_INTERVAL = 1  # seconds between two looks for such tasks


def sweep_waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            # Its first write to the alert table (ending, replacing or inserting alerts).
            [f"%{Alert._meta.db_table}%"],
        )
        return cursor.fetchone()[0] > 0


def test_a_task_killed_with_its_worker_runs_again_after_the_visibility_timeout_once(
    folder, processes, redis, smtp_sink, cast, overdue_order
):
    env = process_env(
        folder,
        REDIS_URL=redis.url,
        EMAIL_PORT=str(smtp_sink.port),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CELERY_UNACKED_RESTORE_INTERVAL=str(RESTORE_INTERVAL),
    )
    alerts = Alert.objects.filter(rule=AlertRule.DELIVERY_OVERDUE, order=overdue_order)
    overdue = str(AlertRule.DELIVERY_OVERDUE.label)  # in the subject of its e-mail

    # 1. Mid-sweep: the sweep waits on a lock the test holds on the alert table; the worker
    #    is killed while it waits (its transaction dies with it).
    first = celery_worker(env, folder, "worker-1")
    processes.append(first)
    with psycopg.connect(test_database_url(), autocommit=False) as blocker:
        blocker.execute(f'LOCK TABLE "{Alert._meta.db_table}" IN EXCLUSIVE MODE')
        publish(redis.url, tasks.alert_sweep_task, AlertRule.DELIVERY_OVERDUE.value)
        wait_until("the sweep blocked mid-way", sweep_waiting_for_a_lock, 30, [first])
        first.kill()
        killed = time.monotonic()
        blocker.rollback()
    assert not alerts.exists()
    # The e-mail that the sweep's redelivery queues is held by the mail server until its
    # sender hangs up: the next worker is killed in the middle of sending it.
    smtp_sink.hold_next()
    second = celery_worker(env, folder, "worker-2")
    processes.append(second)
    wait_until("the sweep runs again", alerts.exists, 60, [second])
    sweep_rerun_after = time.monotonic() - killed
    (alert,) = alerts

    # 2. Mid-e-mail: killed while the mail server has the message but has not accepted it.
    assert smtp_sink.holding.wait(30), second.tail()
    second.kill()
    killed = time.monotonic()
    wait_until("the mail server sees the hang-up", lambda: smtp_sink.dropped == 1, 30)
    assert not smtp_sink.messages
    # The owner is e-mailed as it happens; the supervisor (by role) gets it in the digest.
    assert AlertRecipient.objects.filter(alert=alert, digest=False, emailed_at=None).count() == 1
    assert AlertRecipient.objects.get(alert=alert, user=cast.supervisor).digest
    third = celery_worker(env, folder, "worker-3")
    processes.append(third)
    wait_until(
        "the e-mail sent", lambda: len(smtp_sink.recipients(about=overdue)) == 1, 60, [third]
    )
    email_rerun_after = time.monotonic() - killed
    time.sleep(VISIBILITY_TIMEOUT + 2 * RESTORE_INTERVAL)  # nothing else comes back

    assert smtp_sink.recipients(about=overdue) == [cast.merchandiser.email]
    assert not AlertRecipient.objects.filter(alert=alert, digest=False, emailed_at=None).exists()
    assert list(Alert.objects.values_list("rule", "object_id")) == [
        (AlertRule.DELIVERY_OVERDUE, overdue_order.pk)
    ]
    # Redelivered after the visibility timeout (plus a worker's start), not an hour later.
    assert sweep_rerun_after < VISIBILITY_TIMEOUT + 30
    assert email_rerun_after < VISIBILITY_TIMEOUT + 30
    print(
        f"\nworker killed mid-sweep: sweep ran again {sweep_rerun_after:.1f}s after the kill; "
        f"killed mid-e-mail: the e-mail out {email_rerun_after:.1f}s after the kill "
        f"(visibility timeout {VISIBILITY_TIMEOUT}s, each new worker's start included)"
    )
