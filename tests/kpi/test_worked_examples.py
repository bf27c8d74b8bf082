"""The worked examples of kpi-and-pay.md §4, to the cent, built from orders,
shipments, production orders, incidents and penalty records in the database and
computed the way the month is computed in production (the working-day-1 task,
the supervisor's entry, the services)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from kpi import services
from kpi.models import Assessment, PayComponent, PayStatement
from kpi.tasks import assessment_compute_month_task
from orders.models import PaymentKind, PaymentReceipt
from orders.states import OrderStatus
from production import services as production_services
from production.models import ProductionOrder
from shipping import services as shipping_services
from tests.factories import order_in_status, pay, produce_all
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
)

OCT = D(2026, 10, 1)
M = Decimal


def statement_of(person, period) -> PayStatement:
    return PayStatement.objects.get(assessment__person=person, assessment__period=period)


def statement_for(person, period) -> PayStatement:
    compute(person, period)
    return statement_of(person, period)


def line_amounts(statement) -> dict[str, Decimal]:
    return {line.kind: line.amount for line in statement.lines.all() if line.kind != "penalty"}


# --------------------------------------------------------------------------
# A. Sales-commission scheme
# --------------------------------------------------------------------------


@pytest.fixture
def example_a(cast):
    """Five orders fully shipped in October 2026 totalling 1,860,000.00, one of them
    late and one complained about; five items to resolve, four in time."""
    merch = cast.merchandiser
    assign(merch, SALES)
    # Finance sets the position's salary in the preset (the seed leaves it to the position).
    PayComponent.objects.filter(scheme__code=SALES, kind="position_salary").update(
        amount=M("3500.00")
    )
    with time_machine.travel(at(2026, 10, 10, 9), tick=False):
        orders = [
            order_in_status(cast, OrderStatus.SHIPPED, quantities=(600, 400), unit_price=price)
            for price in ("400.00", "400.00", "400.00", "400.00", "260.00")
        ]
    # Contract dates in October: four met, the last one's goods left a day late.
    for order in orders[:4]:
        type(order).objects.filter(pk=order.pk).update(contract_delivery_date=D(2026, 10, 31))
    type(orders[4]).objects.filter(pk=orders[4].pk).update(contract_delivery_date=D(2026, 10, 9))

    with time_machine.travel(at(2026, 10, 28, 18), tick=False):
        case = shipping_services.after_sales_case_open(
            actor=merch,
            order_id=orders[0].pk,
            kind="complaint",
            description="colour shade",
            received_at=at(2026, 10, 20, 9),
        )
        shipping_services.after_sales_case_resolve(
            actor=merch,
            case_id=case.pk,
            root_cause="dye lot",
            corrective_action="re-dye",
            resolved_at=at(2026, 10, 21, 9),
        )
        # Incidents: three resolved within 48 h, one after 60 h.
        for order, hours in zip(orders[:4], (10, 24, 47, 60), strict=True):
            incident = production_services.incident_open(
                actor=merch,
                order_id=order.pk,
                kind="quality",
                description="stitching",
                opened_at=at(2026, 10, 12, 8),
            )
            production_services.incident_resolve(
                actor=merch,
                incident_id=incident.pk,
                resolution="fixed",
                resolved_at=at(2026, 10, 12, 8) + dt.timedelta(hours=hours),
            )
    return merch


def test_example_a_sales_commission_scaled_by_the_score(cast, example_a):
    merch = example_a
    # Working day 1 of November 2026 is Monday the 2nd: the beat task computes the drafts.
    with time_machine.travel(at(2026, 11, 2, 6), tick=False):
        assert assessment_compute_month_task() >= 1
    assessment = Assessment.objects.get(person=merch, period=OCT)
    assert (assessment.shipped_count, assessment.on_time_count) == (5, 4)
    assert (assessment.due_count, assessment.completed_count) == (5, 5)
    assert assessment.complaint_count == 1
    assert (assessment.resolution_count, assessment.resolved_in_time_count) == (5, 4)
    assert [
        assessment.on_time_points,
        assessment.completion_points,
        assessment.complaints_points,
        assessment.resolution_points,
    ] == [M("16.00"), M("10.00"), M("8.00"), M("8.00")]
    assert assessment.performance == M("42.00")

    with time_machine.travel(at(2026, 11, 3, 10), tick=False):
        services.assessment_enter(
            actor=cast.supervisor, assessment_id=assessment.pk, teamwork="26", attitude="18"
        )
    assessment.refresh_from_db()
    assert assessment.total_score == M("86.00")

    statement = statement_of(merch, OCT)
    commission = statement.lines.get(kind="commission")
    assert commission.detail["basis"] == "1860000.00"
    assert commission.detail["commission"] == "930.00"
    assert len(commission.detail["orders"]) == 5
    assert statement.position_salary == M("3500.00")
    assert statement.commission == M("799.80")
    assert statement.total_pay == M("4299.80")


# --------------------------------------------------------------------------
# B and B2. Base + processing-fee scheme
# --------------------------------------------------------------------------


def _produced_with_fee(cast, fee: str):
    """An order walked to produced, its production order carrying ``fee``."""
    order = order_in_status(cast, OrderStatus.AWAITING_DEPOSIT, owner=cast.other_merchandiser)
    pay(cast, order, PaymentKind.DEPOSIT)
    today = timezone.localdate()
    production_order = production_services.production_order_issue(
        actor=order.owner,
        order_id=order.pk,
        factory="外协厂 A",
        is_outside_processor=True,
        planned_start=today,
        planned_finish=today + dt.timedelta(days=10),
        processing_fee=fee,
    )
    produce_all(cast, production_order)
    production_services.production_order_complete(
        actor=order.owner, production_order_id=production_order.pk
    )
    return order


@pytest.fixture
def example_b(cast):
    """Processing fees of 236,000.00 completed in October, 12 h overtime, 3 h missing."""
    person = cast.other_merchandiser
    assign(person, PRODUCTION)
    with time_machine.travel(at(2026, 10, 15, 9), tick=False):
        orders = [_produced_with_fee(cast, fee) for fee in ("136000.00", "100000.00")]
    # A production order completed in September does not count for October.
    with time_machine.travel(at(2026, 9, 30, 23, 59), tick=False):
        _produced_with_fee(cast, "99999.00")
    services.pay_adjustment_set(
        actor=cast.supervisor,
        person_id=person.pk,
        period=OCT,
        overtime_hours="12",
        absence_hours="3",
    )
    return person, orders


def test_example_b_processing_fee_pay_penalties_and_no_award(cast, example_b):
    person, orders = example_b
    services.penalty_record_create(
        actor=cast.supervisor,
        person_id=person.pk,
        rule_id=rule(PRODUCTION, "quality-accident").pk,
        occurred_on=D(2026, 10, 16),
        loss_amount="2400.00",
        order_id=orders[0].pk,
        note="大货色差，返工损失",
    )
    services.penalty_record_create(
        actor=cast.supervisor,
        person_id=person.pk,
        rule_id=rule(PRODUCTION, "no-first-article-seal").pk,
        occurred_on=D(2026, 10, 20),
        order_id=orders[1].pk,
        note="加工厂未做首件封样",
    )

    compute(person, OCT)

    statement = statement_of(person, OCT)
    assert ProductionOrder.objects.filter(order__owner=person).count() == 3
    processing = statement.lines.get(kind="processing_fee")
    assert processing.detail["processing_fees"] == "236000.00"
    assert len(processing.detail["production_orders"]) == 2
    assert line_amounts(statement) == {
        "position_salary": M("700.00"),
        "processing_fee": M("1180.00"),
        "quality_award": M("0.00"),
        "overtime": M("24.00"),
        "absence": M("6.00"),
    }
    assert sorted(statement.lines.filter(kind="penalty").values_list("amount", flat=True)) == [
        M("100.00"),
        M("120.00"),
    ]
    assert statement.penalties == M("220.00")
    assert statement.quality_award == M("0.00")
    assert "220.00" in statement.lines.get(kind="quality_award").explanation
    assert statement.total_pay == M("1678.00")


def test_example_b2_award_granted_under_both_thresholds(cast, example_b):
    person, orders = example_b
    services.penalty_record_create(
        actor=cast.supervisor,
        person_id=person.pk,
        rule_id=rule(PRODUCTION, "no-spot-check-report").pk,
        occurred_on=D(2026, 10, 22),
        order_id=orders[0].pk,
        note="未填写质量抽查报表",
    )

    compute(person, OCT)

    statement = statement_of(person, OCT)
    assert statement.penalties == M("100.00")
    assert statement.quality_award == M("250.00")
    assert statement.lines.get(kind="quality_award").detail["granted"] is True
    assert statement.total_pay == M("2048.00")


def test_example_b_with_an_incident_loss_of_1000_the_award_is_not_granted(cast, example_b):
    person, orders = example_b
    # The company loss the person caused counts even without a penalty record.
    with time_machine.travel(at(2026, 10, 25, 9), tick=False):
        production_services.incident_open(
            actor=cast.supervisor,
            order_id=orders[0].pk,
            kind="quality",
            description="scrap",
            loss_amount="1000.00",
            responsible_id=person.pk,
            opened_at=at(2026, 10, 24, 9),
        )

    compute(person, OCT)

    statement = statement_of(person, OCT)
    assert statement.quality_award == M("0.00")
    assert statement.total_pay == M("1898.00")  # 700 + 1,180 + 24 − 6


# --------------------------------------------------------------------------
# C. Bracket edges of the quality-accident rule
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "amount", "flag"),
    [
        ("3000.00", "150.00", ""),
        ("3000.01", "300.00", ""),
        ("10000.00", "1000.00", ""),
        ("10000.01", "1000.00", "year_end_bonus_cancelled"),
    ],
)
def test_example_c_bracket_edges(cast, loss, amount, flag):
    person = cast.other_merchandiser
    assign(person, PRODUCTION)
    order = make_order(person, contract=D(2026, 10, 30))

    record = services.penalty_record_create(
        actor=cast.supervisor,
        person_id=person.pk,
        rule_id=rule(PRODUCTION, "quality-accident").pk,
        occurred_on=D(2026, 10, 5),
        loss_amount=loss,
        order_id=order.pk,
        note="批量性质量事故",
    )
    statement = statement_for(person, OCT)

    assert record.amount == M(amount)
    assert record.flag == flag
    assert statement.penalties == M(amount)
    assert statement.year_end_bonus_cancelled is bool(flag)


def test_example_c_all_four_in_one_month(cast):
    person = cast.other_merchandiser
    assign(person, PRODUCTION)
    order = make_order(person, contract=D(2026, 10, 30))
    for loss in ("3000.00", "3000.01", "10000.00", "10000.01"):
        services.penalty_record_create(
            actor=cast.supervisor,
            person_id=person.pk,
            rule_id=rule(PRODUCTION, "quality-accident").pk,
            occurred_on=D(2026, 10, 5),
            loss_amount=loss,
            order_id=order.pk,
            note=f"loss {loss}",
        )

    statement = statement_for(person, OCT)

    assert list(
        statement.lines.filter(kind="penalty").order_by("position").values_list("amount", flat=True)
    ) == [M("150.00"), M("300.00"), M("1000.00"), M("1000.00")]
    assert statement.penalties == M("2450.00")
    assert statement.year_end_bonus_cancelled
    assert statement.total_pay == M("700.00") - M("2450.00")  # base only, the rest is zero


# --------------------------------------------------------------------------
# D. Per-declaration bonus over one quarter
# --------------------------------------------------------------------------


def _declarations(person, month: int, count: int, faults: int, supervisor):
    order = make_order(person, contract=D(2026, month, 28), status=OrderStatus.PARTIALLY_SHIPPED)
    shipments = [
        make_shipment(order, D(2026, month, 1 + i), declaration=f"2026{month:02d}{i:04d}")
        for i in range(count)
    ]
    for shipment in shipments[:faults]:
        services.shipment_fault_create(
            actor=supervisor, shipment_id=shipment.pk, kind="wrong_documents", note="单据错误"
        )
    # A shipment without a declaration (domestic) is not a declaration.
    make_shipment(order, D(2026, month, 27))


@pytest.fixture
def example_d(cast):
    person = cast.merchandiser
    assign(person, EXPORT)
    _declarations(person, 7, 14, 1, cast.supervisor)
    _declarations(person, 8, 10, 2, cast.supervisor)
    return person


def _quarter(person):
    return {m: statement_for(person, D(2026, m, 1)) for m in (7, 8, 9)}


def test_example_d_per_declaration_bonus_one_quarter(cast, example_d):
    person = example_d
    _declarations(person, 9, 9, 0, cast.supervisor)

    statements = _quarter(person)

    assert statements[7].declaration_bonus_accrued == M("390.00")  # 13 × 30
    assert statements[8].declaration_bonus_accrued == M("0.00")  # 2 faults: month cancelled
    assert statements[8].lines.get(kind="declaration_bonus").detail["cancelled"] == "month"
    assert statements[9].declaration_bonus_accrued == M("270.00")  # 9 × 30
    september = statements[9].lines.get(kind="declaration_bonus")
    assert september.detail["quarter_total"] == "660.00"
    assert statements[9].declaration_bonus_year_to_date == M("660.00")
    # Accrued yearly, paid before the lunar new year: not part of the month's pay.
    assert {s.total_pay for s in statements.values()} == {M("0.00")}


def test_example_d_three_faults_in_month_three_cancel_the_whole_quarter(cast, example_d):
    person = example_d
    _declarations(person, 9, 9, 3, cast.supervisor)

    statements = _quarter(person)

    september = statements[9]
    assert september.declaration_bonus_accrued == M("0.00")
    line = september.lines.get(kind="declaration_bonus")
    assert line.detail["quarter_total"] == "0.00"
    # 1 + 2 + 3 = 6 faults in the quarter: 5 or more cancel the year as well.
    assert line.detail["cancelled"] == "year"
    assert september.declaration_bonus_year_to_date == M("0.00")
    assert not september.resignation_review  # 6 < 8


def test_eight_faults_in_a_year_raise_the_resignation_flag_for_hr_only(cast, example_d):
    person = example_d
    _declarations(person, 10, 6, 5, cast.supervisor)  # 1 + 2 + 5 = 8 this year

    statement = statement_for(person, OCT)

    assert statement.resignation_review
    assert statement.lines.filter(kind="resignation_review").exists()
    person.refresh_from_db()
    assert person.is_active  # never an automatic action


def test_no_declaration_bonus_while_on_probation(cast):
    person = cast.merchandiser
    assign(person, EXPORT, since=D(2026, 7, 1), probation_until=D(2026, 7, 10))
    _declarations(person, 7, 14, 0, cast.supervisor)  # shipped on 1–14 July

    statement = statement_for(person, D(2026, 7, 1))

    assert statement.declaration_bonus_accrued == M("120.00")  # 11–14 July: 4 × 30


# --------------------------------------------------------------------------
# The commission's other basis: orders fully paid in the month
# --------------------------------------------------------------------------


def test_commission_on_orders_fully_paid_in_the_month(cast):
    merch = cast.merchandiser
    assign(merch, SALES)
    PayComponent.objects.filter(scheme__code=SALES, kind="commission").update(basis="fully_paid")
    with time_machine.travel(at(2026, 9, 28, 10), tick=False):
        paid_august = order_in_status(cast, OrderStatus.AWAITING_BALANCE, unit_price="100.00")
        pay(cast, paid_august, PaymentKind.BALANCE)
    # Its money came in by 31 August (finance records the bank dates).
    PaymentReceipt.objects.filter(payment__order=paid_august).update(received_on=D(2026, 8, 31))
    with time_machine.travel(at(2026, 10, 12, 10), tick=False):
        # Deposit in September, balance in October: fully paid in October.
        paid_october = order_in_status(cast, OrderStatus.PAID, unit_price="200.00")
        half_paid = order_in_status(cast, OrderStatus.AWAITING_BALANCE, unit_price="300.00")
    PaymentReceipt.objects.filter(payment__order=paid_october, payment__kind="deposit").update(
        received_on=D(2026, 9, 30)
    )

    statement = statement_for(merch, OCT)

    commission = statement.lines.get(kind="commission")
    assert [o["number"] for o in commission.detail["orders"]] == [paid_october.number]
    assert commission.detail["basis"] == "200000.00"  # 1,000 pieces × 200.00
    assert commission.detail["commission"] == "100.00"  # 0.5 ‰
    assert half_paid.number not in commission.explanation
