"""The kpi/ endpoints of api.md: scoped reads, the workflow actions through the
services, and domain errors mapped to their HTTP status."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kpi.models import Assessment
from kpi.states import AssessmentStatus as S
from tests.kpi.helpers import SALES, D, assign, at, compute, make_order

SEPT = D(2026, 9, 1)
BASE = "/api/v1/kpi"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def assessment(cast):
    person = cast.merchandiser
    assign(person, SALES)
    make_order(
        person,
        contract=D(2026, 9, 20),
        total="200000.00",
        fully_shipped_at=at(2026, 9, 18),
        ship_dates=(D(2026, 9, 18),),
    )
    compute(cast.other_merchandiser, SEPT)
    return compute(person, SEPT)


def test_lists_are_scoped_to_what_the_caller_may_see(cast, assessment):
    mine = api(cast.merchandiser).get(f"{BASE}/assessments/").json()
    assert [a["id"] for a in mine] == [assessment.pk]
    everyone = api(cast.supervisor).get(f"{BASE}/assessments/", {"period": "2026-09"}).json()
    assert len(everyone) == 2
    assert api(cast.finance).get(f"{BASE}/assessments/").status_code == 200
    assert api(cast.production).get(f"{BASE}/assessments/").json() == []
    other = Assessment.objects.get(person=cast.other_merchandiser)
    # Someone else's: not found, never revealed.
    assert api(cast.merchandiser).get(f"{BASE}/assessments/{other.pk}/").status_code == 404
    body = api(cast.merchandiser).get(f"{BASE}/assessments/{assessment.pk}/").json()
    assert body["period"] == "2026-09" and body["counts"]["shipped"] == 1
    assert body["points"]["on_time"] == "25.00" and body["performance"] == "50.00"
    assert APIClient().get(f"{BASE}/assessments/").status_code in (401, 403)


def test_the_workflow_through_the_api(cast, assessment):
    sup, merch = api(cast.supervisor), api(cast.merchandiser)
    url = f"{BASE}/assessments/{assessment.pk}"
    response = sup.post(f"{url}/enter/", {"teamwork": "26", "attitude": "18"}, format="json")
    assert response.status_code == 200 and response.json()["total_score"] == "94.00"
    assert sup.post(f"{url}/send/").json()["status"] == S.SENT
    assert merch.post(f"{url}/dispute/", {"reason": "异议"}, format="json").json()["status"] == (
        S.DISPUTED
    )
    assert sup.post(f"{url}/reconfirm/", {"note": "维持"}, format="json").json()["status"] == (
        S.CONFIRMED
    )
    assert sup.post(f"{url}/finalize/").json()["status"] == S.FINALIZED
    assert sup.post(f"{url}/reopen/", {"reason": "更正"}, format="json").json()["status"] == S.DRAFT


def test_domain_errors_map_to_their_status(cast, assessment):
    sup, merch = api(cast.supervisor), api(cast.merchandiser)
    url = f"{BASE}/assessments/{assessment.pk}"
    refused = sup.post(f"{url}/confirm/")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    wrong_state = merch.post(f"{url}/confirm/")
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "invalid_transition"
    guard = sup.post(f"{url}/send/")
    assert guard.status_code == 409 and guard.json()["code"] == "scores_missing"
    invalid = sup.post(f"{url}/enter/", {"teamwork": "31", "attitude": "x"}, format="json")
    assert invalid.status_code == 400 and set(invalid.json()["fields"]) == {"attitude"}
    invalid = sup.post(f"{url}/enter/", {"teamwork": "31", "attitude": "5"}, format="json")
    assert invalid.status_code == 400 and set(invalid.json()["fields"]) == {"teamwork"}
    assert (
        sup.post(f"{BASE}/assessments/compute/", {"period": "09-2026"}, format="json").status_code
        == 400
    )
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and assessment.teamwork is None


def test_compute_and_finalize_the_month(cast, assessment):
    sup = api(cast.supervisor)
    response = sup.post(f"{BASE}/assessments/compute/", {"period": "2026-09"}, format="json")
    assert response.status_code == 200 and len(response.json()) == 2
    assert (
        api(cast.merchandiser)
        .post(f"{BASE}/assessments/compute/", {"period": "2026-09"}, format="json")
        .status_code
        == 403
    )
    response = sup.post(f"{BASE}/assessments/finalize-month/", {"period": "2026-09"}, format="json")
    assert response.json() == {
        "finalized": [],
        "open": sorted(Assessment.objects.values_list("pk", flat=True)),
    }


def test_pay_statements_and_the_export(cast, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=S.FINALIZED)
    statements = api(cast.finance).get(f"{BASE}/pay-statements/", {"period": "2026-09"}).json()
    assert len(statements) == 2
    own = api(cast.merchandiser).get(f"{BASE}/pay-statements/").json()
    assert [s["person"] for s in own] == [cast.merchandiser.pk]
    commission = next(line for line in own[0]["lines"] if line["kind"] == "commission")
    assert Decimal(commission["detail"]["basis"]) == Decimal("200000.00")

    assert (
        api(cast.merchandiser)
        .post(f"{BASE}/pay-statements/export/", {"period": "2026-09"}, format="json")
        .status_code
        == 403
    )
    response = api(cast.finance).post(
        f"{BASE}/pay-statements/export/", {"period": "2026-09"}, format="json"
    )
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.worksheets[0].max_row == 4  # title, header, one person, totals
    assessment.refresh_from_db()
    assert assessment.status == S.EXPORTED


def test_the_list_makes_a_fixed_number_of_queries(cast, assessment, django_assert_max_num_queries):
    client = api(cast.finance)
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{BASE}/pay-statements/").json()) == 2
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{BASE}/assessments/").json()) == 2
