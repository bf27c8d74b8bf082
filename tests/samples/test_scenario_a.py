"""Issue 15, acceptance scenario (a), and the rest of a sample's life through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gendan.exceptions import GuardFailed, InvalidTransition, PermissionDenied
from orders.models import Order
from samples import services
from samples.models import SampleEvent, SampleRequest
from samples.states import MouldStatus, SampleStatus
from tests.factories import CustomerFactory, ProductFactory
from tests.samples.helpers import png


@pytest.fixture
def sample(cast):
    return services.sample_request_create(
        actor=cast.merchandiser,
        customer_id=CustomerFactory().pk,
        product_id=ProductFactory().pk,
        item_number="TS-2027-01",
        raw_material="32支精梳棉",
        packing="单件入袋，每箱 50 件",
        colour_print="胸前丝印 2 色",
        colour="藏青",
        shipping_mark="ACME / PO / C/NO.",
        process="双针包边",
        unit_price="23.50",
        currency="USD",
        needs_new_mould=True,
        photo=png(),
    )


def make_and_send(cast, sample):
    services.sample_finish(actor=cast.production, sample_id=sample.pk)
    services.sample_review(
        actor=cast.merchandiser,
        sample_id=sample.pk,
        charge_customer=True,
        sample_fee="50.00",
        courier_terms="collect",
    )
    services.sample_retain(actor=cast.merchandiser, sample_id=sample.pk, location="样品间 A-3")
    return services.sample_send(
        actor=cast.merchandiser, sample_id=sample.pk, courier="顺丰", tracking_number="SF1234567890"
    )


def test_a_a_new_mould_waits_for_the_supervisor_then_the_sample_becomes_two_order_lines(
    cast, sample
):
    assert sample.mould_status == MouldStatus.PENDING
    with pytest.raises(GuardFailed) as refused:
        services.sample_start(actor=cast.merchandiser, sample_id=sample.pk)
    assert refused.value.code == "mould_not_approved"
    assert SampleRequest.objects.get(pk=sample.pk).status == SampleStatus.REQUESTED
    # Only the supervisor approves a mould.
    with pytest.raises(PermissionDenied):
        services.sample_mould_decide(actor=cast.merchandiser, sample_id=sample.pk, approve=True)
    services.sample_mould_decide(actor=cast.supervisor, sample_id=sample.pk, approve=True)
    services.sample_start(actor=cast.production, sample_id=sample.pk)
    make_and_send(cast, sample)
    services.sample_verdict(
        actor=cast.merchandiser, sample_id=sample.pk, verdict="approved", comment="OK"
    )

    delivery = timezone.localdate() + dt.timedelta(days=90)
    converted = services.sample_convert(
        actor=cast.merchandiser,
        sample_id=sample.pk,
        contract_delivery_date=delivery,
        lines=[
            {"colour": "藏青", "size": "M", "quantity": 600},
            {"colour": "白", "size": "L", "quantity": 400},
        ],
    )
    order = Order.objects.get(pk=converted.order_id)
    lines = list(
        order.lines.order_by("position").values(
            "colour", "size", "quantity", "unit_price", "amount"
        )
    )
    assert lines == [
        {
            "colour": "藏青",
            "size": "M",
            "quantity": 600,
            "unit_price": Decimal("23.50"),
            "amount": Decimal("14100.00"),
        },
        {
            "colour": "白",
            "size": "L",
            "quantity": 400,
            "unit_price": Decimal("23.50"),
            "amount": Decimal("9400.00"),
        },
    ]
    assert order.total_amount == Decimal("23500.00")
    assert order.currency == "USD" and order.owner == cast.merchandiser
    assert order.customer_id == sample.customer_id and order.status == "draft"
    # Once only.
    with pytest.raises(GuardFailed):
        services.sample_convert(
            actor=cast.merchandiser,
            sample_id=sample.pk,
            contract_delivery_date=delivery,
            lines=[{"quantity": 1}],
        )
    assert Order.objects.count() == 1
    kinds = list(SampleEvent.objects.filter(sample=sample).values_list("kind", flat=True))
    assert kinds[0] == "created" and "mould" in kinds and kinds[-1] == "converted"


def test_a_a_refused_mould_never_goes_to_making(cast, sample):
    services.sample_mould_decide(actor=cast.supervisor, sample_id=sample.pk, approve=False)
    with pytest.raises(GuardFailed):
        services.sample_start(actor=cast.merchandiser, sample_id=sample.pk)


def test_a_sample_is_not_reviewed_without_a_photo_and_revise_makes_it_again(cast):
    sample = services.sample_request_create(
        actor=cast.merchandiser, customer_id=CustomerFactory().pk, item_number="MUG-1"
    )
    services.sample_start(actor=cast.merchandiser, sample_id=sample.pk)
    services.sample_finish(actor=cast.merchandiser, sample_id=sample.pk)
    with pytest.raises(GuardFailed) as refused:
        services.sample_review(actor=cast.merchandiser, sample_id=sample.pk)
    assert refused.value.code == "no_photo"
    services.sample_photo_add(actor=cast.merchandiser, sample_id=sample.pk, photo=png())
    services.sample_review(actor=cast.merchandiser, sample_id=sample.pk)
    services.sample_send(
        actor=cast.merchandiser, sample_id=sample.pk, courier="DHL", tracking_number="123"
    )
    services.sample_verdict(
        actor=cast.merchandiser, sample_id=sample.pk, verdict="revise", comment="颜色偏浅"
    )
    with pytest.raises(InvalidTransition):
        services.sample_convert(
            actor=cast.merchandiser,
            sample_id=sample.pk,
            contract_delivery_date=timezone.localdate() + dt.timedelta(days=30),
            lines=[{"quantity": 1}],
        )
    services.sample_start(actor=cast.merchandiser, sample_id=sample.pk)
    sample.refresh_from_db()
    assert sample.status == SampleStatus.IN_MAKING and sample.round == 2


def test_another_merchandiser_may_not_touch_my_sample(cast, sample):
    with pytest.raises(PermissionDenied):
        services.sample_photo_add(actor=cast.other_merchandiser, sample_id=sample.pk, photo=png())
    with pytest.raises(PermissionDenied):
        services.sample_purchase_request(
            actor=cast.other_merchandiser, sample_id=sample.pk, material="PP 料", quantity="5"
        )
    assert sample.photos.count() == 1 and not sample.purchase_requests.exists()
