"""Hostile input at the service layer (issue 12): every date a service takes within the
horizon and its order relations, text the database cannot store, KPI periods.

Each refusal is a ValidationFailed naming the field, and nothing is written: the
snapshot of every domain table is the same before and after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gendan import bounds
from gendan.exceptions import ValidationFailed
from kpi import periods
from kpi import services as kpi_services
from orders import services as order_services
from orders.models import PaymentKind
from orders.states import OrderStatus as S
from production import services as production_services
from production.models import Incident
from shipping import services as shipping_services
from shipping.models import Shipment
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    backdate,
    create_order,
    open_payment,
    order_in_status,
    stage,
)
from tests.hostile.extremes import LAST_DAY, YEAR_1, beyond, moment, snapshot
from tests.kpi.helpers import PRODUCTION, assign, rule, scheme

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def refused(call, field: str) -> ValidationFailed:
    """Call, expect a ValidationFailed naming ``field``, and nothing written."""
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.fields, caught.value.fields
    assert snapshot() == before
    return caught.value


# --------------------------------------------------------------------------
# The horizon itself
# --------------------------------------------------------------------------


def test_the_horizon_is_a_setting_around_today(settings):
    settings.GENDAN_DATE_HORIZON_YEARS = 2
    low, high = bounds.horizon(dt.date(2026, 2, 28))
    assert (low, high) == (dt.date(2024, 2, 28), dt.date(2028, 2, 28))
    # 29 February in a year without one
    assert bounds.horizon(dt.date(2028, 2, 29)) == (dt.date(2026, 2, 28), dt.date(2030, 2, 28))


def test_a_date_check_names_the_field_for_each_kind_of_bad_value():
    errors: dict = {}
    low, high = beyond()
    assert bounds.check_date(errors, "a", YEAR_1) is None
    assert bounds.check_date(errors, "b", LAST_DAY) is None
    assert bounds.check_date(errors, "c", low) is None
    assert bounds.check_date(errors, "d", high) is None
    assert bounds.check_date(errors, "e", "2026-01-01") is None
    assert bounds.check_date(errors, "f", timezone.now()) is None  # a datetime is not a date
    assert bounds.check_date(errors, "g", None) is None
    assert bounds.check_date(errors, "h", TODAY(), earliest=TODAY() + DAY) is None
    assert bounds.check_date(errors, "i", TODAY(), latest=TODAY() - DAY) is None
    assert sorted(errors) == list("abcdefghi")
    assert bounds.check_date(errors, "ok", TODAY()) == TODAY()
    assert bounds.check_date(errors, "none", None, required=False) is None
    assert "ok" not in errors and "none" not in errors


def test_a_moment_with_a_seconds_offset_is_stored_in_utc():
    odd = dt.timezone(dt.timedelta(hours=5, minutes=30, seconds=15))
    value = dt.datetime(2026, 3, 1, 12, 0, tzinfo=odd)
    checked = bounds.require_moment("at", value)
    assert checked == value and checked.utcoffset() == dt.timedelta(0)
    assert bounds.rfc3339(value) == "2026-03-01T06:29:45Z"
    shanghai_1900 = dt.datetime(1900, 1, 1, tzinfo=dt.UTC).astimezone(
        timezone.get_current_timezone()
    )
    assert shanghai_1900.utcoffset().seconds % 60  # +08:05:43, not RFC 3339
    assert bounds.rfc3339(shanghai_1900) == "1900-01-01T00:00:00Z"


def test_a_moment_beyond_the_horizon_or_at_the_ends_of_time_is_refused_not_overflowing():
    for value in (
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-14))),
        dt.datetime(199, 6, 1, 12),  # naive
        moment(beyond()[1]),
    ):
        with pytest.raises(ValidationFailed) as caught:
            bounds.require_moment("at", value)
        assert "at" in caught.value.fields


def test_date_arithmetic_is_held_at_the_ends_of_the_calendar():
    assert bounds.shift(LAST_DAY, 1) == LAST_DAY
    assert bounds.shift(YEAR_1, -1) == YEAR_1
    assert bounds.shift(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 1)


# --------------------------------------------------------------------------
# Orders and payments
# --------------------------------------------------------------------------


def _create(cast, **kwargs):
    values = {
        "actor": cast.merchandiser,
        "customer_id": CustomerFactory().pk,
        "lines": [{"description": "Cap", "quantity": 10, "unit_price": "2.00"}],
        "contract_delivery_date": TODAY() + 30 * DAY,
    } | kwargs
    return lambda: order_services.order_create(**values)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"order_date": YEAR_1}, "order_date"),
        ({"order_date": TODAY() + DAY}, "order_date"),
        ({"contract_delivery_date": LAST_DAY}, "contract_delivery_date"),
        ({"contract_delivery_date": YEAR_1}, "contract_delivery_date"),
        ({"contract_delivery_date": "2026-13-01"}, "contract_delivery_date"),
        (
            {"order_date": TODAY() - 10 * DAY, "contract_delivery_date": TODAY() - 11 * DAY},
            "contract_delivery_date",
        ),
        ({"planned_ship_date": TODAY() - 400 * DAY}, "planned_ship_date"),
        ({"planned_ship_date": LAST_DAY}, "planned_ship_date"),
    ],
)
def test_an_order_with_dates_out_of_bounds_or_order_is_refused(cast, kwargs, field):
    refused(_create(cast, **kwargs), field)


def test_a_draft_cannot_get_a_contract_date_before_its_order_date(cast):
    order = create_order(cast)
    refused(
        lambda: order_services.order_update_draft(
            actor=cast.merchandiser, order_id=order.pk, contract_delivery_date=YEAR_1
        ),
        "contract_delivery_date",
    )
    refused(
        lambda: order_services.order_update_draft(
            actor=cast.merchandiser,
            order_id=order.pk,
            order_date=order.contract_delivery_date + DAY,
        ),
        "order_date",  # in the future
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"contract_delivery_date": LAST_DAY}, "contract_delivery_date"),
        ({"contract_delivery_date": TODAY() - DAY}, "contract_delivery_date"),
        ({"planned_ship_date": YEAR_1}, "planned_ship_date"),
    ],
)
def test_an_amendment_with_dates_out_of_bounds_is_refused(cast, kwargs, field):
    order = order_in_status(cast, S.CONFIRMED)
    line = order.lines.first()
    refused(
        lambda: order_services.order_amend(
            actor=cast.merchandiser,
            order_id=order.pk,
            lines=[{"product": line.product_id, "quantity": 5, "unit_price": "1.00"}],
            confirmation_method="email",
            **kwargs,
        ),
        field,
    )


@pytest.mark.parametrize(
    ("received_on", "field"),
    [
        (YEAR_1, "received_on"),
        (LAST_DAY, "received_on"),
        (TODAY() + DAY, "received_on"),
        (TODAY() - 3 * DAY, "received_on"),  # before the order date
        (None, "received_on"),
    ],
)
def test_a_receipt_dated_out_of_bounds_is_refused(cast, received_on, field):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = open_payment(order, PaymentKind.DEPOSIT)
    refused(
        lambda: order_services.payment_confirm(
            actor=cast.finance,
            payment_id=payment.pk,
            amount_received="100.00",
            received_on=received_on,
            method="bank_transfer",
        ),
        field,
    )


def test_a_request_due_beyond_the_horizon_is_refused(cast):
    order = order_in_status(cast, S.CONFIRMED)
    refused(
        lambda: order_services.order_request_deposit(
            actor=cast.merchandiser, order_id=order.pk, due_in_days=10**6
        ),
        "due_in_days",
    )


def test_payment_terms_beyond_the_horizon_are_refused(cast):
    refused(
        lambda: order_services.customer_create(
            actor=cast.merchandiser, code="C-X", name="X", payment_terms_days=30000
        ),
        "payment_terms_days",
    )


def test_a_delivery_confirmed_for_year_199_is_refused(cast):
    order = order_in_status(cast, S.SHIPPED)
    refused(
        lambda: order_services.order_confirm_delivery(
            actor=cast.merchandiser,
            order_id=order.pk,
            delivered_at=dt.datetime(199, 6, 1, tzinfo=dt.UTC),
        ),
        "delivered_at",
    )
    refused(
        lambda: order_services.order_confirm_delivery(
            actor=cast.merchandiser,
            order_id=order.pk,
            delivered_at=timezone.now() + dt.timedelta(hours=2),
        ),
        "delivered_at",
    )


def test_a_delivery_confirmed_before_the_goods_left_is_refused(cast):
    order = backdate(order_in_status(cast, S.SHIPPED), 10)
    Shipment.objects.filter(order=order).update(actual_ship_date=TODAY() - DAY)
    refused(
        lambda: order_services.order_confirm_delivery(
            actor=cast.merchandiser, order_id=order.pk, delivered_at=moment(TODAY() - 3 * DAY)
        ),
        "delivered_at",
    )


# --------------------------------------------------------------------------
# Production
# --------------------------------------------------------------------------


def _issue(cast, order, **kwargs):
    values = {
        "actor": cast.merchandiser,
        "order_id": order.pk,
        "factory": "W1",
        "planned_start": TODAY(),
        "planned_finish": TODAY() + 10 * DAY,
    } | kwargs
    return lambda: production_services.production_order_issue(**values)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"planned_start": YEAR_1}, "planned_start"),
        ({"planned_finish": LAST_DAY}, "planned_finish"),
        ({"planned_start": TODAY() - DAY}, "planned_start"),  # before the order date
        ({"planned_finish": TODAY() - DAY}, "planned_finish"),  # before the start
        ({"planned_start": None}, "planned_start"),
        (
            {"milestones": [{"date": TODAY() + 11 * DAY, "planned_cumulative_quantity": 5}]},
            "milestones[0].date",
        ),
        (
            {"milestones": [{"date": YEAR_1, "planned_cumulative_quantity": 5}]},
            "milestones[0].date",
        ),
        (
            {
                "milestones": [
                    {"date": TODAY() + DAY, "planned_cumulative_quantity": 5},
                    {"date": TODAY() + DAY, "planned_cumulative_quantity": 6},
                ]
            },
            "milestones[1].date",
        ),
        (
            {
                "milestones": [
                    {"date": TODAY() + 5 * DAY, "planned_cumulative_quantity": 500},
                    {"date": TODAY() + 2 * DAY, "planned_cumulative_quantity": 600},
                ]
            },
            "milestones[0].planned_cumulative_quantity",  # falls from 600 to 500
        ),
        (
            {"milestones": [{"date": TODAY() + DAY, "planned_cumulative_quantity": 10**6}]},
            "milestones[0].planned_cumulative_quantity",
        ),
        ({"milestones": ["tomorrow"]}, "milestones[0]"),
    ],
)
def test_a_production_plan_out_of_bounds_or_order_is_refused(cast, kwargs, field):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    refused(_issue(cast, order, **kwargs), field)


def test_a_plan_with_monotonic_milestones_inside_it_is_issued(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    production_order = _issue(
        cast,
        order,
        milestones=[
            {"date": TODAY() + 10 * DAY, "planned_cumulative_quantity": 1000},
            {"date": TODAY(), "planned_cumulative_quantity": 0},
            {"date": TODAY() + 5 * DAY, "planned_cumulative_quantity": 400},
        ],
    )()
    assert list(production_order.milestones.values_list("planned_cumulative_quantity", flat=True))


@pytest.fixture
def production_order(cast):
    return backdate(order_in_status(cast, S.IN_PRODUCTION), 5).production_orders.get()


@pytest.mark.parametrize(
    ("date", "field"),
    [
        (YEAR_1, "date"),
        (LAST_DAY, "date"),
        (TODAY() + DAY, "date"),
        (TODAY() - 30 * DAY, "date"),  # before the production order's start
    ],
)
def test_a_progress_report_dated_out_of_bounds_is_refused(cast, production_order, date, field):
    refused(
        lambda: production_services.progress_report_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            date=date,
            stage_id=stage("sewing").pk,
            good_quantity=10,
        ),
        field,
    )


@pytest.mark.parametrize("inspected_on", [YEAR_1, LAST_DAY, TODAY() + DAY, TODAY() - 30 * DAY])
def test_an_inspection_dated_out_of_bounds_is_refused(cast, production_order, inspected_on):
    refused(
        lambda: production_services.inspection_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            kind="final",
            result="pass",
            inspected_on=inspected_on,
        ),
        "inspected_on",
    )


def test_incidents_opened_or_resolved_out_of_bounds_are_refused(cast, production_order):
    order_id = production_order.order_id
    for opened_at in (moment(YEAR_1), timezone.now() + dt.timedelta(hours=1), moment(LAST_DAY)):
        refused(
            lambda at=opened_at: production_services.incident_open(
                actor=cast.merchandiser,
                order_id=order_id,
                kind="delay",
                description="late fabric",
                opened_at=at,
            ),
            "opened_at",
        )
    incident = production_services.incident_open(
        actor=cast.merchandiser,
        order_id=order_id,
        kind="delay",
        description="late fabric",
        opened_at=timezone.now() - dt.timedelta(hours=5),
    )
    for resolved_at in (moment(YEAR_1), timezone.now() - dt.timedelta(hours=6)):
        refused(
            lambda at=resolved_at: production_services.incident_resolve(
                actor=cast.merchandiser,
                incident_id=incident.pk,
                resolution="arrived",
                resolved_at=at,
            ),
            "resolved_at",
        )
    assert Incident.objects.get().status == Incident.Status.OPEN


# --------------------------------------------------------------------------
# Shipping and after-sales
# --------------------------------------------------------------------------


@pytest.mark.parametrize("planned", [YEAR_1, LAST_DAY, TODAY() - DAY])
def test_a_shipment_planned_out_of_bounds_is_refused(cast, planned):
    order = order_in_status(cast, S.PAID)
    refused(
        lambda: shipping_services.shipment_create(
            actor=cast.merchandiser, order_id=order.pk, planned_ship_date=planned, mode="sea"
        ),
        "planned_ship_date",
    )


def test_a_backdated_shipment_cannot_count_as_on_time(cast):
    """Shipped 'yesterday' when it was only planned in the system today: refused, so the
    on-time KPI (the last ship date against the contract date) cannot be improved."""
    order = order_in_status(cast, S.PAID)
    shipment = shipping_services.shipment_create(
        actor=cast.merchandiser, order_id=order.pk, planned_ship_date=TODAY(), mode="sea"
    )
    for day in (TODAY() - DAY, YEAR_1, TODAY() + DAY, LAST_DAY):
        refused(
            lambda d=day: shipping_services.shipment_ship(
                actor=cast.merchandiser, shipment_id=shipment.pk, actual_ship_date=d
            ),
            "actual_ship_date",
        )
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PLANNED and shipment.actual_ship_date is None


def test_a_delivery_recorded_before_its_shipment_left_is_refused(cast):
    order = order_in_status(cast, S.PARTIALLY_SHIPPED)
    shipment = order.shipments.get()
    for delivered_at in (
        dt.datetime(199, 1, 1, tzinfo=dt.UTC),
        moment(TODAY() - DAY),  # the day before it left
        timezone.now() + dt.timedelta(hours=1),
    ):
        refused(
            lambda at=delivered_at: shipping_services.shipment_deliver(
                actor=cast.merchandiser, shipment_id=shipment.pk, delivered_at=at
            ),
            "delivered_at",
        )


def test_after_sales_dates_out_of_bounds_are_refused(cast):
    order = order_in_status(cast, S.SHIPPED)
    for received_at in (moment(YEAR_1), moment(TODAY() - DAY), timezone.now() + 3 * DAY):
        refused(
            lambda at=received_at: shipping_services.after_sales_case_open(
                actor=cast.merchandiser,
                order_id=order.pk,
                kind="complaint",
                description="stains",
                received_at=at,
            ),
            "received_at",
        )
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser, order_id=order.pk, kind="complaint", description="stains"
    )
    refused(
        lambda: shipping_services.after_sales_case_resolve(
            actor=cast.merchandiser,
            case_id=case.pk,
            root_cause="dye",
            corrective_action="rewash",
            resolved_at=case.received_at - dt.timedelta(minutes=1),
        ),
        "resolved_at",
    )


# --------------------------------------------------------------------------
# KPI: dates and periods
# --------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["9999-12", "0082-06", "2026-13", "26-06", "2026-6", 202606])
def test_a_bad_period_is_refused_by_the_monthly_computation(cast, period):
    refused(
        lambda: kpi_services.assessment_compute_month(actor=cast.supervisor, period=period),
        "period",
    )


def test_a_month_still_to_come_is_not_computed_finalised_or_exported(cast):
    next_month = periods.next_period(periods.month_of(TODAY()))
    for call in (
        lambda: kpi_services.assessment_compute_month(actor=cast.supervisor, period=next_month),
        lambda: kpi_services.assessment_finalize_month(actor=cast.supervisor, period=next_month),
        lambda: kpi_services.assessment_export(actor=cast.finance, period=LAST_DAY),
    ):
        refused(call, "period")


def test_periods_are_four_digit_months_within_the_horizon():
    assert periods.label(dt.date(82, 6, 1)) == "0082-06"
    assert periods.parse("2026-09") == dt.date(2026, 9, 1)
    for text in ("0082-06", "9999-12", "2026-1", "2026-00", "x"):
        with pytest.raises(ValueError):
            periods.parse(text)


def test_kpi_inputs_dated_out_of_bounds_are_refused(cast):
    assign(cast.merchandiser, PRODUCTION, since=dt.date(2026, 1, 1))
    person = cast.merchandiser
    refused(
        lambda: kpi_services.penalty_record_create(
            actor=cast.supervisor,
            person_id=person.pk,
            rule_id=rule(PRODUCTION, "air-freight").pk,
            occurred_on=YEAR_1,
            note="x",
            chosen_amount="300",
        ),
        "occurred_on",
    )
    refused(
        lambda: kpi_services.pay_adjustment_set(
            actor=cast.supervisor, person_id=person.pk, period=LAST_DAY, overtime_hours=1
        ),
        "period",
    )
    refused(
        lambda: kpi_services.pay_scheme_assign(
            actor=cast.supervisor,
            person_id=person.pk,
            scheme_id=scheme(PRODUCTION).pk,
            effective_from=LAST_DAY,
        ),
        "effective_from",
    )
    refused(
        lambda: kpi_services.pay_scheme_assign(
            actor=cast.supervisor,
            person_id=person.pk,
            scheme_id=scheme(PRODUCTION).pk,
            effective_from=TODAY(),
            probation_until=TODAY() - DAY,
        ),
        "probation_until",
    )


# --------------------------------------------------------------------------
# Text the database cannot store
# --------------------------------------------------------------------------

NUL = "bad\x00text"
SURROGATE = "bad\ud800text"


@pytest.mark.parametrize("text", [NUL, SURROGATE])
def test_text_the_database_refuses_is_refused_naming_the_field(cast, text):
    order = order_in_status(cast, S.PAID)
    draft = create_order(cast)
    product = ProductFactory()
    calls = [
        (
            lambda: order_services.customer_create(actor=cast.merchandiser, code="C-N", name=text),
            "name",
        ),
        (
            lambda: order_services.product_update(
                actor=cast.merchandiser, product_id=product.pk, spec=text
            ),
            "spec",
        ),
        (
            _create(
                cast,
                lines=[{"description": "ok", "quantity": 1, "unit_price": "1"}] * 2
                + [{"description": text, "quantity": 1, "unit_price": "1"}],
            ),
            "lines[2].description",
        ),
        (_create(cast, customer_po=text), "customer_po"),
        (
            lambda: order_services.order_cancel(
                actor=cast.merchandiser, order_id=order.pk, reason=text
            ),
            "reason",
        ),
        (
            lambda: shipping_services.shipment_create(
                actor=cast.merchandiser,
                order_id=order.pk,
                planned_ship_date=TODAY(),
                mode="sea",
                note=text,
            ),
            "note",
        ),
        (
            lambda: production_services.incident_open(
                actor=cast.merchandiser, order_id=order.pk, kind="delay", description=text
            ),
            "description",
        ),
        (
            lambda: order_services.order_update_draft(
                actor=cast.merchandiser,
                order_id=draft.pk,
                packing_requirements=text,
            ),
            "packing_requirements",
        ),
    ]
    for call, field in calls:
        error = refused(call, field)
        assert "NUL" in str(error.fields[field][0])


def test_stored_text_after_a_refusal_is_unchanged_and_clean_text_passes(cast):
    customer = order_services.customer_create(
        actor=cast.merchandiser, code="C-OK", name="Tab\tand newline\nare fine"
    )
    assert customer.name == "Tab\tand newline\nare fine"
    refused(
        lambda: order_services.customer_update(
            actor=cast.merchandiser, customer_id=customer.pk, address={"street": NUL}
        ),
        "address.street",
    )
    customer.refresh_from_db()
    assert customer.address == ""
    assert Decimal(customer.default_deposit_ratio) >= 0
