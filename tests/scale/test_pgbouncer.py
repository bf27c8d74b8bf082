"""Gendan through PgBouncer in transaction pooling mode (Debian's pgbouncer, started by
the test on a spare port in front of the test's PostgreSQL): a live gunicorn walks an
order from the ERP to delivery and serves the pages (forms whose choices Django reads
with a server-side cursor by default) and the Excel export, its eight
threads sharing two server connections, with no error — no server-side cursor and no
session state that transaction pooling would break."""

from __future__ import annotations

import io
import os
import pwd
import subprocess
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from gendan.api.services import token_issue
from orders.models import Order
from orders.states import OrderStatus
from tests.api.test_live_api import _load_example
from tests.faults.conftest import process_env
from tests.faults.harness import Process, free_port, gunicorn, port_open, wait_until
from tests.scale.conftest import collect_static
from tests.scale.test_replicas import _session_cookie

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

POOL_SIZE = 2


class PgBouncer:
    """pgbouncer on a spare port: database ``gendan`` is the test database."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        target = connection.settings_dict
        (folder / "users.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"gendan = host={target['HOST'] or '127.0.0.1'} port={target['PORT'] or 5432} "
            f"dbname={target['NAME']} user={target['USER']}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {folder}\n"
            f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {POOL_SIZE}\n"
            "max_client_conn = 100\nadmin_users = postgres\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        user = None
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            user = "postgres"
            entry = pwd.getpwnam(user)
            for path in (folder, *folder.iterdir()):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.process = Process(
            "pgbouncer",
            [binary, str(folder / "pgbouncer.ini")],
            log=Path(os.environ.get("TMPDIR", "/tmp")) / f"pgbouncer-{self.port}.log",
            cwd=folder,
            user=user,
        )
        wait_until("pgbouncer listens", lambda: port_open(self.port), 30, [self.process])

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/gendan"

    def show(self, what: str) -> list[dict[str, str]]:
        """``SHOW what`` on pgbouncer's admin console, the rows of database gendan."""
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
             "pgbouncer", "-AX", "-F", "\t", "-c", f"SHOW {what}"],
            capture_output=True, text=True, timeout=30, check=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        header, *rows = result.stdout.strip().splitlines()
        names = header.split("\t")
        records = [dict(zip(names, row.split("\t"), strict=False)) for row in rows]
        return [r for r in records if r.get("database") == "gendan"]


@pytest.fixture
def pgbouncer(pgbouncer_bin, own_folder):
    bouncer = PgBouncer(pgbouncer_bin, own_folder)
    yield bouncer
    bouncer.process.stop()


def test_gendan_serves_through_pgbouncer_in_transaction_pooling(pgbouncer, folder, processes, cast):
    out = io.StringIO()
    call_command("create_api_client", "erp-main", stdout=out)
    tokens = {"erp": out.getvalue().strip().splitlines()[-1]}
    for role, user in (("merchandiser", cast.merchandiser), ("finance", cast.finance)):
        tokens[role] = token_issue(user=user, expires_in=None)[1]
    session_key = _session_cookie(cast.supervisor)

    env = process_env(
        folder,
        DATABASE_URL=pgbouncer.url(),
        DATABASE_PGBOUNCER="true",
        CONN_MAX_AGE="60",
        SECRET_KEY=settings.SECRET_KEY,
    )
    collect_static(env)
    server, base = gunicorn(env, folder, workers=2, threads=4)
    processes.append(server)

    order = _load_example().main(base, tokens, run="pgbouncer")
    assert order["status"] == OrderStatus.DELIVERED
    assert Order.objects.get(pk=order["id"]).status == OrderStatus.DELIVERED

    browser = requests.Session()
    browser.cookies.set("sessionid", session_key)
    # /orders/new/: its choice fields read their options with QuerySet.iterator(), a
    # server-side cursor WITH HOLD unless DATABASE_PGBOUNCER turns them off.
    pages = ("/", "/orders/", "/orders/new/", f"/orders/{order['id']}/", "/dashboard/", "/kpi/")
    for path in pages:
        page = browser.get(base + path)
        assert page.status_code == 200 and "/accounts/login/" not in page.url, path
    export = browser.get(f"{base}/orders/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    erp = requests.Session()
    erp.headers["Authorization"] = f"Bearer {tokens['erp']}"
    listed = erp.get(f"{base}/api/v1/orders/?page_size=1").json()
    assert [o["id"] for o in listed["results"]] == [order["id"]]

    pool = pgbouncer.show("POOLS")[0]
    assert pool["pool_mode"] == "transaction"
    servers = sum(int(pool[k]) for k in ("sv_active", "sv_idle", "sv_used", "sv_tested"))
    assert servers <= POOL_SIZE
    stats = pgbouncer.show("STATS")[0]
    assert int(stats["total_xact_count"]) > 50  # every request went through it
    assert "ERROR" not in server.text() and "Traceback" not in server.text()
    assert "prepared statement" not in pgbouncer.process.text()
