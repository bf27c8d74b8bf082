"""A discount off an order's price (order_apply_discount): the total goes down, the
deposit and balance requests follow it, and what cannot be a discount is refused.

The order of ``create_order``: 1,000 pieces at 10.00 = 10,000.00, deposit 30 %."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gendan.exceptions import GuardFailed, PermissionDenied, ValidationFailed
from orders import services
from orders.models import EventType, Order, PaymentKind, PaymentStatus
from orders.states import OrderStatus as S
from tests.factories import order_in_status
from tests.orders.helpers import snapshot


def discount(cast, order, **kwargs):
    kwargs.setdefault("reason", "颜色略有偏差，客户接受让价")
    return services.order_apply_discount(actor=cast.supervisor, order_id=order.pk, **kwargs)


def test_a_discount_lowers_the_total_the_deposit_due_and_the_open_deposit_request(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)

    discount(cast, order, amount="1000.00")

    order.refresh_from_db()
    assert (order.status, order.total_amount, order.discount_amount, order.deposit_due) == (
        S.AWAITING_DEPOSIT,
        Decimal("9000.00"),
        Decimal("1000.00"),
        Decimal("2700.00"),
    )
    deposit = order.payments.get(kind=PaymentKind.DEPOSIT)
    assert (deposit.amount_due, deposit.status) == (Decimal("2700.00"), PaymentStatus.REQUESTED)
    [event] = order.events.filter(type=EventType.DISCOUNTED)
    assert event.actor == cast.supervisor and "让价" in event.note
    assert (event.data["amount"], event.data["previous_total"], event.data["total_amount"]) == (
        "1000.00",
        "10000.00",
        "9000.00",
    )
    assert order.events.filter(type=EventType.PAYMENT_ADJUSTED).count() == 1


def test_a_discount_by_percent_lowers_the_open_balance_request_and_keeps_the_money_received(
    cast,
):
    order = order_in_status(cast, S.AWAITING_BALANCE)

    discount(cast, order, percent="5")

    order.refresh_from_db()
    assert (order.total_amount, order.amount_received, order.status) == (
        Decimal("9500.00"),
        Decimal("3000.00"),
        S.AWAITING_BALANCE,
    )
    balance = order.payments.get(kind=PaymentKind.BALANCE)
    assert balance.amount_due == Decimal("6500.00") == order.balance_due
    assert order.payments.get(kind=PaymentKind.DEPOSIT).amount_due == Decimal("3000.00")
    assert order.events.get(type=EventType.DISCOUNTED).data["percent"] == "5"


def test_a_discount_of_all_that_is_unpaid_settles_an_order_awaiting_its_balance(cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)

    discount(cast, order, amount="7000.00")

    order.refresh_from_db()
    assert order.status == S.PAID and order.total_amount == order.amount_received
    assert order.payments.get(kind=PaymentKind.BALANCE).status == PaymentStatus.VOIDED
    assert order.events.filter(type=EventType.STATUS_CHANGED, to_status=S.PAID).count() == 1


def test_an_amendment_after_a_discount_keeps_the_discount(cast):
    order = order_in_status(cast, S.CONFIRMED)
    discount(cast, order, amount="500.00")
    line = order.lines.first()

    services.order_amend(
        actor=cast.merchandiser,
        order_id=order.pk,
        lines=[{"product": line.product_id, "quantity": 1000, "unit_price": "12.00"}],
        confirmation_method="email",
    )

    order.refresh_from_db()
    assert (order.total_amount, order.discount_amount) == (Decimal("11500.00"), Decimal("500.00"))


@pytest.mark.parametrize(
    ("given", "error", "fields"),
    [
        ({"amount": "0.00"}, ValidationFailed, {"amount"}),
        ({"amount": "-100.00"}, ValidationFailed, {"amount"}),
        ({"amount": "1.005"}, ValidationFailed, {"amount"}),
        ({"amount": "NaN"}, ValidationFailed, {"amount"}),
        ({"amount": "10000.01"}, ValidationFailed, {"amount"}),
        ({"percent": "0"}, ValidationFailed, {"percent"}),
        ({"percent": "100.01"}, ValidationFailed, {"percent"}),
        ({"percent": "Infinity"}, ValidationFailed, {"percent"}),
        ({}, ValidationFailed, {"amount", "percent"}),
        ({"amount": "10.00", "percent": "1"}, ValidationFailed, {"amount", "percent"}),
        ({"amount": "10.00", "reason": "  "}, ValidationFailed, {"reason"}),
        ({"amount": "10.00", "reason": "x" * 2001}, ValidationFailed, {"reason"}),
    ],
)
def test_a_discount_out_of_bounds_is_refused_naming_the_field_and_changes_nothing(
    cast, given, error, fields
):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    before = snapshot()

    with pytest.raises(error) as refused:
        discount(cast, order, **given)

    assert set(refused.value.fields) == fields
    assert snapshot() == before


def test_a_discount_above_what_is_unpaid_is_refused_it_would_be_a_refund(cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)  # 3,000.00 of 10,000.00 received
    before = snapshot()

    with pytest.raises(GuardFailed) as refused:
        discount(cast, order, amount="7000.01")

    assert refused.value.code == "discount_exceeds_unpaid"
    assert snapshot() == before


def test_only_a_supervisor_grants_a_discount(cast):
    order = order_in_status(cast, S.CONFIRMED)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.order_apply_discount(
            actor=cast.merchandiser, order_id=order.pk, amount="10.00", reason="r"
        )

    assert snapshot() == before
    assert Order.objects.get(pk=order.pk).total_amount == Decimal("10000.00")
