"""Two Celery beats started at once on a real Redis (gendan.beat.LeaderScheduler) send
each schedule once; when the leader dies, the other takes over and still sends each
schedule once."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

import pytest
import redis as redis_client
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, IntervalSchedule, PeriodicTask

from alerts import tasks
from tests.faults.conftest import QUEUE, process_env
from tests.faults.harness import Process, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

LOCK_SECONDS = 4
EVERY = 2  # seconds between the sends of the interval schedule
TASK = tasks.alert_email_queue_pending_task.name


def start_beat(env, folder, name: str) -> Process:
    args = [
        sys.executable, "-m", "celery", "-A", "gendan", "beat",
        "--scheduler", "gendan.beat:LeaderScheduler",
        "--pidfile", str(folder / f"{name}.pid"), "--loglevel=INFO",
    ]  # fmt: skip
    return Process(name, args, log=folder / f"{name}.log", env=env)


def one_off(name: str, at: dt.datetime) -> None:
    PeriodicTask.objects.create(
        name=name,
        task=TASK,
        one_off=True,
        clocked=ClockedSchedule.objects.create(clocked_time=at),
    )


def sent(url: str) -> list[str]:
    """The periodic task names of the messages beat queued (no worker takes them)."""
    messages = redis_client.Redis.from_url(url).lrange(QUEUE, 0, -1)
    return [json.loads(m)["headers"].get("periodic_task_name") for m in messages]


def test_two_beats_send_each_schedule_once_and_the_second_takes_over(folder, processes, redis):
    PeriodicTask.objects.all().delete()  # the installed schedules: not this test's
    start = timezone.now()
    for i, seconds in enumerate((8, 10, 12)):
        one_off(f"once-{i}", start + dt.timedelta(seconds=seconds))
    PeriodicTask.objects.create(
        name="every",
        task=TASK,
        interval=IntervalSchedule.objects.create(every=EVERY, period=IntervalSchedule.SECONDS),
    )
    env = process_env(folder, REDIS_URL=redis.url, GENDAN_BEAT_LOCK_SECONDS=str(LOCK_SECONDS))
    beats = [start_beat(env, folder, "beat-a"), start_beat(env, folder, "beat-b")]
    processes.extend(beats)
    for beat in beats:
        wait_until("beat starts", lambda b=beat: "beat: Starting" in b.text(), 60, beats)

    wait_until(
        "the one-offs are due", lambda: timezone.now() > start + dt.timedelta(seconds=15), 60
    )
    time.sleep(2)
    names = sent(redis.url)
    assert [names.count(f"once-{i}") for i in range(3)] == [1, 1, 1], names
    leaders = [beat for beat in beats if "beat: leading" in beat.text()]
    assert len(leaders) == 1, [beat.tail() for beat in beats]
    leader, standby = leaders[0], next(beat for beat in beats if beat is not leaders[0])
    assert "Sending due task" not in standby.text()
    # The interval schedule: once every EVERY seconds since beat started, not twice.
    elapsed = (timezone.now() - start).total_seconds()
    assert 2 <= names.count("every") <= elapsed / EVERY + 2, (names.count("every"), elapsed)

    # The leader dies without letting go of the lock: the other takes over once it expires.
    leader.kill()
    killed = timezone.now()
    before = len(sent(redis.url))
    one_off("after-takeover", killed + dt.timedelta(seconds=LOCK_SECONDS + 6))
    wait_until(
        "the standby leads", lambda: "beat: leading" in standby.text(), LOCK_SECONDS + 20, [standby]
    )
    wait_until(
        "the one-off after the takeover is sent",
        lambda: "after-takeover" in sent(redis.url),
        LOCK_SECONDS + 30,
        [standby],
    )
    time.sleep(EVERY * 2)
    names = sent(redis.url)
    assert names.count("after-takeover") == 1
    assert [names.count(f"once-{i}") for i in range(3)] == [1, 1, 1]  # none sent again
    after = names[: len(names) - before]  # LPUSH: the newest first
    elapsed = (timezone.now() - killed).total_seconds()
    assert 1 <= after.count("every") <= elapsed / EVERY + 2, (after.count("every"), elapsed)
    # The send was written to the database at once (a next leader would not repeat it).
    assert PeriodicTask.objects.get(name="after-takeover").total_run_count == 1
