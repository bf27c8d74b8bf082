"""Hostile input through the pages (issue 12): dates out of bounds or order, text the
database refuses and bad periods come back as the form again with the field's error
(or a 404 for a period that is no page), nothing written; objects the user may not see
are 404 like missing ones; free-text lines and stored extreme dates render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kpi.models import Assessment, PayStatement, PenaltyRecord
from orders.models import Order, Payment, PaymentKind
from orders.states import OrderStatus as S
from production.models import Incident, ProductionOrder, ProgressReport
from shipping.models import AfterSalesCase, Shipment
from tests.factories import (
    CustomerFactory,
    backdate,
    create_order,
    open_payment,
    order_in_status,
    stage,
)
from tests.hostile.extremes import (
    LAST_DAY,
    YEAR_1,
    extreme_production_order,
    extreme_shipment,
    free_text_order,
    snapshot,
)
from tests.kpi.helpers import PRODUCTION, assign, compute, make_order, rule

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)
NUL = "bad\x00text"


@pytest.fixture(autouse=True)
def _pages_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.LANGUAGE_CODE = "zh-hans"


def client_for(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def posted(client: Client, url: str, data: dict, *, follow: bool = False, **headers):
    """POST and return (response, html), asserting nothing was written."""
    before = snapshot()
    response = client.post(url, data, follow=follow, **headers)
    assert snapshot() == before
    return response, response.content.decode()


# --------------------------------------------------------------------------
# Dates out of bounds or order, on the forms of the pages
# --------------------------------------------------------------------------


def _line_post(**line):
    fields = ("product", "description", "series", "colour", "size", "spec", "quantity")
    data = {"line-key": ["k0"]}
    for name in (*fields, "unit", "unit_price"):
        data[f"line-{name}"] = [str(line.get(name, ""))]
    return data


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"contract_delivery_date": "9999-12-31"}, "日期须在"),
        ({"order_date": "0001-01-01"}, "日期须在"),
        ({"contract_delivery_date": (TODAY() - 5 * DAY).isoformat()}, "合同交期不能早于下单日期"),
        ({"order_date": (TODAY() + DAY).isoformat()}, "不能晚于今天"),
    ],
)
def test_the_order_form_refuses_dates_out_of_bounds_on_their_field(cast, dates, message):
    client = client_for(cast.merchandiser)
    data = {
        "customer": CustomerFactory().pk,
        "currency": "CNY",
        "order_date": TODAY().isoformat(),
        "contract_delivery_date": (TODAY() + 40 * DAY).isoformat(),
        **dates,
        **_line_post(description="Cap", quantity=10, unit_price="2.00"),
    }
    response, html = posted(client, reverse("orders:create"), data)
    assert response.status_code in (200, 400)
    assert message in html
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("planned_start", "planned_finish", "message"),
    [
        ("0001-01-01", None, "日期须在"),
        (None, "9999-12-31", "日期须在"),
        ((TODAY() - DAY).isoformat(), None, "计划开始日期不能早于下单日期"),
    ],
)
def test_issuing_production_refuses_a_plan_out_of_bounds(
    cast, planned_start, planned_finish, message
):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    response, html = posted(
        client_for(cast.merchandiser),
        reverse("orders:action", args=[order.pk, "issue_production"]),
        {
            "factory": "W1",
            "planned_start": planned_start or TODAY().isoformat(),
            "planned_finish": planned_finish or (TODAY() + 10 * DAY).isoformat(),
            "processing_fee": "0",
        },
    )
    assert response.status_code == 200
    assert message in html and 'data-action="issue_production" open' in html


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("0001-01-01", "日期须在"),
        ((TODAY() + DAY).isoformat(), "不能填报未来日期"),
        ((TODAY() - 60 * DAY).isoformat(), "日报日期不能早于生产单的开始日期"),
    ],
)
def test_a_progress_report_dated_out_of_bounds_is_shown_on_its_field(cast, date, message):
    production_order = backdate(order_in_status(cast, S.IN_PRODUCTION)).production_orders.get()
    response, html = posted(
        client_for(cast.production),
        reverse("production:action", args=[production_order.pk, "report"]),
        {
            "date": date,
            "stage": stage("sewing").pk,
            "good_quantity": "10",
            "defective_quantity": "0",
            "scrap_quantity": "0",
        },
    )
    assert response.status_code == 200 and message in html


def test_quick_entry_refuses_a_day_out_of_bounds_and_keeps_the_line(cast):
    production_order = order_in_status(cast, S.IN_PRODUCTION).production_orders.get()
    response, html = posted(
        client_for(cast.production),
        reverse("production:quick_entry"),
        {
            "date": "0001-01-01",
            f"po{production_order.pk}-stage": stage("cutting").pk,
            f"po{production_order.pk}-good_quantity": "80",
        },
    )
    assert response.status_code == 200 and "日期须在" in html
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("received_on", "message"),
    [("0001-01-01", "日期须在"), ((TODAY() + DAY).isoformat(), "到账日期不能晚于今天")],
)
def test_finance_cannot_confirm_a_receipt_dated_out_of_bounds(cast, received_on, message):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = open_payment(order, PaymentKind.DEPOSIT)
    response, html = posted(
        client_for(cast.finance),
        reverse("orders:payment_confirm", args=[payment.pk]),
        {
            "amount_received": "100.00",
            "received_on": received_on,
            "method": "bank_transfer",
            "reference": "TT-1",
        },
        HTTP_HX_REQUEST="true",  # the queue's row is answered in place, with its errors
    )
    assert response.status_code == 200 and message in html
    assert Payment.objects.get(pk=payment.pk).amount_received == Decimal("0.00")


def test_the_shipment_form_refuses_a_plan_out_of_bounds(cast):
    order = order_in_status(cast, S.PAID)
    response, html = posted(
        client_for(cast.merchandiser),
        reverse("shipping:shipment_create", args=[order.pk]),
        {"planned_ship_date": "9999-12-31", "mode": "sea", "packages": "0"}
        | {f"qty_{line.pk}": str(line.quantity) for line in order.lines.all()},
    )
    assert response.status_code == 200 and "日期须在" in html
    assert not Shipment.objects.exists()


def test_a_shipment_cannot_be_shipped_backdated_from_its_page(cast):
    order = order_in_status(cast, S.PAID)
    client = client_for(cast.merchandiser)
    client.post(
        reverse("shipping:shipment_create", args=[order.pk]),
        {"planned_ship_date": TODAY().isoformat(), "mode": "sea", "packages": "0"}
        | {f"qty_{line.pk}": str(line.quantity) for line in order.lines.all()},
    )
    shipment = Shipment.objects.get()
    response, html = posted(
        client,
        reverse("shipping:shipment_action", args=[shipment.pk, "ship"]),
        {"actual_ship_date": (TODAY() - DAY).isoformat()},
    )
    assert response.status_code == 200 and "出货日期不能早于出货安排的日期" in html
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PLANNED


# --------------------------------------------------------------------------
# Text the database refuses
# --------------------------------------------------------------------------


def test_a_nul_byte_in_a_page_form_is_a_field_error(cast):
    order = create_order(cast)
    client = client_for(cast.merchandiser)
    response, html = posted(
        client, reverse("orders:action", args=[order.pk, "cancel"]), {"reason": NUL}
    )
    assert response.status_code == 200 and 'data-action="cancel" open' in html
    order.refresh_from_db()
    assert order.status == S.DRAFT
    response, html = posted(
        client,
        reverse("orders:customer_create"),
        {"code": "C-NUL", "name": NUL, "default_deposit_ratio": "0.3", "payment_terms_days": "7"},
    )
    assert response.status_code in (200, 400)


# --------------------------------------------------------------------------
# KPI: periods and existence
# --------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["9999-12", "0082-06", "2026-13", "82-06"])
def test_a_kpi_month_out_of_bounds_is_no_page(cast, period):
    assert client_for(cast.supervisor).get(f"/kpi/month/{period}/").status_code == 404
    assert client_for(cast.finance).get(f"/kpi/pay/{period}/").status_code == 404
    response, _html = posted(client_for(cast.supervisor), f"/kpi/month/{period}/compute/", {})
    assert response.status_code == 404


SEPT = dt.date(2026, 9, 1)


@pytest.fixture
def month(cast):
    assign(cast.merchandiser, PRODUCTION)
    make_order(cast.merchandiser, contract=dt.date(2026, 9, 30), ship_dates=(dt.date(2026, 9, 20),))
    return compute(cast.merchandiser, SEPT)


def test_someone_elses_assessment_and_pay_statement_are_404_like_missing_ones(cast, month):
    other = compute(cast.other_merchandiser, SEPT)
    missing = Assessment.objects.order_by("-pk").first().pk + 1000
    client = client_for(cast.merchandiser)
    assert client.get(f"/kpi/assessments/{month.pk}/").status_code == 200
    assert client.get(f"/kpi/assessments/{other.pk}/").status_code == 404
    assert client.get(f"/kpi/assessments/{missing}/").status_code == 404
    assert client.post(f"/kpi/assessments/{other.pk}/confirm/").status_code == 404
    assert client.post(f"/kpi/assessments/{missing}/confirm/").status_code == 404
    statement = PayStatement.objects.get(assessment=other)
    assert client.get(f"/kpi/pay-statements/{statement.pk}/").status_code == 404
    assert client.get(f"/kpi/pay-statements/{statement.pk + 1000}/").status_code == 404
    assert client_for(cast.production).get(f"/kpi/assessments/{month.pk}/").status_code == 404


def test_someone_elses_penalty_is_404_like_a_missing_one(cast, month):
    record = PenaltyRecord.objects.create(
        person=cast.other_merchandiser,
        period=SEPT,
        rule=rule(PRODUCTION, "air-freight"),
        occurred_on=dt.date(2026, 9, 9),
        amount=Decimal("300.00"),
        note="x",
        created_by=cast.supervisor,
    )
    client = client_for(cast.merchandiser)
    assert client.post(f"/kpi/penalties/{record.pk}/delete/", {"reason": "x"}).status_code == 404
    assert client.post(f"/kpi/penalties/{record.pk + 99}/delete/").status_code == 404
    assert PenaltyRecord.objects.filter(pk=record.pk).exists()


def test_a_penalty_dated_in_year_1_is_refused_with_a_message(cast, month):
    client = client_for(cast.supervisor)
    response, html = posted(
        client,
        f"/kpi/assessments/{month.pk}/penalty/",
        {
            "rule": rule(PRODUCTION, "air-freight").pk,
            "occurred_on": "0001-01-01",
            "chosen_amount": "300",
            "note": "x",
        },
        follow=True,
    )
    assert response.status_code == 200 and "日期须在" in html


@pytest.mark.parametrize(
    "url",
    [
        lambda o, po, sh: reverse("orders:detail", args=[o.pk + 10**6]),
        lambda o, po, sh: reverse("production:detail", args=[po.pk]),
        lambda o, po, sh: reverse("shipping:shipment_detail", args=[sh.pk]),
        lambda o, po, sh: reverse("orders:detail", args=[o.pk]),
    ],
)
def test_someone_elses_orders_production_orders_and_shipments_are_404(cast, url):
    order = order_in_status(cast, S.SHIPPED, owner=cast.other_merchandiser)
    production_order = order.production_orders.get()
    shipment = order.shipments.first()
    response = client_for(cast.merchandiser).get(url(order, production_order, shipment))
    assert response.status_code == 404


# --------------------------------------------------------------------------
# Free-text lines and stored extremes render
# --------------------------------------------------------------------------


def test_the_shipment_pages_of_an_order_with_a_free_text_line_render(cast):
    order = free_text_order(cast)
    client = client_for(cast.merchandiser)
    form = client.get(reverse("shipping:shipment_create", args=[order.pk]))
    assert form.status_code == 200 and "Custom embroidered cap" in form.content.decode()
    line = order.lines.get()
    response = client.post(
        reverse("shipping:shipment_create", args=[order.pk]),
        {"planned_ship_date": TODAY().isoformat(), "mode": "sea", "packages": "1"}
        | {f"qty_{line.pk}": "50"},
    )
    shipment = Shipment.objects.get(order=order)
    assert response.status_code == 302
    detail = client.get(reverse("shipping:shipment_detail", args=[shipment.pk]))
    assert detail.status_code == 200 and "Custom embroidered cap" in detail.content.decode()
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 200


@pytest.fixture
def extremes(cast):
    """An order in production planned from 0001-01-01 to 9999-12-31, with a report at
    each end, a payment due on the last day, a shipment that left in year 1 and was
    delivered on the last day, an incident and a case of year 1, and an order whose own
    dates lie at both ends."""
    order = order_in_status(cast, S.DEPOSIT_PAID)
    Order.objects.filter(pk=order.pk).update(
        status=S.IN_PRODUCTION,
        order_date=YEAR_1,
        contract_delivery_date=LAST_DAY,
        planned_ship_date=LAST_DAY,
    )
    production_order = extreme_production_order(order, cast.merchandiser)
    for day in (YEAR_1, LAST_DAY):
        ProgressReport.objects.create(
            production_order=production_order,
            date=day,
            stage=stage("packing"),
            good_quantity=1,
            reported_by=cast.production,
        )
    Payment.objects.filter(order=order).update(due_date=LAST_DAY, received_on=YEAR_1)
    extreme_shipment(order, cast.merchandiser)
    Incident.objects.create(
        order=order,
        production_order=production_order,
        kind="delay",
        description="old",
        opened_at=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC),
        reported_by=cast.merchandiser,
    )
    AfterSalesCase.objects.create(
        order=order,
        kind="complaint",
        received_at=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC),
        description="old",
        opened_by=cast.merchandiser,
    )
    order.refresh_from_db()
    return order


def _pages(order) -> list[str]:
    production_order = ProductionOrder.objects.get(order=order)
    shipment = order.shipments.get()
    case = order.after_sales_cases.get()
    month = f"{TODAY():%Y-%m}"
    return [
        "/",
        reverse("orders:list"),
        reverse("orders:list") + "?due_before=9999-12-31&due_after=0001-01-01",
        reverse("orders:detail", args=[order.pk]),
        reverse("orders:export"),
        reverse("production:board"),
        reverse("production:quick_entry"),
        reverse("production:quick_entry") + "?date=0001-01-01",
        reverse("production:quick_entry") + "?date=9999-12-31",
        reverse("production:detail", args=[production_order.pk]),
        reverse("shipping:shipment_list"),
        reverse("shipping:shipment_detail", args=[shipment.pk]),
        reverse("shipping:case_list"),
        reverse("shipping:case_detail", args=[case.pk]),
        reverse("orders:customer_detail", args=[order.customer_id]),
        reverse("orders:dashboard"),
        reverse("orders:daily_report"),
        reverse("orders:daily_report") + "?day=9999-12-31",
        reverse("orders:daily_report") + "?day=0001-01-01",
        reverse("orders:daily_report") + "?day=9999-12-31&format=xlsx",
        reverse("orders:sales_ledger") + "?start=0001-01-01&end=9999-12-31",
        reverse("orders:receivables"),
        f"/kpi/month/{month}/",
    ]


def test_pages_render_stored_extreme_but_valid_dates(cast, extremes, admin_user_for_pages):
    for user in (cast.merchandiser, cast.supervisor, admin_user_for_pages):
        client = client_for(user)
        for url in _pages(extremes):
            response = client.get(url)
            assert response.status_code in (200, 302, 403), (user, url, response.status_code)


def test_the_finance_pages_render_stored_extreme_dates(cast, extremes):
    client = client_for(cast.finance)
    for url in (reverse("orders:finance_queue"), reverse("orders:receivables")):
        assert client.get(url).status_code == 200


@pytest.fixture
def admin_user_for_pages(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_an_assessment_of_year_82_stored_before_periods_were_bounded_renders(cast, month):
    """The API once took "0082-06": such a month still shows, as 0082-06."""
    Assessment.objects.filter(pk=month.pk).update(period=dt.date(82, 6, 1))
    client = client_for(cast.merchandiser)
    assert client.get("/kpi/my/").status_code == 200
    detail = client.get(f"/kpi/assessments/{month.pk}/")
    assert detail.status_code == 200
    statement = PayStatement.objects.get(assessment=month)
    assert client.get(f"/kpi/pay-statements/{statement.pk}/").status_code == 200
    assert client_for(cast.supervisor).get(f"/kpi/assessments/{month.pk}/").status_code == 200
