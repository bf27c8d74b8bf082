"""The KPI pages: each role sees its page and takes its steps through the services;
a role that may not gets 403."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from kpi.models import Assessment, PayAdjustment, PenaltyRecord, ShipmentFault
from kpi.states import AssessmentStatus as S
from tests.kpi.helpers import PRODUCTION, D, assign, at, compute, make_order, rule

SEPT = D(2026, 9, 1)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def month(cast):
    person = cast.merchandiser
    assign(person, PRODUCTION)
    make_order(
        person,
        contract=D(2026, 9, 20),
        fully_shipped_at=at(2026, 9, 18),
        ship_dates=(D(2026, 9, 18),),
        declarations=True,
    )
    return compute(person, SEPT)


def test_each_role_lands_on_its_page(client, cast):
    for user, target in (
        (cast.supervisor, "/kpi/month/"),
        (cast.finance, "/kpi/pay/"),
        (cast.merchandiser, "/kpi/my/"),
    ):
        response = login(client, user).get("/kpi/")
        assert response.status_code == 302 and response.url.startswith(target)
    assert login(client, cast.production).get("/kpi/").status_code == 403


def test_the_supervisor_computes_enters_sends_and_finalises(client, cast, month):
    client = login(client, cast.supervisor)
    page = client.get("/kpi/month/2026-09/")
    assert page.status_code == 200
    assert cast.merchandiser.username.encode() in page.content
    assert client.post("/kpi/month/2026-09/compute/").status_code == 302
    detail = client.get(f"/kpi/assessments/{month.pk}/")
    assert detail.status_code == 200 and "保存评分" in detail.content.decode()

    client.post(f"/kpi/assessments/{month.pk}/enter/", {"teamwork": "26", "attitude": "18"})
    client.post(f"/kpi/assessments/{month.pk}/send/")
    month.refresh_from_db()
    assert (month.status, month.total_score) == (S.SENT, Decimal("94.00"))

    login(client, cast.merchandiser).post(f"/kpi/assessments/{month.pk}/confirm/")
    client = login(client, cast.supervisor)
    response = client.post("/kpi/month/2026-09/finalize/", follow=True)
    month.refresh_from_db()
    assert month.status == S.FINALIZED
    assert "已定稿 1 份" in response.content.decode()


def test_an_invalid_score_comes_back_as_a_message_and_changes_nothing(client, cast, month):
    client = login(client, cast.supervisor)
    response = client.post(
        f"/kpi/assessments/{month.pk}/enter/", {"teamwork": "35", "attitude": "18"}, follow=True
    )
    assert response.status_code == 200
    assert '<li class="msg error">团队合作能力（0–30）' in response.content.decode()
    month.refresh_from_db()
    assert month.teamwork is None
    # Sending without scores: the service's refusal is shown, nothing changes.
    response = client.post(f"/kpi/assessments/{month.pk}/send/", follow=True)
    assert "请先录入全部得分" in response.content.decode()
    month.refresh_from_db()
    assert month.status == S.DRAFT


def test_the_merchandiser_sees_and_disputes_only_their_own(client, cast, month):
    other = compute(cast.other_merchandiser, SEPT)
    Assessment.objects.filter(pk=month.pk).update(status=S.SENT, teamwork=20, attitude=15)
    client = login(client, cast.merchandiser)
    assert client.get("/kpi/my/").status_code == 200
    assert client.get(f"/kpi/assessments/{month.pk}/").status_code == 200
    # Someone else's is 404, as a missing one: the page says nothing of its existence.
    assert client.get(f"/kpi/assessments/{other.pk}/").status_code == 404
    assert client.get("/kpi/month/2026-09/").status_code == 403
    assert (
        client.post(
            f"/kpi/assessments/{month.pk}/enter/", {"teamwork": "30", "attitude": "20"}
        ).status_code
        == 403
    )

    client.post(f"/kpi/assessments/{month.pk}/dispute/", {"reason": "漏算一张准时出货的订单"})
    month.refresh_from_db()
    assert month.status == S.DISPUTED and month.dispute_reason == "漏算一张准时出货的订单"


def test_the_supervisor_enters_penalties_faults_and_hours_on_the_page(client, cast, month):
    client = login(client, cast.supervisor)
    order = month.person.owned_orders.get()
    shipment = order.shipments.get()
    client.post(
        f"/kpi/assessments/{month.pk}/penalty/",
        {
            "rule": rule(PRODUCTION, "air-freight").pk,
            "occurred_on": "2026-09-10",
            "chosen_amount": "300",
            "order_number": order.number,
            "note": "客户催货改空运",
        },
    )
    client.post(
        f"/kpi/assessments/{month.pk}/fault/",
        {
            "shipment": shipment.pk,
            "kind": "late_shipment",
            "note": "晚出货",
        },
    )
    client.post(
        f"/kpi/assessments/{month.pk}/hours/",
        {
            "overtime_hours": "12",
            "absence_hours": "3",
            "days_absent": "0",
        },
    )
    record = PenaltyRecord.objects.get()
    assert (record.amount, record.order) == (Decimal("300.00"), order)
    assert ShipmentFault.objects.get().shipment == shipment
    assert PayAdjustment.objects.get().overtime_hours == Decimal("12.00")
    statement = month.pay_statement
    statement.refresh_from_db()
    assert statement.penalties == Decimal("300.00")

    client.post(f"/kpi/penalties/{record.pk}/delete/", {"reason": "录错"})
    assert not PenaltyRecord.objects.exists()
    # Other roles may not.
    response = login(client, cast.finance).post(
        f"/kpi/assessments/{month.pk}/hours/",
        {
            "overtime_hours": "1",
            "absence_hours": "0",
            "days_absent": "0",
        },
    )
    assert response.status_code == 403


def test_finance_sees_pay_statements_and_downloads_the_pay_sheet(client, cast, month):
    Assessment.objects.filter(pk=month.pk).update(status=S.FINALIZED)
    client = login(client, cast.finance)
    page = client.get("/kpi/pay/2026-09/")
    assert page.status_code == 200 and "可导出 1 份" in page.content.decode()
    statement = month.pay_statement
    assert client.get(f"/kpi/pay-statements/{statement.pk}/").status_code == 200

    response = client.post("/kpi/pay/2026-09/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pay-sheet-2026-09.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.worksheets[0].cell(row=3, column=1).value == cast.merchandiser.username
    month.refresh_from_db()
    assert month.status == S.EXPORTED


def test_pay_pages_are_closed_to_the_wrong_roles(client, cast, month):
    statement = month.pay_statement
    other = compute(cast.other_merchandiser, SEPT).pay_statement
    client = login(client, cast.merchandiser)
    assert client.get("/kpi/pay/2026-09/").status_code == 403
    assert client.post("/kpi/pay/2026-09/export/").status_code == 403
    assert client.get(f"/kpi/pay-statements/{statement.pk}/").status_code == 200  # own
    assert client.get(f"/kpi/pay-statements/{other.pk}/").status_code == 404
    assert login(client, cast.supervisor).post("/kpi/pay/2026-09/export/").status_code == 403
    assert login(client, cast.production).get(f"/kpi/assessments/{month.pk}/").status_code == 404


def test_pages_need_a_login_and_a_valid_month(client, cast):
    assert client.get("/kpi/month/2026-09/").status_code == 302
    assert login(client, cast.supervisor).get("/kpi/month/september/").status_code == 404
