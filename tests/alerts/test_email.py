"""Alert e-mails: sent by their own task after the sweep commits, once per recipient,
retried with backoff when the mail server fails."""

import smtplib

import pytest
from django.core import mail

from alerts import services, tasks
from alerts.models import AlertRecipient, AlertRule, AlertSettings
from orders.states import OrderStatus as S
from tests.alerts.helpers import MONDAY, days, on, sweep_on
from tests.factories import order_in_status
from tests.flaky_email_backend import attempts, delivered

R = AlertRule


@pytest.fixture
def alert(cast):
    """An alert with two recipients told one by one: the owner, and the supervisor
    (who gets it by role, so in the daily digest, unless told directly as here)."""
    with on(MONDAY):
        order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    (alert,) = sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)
    AlertRecipient.objects.filter(alert=alert, user=cast.supervisor).update(digest=False)
    return alert


def test_a_recipient_by_role_is_not_emailed_one_by_one(cast):
    with on(MONDAY):
        order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    (alert,) = sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)
    assert AlertRecipient.objects.get(alert=alert, user=cast.supervisor).digest

    assert services.alert_email_send(alert_id=alert.pk) == 1
    (message,) = mail.outbox
    assert message.to == [cast.merchandiser.email]


@pytest.fixture
def flaky(settings, monkeypatch, tmp_path):
    settings.EMAIL_BACKEND = "tests.flaky_email_backend.EmailBackend"
    monkeypatch.setenv("FLAKY_EMAIL_DIR", str(tmp_path))
    return tmp_path


def test_the_sweep_queues_one_email_task_per_new_alert_after_commit(
    cast, queued, django_capture_on_commit_callbacks
):
    with on(MONDAY):
        orders = [order_in_status(cast, S.CONFIRMED, days_to_delivery=3) for _ in range(2)]
    with django_capture_on_commit_callbacks() as callbacks:
        alerts = sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)
        assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(queued) == sorted(a.pk for a in alerts)
    assert {a.order for a in alerts} == set(orders)


def test_no_email_is_queued_when_emails_are_switched_off(
    cast, queued, django_capture_on_commit_callbacks
):
    AlertSettings.objects.filter(pk=1).update(send_email=False)
    with on(MONDAY):
        order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)) == 1
    assert queued == []


def test_each_recipient_with_an_address_gets_the_email_once(cast, alert):
    cast.supervisor.email = ""
    cast.supervisor.save()

    assert services.alert_email_send(alert_id=alert.pk) == 1
    assert services.alert_email_send(alert_id=alert.pk) == 0

    (message,) = mail.outbox
    assert message.to == [cast.merchandiser.email]
    assert alert.data["order_number"] in message.subject
    assert alert.message in message.body
    mine = AlertRecipient.objects.get(alert=alert, user=cast.merchandiser)
    assert mine.emailed_at is not None
    assert AlertRecipient.objects.get(alert=alert, user=cast.supervisor).emailed_at is None


def test_a_failed_send_keeps_what_went_out_and_a_retry_sends_only_the_rest(
    cast, alert, flaky, monkeypatch
):
    monkeypatch.setenv("FLAKY_EMAIL_FAIL_ATTEMPTS", "2")  # the second recipient fails

    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.alert_email_send(alert_id=alert.pk)
    assert len(delivered(flaky)) == 1
    assert AlertRecipient.objects.filter(alert=alert, emailed_at__isnull=False).count() == 1

    assert services.alert_email_send(alert_id=alert.pk) == 1
    assert sorted(m["to"][0] for m in delivered(flaky)) == sorted(
        [cast.merchandiser.email, cast.supervisor.email]
    )
    assert attempts(flaky) == 3


def test_the_email_task_retries_a_failing_mail_server_with_backoff(cast, alert, flaky):
    task = tasks.alert_email_send_task
    assert issubclass(smtplib.SMTPServerDisconnected, task.autoretry_for)
    assert issubclass(ConnectionRefusedError, task.autoretry_for)
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 3

    # Run in this process (eager), a retry runs at once: two failures, then both sent.
    assert task.apply(args=[alert.pk]).get() == 2
    assert attempts(flaky) == 4
    assert len(delivered(flaky)) == 2


def test_an_email_task_for_a_deleted_alert_does_nothing(db):
    assert services.alert_email_send(alert_id=123456) == 0


def test_emails_that_never_went_out_are_queued_again_by_the_hourly_task(
    cast, alert, queued, django_capture_on_commit_callbacks
):
    day = MONDAY + days(4)  # the alert was raised at 08:00
    with django_capture_on_commit_callbacks(execute=True):
        with on(day, hour=8):  # minutes old: its own task may still be on its way
            assert services.alert_email_queue_pending() == []
        with on(day, hour=10):
            assert tasks.alert_email_queue_pending_task.apply().get() == 1
    assert queued == [alert.pk]

    services.alert_email_send(alert_id=alert.pk)
    with on(day, hour=11):
        assert services.alert_email_queue_pending() == []
    with on(day + days(2), hour=10):  # too old to chase
        AlertRecipient.objects.update(emailed_at=None)
        assert services.alert_email_queue_pending() == []
