"""assessment_sent: an assessment sent to its person is in their inbox and on My work
once, until they confirm or dispute it (kpi-and-pay.md §3, issue 17)."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from alerts import selectors as alert_selectors
from alerts import services as alert_services
from alerts.messages import alert_email, alert_message
from alerts.models import EVENT_RULES, SWEPT_RULES, Alert, AlertRecipient, AlertRule
from gendan.exceptions import GuardFailed
from kpi import services
from kpi.models import Assessment
from kpi.selectors import default_template
from kpi.states import AssessmentStatus as A
from tests.kpi.helpers import D

NOV = D(2026, 11, 1)
R = AlertRule.ASSESSMENT_SENT


@pytest.fixture
def scored(cast):
    """A draft of the merchandiser's November with all three parts scored."""
    return Assessment.objects.create(
        person=cast.merchandiser,
        period=NOV,
        template=default_template(),
        performance=Decimal("42.00"),
        teamwork=Decimal("26"),
        attitude=Decimal("18"),
        total_score=Decimal("86.00"),
    )


def alerts_of(assessment):
    return Alert.objects.filter(
        rule=R,
        content_type=ContentType.objects.get_for_model(Assessment),
        object_id=assessment.pk,
    )


def inbox(user):
    return list(alert_selectors.alert_list_for(user).filter(rule=R))


def test_the_rule_is_raised_as_it_happens_never_swept():
    assert R in EVENT_RULES and R not in SWEPT_RULES


def test_sending_puts_one_alert_in_the_persons_inbox_only(cast, scored):
    services.assessment_send(actor=cast.supervisor, assessment_id=scored.pk)

    (alert,) = alerts_of(scored)
    assert list(alert.recipients.values_list("user", flat=True)) == [cast.merchandiser.pk]
    (mine,) = inbox(cast.merchandiser)
    assert mine.pk == alert.pk and mine.read_at is None and mine.acknowledged_at is None
    for other in (cast.other_merchandiser, cast.supervisor, cast.finance, cast.production):
        assert inbox(other) == []
    assert alert.order is None and alert.resolved_on is None
    assert alert.data["period"] == "2026-11" and alert.data["total_score"] == "86.00"
    text = alert_message(alert)
    assert "2026-11" in text and "86.00" in text and str(cast.supervisor) in text
    assert "2026-11" in alert_email(alert)[0]
    # E-mailed once, to the person.
    assert alert_services.alert_email_send(alert_id=alert.pk) == 1
    assert alert_services.alert_email_send(alert_id=alert.pk) == 0
    assert [m.to for m in mail.outbox] == [[cast.merchandiser.email]]


def test_the_alert_links_to_the_assessment_on_my_work_and_in_the_inbox(client, cast, scored):
    services.assessment_send(actor=cast.supervisor, assessment_id=scored.pk)
    client.force_login(cast.merchandiser)
    link = f'href="/kpi/assessments/{scored.pk}/"'
    home = client.get("/").content.decode()
    assert 'id="home-assessments"' in home and link in home
    assert link in client.get("/alerts/").content.decode()
    # Nobody else has it on My work.
    client.force_login(cast.other_merchandiser)
    assert 'id="home-assessments"' not in client.get("/").content.decode()


@pytest.mark.parametrize("answer", ["confirm", "dispute"])
def test_answering_ends_the_alert_and_the_my_work_item(client, cast, scored, answer):
    services.assessment_send(actor=cast.supervisor, assessment_id=scored.pk)
    if answer == "confirm":
        services.assessment_confirm(actor=cast.merchandiser, assessment_id=scored.pk)
    else:
        services.assessment_dispute(
            actor=cast.merchandiser, assessment_id=scored.pk, reason="漏算一张订单"
        )

    (alert,) = alerts_of(scored)
    assert alert.resolved_on is not None
    recipient = AlertRecipient.objects.get(alert=alert)
    assert recipient.acknowledged_at is not None and recipient.read_at is not None
    assert alert_selectors.alert_list_for(cast.merchandiser, acknowledged=False).count() == 0
    client.force_login(cast.merchandiser)
    assert 'id="home-assessments"' not in client.get("/").content.decode()


def test_a_refused_send_raises_no_alert(cast, scored):
    Assessment.objects.filter(pk=scored.pk).update(teamwork=None, total_score=None)
    with pytest.raises(GuardFailed):
        services.assessment_send(actor=cast.supervisor, assessment_id=scored.pk)
    assert not alerts_of(scored).exists()
    scored.refresh_from_db()
    assert scored.status == A.DRAFT


def test_sent_again_after_a_correction_it_alerts_again_once(cast, scored):
    services.assessment_send(actor=cast.supervisor, assessment_id=scored.pk)
    services.assessment_confirm(actor=cast.merchandiser, assessment_id=scored.pk)
    services.assessment_finalize(actor=cast.supervisor, assessment_id=scored.pk)
    services.assessment_reopen(actor=cast.supervisor, assessment_id=scored.pk, reason="更正")
    services.assessment_send(actor=cast.supervisor, assessment_id=scored.pk)

    assert alerts_of(scored).count() == 2
    assert alerts_of(scored).filter(resolved_on__isnull=True).count() == 1
    assert len(inbox(cast.merchandiser)) == 2
    assert alert_selectors.alert_list_for(cast.merchandiser, acknowledged=False).count() == 1
