"""Two people (or the task and a person) at once change an assessment once (PostgreSQL)."""

import pytest

from gendan.exceptions import DomainError
from kpi import services
from kpi.models import Assessment, AssessmentEvent, PayStatement, PenaltyRecord
from kpi.states import AssessmentStatus as S
from tests.kpi.helpers import PRODUCTION, D, assign, at, compute, install_presets, make_order, rule
from tests.test_races import run_together

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

SEPT = D(2026, 9, 1)
AFTER_DEADLINES = D(2026, 10, 30)


@pytest.fixture
def month(cast):
    install_presets()
    for person in (cast.merchandiser, cast.other_merchandiser):
        assign(person, PRODUCTION)
        make_order(
            person,
            contract=D(2026, 9, 20),
            fully_shipped_at=at(2026, 9, 18),
            ship_dates=(D(2026, 9, 18),),
        )
    return cast


def test_two_computations_of_the_same_month_at_once_make_one_assessment_each(month):
    def run():
        return services.assessment_compute_month(actor=None, period=SEPT)

    results, errors = run_together(run, run, run)

    assert not errors, errors
    assert len(results) == 3
    assert Assessment.objects.filter(period=SEPT).count() == 2
    assert PayStatement.objects.filter(assessment__period=SEPT).count() == 2
    assert AssessmentEvent.objects.filter(action="computed").count() == 6


def test_two_confirmations_at_once_confirm_once(month):
    cast = month
    assessment = compute(cast.merchandiser, SEPT)
    services.assessment_enter(
        actor=cast.supervisor, assessment_id=assessment.pk, teamwork="20", attitude="15"
    )
    services.assessment_send(actor=cast.supervisor, assessment_id=assessment.pk)

    def confirm():
        return services.assessment_confirm(actor=cast.merchandiser, assessment_id=assessment.pk)

    results, errors = run_together(confirm, confirm)

    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError)
    assert assessment.events.filter(action="confirmed").count() == 1


def test_a_penalty_entered_while_the_supervisor_finalises_is_in_the_statement_or_refused(month):
    cast = month
    person = cast.other_merchandiser
    assessment = compute(person, SEPT)
    services.assessment_enter(
        actor=cast.supervisor, assessment_id=assessment.pk, teamwork="20", attitude="15"
    )
    services.assessment_send(actor=cast.supervisor, assessment_id=assessment.pk)
    services.assessment_confirm(actor=person, assessment_id=assessment.pk)

    _results, errors = run_together(
        lambda: services.assessment_finalize(
            actor=cast.supervisor, assessment_id=assessment.pk, today=AFTER_DEADLINES
        ),
        lambda: services.penalty_record_create(
            actor=cast.supervisor,
            person_id=person.pk,
            rule_id=rule(PRODUCTION, "insubordination").pk,
            occurred_on=D(2026, 9, 9),
            note="不服从安排",
        ),
    )

    assessment.refresh_from_db()
    assert assessment.status == S.FINALIZED
    statement = PayStatement.objects.get(assessment=assessment)
    recorded = PenaltyRecord.objects.filter(person=person, period=SEPT).count()
    # Either the penalty came first and the frozen statement carries it, or it was refused.
    assert statement.penalties == 100 * recorded
    assert len(errors) == 1 - recorded
