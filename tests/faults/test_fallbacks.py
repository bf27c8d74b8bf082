"""The pieces that make the outages harmless, one at a time in this process: the
throttle's cache without Redis, the 503 for an unreachable database, the robust
on-commit e-mail queueing, the sweeps' record and catch-up, the settings that bound
every task."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import uuid
from pathlib import Path

import psycopg
import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from kombu.exceptions import OperationalError as BrokerDown
from rest_framework.test import APIClient

from alerts import services, tasks
from alerts.models import Alert, AlertRule, AlertSweepRun
from alerts.rules import RULES
from gendan.cache import FallbackRedisCache
from gendan.celery import app as celery_app
from gendan.exceptions import is_database_unavailable
from gendan.middleware import server_error
from kpi import tasks as kpi_tasks
from tests.faults.conftest import SHANGHAI
from tests.faults.harness import free_port

BASE_DIR = Path(settings.BASE_DIR)


def dead_redis_cache(**params) -> dict:
    return {
        "BACKEND": "gendan.cache.FallbackRedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        **params,
    }


# --- the throttle's cache ----------------------------------------------------------------


def test_the_fallback_cache_works_from_local_memory_while_redis_is_down_and_says_so(caplog):
    params = dead_redis_cache()
    cache = FallbackRedisCache(params["LOCATION"], params)

    with caplog.at_level(logging.WARNING, logger="gendan.cache"):
        cache.set("a", [1, 2], 60)
        assert cache.get("a") == [1, 2]
        assert cache.add("b", 1) and cache.incr("b") == 2
        assert cache.get_many(["a", "b"]) == {"a": [1, 2], "b": 2}

    # Logged once for the outage, not once per operation.
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "Redis unavailable" in caplog.records[0].message


def test_the_fallback_cache_uses_redis_again_once_it_answers(redis, caplog):
    location = redis.url
    params = {"LOCATION": location, "FALLBACK_SECONDS": 0, "KEY_PREFIX": uuid.uuid4().hex}
    cache = FallbackRedisCache(location, params)
    cache.set("k", "in redis", 60)
    redis.stop()
    assert cache.get("k") is None  # local memory: Redis's value is out of reach
    cache.set("k", "local", 60)
    redis.start()  # empty (no persistence)

    with caplog.at_level(logging.WARNING, logger="gendan.cache"):
        assert cache.get("k") is None  # Redis again
    cache.set("k", "redis again", 60)
    assert cache.get("k") == "redis again"
    assert "Redis answers again" in caplog.text


@pytest.mark.django_db
def test_the_api_answers_and_throttles_while_the_throttle_cache_is_unreachable(cast, settings):
    settings.CACHES = {**settings.CACHES, "api": dead_redis_cache()}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/minute", "anon": "2/minute"},
    }
    client = APIClient()
    client.force_authenticate(cast.finance)

    statuses = [client.get("/api/v1/payments/").status_code for _ in range(4)]
    anonymous = [
        APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}).status_code
        for _ in range(3)
    ]

    # The budget still holds (in this process's memory), and nothing is a 500.
    assert statuses == [200, 200, 200, 429]
    assert anonymous == [400, 400, 429]


# --- the database unreachable ------------------------------------------------------------


def connection_refused() -> OperationalError:
    try:
        try:
            raise psycopg.OperationalError("connection failed: Connection refused")
        except psycopg.OperationalError as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as exc:
        return exc


def deadlock() -> OperationalError:
    try:
        try:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        except psycopg.Error as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as exc:
        return exc


def test_only_a_missing_database_counts_as_unavailable():
    assert is_database_unavailable(connection_refused())
    assert is_database_unavailable(InterfaceError("connection already closed"))
    assert not is_database_unavailable(deadlock())
    assert not is_database_unavailable(ValueError("no"))


@pytest.fixture
def database_gone(monkeypatch):
    """Every authentication (API) and every user lookup (pages) finds no database."""

    def refuse(*args, **kwargs):
        raise connection_refused()

    monkeypatch.setattr("gendan.api.authentication.BearerTokenAuthentication.authenticate", refuse)
    monkeypatch.setattr("django.contrib.auth.get_user", refuse)


def test_an_api_request_without_a_database_gets_a_json_503_with_retry_after(client, database_gone):
    response = client.get("/api/v1/orders/", HTTP_AUTHORIZATION="Bearer x")

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.GENDAN_RETRY_AFTER_SECONDS)
    assert response.json() == {
        "code": "database_unavailable",
        "detail": "数据库暂时不可用，请稍后重试。",
    }


def test_a_page_without_a_database_gets_a_plain_503(client, database_gone):
    response = client.get("/orders/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.GENDAN_RETRY_AFTER_SECONDS)
    assert "暂时不可用" in response.content.decode()


def test_the_500_handler_answers_503_for_a_database_error_raised_outside_a_view():
    api, page = RequestFactory().get("/api/v1/orders/"), RequestFactory().get("/")
    try:
        raise connection_refused()
    except OperationalError:
        api_response, page_response = server_error(api), server_error(page)
    try:
        raise deadlock()
    except OperationalError:
        other = server_error(page)

    assert api_response.status_code == page_response.status_code == 503
    assert json.loads(api_response.content)["code"] == "database_unavailable"
    assert other.status_code == 500


# --- alerts: e-mails queued robustly, the sweeps' record and catch-up ---------------------


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_at_commit_fails_no_sweep_and_the_emails_wait_in_the_outbox(
    cast, overdue_order, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.alert_email_send_task, "delay", broker_down)
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        call_command("alerts_sweep", stdout=io.StringIO())  # every rule, one commit each

    # Every rule ran: the first failing callback (logged by name) stopped nothing.
    assert set(AlertSweepRun.objects.values_list("rule", flat=True)) == set(RULES)
    alert = Alert.objects.get(rule=AlertRule.DELIVERY_OVERDUE, order=overdue_order)
    assert "queue_alert_emails" in caplog.text
    # Its e-mails wait in the outbox for alert_email_queue_pending.
    assert alert.recipients.filter(emailed_at=None).count() == 2


@pytest.mark.django_db
def test_each_sweep_is_recorded_once_a_day_with_how_often_it_ran(
    cast, overdue_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.alert_sweep(rule=AlertRule.DELIVERY_OVERDUE)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.alert_sweep(rule=AlertRule.DELIVERY_OVERDUE)

    (run,) = AlertSweepRun.objects.all()
    assert (run.rule, run.runs, run.alerts_created) == (AlertRule.DELIVERY_OVERDUE, 2, 1)
    assert len(first) == 1 and again == []
    assert run.first_run_at <= run.last_run_at


def at(hour: int, minute: int = 0, day: dt.date = dt.date(2026, 3, 2)):
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.mark.django_db
def test_the_catch_up_queues_the_daily_sweeps_due_today_that_have_not_run(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(tasks.alert_sweep_task, "delay", queued.append)
    PeriodicTask.objects.all().delete()
    for name, rule, hour, enabled in [
        ("overdue", AlertRule.DELIVERY_OVERDUE, 8, True),
        ("due soon", AlertRule.DELIVERY_DUE_SOON, 8, True),
        ("reports", AlertRule.PROGRESS_REPORT_MISSING, 11, True),
        ("switched off", AlertRule.DEPOSIT_OVERDUE, 8, False),
    ]:
        PeriodicTask.objects.create(
            name=name,
            task=tasks.alert_sweep_task.name,
            args=json.dumps([rule]),
            enabled=enabled,
            crontab=CrontabSchedule.objects.create(
                minute="0", hour=str(hour), timezone="Asia/Shanghai"
            ),
        )

    with at(7, 59):
        assert services.alert_sweep_catch_up() == []
    with at(9):
        with django_capture_on_commit_callbacks(execute=True):
            services.alert_sweep(rule=AlertRule.DELIVERY_DUE_SOON)  # beat's send got through
        assert services.alert_sweep_catch_up() == [AlertRule.DELIVERY_OVERDUE]
        with django_capture_on_commit_callbacks(execute=True):
            services.alert_sweep(rule=AlertRule.DELIVERY_OVERDUE)
        assert services.alert_sweep_catch_up() == []
    with at(11, 30):
        assert services.alert_sweep_catch_up() == [AlertRule.PROGRESS_REPORT_MISSING]
    with at(0, 5, day=dt.date(2026, 3, 3)):  # a new day: nothing due yet
        assert services.alert_sweep_catch_up() == []
    assert queued == [AlertRule.DELIVERY_OVERDUE, AlertRule.PROGRESS_REPORT_MISSING]


@pytest.mark.django_db
def test_beat_runs_the_catch_up_every_ten_minutes():
    # Installed by migration alerts 0002 (a transactional test's flush may have removed it).
    schedule = PeriodicTask.objects.filter(name="alerts.sweep_catch_up").first()
    if schedule is None:
        pytest.skip("the migrations' schedules were flushed by an earlier test")
    assert schedule.task == tasks.alert_sweep_catch_up_task.name
    assert (schedule.crontab.minute, schedule.crontab.hour) == ("*/10", "*")
    assert schedule.enabled


def test_a_worker_queues_the_catch_up_each_time_it_connects_to_the_broker():
    assert tasks.SweepCatchUpOnConnect in celery_app.steps["consumer"]
    assert settings.GENDAN_SWEEP_CATCH_UP_ON_WORKER_START


# --- every task bounded --------------------------------------------------------------------


def test_every_task_has_time_limits_below_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    ours = [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert {t.name for t in ours} >= {
        tasks.alert_sweep_task.name,
        tasks.alert_email_send_task.name,
        tasks.alert_email_queue_pending_task.name,
        tasks.alert_sweep_catch_up_task.name,
        kpi_tasks.assessment_compute_month_task.name,
    }
    for task in ours:
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert 0 < soft < hard, task.name
        if visibility is not None:  # Redis: a message must outlive its task and retries
            assert hard < visibility, task.name
            assert (getattr(task, "retry_backoff_max", 0) or 0) < visibility, task.name
    assert SoftTimeLimitExceeded in tasks.alert_email_send_task.autoretry_for
    assert settings.EMAIL_TIMEOUT > 0
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_the_worker_runs_a_pool_that_enforces_time_limits():
    procfile = (BASE_DIR / "Procfile").read_text()
    (worker,) = [line for line in procfile.splitlines() if line.startswith("worker:")]
    assert re.search(r"--pool=prefork\b", worker), worker
