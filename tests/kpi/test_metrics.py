"""The four metrics of kpi-and-pay.md §1 on crafted data, the rescaling of empty
denominators, and the "no data" case (September 2026, local time)."""

from decimal import Decimal

import pytest

from gendan.exceptions import ValidationFailed
from kpi import services
from kpi.models import AssessmentTemplate
from orders.states import OrderStatus
from tests.kpi.helpers import D, at, compute, make_case, make_incident, make_order

SEPT = D(2026, 9, 1)


@pytest.fixture
def merch(cast):
    return cast.merchandiser


def test_on_time_delivery_compares_the_last_shipment_with_the_contract_date(cast, merch):
    # Fully shipped in September: on time, on the day, late (its last part left late).
    make_order(
        merch,
        contract=D(2026, 9, 15),
        fully_shipped_at=at(2026, 9, 10),
        ship_dates=(D(2026, 9, 10),),
    )
    make_order(
        merch,
        contract=D(2026, 9, 15),
        fully_shipped_at=at(2026, 9, 15),
        ship_dates=(D(2026, 9, 5), D(2026, 9, 15)),
    )
    make_order(
        merch,
        contract=D(2026, 9, 15),
        fully_shipped_at=at(2026, 9, 20),
        ship_dates=(D(2026, 9, 5), D(2026, 9, 20)),
    )
    # Local midnight is the boundary: 23:30 on the 30th counts, 00:10 on 1 October not.
    make_order(
        merch,
        contract=D(2026, 10, 20),
        fully_shipped_at=at(2026, 9, 30, 23, 30),
        ship_dates=(D(2026, 9, 30),),
    )
    make_order(
        merch,
        contract=D(2026, 10, 20),
        fully_shipped_at=at(2026, 10, 1, 0, 10),
        ship_dates=(D(2026, 10, 1),),
    )
    make_order(
        merch,
        contract=D(2026, 8, 20),
        fully_shipped_at=at(2026, 8, 31, 23, 50),
        ship_dates=(D(2026, 8, 31),),
    )
    # Someone else's order does not count.
    make_order(
        cast.other_merchandiser,
        contract=D(2026, 9, 1),
        fully_shipped_at=at(2026, 9, 2),
        ship_dates=(D(2026, 9, 2),),
    )

    assessment = compute(merch, SEPT)

    assert (assessment.shipped_count, assessment.on_time_count) == (4, 3)
    # Three of them were also due in September (completion); no incidents or after-sales
    # cases: the 40 points of the metrics with data are scaled up to 50.
    assert (assessment.due_count, assessment.completed_count) == (3, 3)
    assert assessment.resolution_count == 0 and assessment.resolution_points is None
    assert assessment.on_time_points == Decimal("18.75")  # 3/4 × 20 × 50/40
    assert assessment.completion_points == Decimal("12.50")
    assert assessment.complaints_points == Decimal("12.50")
    assert assessment.performance == Decimal("43.75")


def test_completion_counts_orders_due_in_the_month_shipped_by_its_end(merch):
    make_order(
        merch,
        contract=D(2026, 9, 25),
        fully_shipped_at=at(2026, 9, 20),
        ship_dates=(D(2026, 9, 20),),
    )
    make_order(
        merch,
        contract=D(2026, 9, 5),
        fully_shipped_at=at(2026, 8, 28),
        ship_dates=(D(2026, 8, 28),),
    )  # early: shipped in August, still complete
    make_order(merch, contract=D(2026, 9, 30))  # not shipped
    make_order(
        merch,
        contract=D(2026, 9, 30),
        fully_shipped_at=at(2026, 10, 2),
        ship_dates=(D(2026, 10, 2),),
    )  # shipped after the end of the month
    make_order(merch, contract=D(2026, 9, 10), status=OrderStatus.CANCELLED)  # not counted
    make_order(merch, contract=D(2026, 10, 1))  # due next month

    assessment = compute(merch, SEPT)

    assert (assessment.due_count, assessment.completed_count) == (4, 2)
    # Completion has data; on-time and complaints have one order fully shipped in September.
    assert assessment.shipped_count == 1
    assert assessment.completion_points == Decimal("6.25")  # 2/4 × 10 × 50/40
    assert assessment.on_time_points == Decimal("25.00")  # 1/1 × 20 × 50/40
    assert assessment.complaints_points == Decimal("12.50")
    assert assessment.performance == Decimal("43.75")


def test_complaints_are_complaint_cases_received_in_the_month_per_order_shipped(merch):
    orders = [
        make_order(
            merch,
            contract=D(2026, 10, 30),
            fully_shipped_at=at(2026, 9, d),
            ship_dates=(D(2026, 9, d),),
        )
        for d in (3, 4, 5, 6)
    ]
    make_case(orders[0], at(2026, 9, 10), at(2026, 9, 11))
    make_case(orders[1], at(2026, 9, 30, 23, 59))
    make_case(orders[2], at(2026, 9, 11), at(2026, 9, 12), kind="return")  # not a complaint
    make_case(orders[3], at(2026, 8, 31, 23, 0))  # received in August

    assessment = compute(merch, SEPT)

    assert (assessment.complaint_count, assessment.shipped_count) == (2, 4)
    # 1 − 2/4 = 0.5. Resolution: two cases resolved in September within 72 h, and the
    # August complaint still open past its limit at the end of September.
    assert assessment.resolution_count == 3 and assessment.resolved_in_time_count == 2
    # No order due in September: 40 points of weight scaled to 50.
    assert assessment.on_time_points == Decimal("25.00")  # 4/4 × 20 × 50/40
    assert assessment.complaints_points == Decimal("6.25")  # 0.5 × 10 × 50/40
    assert assessment.resolution_points == Decimal("8.33")  # 2/3 × 10 × 50/40
    assert assessment.performance == Decimal("39.58")


def test_more_complaints_than_orders_score_zero_not_negative(merch):
    order = make_order(
        merch,
        contract=D(2026, 10, 30),
        fully_shipped_at=at(2026, 9, 3),
        ship_dates=(D(2026, 9, 3),),
    )
    for day in (4, 5, 6):
        make_case(order, at(2026, 9, day), at(2026, 9, day, 18))

    assessment = compute(merch, SEPT)

    assert assessment.complaint_count == 3
    assert assessment.complaints_points == Decimal("0.00")


def test_resolution_counts_items_resolved_in_the_month_or_open_past_their_limit(merch):
    order = make_order(merch, contract=D(2026, 12, 1))
    make_incident(order, at(2026, 9, 1, 10), at(2026, 9, 3, 10))  # 48 h exactly: in time
    make_incident(order, at(2026, 9, 5, 10), at(2026, 9, 8, 10))  # 72 h: late
    make_incident(order, at(2026, 9, 20), None)  # open past 48 h at the end: late
    make_incident(order, at(2026, 9, 29, 12), None)  # open, limit not reached yet: left out
    make_incident(order, at(2026, 8, 25), at(2026, 8, 26))  # resolved in August: left out
    make_incident(order, at(2026, 8, 30), at(2026, 9, 2))  # resolved in September, late
    make_case(order, at(2026, 9, 10), at(2026, 9, 12), kind="rework")  # 48 h < 72 h: in time
    make_case(order, at(2026, 9, 10), at(2026, 10, 5), kind="rework")  # open at the end: late

    assessment = compute(merch, SEPT)

    assert (assessment.resolution_count, assessment.resolved_in_time_count) == (6, 2)
    # The only metric with data: 2/6 × 10 scaled to 50.
    assert assessment.resolution_points == Decimal("16.67")
    assert assessment.performance == Decimal("16.67")


def test_the_time_limits_are_settings_of_the_template(merch):
    template = AssessmentTemplate.objects.get(is_default=True)
    template.incident_limit_hours = 80
    template.save()
    order = make_order(merch, contract=D(2026, 12, 1))
    make_incident(order, at(2026, 9, 5, 10), at(2026, 9, 8, 10))  # 72 h ≤ 80 h

    assessment = compute(merch, SEPT)

    assert (assessment.resolution_count, assessment.resolved_in_time_count) == (1, 1)


def test_all_four_metrics_with_the_default_weights(merch):
    on_time = make_order(
        merch,
        contract=D(2026, 9, 20),
        fully_shipped_at=at(2026, 9, 18),
        ship_dates=(D(2026, 9, 18),),
    )
    make_order(
        merch,
        contract=D(2026, 9, 10),
        fully_shipped_at=at(2026, 9, 12),
        ship_dates=(D(2026, 9, 12),),
    )  # late
    make_case(on_time, at(2026, 9, 21), at(2026, 9, 22))  # complaint, resolved in time
    make_incident(on_time, at(2026, 9, 1), at(2026, 9, 5))  # late

    assessment = compute(merch, SEPT)

    assert assessment.on_time_points == Decimal("10.00")  # 1/2 × 20
    assert assessment.completion_points == Decimal("10.00")  # 2/2 × 10
    assert assessment.complaints_points == Decimal("5.00")  # (1 − 1/2) × 10
    assert assessment.resolution_points == Decimal("5.00")  # 1/2 × 10
    assert assessment.performance == Decimal("30.00")


def test_no_data_leaves_the_performance_empty_for_the_supervisor_with_a_note(cast, merch):
    assessment = compute(merch, SEPT)

    assert assessment.performance is None
    assert not assessment.has_metric_data
    assert "手工录入" in assessment.performance_note
    # The supervisor enters it by hand, with a note.
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_enter(
            actor=cast.supervisor,
            assessment_id=assessment.pk,
            teamwork=25,
            attitude=18,
            performance="40",
        )
    assert "performance_note" in refused.value.fields
    services.assessment_enter(
        actor=cast.supervisor,
        assessment_id=assessment.pk,
        teamwork=25,
        attitude=18,
        performance="40",
        performance_note="新人，本月无出货，按跟进工作量评定",
    )
    assessment.refresh_from_db()
    assert assessment.performance_is_manual and assessment.performance == Decimal("40.00")
    assert assessment.total_score == Decimal("83.00")
    # A recompute without data keeps the manual entry.
    assessment = compute(merch, SEPT)
    assert assessment.performance == Decimal("40.00") and assessment.performance_is_manual


def test_a_computed_performance_cannot_be_overwritten_by_hand(cast, merch):
    make_order(
        merch,
        contract=D(2026, 9, 20),
        fully_shipped_at=at(2026, 9, 18),
        ship_dates=(D(2026, 9, 18),),
    )
    assessment = compute(merch, SEPT)

    with pytest.raises(ValidationFailed) as refused:
        services.assessment_enter(
            actor=cast.supervisor,
            assessment_id=assessment.pk,
            teamwork=25,
            attitude=18,
            performance="50",
            performance_note="x",
        )
    assert "performance" in refused.value.fields


def test_the_raw_counts_are_kept_and_a_rerun_recomputes_an_open_assessment(merch):
    assessment = compute(merch, SEPT)
    assert assessment.shipped_count == 0
    make_order(
        merch,
        contract=D(2026, 9, 20),
        fully_shipped_at=at(2026, 9, 18),
        ship_dates=(D(2026, 9, 18),),
    )

    assessment = compute(merch, SEPT)

    assert assessment.shipped_count == 1 and assessment.performance == Decimal("50.00")
    computed = assessment.events.filter(action="computed")
    assert computed.count() == 2
    assert computed.last().data["counts"]["shipped_count"] == 1
