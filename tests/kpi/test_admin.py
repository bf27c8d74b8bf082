"""The admin: schemes and templates are edited there; workflow rows are read-only;
a scheme assignment goes through the service."""

import pytest

from kpi.models import Assessment, PayScheme, PaySchemeAssignment
from kpi.states import AssessmentStatus as S
from tests.factories import UserFactory
from tests.kpi.helpers import SALES, D, compute


@pytest.fixture
def admin_client(client, cast):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_schemes_and_templates_are_editable(admin_client):
    scheme = PayScheme.objects.get(code=SALES)
    page = admin_client.get(f"/admin/kpi/payscheme/{scheme.pk}/change/")
    assert page.status_code == 200 and b"rate_permille" in page.content
    assert admin_client.get("/admin/kpi/assessmenttemplate/").status_code == 200
    assert admin_client.get("/admin/kpi/penaltyrule/").status_code == 200


def test_workflow_rows_are_read_only(admin_client, cast):
    assessment = compute(cast.merchandiser, D(2026, 9, 1))
    assert admin_client.get("/admin/kpi/assessment/").status_code == 200
    page = admin_client.get(f"/admin/kpi/assessment/{assessment.pk}/change/")
    assert page.status_code == 200 and b'name="teamwork"' not in page.content
    assert admin_client.get("/admin/kpi/assessment/add/").status_code == 403
    assert admin_client.post(f"/admin/kpi/assessment/{assessment.pk}/delete/").status_code == 403


def test_an_assignment_is_added_through_the_service_and_refused_for_a_finalised_month(
    admin_client, cast
):
    scheme = PayScheme.objects.get(code=SALES)
    data = {
        "person": cast.merchandiser.pk,
        "scheme": scheme.pk,
        "effective_from": "2026-09-01",
        "note": "入职",
    }
    response = admin_client.post("/admin/kpi/payschemeassignment/add/", data)
    assert response.status_code == 302
    assignment = PaySchemeAssignment.objects.get()
    assert assignment.created_by.username == "root"

    assessment = compute(cast.merchandiser, D(2026, 10, 1))
    Assessment.objects.filter(pk=assessment.pk).update(status=S.FINALIZED)
    response = admin_client.post(
        "/admin/kpi/payschemeassignment/add/", {**data, "effective_from": "2026-10-15"}
    )
    assert response.status_code == 200 and "已定稿".encode() in response.content
    assert PaySchemeAssignment.objects.count() == 1
