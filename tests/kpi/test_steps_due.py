"""kpi.selectors.assessment_steps_due: who holds which step of the monthly workflow
that is due or overdue (for the assessment_due alert rule).

December 2026's assessments are worked on in January 2027, whose 1st is a holiday
followed by a weekend: working days 1–5 are 4–8 January.
"""

import pytest

from gendan.models import Holiday
from kpi.models import Assessment
from kpi.selectors import StepDue, assessment_steps_due, default_template
from kpi.states import AssessmentStatus as S
from tests.factories import UserFactory
from tests.kpi.helpers import D

DEC = D(2026, 12, 1)


@pytest.fixture
def january(cast):
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")
    return cast


def make(person, status, period=DEC) -> Assessment:
    return Assessment.objects.create(
        person=person, period=period, template=default_template(), status=status
    )


def steps(today) -> set[tuple]:
    return {
        (s.step, s.user_id, s.assessment_ids, s.due_on, s.overdue)
        for s in assessment_steps_due(today)
    }


def test_nothing_is_due_before_the_deadlines(january):
    make(january.merchandiser, S.DRAFT)
    make(january.other_merchandiser, S.SENT)
    assert assessment_steps_due(D(2027, 1, 4)) == []


def test_each_step_goes_to_whoever_holds_it_due_then_overdue(january):
    sup, fin = january.supervisor, january.finance
    draft = make(january.merchandiser, S.DRAFT)
    sent = make(january.other_merchandiser, S.SENT)

    assert steps(D(2027, 1, 5)) == {("send", sup.pk, (draft.pk,), D(2027, 1, 5), False)}
    assert steps(D(2027, 1, 6)) == {
        ("send", sup.pk, (draft.pk,), D(2027, 1, 5), True),
        ("confirm", january.other_merchandiser.pk, (sent.pk,), D(2027, 1, 6), False),
    }
    # Working day 4: the person is late, and the supervisor may finalise it now.
    assert ("finalize", sup.pk, (sent.pk,), D(2027, 1, 7), False) in steps(D(2027, 1, 7))

    Assessment.objects.filter(pk=draft.pk).update(status=S.DISPUTED)
    Assessment.objects.filter(pk=sent.pk).update(status=S.FINALIZED)
    assert steps(D(2027, 1, 8)) == {
        ("reconfirm", sup.pk, (draft.pk,), D(2027, 1, 6), True),
        ("export", fin.pk, (sent.pk,), D(2027, 1, 8), False),
    }
    Assessment.objects.filter(pk=draft.pk).update(status=S.EXPORTED)
    Assessment.objects.filter(pk=sent.pk).update(status=S.EXPORTED)
    assert assessment_steps_due(D(2027, 1, 11)) == []


def test_every_supervisor_and_every_finance_user_holds_the_departments_steps(january):
    second = UserFactory(username="boss2", roles=["supervisor"])
    UserFactory(username="gone", roles=["supervisor"], is_active=False)
    confirmed = [
        make(january.merchandiser, S.CONFIRMED),
        make(january.other_merchandiser, S.CONFIRMED),
    ]
    ids = tuple(a.pk for a in confirmed)
    assert steps(D(2027, 1, 7)) == {
        ("finalize", january.supervisor.pk, ids, D(2027, 1, 7), False),
        ("finalize", second.pk, ids, D(2027, 1, 7), False),
    }


def test_a_missing_computation_is_due_for_the_supervisors_from_working_day_1(january):
    assert assessment_steps_due(D(2027, 1, 1)) == []
    assert assessment_steps_due(D(2027, 1, 4)) == [
        StepDue(DEC, "compute", january.supervisor.pk, (), D(2027, 1, 4), False)
    ]
    make(january.merchandiser, S.DRAFT)
    due = assessment_steps_due(D(2027, 1, 5))
    assert ("compute", True) in {(s.step, s.overdue) for s in due}  # the other one is missing
    make(january.other_merchandiser, S.DRAFT)
    assert "compute" not in {s.step for s in assessment_steps_due(D(2027, 1, 5))}


def test_an_older_month_left_open_is_overdue(january):
    november = make(january.merchandiser, S.FINALIZED, period=D(2026, 11, 1))
    make(january.merchandiser, S.EXPORTED)
    make(january.other_merchandiser, S.EXPORTED)

    assert steps(D(2027, 1, 4)) == {
        ("export", january.finance.pk, (november.pk,), D(2026, 12, 7), True)
    }


def test_the_selector_reads_a_fixed_number_of_queries(january, django_assert_max_num_queries):
    for _ in range(5):
        make(UserFactory(roles=["merchandiser"]), S.SENT)
    with django_assert_max_num_queries(12):
        assert assessment_steps_due(D(2027, 1, 6))
