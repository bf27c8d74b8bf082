"""Fixtures of the fault-injection tests: the processes each test starts (and stops),
the environment they run with, and the data they work on.

Every process is a child of the test, in a process group of its own, on a spare
loopback port; the test stops exactly those. Gendan's processes read the test
database (pytest-django's, hence ``transaction=True``) unless a test gives them a
PostgreSQL cluster of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from gendan.api.services import token_issue
from gendan.celery import app as celery_app
from orders.states import OrderStatus
from tests.factories import order_in_status
from tests.faults.harness import PostgresCluster, Process, RedisServer, SilentSmtp, SmtpSink

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The queue of the test's processes (on a Redis of the test's own).
QUEUE = "gendan-faults"


def pytest_collection_modifyitems(config, items):
    """Skip (cleanly) what needs a binary this machine does not have."""
    no_redis = None if shutil.which("redis-server") else "redis-server is not installed"
    no_cluster = PostgresCluster.available()
    for item in items:
        if "faults" not in item.keywords:
            continue
        if no_redis and "redis" in item.fixturenames:
            item.add_marker(pytest.mark.skip(reason=no_redis))
        if no_cluster and "pg_cluster" in item.fixturenames:
            item.add_marker(pytest.mark.skip(reason=no_cluster))


def test_database_url() -> str:
    """The test database (pytest-django's) as a DATABASE_URL for the processes."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


@pytest.fixture
def folder(tmp_path) -> Path:
    """Logs and state of the test's processes."""
    return tmp_path


@pytest.fixture
def processes(transactional_db) -> Iterator[list[Process]]:
    """The Gendan processes a test starts; stopped (in reverse order) when it ends,
    before pytest-django empties the database."""
    started: list[Process] = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture
def redis(folder) -> Iterator[RedisServer]:
    server = RedisServer(folder).start()
    yield server
    server.stop()


@pytest.fixture
def pg_cluster(transactional_db) -> Iterator[PostgresCluster]:
    # Not under pytest's tmp_path: PostgreSQL runs as the postgres user (when the tests run
    # as root), which may not enter root's private temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="gendan-faults-pg-"))
    cluster = PostgresCluster(folder)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def silent_smtp() -> Iterator[SilentSmtp]:
    with SilentSmtp() as server:
        yield server


# Variables of the test run that must not reach the processes (they get their own).
_OWN = ("DATABASE_URL", "REDIS_URL", "CONN_MAX_AGE", "DJANGO_ALLOW_ASYNC_UNSAFE")
_OWN_PREFIXES = ("CELERY_", "GENDAN_", "EMAIL_", "PYTEST_")


def process_env(folder: Path, **overrides: str) -> dict[str, str]:
    """The environment of Gendan's processes in a fault test: production-like (DEBUG off),
    plain HTTP on loopback, the test database, a var/ folder of their own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _OWN and not key.startswith(_OWN_PREFIXES)
    }
    env.update(
        DEBUG="false",
        GENDAN_HTTPS="false",
        SECRET_KEY="fault-tests-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GENDAN_VAR_DIR=str(folder / "var"),
        DATABASE_URL=test_database_url(),
        REDIS_URL="",
        CELERY_QUEUE=QUEUE,
        # Enough for the tests' request loops: the throttle is exercised, not hit.
        GENDAN_API_RATE_CLIENT="100000/minute",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT="9",
        EMAIL_USE_TLS="false",
        EMAIL_TIMEOUT="5",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def publish(broker_url: str, task, *args) -> None:
    """Send ``task`` to the test's processes through their broker (not the test run's)."""
    with celery_app.connection_for_write(broker_url) as conn:
        task.apply_async(args=list(args), queue=QUEUE, connection=conn)


@pytest.fixture
def overdue_order(cast):
    """A confirmed order whose contract delivery date passed 3 days ago: one
    delivery_overdue alert today, for its merchandiser and the supervisor."""
    today = timezone.localdate()
    moment = dt.datetime.combine(today - dt.timedelta(days=5), dt.time(8), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        return order_in_status(cast, OrderStatus.CONFIRMED, days_to_delivery=2)


@pytest.fixture
def finance_token(cast) -> str:
    _, token = token_issue(user=cast.finance, expires_in=None)
    return token
