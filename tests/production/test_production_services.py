"""Production orders, daily progress reports, the plan curve, inspections, incidents."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gendan.exceptions import AlreadyDone, Duplicate, InvalidTransition, ValidationFailed
from orders.models import EventType
from orders.states import OrderStatus as S
from production import selectors
from production import services as production_services
from production.models import Incident, PlanMilestone, ProductionOrder
from tests.factories import backdate, order_in_status, stage
from tests.orders.helpers import snapshot


@pytest.fixture
def production_order(cast):
    # Issued a week ago, so that reports may carry the days since.
    order = backdate(order_in_status(cast, S.IN_PRODUCTION))
    return order.production_orders.get()


def _report(cast, production_order, **kwargs):
    values = {
        "date": timezone.localdate(),
        "stage_id": stage("sewing").pk,
        "good_quantity": 100,
    } | kwargs
    return production_services.progress_report_create(
        actor=cast.production, production_order_id=production_order.pk, **values
    )


def test_the_first_progress_report_starts_an_issued_production_order(cast, production_order):
    assert production_order.status == ProductionOrder.Status.ISSUED
    report = _report(cast, production_order, defective_quantity=3, variance_reason="material_late")
    production_order.refresh_from_db()
    assert production_order.status == ProductionOrder.Status.IN_PROGRESS
    assert production_order.started_at is not None
    assert report.reported_by == cast.production
    types = list(production_order.order.events.values_list("type", flat=True))
    assert types[-2:] == [EventType.PRODUCTION_STARTED, EventType.PROGRESS_REPORTED]


def test_one_progress_report_per_production_order_date_and_stage(cast, production_order):
    first = _report(cast, production_order)
    before = snapshot()
    with pytest.raises(Duplicate) as caught:
        _report(cast, production_order, good_quantity=5)
    assert caught.value.data["id"] == first.pk
    assert snapshot() == before
    # Another stage the same day is a different report.
    _report(cast, production_order, stage_id=stage("packing").pk)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"good_quantity": -1}, "good_quantity"),
        ({"scrap_quantity": "many"}, "scrap_quantity"),
        ({"variance_reason": "bad luck"}, "variance_reason"),
        ({"date": timezone.localdate() + dt.timedelta(days=1)}, "date"),
        ({"stage_id": 999999}, "stage"),
    ],
)
def test_a_bad_progress_report_is_refused_naming_the_field(cast, production_order, kwargs, field):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        _report(cast, production_order, **kwargs)
    assert field in caught.value.fields
    assert snapshot() == before


def test_only_packed_good_quantity_counts_as_produced(cast, production_order):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _report(cast, production_order, stage_id=stage("sewing").pk, good_quantity=900)
    _report(cast, production_order, stage_id=stage("packing").pk, good_quantity=300)
    _report(cast, production_order, stage_id=stage("packing").pk, good_quantity=250, date=yesterday)
    assert selectors.produced_quantity(production_order) == 550


def test_the_plan_curve_is_linear_between_planned_start_and_finish(cast, production_order):
    start = production_order.planned_start
    production_order.planned_finish = start + dt.timedelta(days=9)  # 10 days, 100 a day
    assert selectors.planned_cumulative(production_order, start - dt.timedelta(days=1)) == 0
    assert selectors.planned_cumulative(production_order, start) == 100
    assert selectors.planned_cumulative(production_order, start + dt.timedelta(days=4)) == 500
    assert selectors.planned_cumulative(production_order, start + dt.timedelta(days=9)) == 1000
    assert selectors.planned_cumulative(production_order, start + dt.timedelta(days=30)) == 1000


def test_the_plan_curve_follows_milestones_when_given(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    start = timezone.localdate()
    production_order = production_services.production_order_issue(
        actor=cast.merchandiser,
        order_id=order.pk,
        factory="Outside processor A",
        is_outside_processor=True,
        processing_fee="23600.00",
        planned_start=start,
        planned_finish=start + dt.timedelta(days=10),
        milestones=[{"date": start + dt.timedelta(days=4), "planned_cumulative_quantity": 100}],
    )
    assert PlanMilestone.objects.filter(production_order=production_order).count() == 1
    assert production_order.processing_fee == Decimal("23600.00")
    # Slow start to the milestone, then the rest by the finish.
    assert selectors.planned_cumulative(production_order, start + dt.timedelta(days=4)) == 100
    assert selectors.planned_cumulative(production_order, start + dt.timedelta(days=7)) == 550
    assert selectors.planned_cumulative(production_order, start + dt.timedelta(days=10)) == 1000


def test_issue_production_validates_its_plan(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        production_services.production_order_issue(
            actor=cast.merchandiser,
            order_id=order.pk,
            factory="",
            planned_start=today,
            planned_finish=today - dt.timedelta(days=1),
            processing_fee="-1",
        )
    assert {"factory"} <= set(caught.value.fields)
    with pytest.raises(ValidationFailed) as caught:
        production_services.production_order_issue(
            actor=cast.merchandiser,
            order_id=order.pk,
            factory="W1",
            planned_start=today,
            planned_finish=today - dt.timedelta(days=1),
        )
    assert "planned_finish" in caught.value.fields
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID


def test_starting_twice_is_answered_without_a_second_effect(cast, production_order):
    production_services.production_order_start(
        actor=cast.production, production_order_id=production_order.pk
    )
    before = snapshot()
    with pytest.raises(AlreadyDone):
        production_services.production_order_start(
            actor=cast.production, production_order_id=production_order.pk
        )
    assert snapshot() == before


def test_inspections_are_validated(cast, production_order):
    with pytest.raises(ValidationFailed) as caught:
        production_services.inspection_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            kind="final",
            result="maybe",
            sample_size=10,
            defects_found=11,
        )
    assert {"result", "defects_found"} <= set(caught.value.fields)


def test_an_incident_is_opened_and_resolved_with_its_loss(cast, production_order):
    order = production_order.order
    incident = production_services.incident_open(
        actor=cast.production,
        order_id=order.pk,
        production_order_id=production_order.pk,
        kind="quality",
        description="Shade variation in lot 3",
        loss_amount="2400.00",
        responsible_id=cast.merchandiser.pk,
    )
    assert incident.status == Incident.Status.OPEN
    production_services.incident_resolve(
        actor=cast.merchandiser, incident_id=incident.pk, resolution="Re-dyed lot 3"
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED
    assert incident.resolved_at >= incident.opened_at
    assert incident.loss_amount == Decimal("2400.00")
    with pytest.raises(AlreadyDone):
        production_services.incident_resolve(
            actor=cast.merchandiser, incident_id=incident.pk, resolution="again"
        )
    types = set(order.events.values_list("type", flat=True))
    assert {EventType.INCIDENT_OPENED, EventType.INCIDENT_RESOLVED} <= types


def test_no_progress_on_a_superseded_production_order(cast, production_order):
    from orders import services as order_services

    line = production_order.order.lines.first()
    order_services.order_amend(
        actor=cast.merchandiser,
        order_id=production_order.order_id,
        lines=[{"product": line.product_id, "quantity": 10, "unit_price": "1.00"}],
        confirmation_method="email",
    )
    with pytest.raises(InvalidTransition):
        _report(cast, production_order)
