"""Reads from a real PostgreSQL streaming replica (initdb + pg_basebackup, made by the
test): the API's list and detail GETs and the dashboard read the replica, a client who
wrote reads its write at once (pinned to the primary), and a stopped replica leaves
every read to the primary without an error."""

from __future__ import annotations

import time

import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from gendan.api.services import token_issue
from tests.faults.conftest import process_env, test_database_url
from tests.faults.harness import copy_database, gunicorn, wait_until
from tests.scale.conftest import collect_static

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PIN_SECONDS = 3


def _session_cookie(user) -> str:
    """A signed-in session of ``user``, in the database that will be copied."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def test_reads_go_to_the_replica_a_writer_reads_its_write_and_a_stopped_replica_is_skipped(
    pg_pair, folder, processes, redis, cast
):
    primary, replica = pg_pair
    _, writer_token = token_issue(user=cast.supervisor, expires_in=None)
    _, reader_token = token_issue(user=cast.supervisor, expires_in=None)
    session_key = _session_cookie(cast.supervisor)
    copy_database(test_database_url(), primary, "gendan")
    replica.base_backup(primary)
    replica.start()
    assert replica.psql("gendan", "SELECT pg_is_in_recovery()") == "t"
    assert primary.psql("gendan", "SELECT pg_is_in_recovery()") == "f"

    env = process_env(
        folder,
        DATABASE_URL=primary.url("gendan"),
        DATABASE_REPLICA_URLS=replica.url("gendan"),
        REDIS_URL=redis.url,
        GENDAN_REPLICA_PIN_SECONDS=str(PIN_SECONDS),
        GENDAN_REPLICA_RETRY_SECONDS="2",
        SECRET_KEY=settings.SECRET_KEY,  # the session made here signs with it
    )
    collect_static(env)
    server, base = gunicorn(env, folder)
    processes.append(server)
    writer, reader, browser = requests.Session(), requests.Session(), requests.Session()
    writer.headers["Authorization"] = f"Bearer {writer_token}"
    reader.headers["Authorization"] = f"Bearer {reader_token}"
    browser.cookies.set("sessionid", session_key)

    # The replica stops replaying the primary's WAL: what it serves is what it had.
    replica.psql("gendan", "SELECT pg_wal_replay_pause()")
    code = f"C-{timezone.now().timestamp()}"
    created = writer.post(f"{base}/api/v1/customers/", json={"code": code, "name": "Replica"})
    assert created.status_code == 201, created.text
    detail = f"{base}/api/v1/customers/{created.json()['id']}/"

    # The writer reads its write at once, from the primary (pinned for a few seconds)...
    mine = writer.get(detail)
    assert mine.status_code == 200 and mine.json()["code"] == code
    assert code in [c["code"] for c in writer.get(f"{base}/api/v1/customers/").json()["results"]]
    # ...another client reads the replica, which has not seen it yet.
    assert reader.get(detail).status_code == 404
    listed = reader.get(f"{base}/api/v1/customers/?page_size=200")
    assert listed.status_code == 200
    assert code not in [c["code"] for c in listed.json()["results"]]
    # The dashboard reads the replica too; who is signed in is read from the primary.
    assert browser.get(f"{base}/dashboard/", allow_redirects=False).status_code == 200
    # Once the pin has expired the writer reads the replica like everyone else.
    time.sleep(PIN_SECONDS + 0.5)
    assert writer.get(detail).status_code == 404

    # The replica replays again: everyone sees the customer.
    replica.psql("gendan", "SELECT pg_wal_replay_resume()")
    wait_until("the replica has the customer", lambda: reader.get(detail).status_code == 200, 30)

    # The replica stops: every read goes to the primary, no error on the way.
    replica.stop()
    answers = [reader.get(detail).status_code for _ in range(10)]
    answers += [reader.get(f"{base}/api/v1/customers/").status_code for _ in range(5)]
    answers += [browser.get(f"{base}/dashboard/").status_code for _ in range(3)]
    assert set(answers) == {200}, answers
    assert "replica replica1 does not answer" in server.text()
    # A write after it reads back as before.
    again = writer.post(f"{base}/api/v1/customers/", json={"code": code + "-2", "name": "Primary"})
    assert again.status_code == 201
    assert reader.get(f"{base}/api/v1/customers/{again.json()['id']}/").status_code == 200
