"""A PostgreSQL cluster of the test's own, restarted and then stopped for 10 s under a
running gunicorn: requests during the outage get JSON 503 with Retry-After, the same
gunicorn serves without error afterwards, and every deposit confirmed through the API
(each request retried with its Idempotency-Key until answered) is there exactly once,
with exactly one transition of its order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from orders.models import Order, OrderEvent, Payment, PaymentKind, PaymentReceipt, PaymentStatus
from orders.states import OrderStatus as S
from tests.factories import open_payment, order_in_status
from tests.faults.conftest import process_env, test_database_url
from tests.faults.harness import copy_database, gunicorn, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

ORDERS = 30
OUTAGE_SECONDS = 10


def gunicorn_pids(master_pid: int) -> set[int]:
    """gunicorn's master and its workers."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {master_pid, *map(int, children)}


def test_a_database_restart_and_outage_answers_503_and_loses_or_doubles_nothing(
    folder, processes, pg_cluster, cast, finance_token
):
    orders = [order_in_status(cast, S.AWAITING_DEPOSIT, unit_price="10.00") for _ in range(ORDERS)]
    deposits = [open_payment(order, PaymentKind.DEPOSIT) for order in orders]
    copy_database(test_database_url(), pg_cluster, "gendan")
    env = process_env(folder, DATABASE_URL=pg_cluster.url("gendan"), CONN_MAX_AGE="60")
    web, base = gunicorn(env, folder)
    processes.append(web)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {finance_token}"
    session.headers["Accept"] = "application/json"
    wait_until(
        "gunicorn serves", lambda: session.get(f"{base}/api/v1/payments/").status_code == 200, 30
    )
    pids_before = gunicorn_pids(web.pid)
    today = timezone.localdate().isoformat()

    answers: list[tuple[float, str, int, dict, str | None]] = []
    stop = threading.Event()

    def record(kind: str, response: requests.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {"not json": response.text[:200]}
        answers.append(
            (
                time.monotonic(),
                kind,
                response.status_code,
                body,
                response.headers.get("Retry-After"),
            )
        )

    def client() -> None:
        """Confirm each deposit in full, retrying a 503 with the same Idempotency-Key (as
        a client must); a read of the payment list between two tries."""
        for i, payment in enumerate(deposits):
            while not stop.is_set():
                response = session.post(
                    f"{base}/api/v1/payments/{payment.pk}/confirm/",
                    json={
                        "amount_received": str(payment.amount_due),
                        "received_on": today,
                        "method": "bank_transfer",
                        "reference": f"DEP-{i}",
                    },
                    headers={"Idempotency-Key": f"deposit-{payment.pk}"},
                    timeout=30,
                )
                record("post", response)
                record("get", session.get(f"{base}/api/v1/payments/", timeout=30))
                if response.status_code != 503:
                    break
                time.sleep(0.2)
            time.sleep(0.15)

    worker = threading.Thread(target=client, daemon=True)
    worker.start()
    time.sleep(1.5)
    # A restart (connections cut, every gunicorn connection now dead) …
    outage_started = time.monotonic()
    pg_cluster.restart()
    time.sleep(1.5)
    # … then the database away for 10 s.
    pg_cluster.stop()
    time.sleep(OUTAGE_SECONDS)
    pg_cluster.start()
    outage_ended = time.monotonic()
    worker.join(timeout=120)
    stop.set()
    assert not worker.is_alive(), "the client did not finish"

    # After it: the same gunicorn, no error.
    after = [session.get(f"{base}/api/v1/payments/", timeout=30).status_code for _ in range(40)]
    assert after == [200] * 40
    assert gunicorn_pids(web.pid) == pids_before, "gunicorn's workers were restarted"

    # During it: nothing but 2xx and JSON 503s with Retry-After.
    unavailable = [a for a in answers if a[2] == 503]
    others = [a for a in answers if a[2] != 503 and not 200 <= a[2] < 300]
    assert not others, others[:5]
    assert unavailable, "no request met the outage"
    for _, _, _, body, retry_after in unavailable:
        assert body["code"] == "database_unavailable", body
        assert retry_after is not None and int(retry_after) > 0
    # Every deposit confirmed exactly once, each order moved once.
    receipts, events = PaymentReceipt._meta.db_table, OrderEvent._meta.db_table
    counts = pg_cluster.psql(
        "gendan",
        f"SELECT (SELECT count(*) FROM {receipts} WHERE reference LIKE 'DEP-%'),"
        f" (SELECT count(DISTINCT reference) FROM {receipts} WHERE reference LIKE 'DEP-%'),"
        f" (SELECT count(*) FROM {Order._meta.db_table} WHERE status = '{S.DEPOSIT_PAID}'),"
        f" (SELECT count(*) FROM {events} WHERE to_status = '{S.DEPOSIT_PAID}'),"
        f" (SELECT count(*) FROM {Payment._meta.db_table}"
        f"  WHERE kind = '{PaymentKind.DEPOSIT}' AND status = '{PaymentStatus.RECEIVED}')",
    )
    assert counts == "|".join([str(ORDERS)] * 5)
    print(
        f"\npostgres restarted + {OUTAGE_SECONDS}s down ({outage_ended - outage_started:.1f}s "
        f"in all): {len(answers)} requests, "
        f"{len(unavailable)} JSON 503 (Retry-After {unavailable[0][4]}), 0 other errors; "
        f"{ORDERS} deposits confirmed once each; 40/40 after, same gunicorn"
    )
