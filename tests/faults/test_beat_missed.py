"""The broker down at the minute beat sends the daily sweeps: beat's sends fail and are
not repeated, yet once the broker is back every daily rule has run once for that day
(the worker queues the catch-up when it reconnects), with no duplicate alert."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from alerts import tasks
from alerts.models import SWEPT_RULES, Alert, AlertRule, AlertSettings, AlertSweepRun
from tests.faults.conftest import SHANGHAI, process_env
from tests.faults.harness import celery_beat, celery_worker, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def next_minute(margin: float = 8) -> dt.datetime:
    """The next whole minute (local time) at least ``margin`` seconds away."""
    now = timezone.now().astimezone(SHANGHAI)
    tick = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if (tick - now).total_seconds() < margin:
        tick += dt.timedelta(minutes=1)
    return tick


def test_the_daily_sweeps_beat_could_not_send_run_once_the_broker_is_back(
    folder, processes, redis, cast, overdue_order
):
    AlertSettings.objects.update_or_create(pk=1, defaults={"send_email": False})
    PeriodicTask.objects.all().delete()
    env = process_env(folder, REDIS_URL=redis.url)
    worker = celery_worker(env, folder)
    beat = celery_beat(env, folder)
    processes.extend([worker, beat])

    # Every daily rule at the same minute, the next one (as the production schedules at
    # 08:00–11:00); beat notices new schedules within 5 s.
    tick = next_minute(margin=12)
    if tick.date() != (tick + dt.timedelta(seconds=40)).date():  # not across midnight
        tick += dt.timedelta(minutes=1)
    crontab = CrontabSchedule.objects.create(
        minute=str(tick.minute), hour=str(tick.hour), timezone="Asia/Shanghai"
    )
    for rule in SWEPT_RULES:
        PeriodicTask.objects.create(
            name=f"test: {rule}",
            task=tasks.alert_sweep_task.name,
            args=json.dumps([rule]),
            crontab=crontab,
        )
    # Beat's other, frequent schedules (as in production) keep its connection open: at the
    # tick it publishes on a connection that has just died, fails and moves on.
    PeriodicTask.objects.create(
        name="test: e-mail outbox",
        task=tasks.alert_email_queue_pending_task.name,
        interval=IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS),
    )

    # The broker goes down a few seconds before the tick and comes back after it.
    wait_until("3 s before the tick", lambda: timezone.now() >= tick - dt.timedelta(seconds=3), 90)
    assert not AlertSweepRun.objects.exists()  # nothing was due before
    redis.stop()

    def sweeps_beat_failed_to_send() -> set[str]:
        return {
            rule
            for rule in SWEPT_RULES
            if f"Couldn't apply scheduled task test: {rule}:" in beat.text()
        }

    wait_until(
        "beat fails to send every sweep",
        lambda: sweeps_beat_failed_to_send() == set(SWEPT_RULES),
        40,
        [beat, worker],
    )
    down_for = (timezone.now() - tick).total_seconds() + 3
    redis.start()
    back = time.monotonic()
    wait_until(
        "every daily rule has run today",
        lambda: AlertSweepRun.objects.filter(day=tick.date()).count() == len(SWEPT_RULES),
        60,
        [beat, worker],
    )
    caught_up_after = time.monotonic() - back
    time.sleep(3)  # and nothing runs them again

    runs = AlertSweepRun.objects.filter(day=tick.date())
    assert sorted(runs.values_list("rule", flat=True)) == sorted(SWEPT_RULES)
    assert set(runs.values_list("runs", flat=True)) == {1}
    alerts = list(Alert.objects.values_list("rule", "object_id", "day"))
    assert (AlertRule.DELIVERY_OVERDUE, overdue_order.pk, tick.date()) in alerts
    assert len(alerts) == len(set(alerts)) == sum(runs.values_list("alerts_created", flat=True))
    assert "alert sweeps due today that had not run" in worker.text()
    print(
        f"\nbroker down {down_for:.0f}s across the sweeps' minute ({tick:%H:%M}): beat's "
        f"{len(SWEPT_RULES)} sends failed; every rule ran {caught_up_after:.1f}s after "
        "the broker came back"
    )
