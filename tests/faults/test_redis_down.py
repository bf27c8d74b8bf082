"""Redis (the broker and the throttle's counters) stopped under a live server.

The API keeps answering 2xx (the throttle counts in local memory meanwhile),
``/healthz/`` says 503 within 3 s, and once Redis is back the alert e-mails that
could not be queued while it was down go out, each exactly once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
import requests
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from alerts import tasks
from alerts.models import Alert, AlertRecipient, AlertRule
from orders.models import PaymentKind
from orders.states import OrderStatus
from tests.factories import open_payment, order_in_status
from tests.faults.conftest import process_env
from tests.faults.harness import BASE_DIR, celery_beat, celery_worker, gunicorn, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

# How long the API is driven with Redis down; CI runs the 30 s (a local run may
# shorten it with GENDAN_FAULTS_REDIS_OUTAGE_SECONDS).
OUTAGE_SECONDS = float(os.environ.get("GENDAN_FAULTS_REDIS_OUTAGE_SECONDS", "30"))
# Seconds between two requests of the loop (about ten a second).
PACE = 0.1


def test_the_api_keeps_serving_with_redis_down_and_queued_emails_go_out_once_it_is_back(
    folder, processes, redis, smtp_sink, cast, overdue_order, finance_token
):
    order = order_in_status(cast, OrderStatus.AWAITING_DEPOSIT, unit_price="100.00")
    payment = open_payment(order, PaymentKind.DEPOSIT)
    # The outbox's re-queue every 2 s (hourly in production), for e-mails 2 s old.
    PeriodicTask.objects.all().delete()
    PeriodicTask.objects.create(
        name="test: alert e-mails pending",
        task=tasks.alert_email_queue_pending_task.name,
        interval=IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS),
    )
    env = process_env(
        folder,
        REDIS_URL=redis.url,
        EMAIL_PORT=str(smtp_sink.port),
        GENDAN_ALERT_EMAIL_REQUEUE_AFTER_SECONDS="2",
    )
    web, base = gunicorn(env, folder)
    processes.append(web)
    processes.append(celery_worker(env, folder))
    processes.append(celery_beat(env, folder))
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {finance_token}"
    session.headers["Accept"] = "application/json"
    today = timezone.localdate().isoformat()

    def api_round(n: int) -> list[tuple[str, int]]:
        """One list, one detail and one POST action (a receipt of 0.01)."""
        answers = []
        response = session.get(f"{base}/api/v1/payments/", timeout=10)
        answers.append(("list", response.status_code))
        response = session.get(f"{base}/api/v1/payments/{payment.pk}/", timeout=10)
        answers.append(("detail", response.status_code))
        response = session.post(
            f"{base}/api/v1/payments/{payment.pk}/confirm/",
            json={
                "amount_received": "0.01",
                "received_on": today,
                "method": "bank_transfer",
                "reference": f"R-{n}",
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        answers.append(("post", response.status_code))
        return answers

    def healthz() -> requests.Response:
        return requests.get(f"{base}/healthz/", timeout=10)

    assert healthz().status_code == 200
    assert {code for _, code in api_round(0)} == {200}

    # Redis goes away.
    redis.stop()
    stopped = time.monotonic()
    slowest_health = 0.0
    while True:
        started = time.monotonic()
        response = healthz()
        slowest_health = max(slowest_health, time.monotonic() - started)
        if response.status_code == 503:
            break
        assert time.monotonic() - stopped < 3, "healthz did not say 503 within 3 s"
        time.sleep(0.1)
    health_503_after = time.monotonic() - stopped
    assert response.json() == {"status": "unavailable", "database": True, "broker": False}

    # Meanwhile a sweep commits alerts whose e-mails cannot be queued: the command must not
    # fail (robust on-commit), the e-mails wait in the outbox.
    sweep = subprocess.run(
        [sys.executable, "manage.py", "alerts_sweep", AlertRule.DELIVERY_OVERDUE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sweep.returncode == 0, sweep.stdout + sweep.stderr
    assert "1 new alert" in sweep.stdout
    alert = Alert.objects.get(rule=AlertRule.DELIVERY_OVERDUE, order=overdue_order)
    overdue = str(AlertRule.DELIVERY_OVERDUE.label)  # in the subject of its e-mail
    # The owner is e-mailed as it happens; the supervisor (by role) gets it in the digest.
    assert AlertRecipient.objects.filter(alert=alert, digest=False, emailed_at=None).count() == 1
    assert AlertRecipient.objects.get(alert=alert, user=cast.supervisor).digest

    # The API, driven for the whole window: every answer 2xx.
    answers: list[tuple[str, int]] = []
    n = 0
    while time.monotonic() - stopped < OUTAGE_SECONDS:
        n += 1
        answers.extend(api_round(n))
        time.sleep(PACE)
    outage = time.monotonic() - stopped
    failures = [answer for answer in answers if not 200 <= answer[1] < 300]
    assert not failures, failures[:20]
    assert {kind for kind, _ in answers} == {"list", "detail", "post"}
    assert healthz().status_code == 503
    assert "Redis unavailable" in web.text()  # the fallback is logged
    for process in processes:
        assert process.alive(), process.tail()
    assert not smtp_sink.messages

    # Redis is back (empty: it kept nothing).
    redis.start()
    back = time.monotonic()
    healthy_after = wait_until(
        "healthz 200 again", lambda: healthz().status_code == 200, 30, processes
    )
    sent_after = wait_until(
        "the alert e-mail sent",
        lambda: len(smtp_sink.recipients(about=overdue)) >= 1,
        60,
        processes,
    )
    # Several re-queue rounds later, still one e-mail per recipient.
    time.sleep(5)
    assert smtp_sink.recipients(about=overdue) == [cast.merchandiser.email]
    assert not AlertRecipient.objects.filter(alert=alert, digest=False, emailed_at=None).exists()
    assert Alert.objects.count() == 1
    confirms = sum(1 for kind, _ in answers if kind == "post") + 1
    assert payment.receipts.count() == confirms
    print(
        f"\nredis down: {len(answers)} API requests over {outage:.1f}s all 2xx; "
        f"healthz 503 after {health_503_after:.2f}s (slowest answer {slowest_health:.2f}s); "
        f"redis back: healthz 200 after {healthy_after:.1f}s, "
        f"e-mails sent after {time.monotonic() - back - 5:.1f}s (first at {sent_after:.1f}s)"
    )
