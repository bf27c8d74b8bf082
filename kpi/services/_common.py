"""Helpers shared by the KPI services: row locks, the transition helper, input parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gendan.exceptions import NotFound, ValidationFailed
from gendan.models import User

from .. import events, periods, signals
from ..models import Assessment, AssessmentAction
from ..states import ensure_transition


def lock_assessment(assessment_id: int) -> Assessment:
    """Lock an assessment row for the rest of the transaction (call inside atomic)."""
    try:
        # of=("self",): lock the assessment only, not the person or template rows.
        return (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("person", "template")
            .get(pk=assessment_id)
        )
    except Assessment.DoesNotExist:
        raise NotFound(model="assessment", id=assessment_id) from None


def lock_month_of(person_id: int, period: dt.date) -> Assessment | None:
    """Lock the person's assessment of ``period`` (if computed yet) and refuse a change
    of the month's inputs once it is finalised: the month is read-only."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .filter(person_id=person_id, period=period)
        .first()
    )
    if assessment is not None:
        ensure_transition(assessment, "change_inputs")
    return assessment


# The steps of the month that move an assessment: the history entry each writes, and
# the time field it sets to now.
STEPS = {
    "send": (AssessmentAction.SENT, "sent_at"),
    "confirm": (AssessmentAction.CONFIRMED, "confirmed_at"),
    "dispute": (AssessmentAction.DISPUTED, ""),
    "reconfirm": (AssessmentAction.RECONFIRMED, "confirmed_at"),
    "finalize": (AssessmentAction.FINALIZED, "finalized_at"),
    "export": (AssessmentAction.EXPORTED, ""),
    "reopen": (AssessmentAction.REOPENED, ""),
}


def move(
    assessment: Assessment,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    noted: str = "",
    fields: tuple[str, ...] = (),
    **data: Any,
) -> None:
    """Check the step ``action`` (``STEPS``) against the table, move the assessment,
    saving ``fields`` too, and write its history; ``noted`` names the field that holds
    the step's note (a reason), saved with it."""
    event_action, stamp = STEPS[action]
    target = ensure_transition(assessment, action)
    if noted:
        note = getattr(assessment, noted)
        fields = (noted, *fields)
    if stamp:
        setattr(assessment, stamp, timezone.now())
        fields = (*fields, stamp)
    previous, assessment.status = assessment.status, target
    assessment.save(update_fields=["status", "updated_at", *fields])
    events.record(
        assessment,
        event_action,
        actor=actor,
        from_status=previous,
        to_status=target,
        note=note,
        **data,
    )
    # In the transaction: the person's inbox item comes and goes with the change.
    signals.assessment_moved.send(
        sender=Assessment, assessment=assessment, previous=previous, actor=actor
    )


def require_text(value: str | None, field: str, message: str | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(fields={field: [message or _("请填写此项。")]})
    return text


def decimal_in(
    value: Any,
    *,
    field: str,
    low: Decimal | int | None = 0,
    high: Decimal | int | None = None,
    places: int = 2,
    errors: dict[str, list[str]],
) -> Decimal | None:
    """Parse a decimal with at most ``places`` places in [low, high]; collect the error."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = [_("请输入数字。")]
        return None
    if not number.is_finite():
        errors[field] = [_("请输入数字。")]
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors[field] = [_("最多 %(n)s 位小数。") % {"n": places}]
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            errors[field] = [_("不能小于 %(low)s。") % {"low": low}]
        else:
            errors[field] = [
                _("请输入 %(low)s 到 %(high)s 之间的数。") % {"low": low, "high": high}
            ]
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def past_period(value: Any, field: str = "period") -> dt.date:
    """A month of the workflow (computed, finalised, exported) given as a date or
    "YYYY-MM": within the horizon and not one still to come. Raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    period = periods.check(errors, field, value, up_to_this_month=True)
    if errors:
        raise ValidationFailed(fields=errors)
    return period
