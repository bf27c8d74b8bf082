"""assessment_due: whoever holds the next step of the monthly assessment is reminded,
once a day (kpi-and-pay.md §3). December 2026 is worked on in January 2027,
whose working days 1–5 are 4–8 January (1 January a holiday, then a weekend)."""

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from alerts import selectors as alert_selectors
from alerts import services as alert_services
from alerts.messages import alert_email, alert_message
from alerts.models import Alert, AlertRule
from gendan.models import Holiday
from kpi.models import Assessment
from kpi.selectors import default_template
from kpi.states import AssessmentStatus as A
from tests.kpi.helpers import D

DEC = D(2026, 12, 1)


@pytest.fixture
def january(cast):
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")
    return cast


def make(person, status) -> Assessment:
    return Assessment.objects.create(
        person=person, period=DEC, template=default_template(), status=status
    )


def sweep(day):
    return alert_services.alert_sweep(rule=AlertRule.ASSESSMENT_DUE, today=day)


def inbox(user):
    return list(alert_selectors.alert_list_for(user).filter(rule=AlertRule.ASSESSMENT_DUE))


def test_whoever_holds_the_next_step_is_reminded_once_a_day(january):
    make(january.merchandiser, A.DRAFT)
    make(january.other_merchandiser, A.SENT)

    assert sweep(D(2027, 1, 4)) == []  # working day 1: nothing due yet

    created = sweep(D(2027, 1, 6))  # working day 3: sending is late, confirming is due
    assert len(created) == 2
    assert sweep(D(2027, 1, 6)) == []  # a re-run raises nothing new
    (boss_alert,) = inbox(january.supervisor)
    assert boss_alert.escalated  # the send step is overdue
    assert [s["step"] for s in boss_alert.data["steps"]] == ["send"]
    (person_alert,) = inbox(january.other_merchandiser)
    assert [s["step"] for s in person_alert.data["steps"]] == ["confirm"]
    assert inbox(january.merchandiser) == []
    assert inbox(january.finance) == []
    assert "2026-12" in alert_message(person_alert)
    assert "2026-12" in alert_email(person_alert)[0]

    Assessment.objects.update(status=A.EXPORTED)
    assert sweep(D(2027, 1, 11)) == []
    assert Alert.objects.filter(rule=AlertRule.ASSESSMENT_DUE).count() == 2


def test_reminders_are_e_mailed_after_commit(january, queued, django_capture_on_commit_callbacks):
    january.supervisor.email = "boss@example.com"
    january.supervisor.save()
    make(january.merchandiser, A.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        (alert_id,) = sweep(D(2027, 1, 5))
    assert queued == [alert_id]
    alert_services.alert_email_send(alert_id=alert_id)
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    assert "2026-12" in mail.outbox[0].subject


def test_the_reminder_is_scheduled_every_morning(db):
    task = PeriodicTask.objects.get(name="alerts.assessment_due")
    assert task.args == '["assessment_due"]'
    assert (task.crontab.hour, task.crontab.minute) == ("8", "30")
