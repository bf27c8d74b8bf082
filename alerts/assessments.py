"""The monthly assessment's alert: an assessment sent to its person is in their inbox
(``assessment_sent``) until they confirm or dispute it, or it moves on without them
(finalised after the confirmation deadline, reopened). Raised and ended by
``alerts.receivers`` in the transaction of the assessment's change."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Coalesce
from django.utils import timezone

from gendan.models import User
from kpi import periods
from kpi.models import Assessment
from kpi.selectors import assessment_deadlines
from kpi.states import AssessmentStatus

from .conversation import raise_alert
from .models import Alert, AlertRecipient, AlertRule


def assessment_moved(assessment: Assessment, previous: str, actor: User | None) -> Alert | None:
    """Tell the person their assessment was sent; end the alert once it left "sent"."""
    if assessment.status == AssessmentStatus.SENT:
        return assessment_sent(assessment, actor)
    if previous == AssessmentStatus.SENT:
        assessment_answered(assessment)
    return None


def assessment_sent(assessment: Assessment, actor: User | None) -> Alert | None:
    """One alert in the person's inbox (they are its only recipient)."""
    return raise_alert(
        AlertRule.ASSESSMENT_SENT,
        assessment,
        order=None,
        data={
            "period": periods.label(assessment.period),
            "total_score": str(assessment.total_score),
            "who": str(actor) if actor else "",
            "due_on": assessment_deadlines(assessment.period).confirm.isoformat(),
        },
        user_ids=[assessment.person_id],
    )


def assessment_answered(assessment: Assessment) -> None:
    """The step is done: the alert ends and leaves the person's open items."""
    now = timezone.now()
    alerts = Alert.objects.filter(
        rule=AlertRule.ASSESSMENT_SENT,
        content_type=ContentType.objects.get_for_model(Assessment),
        object_id=assessment.pk,
        resolved_on__isnull=True,
    )
    AlertRecipient.objects.filter(alert__in=alerts, acknowledged_at__isnull=True).update(
        acknowledged_at=now, read_at=Coalesce("read_at", now)
    )
    alerts.update(resolved_on=timezone.localdate(now))
