"""The monthly workflow of kpi-and-pay.md §3, one function per step.

Each locks its assessment row, checks the policy and the transition table
under the lock, writes the change and its history entry in one transaction, and
raises a ``DomainError`` otherwise. Finalised assessments are read-only; a
correction reopens them with a recorded reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import policy
from gendan.bounds import storable
from gendan.exceptions import GuardFailed, ValidationFailed
from gendan.models import User

from .. import events, exports, scoring, selectors
from ..models import Assessment, AssessmentAction, PayStatement
from ..states import AssessmentStatus, ensure_transition
from ._common import decimal_in, lock_assessment, move, past_period, require_text
from .statements import refresh_pay

A = AssessmentStatus
# The parts of an assessment's score and its total, as its history keeps them.
SCORE_FIELDS = ("teamwork", "attitude", "performance", "total_score")


@storable
@transaction.atomic
def assessment_enter(
    *,
    actor: User,
    assessment_id: int,
    teamwork: Any,
    attitude: Any,
    performance: Any = None,
    performance_note: str | None = None,
) -> Assessment:
    """The supervisor enters teamwork (0–30) and attitude (0–20), and — only when no
    metric had data — the performance part (0–50) by hand with a note.

    Allowed in draft and, after a dispute, in disputed. The draft pay follows.
    Raises InvalidTransition, PermissionDenied, ValidationFailed.
    """
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.enter", assessment)
    ensure_transition(assessment, "enter")
    errors: dict[str, list[str]] = {}
    teamwork_value = decimal_in(teamwork, field="teamwork", high=30, errors=errors)
    attitude_value = decimal_in(attitude, field="attitude", high=20, errors=errors)
    manual = None
    if performance not in (None, ""):
        if assessment.has_metric_data:
            errors["performance"] = [_("本月有数据，工作绩效由系统计算，不能手工录入。")]
        else:
            manual = decimal_in(performance, field="performance", high=50, errors=errors)
            if not (performance_note or "").strip():
                errors["performance_note"] = [_("手工录入工作绩效时请说明依据。")]
    if errors:
        raise ValidationFailed(fields=errors)
    changed = ["teamwork", "attitude", "total_score"]
    assessment.teamwork, assessment.attitude = teamwork_value, attitude_value
    if manual is not None:
        assessment.performance = manual
        assessment.performance_is_manual = True
        assessment.performance_note = performance_note.strip()
        changed += ["performance", "performance_is_manual", "performance_note"]
    assessment.total_score = scoring.total_score(
        assessment.performance, assessment.teamwork, assessment.attitude
    )
    assessment.save(update_fields=[*changed, "updated_at"])
    events.record(
        assessment,
        AssessmentAction.ENTERED,
        actor=actor,
        manual_performance=manual is not None,
        **{name: getattr(assessment, name) for name in SCORE_FIELDS},
    )
    refresh_pay([assessment], assessment.period)
    return assessment


@storable
@transaction.atomic
def assessment_send(*, actor: User, assessment_id: int) -> Assessment:
    """Send the assessment to its person: draft -> sent. Needs all three parts scored.
    Raises InvalidTransition, GuardFailed, PermissionDenied."""
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.send", assessment)
    ensure_transition(assessment, "send")
    if assessment.total_score is None:
        missing = [
            name
            for name in ("performance", "teamwork", "attitude")
            if getattr(assessment, name) is None
        ]
        raise GuardFailed(
            _("请先录入全部得分（工作绩效、团队合作、工作态度）。"),
            code="scores_missing",
            missing=missing,
        )
    move(assessment, "send", actor=actor, total_score=assessment.total_score)
    return assessment


@storable
@transaction.atomic
def assessment_confirm(*, actor: User, assessment_id: int) -> Assessment:
    """The person agrees with their assessment: sent -> confirmed.
    Raises InvalidTransition, PermissionDenied (someone else's)."""
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.confirm", assessment)
    ensure_transition(assessment, "confirm")
    move(assessment, "confirm", actor=actor, total_score=assessment.total_score)
    return assessment


@storable
@transaction.atomic
def assessment_dispute(*, actor: User, assessment_id: int, reason: str) -> Assessment:
    """The person disputes their assessment with a reason: sent -> disputed.
    Raises InvalidTransition, PermissionDenied, ValidationFailed."""
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.dispute", assessment)
    ensure_transition(assessment, "dispute")
    assessment.dispute_reason = require_text(reason, "reason", _("请填写异议理由。"))
    move(assessment, "dispute", actor=actor, noted="dispute_reason")
    return assessment


@storable
@transaction.atomic
def assessment_reconfirm(*, actor: User, assessment_id: int, note: str) -> Assessment:
    """The supervisor answers a dispute and re-confirms (after correcting the scores
    with ``assessment_enter`` if the dispute was right): disputed -> confirmed.
    Raises InvalidTransition, GuardFailed, PermissionDenied, ValidationFailed."""
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.reconfirm", assessment)
    ensure_transition(assessment, "reconfirm")
    assessment.reconfirm_note = require_text(note, "note", _("请填写复核意见。"))
    if assessment.total_score is None:
        raise GuardFailed(_("请先录入全部得分。"), code="scores_missing")
    move(
        assessment,
        "reconfirm",
        actor=actor,
        noted="reconfirm_note",
        total_score=assessment.total_score,
    )
    return assessment


def _finalize(assessment: Assessment, *, actor: User, today: dt.date) -> None:
    """Finalise one locked assessment. A sent one the person left unanswered may be
    finalised once the confirmation deadline (working day 3) has passed."""
    ensure_transition(assessment, "finalize")
    note = ""
    if assessment.status == A.SENT:
        deadline = selectors.assessment_deadlines(assessment.period).confirm
        if today <= deadline:
            raise GuardFailed(
                _("等待本人确认，确认期限为 %(d)s。") % {"d": deadline},
                code="awaiting_confirmation",
                deadline=deadline,
            )
        note = _("本人未在期限 %(d)s 前确认或提出异议，视为确认。") % {"d": deadline}
    # The month's inputs may have changed since the person confirmed: last pay update.
    refresh_pay([assessment], assessment.period)
    move(assessment, "finalize", actor=actor, note=note, total_score=assessment.total_score)


@storable
@transaction.atomic
def assessment_finalize(
    *, actor: User, assessment_id: int, today: dt.date | None = None
) -> Assessment:
    """The supervisor finalises an assessment: confirmed -> finalized; from then on it
    and its pay statement are read-only. Raises InvalidTransition, GuardFailed,
    PermissionDenied."""
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.finalize", assessment)
    _finalize(assessment, actor=actor, today=today or timezone.localdate())
    return assessment


@storable
@transaction.atomic
def assessment_finalize_month(
    *, actor: User, period: dt.date, today: dt.date | None = None
) -> tuple[list[Assessment], list[Assessment]]:
    """The supervisor finalises the department's month: every confirmed assessment
    (and every sent one past the confirmation deadline). Returns (finalised, still
    open). Raises PermissionDenied."""
    policy.require(actor, "assessment.finalize")
    period = past_period(period)
    today = today or timezone.localdate()
    rows = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(period=period)
        .exclude(status__in=(A.FINALIZED, A.EXPORTED))
        .select_related("person", "template")
        .order_by("pk")
    )
    done, left = [], []
    for assessment in rows:
        if assessment.status not in (A.CONFIRMED, A.SENT):
            left.append(assessment)
            continue
        try:
            # A savepoint per row: one refusal leaves the others finalised.
            with transaction.atomic():
                _finalize(assessment, actor=actor, today=today)
        except GuardFailed:
            assessment.refresh_from_db()
            left.append(assessment)
        else:
            done.append(assessment)
    return done, left


@storable
@transaction.atomic
def assessment_export(*, actor: User, period: dt.date) -> tuple[bytes, list[PayStatement]]:
    """Finance exports the month's pay sheet (Excel): every finalised assessment
    moves to exported; exported ones are included again (a re-export changes
    nothing). Returns the workbook and its statements. Raises GuardFailed when
    nothing is finalised, PermissionDenied."""
    policy.require(actor, "pay.export")
    period = past_period(period)
    rows = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(period=period, status__in=(A.FINALIZED, A.EXPORTED))
        .order_by("pk")
    )
    if not rows:
        raise GuardFailed(_("本月还没有定稿的考核，不能导出工资表。"), code="nothing_finalized")
    now = timezone.now()
    for assessment in rows:
        if assessment.status == A.FINALIZED:
            assessment.exported_at = now
            move(assessment, "export", actor=actor, fields=("exported_at",))
    statements = list(selectors.pay_statements_of_month(period, statuses=(A.EXPORTED,)))
    return exports.pay_sheet(period, statements), statements


@storable
@transaction.atomic
def assessment_reopen(*, actor: User, assessment_id: int, reason: str) -> Assessment:
    """A correction: a finalised (or exported) assessment goes back to draft, with the
    reason recorded. Raises InvalidTransition, PermissionDenied, ValidationFailed."""
    assessment = lock_assessment(assessment_id)
    policy.require(actor, "assessment.reopen", assessment)
    ensure_transition(assessment, "reopen")
    assessment.reopen_reason = require_text(reason, "reason", _("请填写重新打开的原因。"))
    assessment.finalized_at = None
    assessment.exported_at = None
    assessment.confirmed_at = None
    assessment.sent_at = None
    move(
        assessment,
        "reopen",
        actor=actor,
        noted="reopen_reason",
        fields=("finalized_at", "exported_at", "confirmed_at", "sent_at"),
    )
    return assessment
