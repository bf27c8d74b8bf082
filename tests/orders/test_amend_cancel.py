"""Amendment (改单) and cancellation, with what they do to production and money."""

from decimal import Decimal

import pytest
from django.utils import timezone

from gendan.exceptions import InvalidTransition, ValidationFailed
from orders import services as order_services
from orders.models import EventType, OrderRevision, PaymentKind, PaymentStatus
from orders.states import OrderStatus as S
from production import services as production_services
from production.models import ProductionOrder
from shipping.models import Shipment
from tests.factories import order_in_status, pay, stage
from tests.orders.helpers import snapshot


def _amend(order, actor, quantity, unit_price="10.00", **kwargs):
    line = order.lines.order_by("position").first()
    return order_services.order_amend(
        actor=actor,
        order_id=order.pk,
        lines=[{"product": line.product_id, "quantity": quantity, "unit_price": unit_price}],
        confirmation_method="signed_order",
        confirmation_reference="PI rev 2 signed",
        reason="customer added quantity",
        **kwargs,
    )


def test_amendment_after_production_was_issued_supersedes_and_reissues_it(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)  # 1,000 pcs at 10.00, deposit 3,000 paid
    old = order.production_orders.get()
    production_services.progress_report_create(
        actor=cast.production,
        production_order_id=old.pk,
        date=timezone.localdate(),
        stage_id=stage("cutting").pk,
        good_quantity=200,
    )

    _amend(order, cast.merchandiser, quantity=1500)

    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION  # the status stays
    assert order.revision == 2
    assert order.total_amount == Decimal("15000.00")
    assert order.deposit_due == Decimal("4500.00")
    old.refresh_from_db()
    new = order.production_orders.get(status="issued")
    assert old.status == ProductionOrder.Status.SUPERSEDED
    assert old.superseded_by == new
    assert (new.revision, new.quantity, new.factory) == (2, 1500, old.factory)
    # The old revision is kept: the revision record and the field history.
    revision = OrderRevision.objects.get(order=order)
    assert revision.previous_values["total_amount"] == "10000.00"
    assert [line["quantity"] for line in revision.previous_lines] == [600, 400]
    assert revision.confirmation_method == "signed_order"
    assert order.history.filter(revision=1).exists()
    # Confirmed money stays confirmed; the new shortfall of deposit is requested.
    assert order.amount_received == Decimal("3000.00")
    shortfall = order.payments.get(kind=PaymentKind.DEPOSIT, status=PaymentStatus.REQUESTED)
    assert shortfall.amount_due == Decimal("1500.00")
    types = list(order.events.order_by("id").values_list("type", flat=True))
    assert types[-4:] == [
        EventType.AMENDED,
        EventType.PAYMENT_REQUESTED,
        EventType.PRODUCTION_SUPERSEDED,
        EventType.PRODUCTION_ISSUED,
    ]


def test_amendment_while_awaiting_deposit_adjusts_the_open_request(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("500.00"))
    _amend(order, cast.merchandiser, quantity=500)  # total 5,000 → deposit 1,500

    order.refresh_from_db()
    deposit = order.payments.get(kind=PaymentKind.DEPOSIT)
    assert deposit.amount_due == Decimal("1500.00")
    assert deposit.amount_received == Decimal("500.00")
    assert order.status == S.AWAITING_DEPOSIT


def test_amendment_that_lowers_the_deposit_below_what_was_paid_moves_the_order_on(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("900.00"))
    _amend(order, cast.merchandiser, quantity=300)  # total 3,000 → deposit 900

    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    assert order.payments.get(kind=PaymentKind.DEPOSIT).status == PaymentStatus.RECEIVED


def test_amendment_needs_the_customers_written_confirmation(cast):
    order = order_in_status(cast, S.CONFIRMED)
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        order_services.order_amend(
            actor=cast.merchandiser,
            order_id=order.pk,
            lines=[{"description": "x", "quantity": 1, "unit_price": "1"}],
            confirmation_method="",
        )
    assert "confirmation_method" in caught.value.fields
    assert snapshot() == before


def test_amendment_is_refused_once_production_is_complete(cast):
    order = order_in_status(cast, S.PRODUCED)
    with pytest.raises(InvalidTransition):
        _amend(order, cast.merchandiser, quantity=10)


def test_cancellation_recalls_production_orders_and_voids_unpaid_requests(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    # A new shortfall request is open when the order is cancelled.
    _amend(order, cast.merchandiser, quantity=1200)
    order.refresh_from_db()

    order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="customer bust")

    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.cancel_reason == "customer bust"
    statuses = set(order.production_orders.values_list("status", flat=True))
    assert statuses == {"superseded", "recalled"}
    production_order.refresh_from_db()
    assert production_order.status == "superseded"
    open_requests = order.payments.filter(
        kind__in=["deposit", "balance"], status__in=["requested", "partially_received"]
    )
    assert not open_requests.exists()
    assert order.payments.filter(kind="deposit", status="voided").count() == 1
    # The deposit already received is flagged for refund handling by finance.
    refund = order.payments.get(kind=PaymentKind.REFUND)
    assert (refund.amount_due, refund.status) == (Decimal("3000.00"), "requested")
    assert order.events.filter(type=EventType.REFUND_FLAGGED).exists()
    assert order.events.filter(type=EventType.PRODUCTION_RECALLED).count() == 1


def test_finance_confirming_the_refund_brings_the_received_amount_back_to_zero(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    order_services.order_cancel(actor=cast.merchandiser, order_id=order.pk, reason="dup")
    pay(cast, order, PaymentKind.REFUND)
    order.refresh_from_db()
    assert order.amount_received == Decimal("0.00")
    assert order_services.order_received_total(order) == Decimal("0.00")


def test_cancellation_cancels_planned_shipments(cast):
    order = order_in_status(cast, S.PAID)
    from shipping import services as shipping_services

    shipment = shipping_services.shipment_create(
        actor=cast.merchandiser,
        order_id=order.pk,
        planned_ship_date=timezone.localdate(),
        mode="sea",
    )
    order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="embargo")
    assert Shipment.objects.get(pk=shipment.pk).status == "cancelled"


def test_reassign_hands_the_order_to_another_merchandiser(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    order_services.order_reassign(
        actor=cast.supervisor,
        order_id=order.pk,
        owner_id=cast.other_merchandiser.pk,
        note="holiday cover",
    )
    order.refresh_from_db()
    assert order.owner == cast.other_merchandiser
    event = order.events.get(type=EventType.REASSIGNED)
    assert event.data == {"previous_owner": cast.merchandiser.pk, "owner": order.owner_id}
    with pytest.raises(ValidationFailed):
        order_services.order_reassign(
            actor=cast.supervisor, order_id=order.pk, owner_id=cast.finance.pk
        )


def test_waiving_a_partly_paid_deposit_keeps_what_was_received(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("500.00"))
    order_services.order_waive_deposit(actor=cast.supervisor, order_id=order.pk, reason="VIP")
    deposit = order.payments.get(kind=PaymentKind.DEPOSIT)
    assert (deposit.status, deposit.amount_due, deposit.amount_received) == (
        PaymentStatus.RECEIVED,
        Decimal("500.00"),
        Decimal("500.00"),
    )
    order.refresh_from_db()
    assert order.amount_received == Decimal("500.00")
    assert order.events.filter(type=EventType.PAYMENT_VOIDED).count() == 1


def test_an_amendment_that_covers_the_open_shortfall_closes_it_at_what_was_received(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)  # deposit 3,000 received
    _amend(order, cast.merchandiser, quantity=1500)  # deposit 4,500: shortfall 1,500 asked
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("600.00"))
    _amend(order, cast.merchandiser, quantity=1200)  # deposit 3,600: covered by 3,600 received
    shortfall = order.payments.filter(kind=PaymentKind.DEPOSIT).order_by("pk").last()
    assert (shortfall.status, shortfall.amount_due) == (PaymentStatus.RECEIVED, Decimal("600.00"))
    _amend(order, cast.merchandiser, quantity=1300)  # deposit 3,900: a new shortfall of 300
    latest = order.payments.filter(kind=PaymentKind.DEPOSIT).order_by("pk").last()
    assert (latest.status, latest.amount_due) == (PaymentStatus.REQUESTED, Decimal("300.00"))
