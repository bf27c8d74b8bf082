"""The KPI of the demo company: a pay scheme for each merchandiser, and last month's
assessments computed and scored, the first one sent to its person, so the KPI pages
show real pay (not 0.00) and the month's workflow in progress.

Idempotent: a person with a scheme keeps it, and a month with assessments is left
alone.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from gendan.models import User
from kpi import periods, services
from kpi.models import Assessment, PayScheme, PaySchemeAssignment

# The demo company pays its merchandisers by one preset scheme (kpi migration 0002):
# base pay and pay by the processing fees of the production they follow.
SCHEME = "production-processing-fee"
# username -> the supervisor's scores, teamwork (of 30) and attitude (of 20), and
# whether the assessment is sent to them already (the other waits for the supervisor).
PEOPLE = {
    "merch1": (Decimal("26"), Decimal("18"), True),
    "merch2": (Decimal("24"), Decimal("17"), False),
}
# Performance entered by hand when the month had no measurable data (kpi-and-pay.md §1).
MANUAL_PERFORMANCE = Decimal("40")


def seed_kpi(cast: dict[str, User]) -> tuple[int, int]:
    """(assignments and assessments made, already there)."""
    supervisor = cast["supervisor"]
    last_month = periods.previous_period(periods.month_of(timezone.localdate()))
    # In force well before the month: the stories play over the last few months.
    since = periods.previous_period(periods.previous_period(last_month))
    made = there = 0
    scheme = PayScheme.objects.get(code=SCHEME)
    for username in PEOPLE:
        person = cast[username]
        if PaySchemeAssignment.objects.filter(person=person).exists():
            there += 1
            continue
        services.pay_scheme_assign(
            actor=supervisor,
            person_id=person.pk,
            scheme_id=scheme.pk,
            effective_from=since,
            note="演示数据",
        )
        made += 1
    if Assessment.objects.filter(period=last_month).exists():
        return made, there + 1
    services.assessment_compute_month(actor=supervisor, period=last_month)
    for username, (teamwork, attitude, send) in PEOPLE.items():
        assessment = Assessment.objects.get(person=cast[username], period=last_month)
        _score(assessment, supervisor, teamwork, attitude)
        if send:
            services.assessment_send(actor=supervisor, assessment_id=assessment.pk)
    return made + 1, there


def _score(assessment: Assessment, supervisor: User, teamwork, attitude) -> None:
    manual = assessment.performance is None
    services.assessment_enter(
        actor=supervisor,
        assessment_id=assessment.pk,
        teamwork=teamwork,
        attitude=attitude,
        performance=MANUAL_PERFORMANCE if manual else None,
        performance_note="本月无可计算的订单数据，主管按实际表现评定。" if manual else None,
    )
