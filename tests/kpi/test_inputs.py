"""The month's inputs entered by supervisors: penalty records under the person's scheme,
hours, shipment faults, and scheme assignments with effective dates."""

from decimal import Decimal

import pytest

from gendan.exceptions import NotFound, PermissionDenied, ValidationFailed
from kpi import selectors, services
from kpi.models import PayAdjustment, PayStatement, PenaltyRecord, ShipmentFault
from orders.states import OrderStatus
from tests.kpi.helpers import (
    EXPORT,
    PRODUCTION,
    SALES,
    D,
    assign,
    at,
    compute,
    make_order,
    make_shipment,
    rule,
    scheme,
)

SEPT = D(2026, 9, 1)
M = Decimal


@pytest.fixture
def person(cast):
    assign(cast.merchandiser, PRODUCTION)
    return cast.merchandiser


def penalty(cast, person, code, **kwargs):
    defaults = {"occurred_on": D(2026, 9, 9), "note": "说明"}
    return services.penalty_record_create(
        actor=cast.supervisor,
        person_id=person.pk,
        rule_id=rule(PRODUCTION, code).pk,
        **{**defaults, **kwargs},
    )


def test_a_range_rule_takes_the_supervisors_amount_within_the_range(cast, person):
    record = penalty(cast, person, "air-freight", chosen_amount="350")
    assert (record.amount, record.chosen_amount, record.period) == (M("350.00"), M("350"), SEPT)
    for chosen in (None, "99.99", "500.01", "abc"):
        with pytest.raises(ValidationFailed) as refused:
            penalty(cast, person, "air-freight", chosen_amount=chosen)
        assert "chosen_amount" in refused.value.fields
    assert PenaltyRecord.objects.count() == 1


def test_a_percent_rule_needs_the_loss_and_every_record_a_note(cast, person):
    with pytest.raises(ValidationFailed) as refused:
        penalty(cast, person, "quality-accident")
    assert "loss_amount" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        penalty(cast, person, "insubordination", note="  ")
    assert "note" in refused.value.fields
    assert not PenaltyRecord.objects.exists()


def test_the_rule_must_belong_to_the_persons_scheme_for_that_month(cast, person):
    other = cast.other_merchandiser
    assign(other, SALES)
    with pytest.raises(ValidationFailed) as refused:
        penalty(cast, other, "insubordination")
    assert "rule" in refused.value.fields


def test_a_penalty_is_recorded_with_its_order_or_shipment(cast, person):
    order = make_order(
        person,
        contract=D(2026, 9, 20),
        fully_shipped_at=at(2026, 9, 18),
        ship_dates=(D(2026, 9, 18),),
    )
    shipment = order.shipments.get()
    record = penalty(cast, person, "air-freight", chosen_amount="100", shipment_id=shipment.pk)
    assert (record.order, record.shipment) == (order, shipment)
    other_order = make_order(person, contract=D(2026, 9, 20))
    with pytest.raises(ValidationFailed) as refused:
        penalty(
            cast,
            person,
            "air-freight",
            chosen_amount="100",
            shipment_id=shipment.pk,
            order_id=other_order.pk,
        )
    assert "shipment" in refused.value.fields


def test_only_supervisors_enter_inputs(cast, person):
    for actor in (cast.merchandiser, cast.finance, cast.production):
        with pytest.raises(PermissionDenied):
            services.penalty_record_create(
                actor=actor,
                person_id=person.pk,
                rule_id=rule(PRODUCTION, "insubordination").pk,
                occurred_on=D(2026, 9, 9),
                note="x",
            )
        with pytest.raises(PermissionDenied):
            services.pay_adjustment_set(actor=actor, person_id=person.pk, period=SEPT)
    assert not PenaltyRecord.objects.exists() and not PayAdjustment.objects.exists()


def test_a_penalty_removed_with_a_reason_leaves_the_draft_pay_and_history(cast, person):
    assessment = compute(person, SEPT)
    record = penalty(cast, person, "insubordination")
    assert PayStatement.objects.get(assessment=assessment).penalties == 100
    with pytest.raises(ValidationFailed):
        services.penalty_record_delete(actor=cast.supervisor, record_id=record.pk, reason="")

    services.penalty_record_delete(actor=cast.supervisor, record_id=record.pk, reason="录错人")

    assert not PenaltyRecord.objects.exists()
    statement = PayStatement.objects.get(assessment=assessment)
    assert statement.penalties == 0
    removed = assessment.events.filter(action="input_changed").last()
    assert removed.note == "录错人" and removed.data["removed"] is True
    with pytest.raises(NotFound):
        services.penalty_record_delete(actor=cast.supervisor, record_id=record.pk, reason="x")


def test_hours_are_validated_and_replaced(cast, person):
    with pytest.raises(ValidationFailed) as refused:
        services.pay_adjustment_set(
            actor=cast.supervisor,
            person_id=person.pk,
            period=SEPT,
            overtime_hours="-1",
            absence_hours="x",
            days_absent="0.25",
        )
    assert set(refused.value.fields) == {"overtime_hours", "absence_hours", "days_absent"}
    services.pay_adjustment_set(
        actor=cast.supervisor, person_id=person.pk, period=D(2026, 9, 17), overtime_hours="12"
    )
    services.pay_adjustment_set(
        actor=cast.supervisor,
        person_id=person.pk,
        period=SEPT,
        overtime_hours="10.5",
        absence_hours="3",
        days_absent="1.5",
    )
    adjustment = PayAdjustment.objects.get()
    assert (adjustment.period, adjustment.overtime_hours, adjustment.days_absent) == (
        SEPT,
        M("10.50"),
        M("1.5"),
    )


def test_days_absent_pro_rate_the_quality_award(cast, person):
    # September 2026 has 22 working days (no holidays configured).
    services.pay_adjustment_set(
        actor=cast.supervisor, person_id=person.pk, period=SEPT, days_absent="2"
    )
    statement = compute(person, SEPT).pay_statement
    assert statement.quality_award == M("227.27")  # 250 × 20/22
    assert "20/22" in statement.lines.get(kind="quality_award").explanation


def test_a_fault_belongs_to_the_month_the_shipment_left(cast):
    person = cast.merchandiser
    assign(person, EXPORT)
    order = make_order(person, contract=D(2026, 9, 30), status=OrderStatus.PARTIALLY_SHIPPED)
    shipment = make_shipment(order, D(2026, 8, 31), declaration="X1")
    fault = services.shipment_fault_create(
        actor=cast.supervisor, shipment_id=shipment.pk, kind="late_tax_rebate", note="退税资料晚交"
    )
    assert (fault.person, fault.period) == (person, D(2026, 8, 1))


def test_a_fault_needs_a_shipment_that_left_a_kind_and_a_note(cast):
    person = cast.merchandiser
    order = make_order(person, contract=D(2026, 9, 30))
    shipment = make_shipment(order, D(2026, 9, 3))
    type(shipment).objects.filter(pk=shipment.pk).update(status="planned", actual_ship_date=None)
    with pytest.raises(ValidationFailed) as refused:
        services.shipment_fault_create(
            actor=cast.supervisor, shipment_id=shipment.pk, kind="bad", note=""
        )
    assert set(refused.value.fields) == {"shipment", "kind", "note"}
    with pytest.raises(NotFound):
        services.shipment_fault_create(actor=cast.supervisor, shipment_id=0, kind="x", note="x")
    assert not ShipmentFault.objects.exists()


def test_a_fault_removed_with_a_reason(cast):
    person = cast.merchandiser
    order = make_order(person, contract=D(2026, 9, 30))
    shipment = make_shipment(order, D(2026, 9, 3), declaration="X2")
    fault = services.shipment_fault_create(
        actor=cast.supervisor, shipment_id=shipment.pk, kind="extra_cost", note="额外运费"
    )
    with pytest.raises(PermissionDenied):
        services.shipment_fault_delete(actor=person, fault_id=fault.pk, reason="x")
    services.shipment_fault_delete(actor=cast.supervisor, fault_id=fault.pk, reason="不是他的责任")
    assert not ShipmentFault.objects.exists()


def test_the_scheme_in_force_on_the_months_last_day_applies(cast):
    person = cast.merchandiser
    assign(person, SALES, since=D(2026, 1, 1))
    assign(person, PRODUCTION, since=D(2026, 9, 15))
    assign(person, EXPORT, since=D(2026, 10, 1))

    assert selectors.scheme_for(person.pk, D(2026, 8, 1)) == scheme(SALES)
    assert selectors.scheme_for(person.pk, SEPT) == scheme(PRODUCTION)
    assert compute(person, SEPT).pay_statement.scheme == scheme(PRODUCTION)
    assert selectors.scheme_for(person.pk, D(2026, 10, 1)) == scheme(EXPORT)


def test_an_assignment_on_the_same_day_replaces_the_first(cast):
    person = cast.merchandiser
    assign(person, SALES, since=D(2026, 9, 1))
    assign(person, EXPORT, since=D(2026, 9, 1))
    assert person.pay_scheme_assignments.get().scheme == scheme(EXPORT)


def test_without_a_scheme_the_statement_says_so(cast):
    statement = compute(cast.merchandiser, SEPT).pay_statement
    assert statement.scheme is None and statement.total_pay == 0
    assert statement.lines.get().kind == "no_scheme"
