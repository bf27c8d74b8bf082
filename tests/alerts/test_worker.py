"""A real Celery worker (and beat), each its own process, on the broker and the test database.

The broker is Redis when ``REDIS_URL`` is set (as in CI), else the embedded
filesystem broker in a temporary folder. The worker reads a queue of its own
(``CELERY_QUEUE``), so nothing else on the broker reaches it and nothing of
it is left behind. Every process is stopped in ``finally``; every wait is
bounded.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from alerts import tasks
from alerts.models import Alert, AlertRecipient, AlertRule, AlertSettings
from gendan.celery import app as celery_app
from orders.states import OrderStatus as S
from tests.alerts.helpers import on
from tests.factories import order_in_status
from tests.flaky_email_backend import attempts, delivered

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
DEADLINE = 60  # seconds, for the whole of each test's waiting


def worker_database_url() -> str:
    """The test database (pytest-django's), as a DATABASE_URL for the worker."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_for(what: str, check: Callable[[], bool], deadline: float, processes=()) -> None:
    while not check():
        for process, log in processes:
            if process.poll() is not None:
                pytest.fail(
                    f"{what}: the process exited ({process.returncode}):\n{log.read_text()}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(log.read_text()[-4000:] for _, log in processes)
            pytest.fail(f"{what}: not within {DEADLINE}s\n{logs}")
        time.sleep(0.2)


@pytest.fixture
def broker(tmp_path, monkeypatch) -> dict[str, str]:
    """Environment for the processes, and this process publishing to the same broker."""
    queue = f"gendan-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "tests.flaky_email_backend.EmailBackend",
        "FLAKY_EMAIL_DIR": str(tmp_path),
        "FLAKY_EMAIL_FAIL_ATTEMPTS": "1,2",
        # Only the sweeps a test sends (tests/faults covers the catch-up on connect).
        "GENDAN_SWEEP_CATCH_UP_ON_WORKER_START": "false",
        "PYTHONUNBUFFERED": "1",
    }
    if not settings.REDIS_URL:
        # The embedded broker: its folders under a var/ of the test's own.
        var = tmp_path / "var"
        folders = {name: var / "broker" / name for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir(parents=True)
        env["GENDAN_VAR_DIR"] = str(var)
        monkeypatch.setitem(
            celery_app.conf,
            "broker_transport_options",
            {
                "data_folder_in": str(folders["queue"]),
                "data_folder_out": str(folders["queue"]),
                "processed_folder": str(folders["processed"]),
                "control_folder": str(folders["control"]),
            },
        )
    yield env
    if settings.REDIS_URL:
        # The queue, its priority lists and its exchange bindings: every key of its name.
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)


@contextmanager
def process(name: str, args: list[str], env: dict[str, str], tmp_path: Path) -> Iterator:
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "gendan", *args],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc, log
        finally:
            # Warm shutdown first; a worker waits for its task, so give it a moment.
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@contextmanager
def worker(env, tmp_path) -> Iterator:
    queue = env["CELERY_QUEUE"]
    args = [
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--loglevel=INFO",
    ]
    with process("worker", args, env, tmp_path) as (proc, log):
        deadline = time.monotonic() + DEADLINE
        wait_for("worker ready", lambda: b" ready." in log.read_bytes(), deadline, [(proc, log)])
        yield proc, log


@pytest.fixture
def overdue_order(cast):
    """An order whose contract delivery date passed 3 days ago (real time: the worker's)."""
    today = timezone.localdate()
    with on(today - dt.timedelta(days=5)):
        return order_in_status(cast, S.CONFIRMED, days_to_delivery=2)


def test_a_worker_runs_a_sweep_sent_through_the_broker_and_retries_a_failing_email(
    broker, tmp_path, cast, overdue_order
):
    with worker(broker, tmp_path) as (proc, log):
        deadline = time.monotonic() + DEADLINE
        with celery_app.connection_for_write() as conn:
            tasks.alert_sweep_task.apply_async(
                args=[AlertRule.DELIVERY_OVERDUE.value],
                queue=broker["CELERY_QUEUE"],
                connection=conn,
            )

        alerts = Alert.objects.filter(rule=AlertRule.DELIVERY_OVERDUE, order=overdue_order)
        wait_for("the alert", alerts.exists, deadline, [(proc, log)])
        (alert,) = alerts
        assert alert.day == timezone.localdate()
        assert set(alert.recipients.values_list("user__username", flat=True)) == {"merch", "boss"}

        # The mail server drops the first two sends: the task retries until it is out.
        # (The supervisor has it by role: in the daily digest, not e-mailed one by one.)
        wait_for("the e-mail", lambda: len(delivered(tmp_path)) == 1, deadline, [(proc, log)])
        mine = AlertRecipient.objects.filter(alert=alert, user=cast.merchandiser)
        wait_for(
            "the owner marked e-mailed",
            lambda: mine.filter(emailed_at__isnull=False).exists(),
            deadline,
            [(proc, log)],
        )

    assert attempts(tmp_path) == 3
    assert [m["to"][0] for m in delivered(tmp_path)] == [cast.merchandiser.email]
    text = log.read_text()
    assert text.count("alert_email_send_task") and "Retry in" in text
    assert Alert.objects.count() == 1


def test_beat_sends_a_scheduled_sweep_that_the_worker_runs(broker, tmp_path, cast, overdue_order):
    AlertSettings.objects.update_or_create(pk=1, defaults={"send_email": False})
    # Only this schedule: every second, on the test worker's queue.
    PeriodicTask.objects.all().delete()
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="test: delivery_overdue",
        task="gendan.tasks.alert_sweep_task",
        args='["delivery_overdue"]',
        interval=every_second,
        queue=broker["CELERY_QUEUE"],
    )
    beat_args = [
        "beat",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--schedule",
        str(tmp_path / "beat-schedule"),
        "--pidfile",
        str(tmp_path / "beat.pid"),
        "--loglevel=INFO",
    ]
    with (
        worker(broker, tmp_path) as (worker_proc, worker_log),
        process("beat", beat_args, broker, tmp_path) as (beat_proc, beat_log),
    ):
        deadline = time.monotonic() + DEADLINE
        processes = [(worker_proc, worker_log), (beat_proc, beat_log)]
        alerts = Alert.objects.filter(rule=AlertRule.DELIVERY_OVERDUE, order=overdue_order)
        wait_for("the scheduled sweep's alert", alerts.exists, deadline, processes)
        # Beat keeps sending every second; the sweeps after the first add nothing.
        wait_for(
            "a second scheduled sweep",
            lambda: worker_log.read_text().count("alert_sweep_task") >= 4,
            deadline,
            processes,
        )

    assert alerts.count() == 1
