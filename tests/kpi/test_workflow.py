"""The monthly workflow of kpi-and-pay.md §3: every transition and every refused one,
the history of each step, the deadlines in working days, read-only after
finalisation, reopening with a reason, and the working-day-1 task."""

from decimal import Decimal

import pytest
import time_machine
from django.forms.models import model_to_dict

from gendan.exceptions import GuardFailed, InvalidTransition, PermissionDenied, ValidationFailed
from gendan.models import Holiday
from kpi import selectors, services
from kpi.models import Assessment, AssessmentEvent, PayStatement
from kpi.states import AssessmentStatus as S
from kpi.tasks import assessment_compute_month_task
from tests.kpi.helpers import PRODUCTION, D, assign, at, compute, make_order, rule

SEPT = D(2026, 9, 1)
AFTER_DEADLINES = D(2026, 10, 30)  # every September deadline has passed

# The spec's table, written out here (not read from kpi.states):
# action -> statuses it may start from.
SPEC_TABLE = {
    "compute": {S.DRAFT, S.SENT, S.CONFIRMED, S.DISPUTED},
    "enter": {S.DRAFT, S.DISPUTED},
    "send": {S.DRAFT},
    "confirm": {S.SENT},
    "dispute": {S.SENT},
    "reconfirm": {S.DISPUTED},
    "finalize": {S.CONFIRMED, S.SENT},  # sent: only past the confirmation deadline
    "reopen": {S.FINALIZED, S.EXPORTED},
}


def _actions(cast):
    sup, merch = cast.supervisor, cast.merchandiser
    return {
        "compute": lambda a: services.assessment_compute(actor=sup, assessment_id=a.pk),
        "enter": lambda a: services.assessment_enter(
            actor=sup, assessment_id=a.pk, teamwork="20", attitude="15"
        ),
        "send": lambda a: services.assessment_send(actor=sup, assessment_id=a.pk),
        "confirm": lambda a: services.assessment_confirm(actor=merch, assessment_id=a.pk),
        "dispute": lambda a: services.assessment_dispute(
            actor=merch, assessment_id=a.pk, reason="团队合作分偏低"
        ),
        "reconfirm": lambda a: services.assessment_reconfirm(
            actor=sup, assessment_id=a.pk, note="已复核"
        ),
        "finalize": lambda a: services.assessment_finalize(
            actor=sup, assessment_id=a.pk, today=AFTER_DEADLINES
        ),
        "reopen": lambda a: services.assessment_reopen(
            actor=sup, assessment_id=a.pk, reason="扣款录错"
        ),
    }


def assessment_in(cast, status: str, *, period=SEPT) -> Assessment:
    """The merchandiser's assessment of ``period`` brought to ``status`` through the services."""
    merch, sup = cast.merchandiser, cast.supervisor
    make_order(
        merch,
        contract=D(period.year, period.month, 20),
        fully_shipped_at=at(period.year, period.month, 18),
        ship_dates=(D(period.year, period.month, 18),),
    )
    assessment = compute(merch, period)
    if status == S.DRAFT:
        return assessment
    services.assessment_enter(actor=sup, assessment_id=assessment.pk, teamwork="25", attitude="18")
    services.assessment_send(actor=sup, assessment_id=assessment.pk)
    if status in (S.CONFIRMED, S.FINALIZED, S.EXPORTED):
        services.assessment_confirm(actor=merch, assessment_id=assessment.pk)
    if status == S.DISPUTED:
        services.assessment_dispute(actor=merch, assessment_id=assessment.pk, reason="不同意")
    if status in (S.FINALIZED, S.EXPORTED):
        services.assessment_finalize(actor=sup, assessment_id=assessment.pk, today=AFTER_DEADLINES)
    if status == S.EXPORTED:
        services.assessment_export(actor=cast.finance, period=period)
    assessment.refresh_from_db()
    assert assessment.status == status
    return assessment


def snapshot(assessment: Assessment) -> dict:
    assessment.refresh_from_db()
    statement = PayStatement.objects.filter(assessment=assessment).first()
    return {
        "row": model_to_dict(assessment),
        "events": list(AssessmentEvent.objects.filter(assessment=assessment).values()),
        "statement": model_to_dict(statement) if statement else None,
        "lines": list(statement.lines.values()) if statement else [],
    }


def last_event(assessment: Assessment) -> AssessmentEvent:
    return assessment.events.order_by("-id").first()


# --------------------------------------------------------------------------
# The happy paths, with one history entry per step
# --------------------------------------------------------------------------


def test_draft_sent_confirmed_finalized_exported_each_step_in_the_history(cast):
    a = assessment_in(cast, S.DRAFT)
    assert a.performance == Decimal("50.00")
    steps = [
        (
            lambda: services.assessment_enter(
                actor=cast.supervisor, assessment_id=a.pk, teamwork="26", attitude="18"
            ),
            S.DRAFT,
            "entered",
            cast.supervisor,
        ),
        (
            lambda: services.assessment_send(actor=cast.supervisor, assessment_id=a.pk),
            S.SENT,
            "sent",
            cast.supervisor,
        ),
        (
            lambda: services.assessment_confirm(actor=cast.merchandiser, assessment_id=a.pk),
            S.CONFIRMED,
            "confirmed",
            cast.merchandiser,
        ),
        (
            lambda: services.assessment_finalize(
                actor=cast.supervisor, assessment_id=a.pk, today=AFTER_DEADLINES
            ),
            S.FINALIZED,
            "finalized",
            cast.supervisor,
        ),
        (
            lambda: services.assessment_export(actor=cast.finance, period=SEPT),
            S.EXPORTED,
            "exported",
            cast.finance,
        ),
    ]
    for call, status, action, actor in steps:
        before_status = Assessment.objects.get(pk=a.pk).status
        before_events = a.events.count()
        call()
        a.refresh_from_db()
        assert a.status == status
        assert a.events.count() == before_events + 1
        event = last_event(a)
        assert (event.action, event.actor) == (action, actor)
        if status != before_status:
            assert (event.from_status, event.to_status) == (before_status, status)
    assert a.total_score == Decimal("94.00")
    assert a.sent_at and a.confirmed_at and a.finalized_at and a.exported_at


def test_a_dispute_is_answered_by_the_supervisor_who_reconfirms(cast):
    a = assessment_in(cast, S.SENT)
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_dispute(actor=cast.merchandiser, assessment_id=a.pk, reason=" ")
    assert "reason" in refused.value.fields

    services.assessment_dispute(
        actor=cast.merchandiser, assessment_id=a.pk, reason="本月协助他人完成两单，团队合作分偏低"
    )
    a.refresh_from_db()
    assert a.status == S.DISPUTED and "团队合作" in a.dispute_reason
    assert last_event(a).note == a.dispute_reason
    # The supervisor corrects the score, then re-confirms with an answer.
    services.assessment_enter(
        actor=cast.supervisor, assessment_id=a.pk, teamwork="28", attitude="18"
    )
    with pytest.raises(ValidationFailed):
        services.assessment_reconfirm(actor=cast.supervisor, assessment_id=a.pk, note="")
    services.assessment_reconfirm(actor=cast.supervisor, assessment_id=a.pk, note="已调整为 28 分")
    a.refresh_from_db()
    assert a.status == S.CONFIRMED and a.total_score == Decimal("96.00")
    event = last_event(a)
    assert (event.action, event.from_status, event.to_status) == (
        "reconfirmed",
        S.DISPUTED,
        S.CONFIRMED,
    )


# --------------------------------------------------------------------------
# Every (status, action) pair
# --------------------------------------------------------------------------

STATUSES = [S.DRAFT, S.SENT, S.CONFIRMED, S.DISPUTED, S.FINALIZED, S.EXPORTED]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", sorted(SPEC_TABLE))
def test_every_action_in_every_status(cast, status, action):
    a = assessment_in(cast, status)
    if status == S.DRAFT and action == "send":
        _actions(cast)["enter"](a)  # the guard of send: scores entered (tested below)
    before = snapshot(a)
    call = _actions(cast)[action]
    if status in SPEC_TABLE[action]:
        call(a)
        a.refresh_from_db()
        assert last_event(a).actor is not None
    else:
        with pytest.raises(InvalidTransition) as refused:
            call(a)
        assert refused.value.data["status"] == status
        assert snapshot(a) == before


def test_send_needs_all_three_scores(cast):
    a = assessment_in(cast, S.DRAFT)
    before = snapshot(a)
    with pytest.raises(GuardFailed) as refused:
        services.assessment_send(actor=cast.supervisor, assessment_id=a.pk)
    assert refused.value.code == "scores_missing"
    assert set(refused.value.data["missing"]) == {"teamwork", "attitude"}
    assert snapshot(a) == before


@pytest.mark.parametrize(
    ("teamwork", "attitude", "field"),
    [
        ("31", "10", "teamwork"),
        ("-1", "10", "teamwork"),
        ("20", "20.5", "attitude"),
        ("abc", "10", "teamwork"),
        ("20.123", "10", "teamwork"),
    ],
)
def test_teamwork_and_attitude_are_validated(cast, teamwork, attitude, field):
    a = assessment_in(cast, S.DRAFT)
    before = snapshot(a)
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_enter(
            actor=cast.supervisor, assessment_id=a.pk, teamwork=teamwork, attitude=attitude
        )
    assert field in refused.value.fields
    assert snapshot(a) == before


def test_a_sent_assessment_is_finalised_only_after_the_confirmation_deadline(cast):
    a = assessment_in(cast, S.SENT)
    deadline = selectors.assessment_deadlines(SEPT).confirm
    with pytest.raises(GuardFailed) as refused:
        services.assessment_finalize(actor=cast.supervisor, assessment_id=a.pk, today=deadline)
    assert refused.value.code == "awaiting_confirmation"

    services.assessment_finalize(
        actor=cast.supervisor, assessment_id=a.pk, today=deadline.replace(day=deadline.day + 1)
    )
    a.refresh_from_db()
    assert a.status == S.FINALIZED
    assert "视为确认" in last_event(a).note


def test_export_needs_something_finalised_and_a_re_export_changes_nothing(cast):
    a = assessment_in(cast, S.CONFIRMED)
    with pytest.raises(GuardFailed):
        services.assessment_export(actor=cast.finance, period=SEPT)
    services.assessment_finalize(actor=cast.supervisor, assessment_id=a.pk, today=AFTER_DEADLINES)
    services.assessment_export(actor=cast.finance, period=SEPT)
    before = snapshot(a)

    workbook, statements = services.assessment_export(actor=cast.finance, period=SEPT)

    assert workbook[:2] == b"PK" and len(statements) == 1
    assert snapshot(a) == before


# --------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "who"),
    [
        (S.DRAFT, "enter", "merchandiser"),
        (S.DRAFT, "enter", "finance"),
        (S.DRAFT, "send", "merchandiser"),
        (S.DRAFT, "compute", "merchandiser"),
        (S.SENT, "confirm", "other_merchandiser"),
        (S.SENT, "confirm", "supervisor"),
        (S.SENT, "dispute", "other_merchandiser"),
        (S.DISPUTED, "reconfirm", "merchandiser"),
        (S.CONFIRMED, "finalize", "merchandiser"),
        (S.CONFIRMED, "finalize", "finance"),
        (S.FINALIZED, "reopen", "finance"),
        (S.FINALIZED, "reopen", "merchandiser"),
    ],
)
def test_the_wrong_role_is_refused_and_nothing_changes(cast, status, action, who):
    a = assessment_in(cast, status)
    actor = getattr(cast, who)
    calls = {
        "compute": lambda: services.assessment_compute(actor=actor, assessment_id=a.pk),
        "enter": lambda: services.assessment_enter(
            actor=actor, assessment_id=a.pk, teamwork="1", attitude="1"
        ),
        "send": lambda: services.assessment_send(actor=actor, assessment_id=a.pk),
        "confirm": lambda: services.assessment_confirm(actor=actor, assessment_id=a.pk),
        "dispute": lambda: services.assessment_dispute(actor=actor, assessment_id=a.pk, reason="x"),
        "reconfirm": lambda: services.assessment_reconfirm(
            actor=actor, assessment_id=a.pk, note="x"
        ),
        "finalize": lambda: services.assessment_finalize(
            actor=actor, assessment_id=a.pk, today=AFTER_DEADLINES
        ),
        "reopen": lambda: services.assessment_reopen(actor=actor, assessment_id=a.pk, reason="x"),
    }
    before = snapshot(a)
    with pytest.raises(PermissionDenied):
        calls[action]()
    assert snapshot(a) == before


def test_only_finance_exports_and_only_supervisors_compute_the_month(cast):
    assessment_in(cast, S.FINALIZED)
    for actor in (cast.merchandiser, cast.supervisor, cast.production):
        with pytest.raises(PermissionDenied):
            services.assessment_export(actor=actor, period=SEPT)
    for actor in (cast.merchandiser, cast.finance):
        with pytest.raises(PermissionDenied):
            services.assessment_compute_month(actor=actor, period=SEPT)


# --------------------------------------------------------------------------
# Read-only after finalisation; reopening
# --------------------------------------------------------------------------


def test_a_finalised_month_is_read_only(cast):
    merch = cast.merchandiser
    assign(merch, PRODUCTION)
    a = assessment_in(cast, S.FINALIZED)
    before = snapshot(a)
    # New facts and a rerun of the computation change nothing.
    make_order(
        merch,
        contract=D(2026, 9, 5),
        fully_shipped_at=at(2026, 9, 25),
        ship_dates=(D(2026, 9, 25),),
    )
    services.assessment_compute_month(actor=cast.supervisor, period=SEPT)
    with time_machine.travel(at(2026, 10, 1, 6), tick=False):
        assessment_compute_month_task(period="2026-09")
    assert snapshot(a) == before
    # The month's inputs are refused.
    with pytest.raises(InvalidTransition):
        services.penalty_record_create(
            actor=cast.supervisor,
            person_id=merch.pk,
            rule_id=rule(PRODUCTION, "insubordination").pk,
            occurred_on=D(2026, 9, 9),
            note="x",
        )
    with pytest.raises(InvalidTransition):
        services.pay_adjustment_set(
            actor=cast.supervisor, person_id=merch.pk, period=SEPT, overtime_hours="3"
        )
    with pytest.raises(InvalidTransition):
        services.assessment_compute(actor=cast.supervisor, assessment_id=a.pk)
    assert snapshot(a) == before


def test_a_correction_reopens_with_a_recorded_reason(cast):
    merch = cast.merchandiser
    assign(merch, PRODUCTION)
    a = assessment_in(cast, S.EXPORTED)
    with pytest.raises(ValidationFailed):
        services.assessment_reopen(actor=cast.supervisor, assessment_id=a.pk, reason="  ")

    services.assessment_reopen(actor=cast.supervisor, assessment_id=a.pk, reason="漏登一次扣款")

    a.refresh_from_db()
    assert a.status == S.DRAFT and a.reopen_reason == "漏登一次扣款"
    assert a.finalized_at is None and a.exported_at is None
    event = last_event(a)
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "reopened",
        S.EXPORTED,
        S.DRAFT,
        "漏登一次扣款",
    )
    # Inputs are accepted again and the draft pay follows.
    services.penalty_record_create(
        actor=cast.supervisor,
        person_id=merch.pk,
        rule_id=rule(PRODUCTION, "insubordination").pk,
        occurred_on=D(2026, 9, 9),
        note="不服从安排",
    )
    assert PayStatement.objects.get(assessment=a).penalties == Decimal("100.00")
    assert last_event(a).action == "input_changed"


def test_a_recompute_that_changes_a_confirmed_score_asks_for_a_new_confirmation(cast):
    merch = cast.merchandiser
    a = assessment_in(cast, S.CONFIRMED)
    make_order(
        merch,
        contract=D(2026, 9, 5),
        fully_shipped_at=at(2026, 9, 25),
        ship_dates=(D(2026, 9, 25),),
    )  # a late order appears

    services.assessment_compute(actor=cast.supervisor, assessment_id=a.pk)

    a.refresh_from_db()
    assert a.status == S.SENT and a.confirmed_at is None
    assert (last_event(a).from_status, last_event(a).to_status) == (S.CONFIRMED, S.SENT)


def test_a_recompute_with_unchanged_figures_keeps_the_confirmation(cast):
    a = assessment_in(cast, S.CONFIRMED)
    services.assessment_compute(actor=cast.supervisor, assessment_id=a.pk)
    a.refresh_from_db()
    assert a.status == S.CONFIRMED


def test_the_supervisor_finalises_the_department_leaving_open_ones_open(cast):
    confirmed = assessment_in(cast, S.CONFIRMED)
    other = compute(cast.other_merchandiser, SEPT)  # still a draft

    done, left = services.assessment_finalize_month(
        actor=cast.supervisor, period=SEPT, today=AFTER_DEADLINES
    )

    assert [a.pk for a in done] == [confirmed.pk]
    assert [a.pk for a in left] == [other.pk]
    confirmed.refresh_from_db()
    other.refresh_from_db()
    assert (confirmed.status, other.status) == (S.FINALIZED, S.DRAFT)


# --------------------------------------------------------------------------
# Deadlines in working days
# --------------------------------------------------------------------------


def test_deadlines_when_the_next_month_starts_with_a_holiday_and_a_weekend(db):
    # January 2027: Friday the 1st is New Year's Day, then a weekend.
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")

    deadlines = selectors.assessment_deadlines(D(2026, 12, 1))

    assert deadlines.compute == D(2027, 1, 4)  # Monday
    assert deadlines.send == D(2027, 1, 5)
    assert deadlines.confirm == D(2027, 1, 6)
    assert deadlines.finalize == D(2027, 1, 7)
    assert deadlines.export == D(2027, 1, 8)
    assert deadlines.hard_limit == D(2027, 1, 10)


def test_deadlines_never_pass_the_10th(db):
    # October 2026: National Day 1–7, Saturday the 10th a make-up working day.
    for day in range(1, 8):
        Holiday.objects.create(date=D(2026, 10, day), name="国庆节")
    Holiday.objects.create(date=D(2026, 10, 10), name="国庆调休", is_working_day=True)

    deadlines = selectors.assessment_deadlines(SEPT)

    assert (deadlines.compute, deadlines.send, deadlines.confirm) == (
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
    )
    # Working days 4 and 5 would be the 12th and 13th: the hard limit is the 10th.
    assert deadlines.finalize == deadlines.export == deadlines.hard_limit == D(2026, 10, 10)


# --------------------------------------------------------------------------
# The task of working day 1
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "computes"),
    [
        (at(2027, 1, 1, 6), False),  # New Year's Day
        (at(2027, 1, 3, 6), False),  # Sunday
        (at(2027, 1, 4, 6), True),  # working day 1
        (at(2027, 1, 5, 6), False),  # working day 2
    ],
)
def test_the_task_computes_the_month_just_ended_on_working_day_1_only(cast, now, computes):
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")
    with time_machine.travel(now, tick=False):
        count = assessment_compute_month_task()
    december = Assessment.objects.filter(period=D(2026, 12, 1))
    assert (count > 0) is computes
    assert december.count() == (2 if computes else 0)  # both merchandisers
    if computes:
        assert set(december.values_list("status", flat=True)) == {S.DRAFT}
        assert december.first().events.get().actor is None  # the system


def test_the_task_twice_recomputes_without_duplicates(cast):
    with time_machine.travel(at(2026, 10, 1, 6), tick=False):
        assessment_compute_month_task()
        assessment_compute_month_task()
    assert Assessment.objects.filter(period=SEPT).count() == 2
    assert PayStatement.objects.filter(assessment__period=SEPT).count() == 2
