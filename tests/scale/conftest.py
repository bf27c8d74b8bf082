"""Fixtures of the scale-out tests: the processes of several machines on one (a
PostgreSQL primary and its streaming replica, PgBouncer, Redis, two gunicorns, two
beats), each started by the test on a spare loopback port and stopped by it.
The helpers are tests/faults' (harness.py, conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.conftest import folder, processes, redis  # noqa: F401 (fixtures)
from tests.faults.harness import BASE_DIR, PostgresCluster


def pytest_collection_modifyitems(config, items):
    """Skip (cleanly) what needs a binary this machine does not have."""
    missing = {
        "redis": None if shutil.which("redis-server") else "redis-server is not installed",
        "pg_pair": PostgresCluster.available(),
        "pgbouncer_bin": None if _pgbouncer() else "pgbouncer is not installed",
    }
    for item in items:
        for fixture, reason in missing.items():
            if reason and fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.skip(reason=reason))


def _pgbouncer() -> str | None:
    """Debian's pgbouncer (in /usr/sbin, which a user's PATH may lack)."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")


def _own_folder() -> Path:
    # Not under pytest's tmp_path: PostgreSQL and PgBouncer run as the postgres user (when
    # the tests run as root), which may not enter root's private temporary folders.
    return Path(tempfile.mkdtemp(prefix="gendan-scale-"))


@pytest.fixture
def pg_pair(transactional_db) -> Iterator[tuple[PostgresCluster, PostgresCluster]]:
    """A PostgreSQL primary (empty, started) and a replica object not yet made (the test
    fills the primary first, then calls ``replica.base_backup(primary)`` and starts it)."""
    primary_folder, replica_folder = _own_folder(), _own_folder()
    primary, replica = PostgresCluster(primary_folder), PostgresCluster(replica_folder)
    try:
        primary.init()
        primary.start()
        yield primary, replica
    finally:
        replica.destroy()
        primary.destroy()
        shutil.rmtree(primary_folder, ignore_errors=True)
        shutil.rmtree(replica_folder, ignore_errors=True)


@pytest.fixture
def pgbouncer_bin() -> str:
    return _pgbouncer() or ""


@pytest.fixture
def own_folder() -> Iterator[Path]:
    """A folder the postgres user may enter (for PgBouncer's configuration)."""
    path = _own_folder()
    yield path
    shutil.rmtree(path, ignore_errors=True)


_COLLECTED: list[Path] = []


def collect_static(env: dict[str, str]) -> None:
    """The static files (and WhiteNoise's manifest) for the processes of ``env`` (the
    pages need them with DEBUG off): collected once per test run into a folder of its
    own, which ``env`` then names as STATIC_ROOT."""
    if not _COLLECTED:
        folder = Path(tempfile.mkdtemp(prefix="gendan-scale-static-"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=BASE_DIR,
            env={**env, "STATIC_ROOT": str(folder)},
            check=True,
            timeout=900,
            stdin=subprocess.DEVNULL,
        )
        _COLLECTED.append(folder)
    env["STATIC_ROOT"] = str(_COLLECTED[0])


@pytest.fixture(scope="session", autouse=True)
def _remove_collected_static() -> Iterator[None]:
    yield
    for collected in _COLLECTED:
        shutil.rmtree(collected, ignore_errors=True)
