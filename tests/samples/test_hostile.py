"""Hostile input to the samples and planning services: a clear error naming the field,
and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gendan.exceptions import PermissionDenied, ValidationFailed
from orders.states import OrderStatus as S
from planning import services as planning_services
from planning.models import Material, Milestone, PlanEvent
from samples import services
from samples.models import ProductionSample, SampleEvent, SampleRequest
from tests.factories import CustomerFactory, order_in_status
from tests.samples.helpers import png


def sent_sample(cast, sent_on):
    sample = services.sample_request_create(
        actor=cast.merchandiser, customer_id=CustomerFactory().pk, item_number="H-1", photo=png()
    )
    for step in (services.sample_start, services.sample_finish, services.sample_review):
        step(actor=cast.merchandiser, sample_id=sample.pk)
    return services.sample_send(
        actor=cast.merchandiser,
        sample_id=sample.pk,
        courier="EMS",
        tracking_number="E1",
        sent_on=sent_on,
    )


def test_a_verdict_before_the_dispatch_or_in_the_future_is_refused(cast):
    today = timezone.localdate()
    sample = sent_sample(cast, today - dt.timedelta(days=2))
    events = SampleEvent.objects.count()
    for day in (today - dt.timedelta(days=3), today + dt.timedelta(days=1), dt.date(1, 1, 1)):
        with pytest.raises(ValidationFailed) as refused:
            services.sample_verdict(
                actor=cast.merchandiser, sample_id=sample.pk, verdict="approved", verdict_on=day
            )
        assert "verdict_on" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        services.sample_verdict(
            actor=cast.merchandiser, sample_id=sample.pk, verdict="approved", comment="ok\x00"
        )
    assert "comment" in refused.value.fields
    sample.refresh_from_db()
    assert sample.status == "sent" and SampleEvent.objects.count() == events


def test_a_dispatch_in_the_future_and_nul_in_the_tracking_number_are_refused(cast):
    sample = services.sample_request_create(
        actor=cast.merchandiser, customer_id=CustomerFactory().pk, item_number="H-2", photo=png()
    )
    for step in (services.sample_start, services.sample_finish, services.sample_review):
        step(actor=cast.merchandiser, sample_id=sample.pk)
    for bad in (
        {"sent_on": timezone.localdate() + dt.timedelta(days=1)},
        {"tracking_number": "SF\x00"},
        {"tracking_number": ""},
    ):
        with pytest.raises(ValidationFailed):
            services.sample_send(
                actor=cast.merchandiser,
                sample_id=sample.pk,
                **{"courier": "SF", "tracking_number": "SF1", **bad},
            )
    sample.refresh_from_db()
    assert sample.status == "reviewed" and sample.tracking_number == ""


def test_wrong_roles_write_nothing(cast):
    before = SampleRequest.objects.count()
    for actor in (cast.finance, cast.production, cast.integration):
        with pytest.raises(PermissionDenied):
            services.sample_request_create(
                actor=actor, customer_id=CustomerFactory().pk, item_number="X"
            )
    assert SampleRequest.objects.count() == before
    order = order_in_status(cast, S.IN_PRODUCTION)
    po = order.production_orders.get()
    with pytest.raises(PermissionDenied):
        services.production_sample_record(
            actor=cast.other_merchandiser, production_order_id=po.pk, kind="sealed"
        )
    with pytest.raises(ValidationFailed):
        services.production_sample_record(
            actor=cast.production,
            production_order_id=po.pk,
            kind="sealed",
            recorded_on=timezone.localdate() - dt.timedelta(days=400),
        )
    assert not ProductionSample.objects.exists()


def test_plan_and_material_input_out_of_bounds_or_order_writes_nothing(cast):
    order = order_in_status(cast, S.CONFIRMED, days_to_delivery=120)
    milestone = Milestone.objects.get(plan__order=order, code="lab_dip")
    events = PlanEvent.objects.count()
    for day in (
        timezone.localdate() + dt.timedelta(days=1),
        order.order_date - dt.timedelta(days=1),
        "2027-01-01",
    ):
        with pytest.raises(ValidationFailed):
            planning_services.milestone_complete(
                actor=cast.merchandiser, milestone_id=milestone.pk, actual_date=day
            )
    with pytest.raises(PermissionDenied):
        planning_services.milestone_complete(
            actor=cast.other_merchandiser,
            milestone_id=milestone.pk,
            actual_date=timezone.localdate(),
        )
    for bad in (
        {"name": "棉\x00"},
        {"quantity": "NaN"},
        {"quantity": "-1"},
        {"quantity": "1e20"},
        {"kind": "gold"},
        {"required_by": dt.date(9999, 12, 31)},
        {"eta": order.order_date - dt.timedelta(days=1)},
    ):
        with pytest.raises(ValidationFailed):
            planning_services.material_create(
                actor=cast.merchandiser,
                order_id=order.pk,
                **{"kind": "fabric", "name": "棉布", "quantity": "10", **bad},
            )
    milestone.refresh_from_db()
    assert milestone.actual_date is None
    assert not Material.objects.exists() and PlanEvent.objects.count() == events
