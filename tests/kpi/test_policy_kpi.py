"""The KPI actions of the policy on assessment objects: the merchandiser's scope is their
own person-records (SELF); supervisors and finance see the department."""

import pytest

from gendan import policy
from kpi.models import Assessment, PayStatement
from kpi.selectors import assessment_list_visible_to, default_template
from tests.factories import UserFactory
from tests.kpi.helpers import D

SEPT = D(2026, 9, 1)

# action -> who may take it on the merchandiser's own assessment.
EXPECTED_ON_OWN = {
    "assessment.view": {"merch_own", "supervisor", "finance"},
    "assessment.compute": {"supervisor"},
    "assessment.enter": {"supervisor"},
    "assessment.send": {"supervisor"},
    "assessment.confirm": {"merch_own"},
    "assessment.dispute": {"merch_own"},
    "assessment.reconfirm": {"supervisor"},
    "assessment.finalize": {"supervisor"},
    "assessment.reopen": {"supervisor"},
    "pay.view": {"merch_own", "supervisor", "finance"},
}


@pytest.fixture
def principals(cast):
    assessment = Assessment.objects.create(
        person=cast.merchandiser, period=SEPT, template=default_template()
    )
    return assessment, {
        "merch_own": cast.merchandiser,
        "merch_other": cast.other_merchandiser,
        "supervisor": cast.supervisor,
        "finance": cast.finance,
        "production": cast.production,
        "integration": cast.integration,
    }


@pytest.mark.parametrize("action", sorted(EXPECTED_ON_OWN))
def test_kpi_policy_on_an_assessment(principals, action):
    assessment, users = principals
    allowed = {name for name, user in users.items() if policy.can(user, action, assessment)}
    assert allowed == EXPECTED_ON_OWN[action]


def test_pay_statements_are_person_records_too(principals):
    assessment, users = principals
    statement = PayStatement.objects.create(assessment=assessment)
    assert policy.can(users["merch_own"], "pay.view", statement)
    assert not policy.can(users["merch_other"], "pay.view", statement)


def test_lists_are_scoped_as_the_object_policy(principals, cast):
    assessment, users = principals
    others = Assessment.objects.create(
        person=cast.other_merchandiser, period=SEPT, template=default_template()
    )
    both = UserFactory(username="both", roles=["merchandiser", "finance"])
    users["both"] = both
    for name, user in users.items():
        visible = set(assessment_list_visible_to(user).values_list("pk", flat=True))
        expected = {a.pk for a in (assessment, others) if policy.can(user, "assessment.view", a)}
        assert visible == expected, name
    assert set(assessment_list_visible_to(cast.merchandiser)) == {assessment}
