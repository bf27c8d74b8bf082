"""Hostile input through the API (issue 12): dates out of bounds or order, text the
database refuses, bodies nested too deep and bad KPI periods are a 400 naming the field
(or the body), with nothing written; moments come back as valid RFC 3339 whatever
offset they were sent with, and whatever is stored."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gendan.api.services import token_issue
from kpi.models import Assessment
from orders.models import Order, PaymentKind
from orders.states import OrderStatus as S
from production.models import Incident
from shipping.models import Shipment
from tests.factories import CustomerFactory, backdate, earlier_today, open_payment, order_in_status
from tests.hostile.extremes import extreme_shipment, snapshot
from tests.kpi.helpers import PRODUCTION, assign, make_order

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)
V1 = "/api/v1"
# RFC 3339 date-time (section 5.6): whole-minute offsets only.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"hostile-api-{uuid.uuid4()}",
        },
    }


def api(user) -> APIClient:
    client = APIClient()
    _, token = token_issue(user=user, expires_in=None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def refused(client: APIClient, path: str, body, field: str | None, **extra) -> dict:
    """POST ``body``; expect 400 naming ``field`` (None: the body itself), nothing written."""
    before = snapshot()
    response = client.post(path, body, format="json", **extra)
    assert response.status_code == 400, (response.status_code, response.content[:300])
    answer = response.json()
    if field is not None:
        assert field in answer.get("fields", {}), answer
    assert snapshot() == before
    return answer


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def _order_body(**extra) -> dict:
    return {
        "customer": CustomerFactory().pk,
        "contract_delivery_date": (TODAY() + 30 * DAY).isoformat(),
        "lines": [{"description": "Cap", "quantity": 10, "unit_price": "2.00"}],
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"contract_delivery_date": "9999-12-31"}, "contract_delivery_date"),
        ({"order_date": "0001-01-01"}, "order_date"),
        ({"order_date": (TODAY() + DAY).isoformat()}, "order_date"),
        ({"planned_ship_date": "0199-01-01"}, "planned_ship_date"),
    ],
)
def test_an_order_with_dates_out_of_bounds_is_a_400(cast, extra, field):
    refused(api(cast.merchandiser), f"{V1}/orders/", _order_body(**extra), field)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"planned_start": "0001-01-01"}, "planned_start"),
        ({"planned_finish": "9999-12-31"}, "planned_finish"),
        ({"planned_finish": (TODAY() - DAY).isoformat()}, "planned_finish"),
        (
            {"milestones": [{"date": "9999-12-31", "planned_cumulative_quantity": 1}]},
            "milestones[0].date",
        ),
    ],
)
def test_a_production_order_planned_out_of_bounds_is_a_400(cast, plan, field):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    body = {
        "factory": "W1",
        "planned_start": TODAY().isoformat(),
        "planned_finish": (TODAY() + 10 * DAY).isoformat(),
        **plan,
    }
    refused(api(cast.merchandiser), f"{V1}/orders/{order.pk}/issue-production/", body, field)


@pytest.mark.parametrize("received_on", ["0001-01-01", "9999-12-31"])
def test_a_receipt_of_year_1_is_a_400(cast, received_on):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = open_payment(order, PaymentKind.DEPOSIT)
    refused(
        api(cast.finance),
        f"{V1}/payments/{payment.pk}/confirm/",
        {"amount_received": "100.00", "received_on": received_on, "method": "bank_transfer"},
        "received_on",
    )


def test_reports_and_inspections_of_year_1_are_a_400(cast):
    production_order = backdate(order_in_status(cast, S.IN_PRODUCTION)).production_orders.get()
    client = api(cast.production)
    refused(
        client,
        f"{V1}/progress-reports/",
        {
            "production_order": production_order.pk,
            "date": "0001-01-01",
            "stage": "sewing",
            "good_quantity": 5,
        },
        "date",
    )
    refused(
        client,
        f"{V1}/inspections/",
        {
            "production_order": production_order.pk,
            "kind": "final",
            "result": "pass",
            "inspected_on": "0001-01-01",
        },
        "inspected_on",
    )


def test_a_delivery_1800_years_before_its_shipment_left_is_a_400(cast):
    order = order_in_status(cast, S.PARTIALLY_SHIPPED)
    shipment = order.shipments.get()
    client = api(cast.merchandiser)
    for delivered_at in ("0199-06-01T00:00:00Z", "0001-01-01T00:00:00+14:00"):
        refused(
            client,
            f"{V1}/shipments/{shipment.pk}/deliver/",
            {"delivered_at": delivered_at},
            "delivered_at",
        )
    assert Shipment.objects.get(pk=shipment.pk).status == Shipment.Status.SHIPPED


def test_a_backdated_ship_date_is_a_400(cast):
    order = order_in_status(cast, S.PAID)
    client = api(cast.merchandiser)
    created = client.post(
        f"{V1}/shipments/",
        {"order": order.pk, "planned_ship_date": TODAY().isoformat(), "mode": "sea"},
        format="json",
    )
    assert created.status_code == 201, created.content
    shipment_id = created.json()["id"]
    refused(
        client,
        f"{V1}/shipments/{shipment_id}/ship/",
        {"actual_ship_date": (TODAY() - 30 * DAY).isoformat()},
        "actual_ship_date",
    )


# --------------------------------------------------------------------------
# Moments out: RFC 3339 whatever offset came in, whatever is stored
# --------------------------------------------------------------------------


def test_a_timestamp_with_a_seconds_offset_comes_back_as_valid_rfc_3339(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    sent = earlier_today(hours=3).replace(microsecond=0)
    odd = dt.timezone(dt.timedelta(hours=5, minutes=30, seconds=15))
    response = api(cast.merchandiser).post(
        f"{V1}/incidents/",
        {
            "order": order.pk,
            "kind": "delay",
            "description": "late fabric",
            "opened_at": sent.astimezone(odd).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    opened_at = response.json()["opened_at"]
    assert RFC3339.match(opened_at), opened_at
    assert dt.datetime.fromisoformat(opened_at) == sent
    assert Incident.objects.get().opened_at == sent
    listed = api(cast.merchandiser).get(f"{V1}/incidents/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert all(RFC3339.match(row["opened_at"]) for row in rows)


def test_stored_moments_of_year_1_come_back_as_valid_rfc_3339(cast):
    """Asia/Shanghai before 1901 is +08:05:43 (local mean time): written in UTC instead."""
    order = order_in_status(cast, S.SHIPPED)
    shipment = extreme_shipment(order, cast.merchandiser)
    client = api(cast.merchandiser)
    detail = client.get(f"{V1}/shipments/{shipment.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["shipped_at"] == "0001-01-01T12:00:00Z"
    assert RFC3339.match(body["delivered_at"]), body["delivered_at"]
    listed = client.get(f"{V1}/shipments/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    for row in rows:
        for name in ("shipped_at", "delivered_at", "created_at", "updated_at"):
            assert row.get(name) is None or RFC3339.match(row[name]), (name, row[name])


# --------------------------------------------------------------------------
# Bodies the database or the parser refuses
# --------------------------------------------------------------------------


def test_a_nul_byte_in_a_body_is_a_400_naming_the_field(cast):
    client = api(cast.merchandiser)
    refused(
        client,
        f"{V1}/orders/",
        _order_body(lines=[{"description": "Cap\x00", "quantity": 1, "unit_price": "1"}]),
        "lines[0].description",
    )
    order = order_in_status(cast, S.CONFIRMED)
    refused(client, f"{V1}/orders/{order.pk}/cancel/", {"reason": "x\x00y"}, "reason")
    refused(client, f"{V1}/customers/", {"code": "C-1", "name": "\x00"}, "name")


@pytest.mark.parametrize("depth", [100_000, 1_000, 40])
def test_a_body_nested_too_deep_is_a_400(cast, depth):
    client = api(cast.merchandiser)
    body = "[" * depth + "]" * depth
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": f"deep-{depth}"}):
        before = snapshot()
        response = client.generic(
            "POST", f"{V1}/orders/", body, content_type="application/json", **headers
        )
        assert response.status_code == 400, (depth, response.status_code)
        assert response.json()["code"] == "parse_error"
        assert snapshot() == before


def test_a_body_of_ordinary_depth_still_parses(cast):
    nested = {"lines": [{"description": "Cap", "quantity": 1, "unit_price": "1"}]}
    response = api(cast.merchandiser).post(
        f"{V1}/orders/", json.dumps(_order_body(**nested)), content_type="application/json"
    )
    assert response.status_code == 201


# --------------------------------------------------------------------------
# KPI periods
# --------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["9999-12", "0082-06", "82-06", "2026-13", "2026-1", ""])
def test_a_kpi_period_out_of_bounds_or_form_is_a_400(cast, period):
    client = api(cast.supervisor)
    answer = refused(client, f"{V1}/kpi/assessments/compute/", {"period": period}, "period")
    assert answer["code"] == "invalid"
    refused(client, f"{V1}/kpi/assessments/finalize-month/", {"period": period}, "period")
    refused(api(cast.finance), f"{V1}/kpi/pay-statements/export/", {"period": period}, "period")


def test_a_month_still_to_come_is_not_computed(cast):
    month = TODAY().replace(day=1) + dt.timedelta(days=32)
    refused(
        api(cast.supervisor),
        f"{V1}/kpi/assessments/compute/",
        {"period": f"{month:%Y-%m}"},
        "period",
    )
    assert not Assessment.objects.exists()


def test_periods_come_back_as_four_digit_months(cast):
    assign(cast.merchandiser, PRODUCTION)
    make_order(cast.merchandiser, contract=dt.date(2026, 9, 30), ship_dates=(dt.date(2026, 9, 20),))
    client = api(cast.supervisor)
    response = client.post(f"{V1}/kpi/assessments/compute/", {"period": "2026-09"}, format="json")
    assert response.status_code == 200, response.content
    rows = client.get(f"{V1}/kpi/assessments/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    # A period stored before periods were bounded still reads as YYYY-MM.
    Assessment.objects.update(period=dt.date(82, 6, 1))
    rows = client.get(f"{V1}/kpi/assessments/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert {row["period"] for row in rows} == {"0082-06"}
    assert all(re.match(r"^\d{4}-\d{2}$", row["period"]) for row in rows)
    assert client.get(f"{V1}/kpi/assessments/", {"period": "0082-06"}).status_code == 400
