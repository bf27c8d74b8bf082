"""Each guard of product.md §2 refuses, and the supervisor's override lets it pass."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gendan.exceptions import (
    AlreadyDone,
    GuardFailed,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from orders import services as order_services
from orders.models import Approval, EventType, OrderLine, PaymentKind, PaymentStatus
from orders.states import OrderStatus as S
from production import services as production_services
from shipping import services as shipping_services
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    create_order,
    order_in_status,
    pay,
    produce_all,
    stage,
)
from tests.orders.helpers import snapshot


def _ship_everything(order, actor):
    shipment = shipping_services.shipment_create(
        actor=actor, order_id=order.pk, planned_ship_date=timezone.localdate(), mode="truck"
    )
    return shipping_services.shipment_ship(actor=actor, shipment_id=shipment.pk)


# --- confirm ---------------------------------------------------------------


def test_confirm_is_refused_for_an_order_without_lines(cast):
    order = order_services.order_create(
        actor=cast.merchandiser,
        customer_id=CustomerFactory().pk,
        lines=[],
        contract_delivery_date=timezone.localdate() + dt.timedelta(days=30),
    )
    before = snapshot()
    with pytest.raises(GuardFailed) as caught:
        order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="email")
    assert caught.value.code == "no_lines"
    assert snapshot() == before


def test_confirm_is_refused_when_the_contract_delivery_date_has_passed(cast):
    order = create_order(cast, days_to_delivery=-1)
    with pytest.raises(GuardFailed) as caught:
        order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="email")
    assert caught.value.code == "delivery_date_in_past"
    order.refresh_from_db()
    assert order.status == S.DRAFT


def test_confirm_needs_a_written_confirmation_method(cast):
    order = create_order(cast)
    with pytest.raises(ValidationFailed) as caught:
        order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="phone")
    assert "method" in caught.value.fields


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"description": "shirt", "quantity": 0, "unit_price": "1.00"}, "lines[0].quantity"),
        ({"description": "shirt", "quantity": -5, "unit_price": "1.00"}, "lines[0].quantity"),
        ({"description": "shirt", "quantity": 2.5, "unit_price": "1.00"}, "lines[0].quantity"),
        ({"description": "shirt", "quantity": 3, "unit_price": "-0.01"}, "lines[0].unit_price"),
        ({"description": "shirt", "quantity": 3, "unit_price": "abc"}, "lines[0].unit_price"),
        ({"description": "shirt", "quantity": 3, "unit_price": "1.005"}, "lines[0].unit_price"),
        ({"quantity": 3, "unit_price": "1.00"}, "lines[0].description"),
        ({"product": 999999, "quantity": 3}, "lines[0].product"),
    ],
)
def test_a_line_with_a_bad_quantity_or_price_is_refused_naming_the_field(cast, line, field):
    order = create_order(cast)
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        order_services.order_update_draft(actor=cast.merchandiser, order_id=order.pk, lines=[line])
    assert field in caught.value.fields
    assert snapshot() == before


def test_the_database_refuses_a_line_with_quantity_zero(cast):
    order = create_order(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(
            order=order, description="x", quantity=0, unit_price=Decimal("1"), amount=0
        )


def test_amounts_come_from_the_lines_not_from_the_caller(cast):
    product = ProductFactory(default_price=Decimal("12.35"))
    order = order_services.order_create(
        actor=cast.merchandiser,
        customer_id=CustomerFactory().pk,
        lines=[
            {"product": product.pk, "quantity": 3, "amount": "1.00"},
            {"description": "Tote bag", "quantity": 7, "unit_price": "0.33", "amount": "0"},
        ],
        contract_delivery_date=timezone.localdate() + dt.timedelta(days=30),
        deposit_ratio="0.3333",
    )
    amounts = list(order.lines.order_by("position").values_list("amount", flat=True))
    assert amounts == [Decimal("37.05"), Decimal("2.31")]
    assert order.total_amount == Decimal("39.36")
    assert order.deposit_due == Decimal("13.12")  # 39.36 × 0.3333 = 13.118… half-up


def test_a_deposit_ratio_of_zero_moves_a_confirmed_order_straight_to_deposit_paid(cast):
    order = create_order(cast, deposit_ratio="0")
    order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="email")
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    assert not order.payments.exists()


# --- issue_production: deposit confirmed, or a supervisor's waiver ---------


def test_issue_production_is_refused_until_the_deposit_is_confirmed(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("100.00"))  # part of it only
    today = timezone.localdate()
    with pytest.raises(InvalidTransition):
        production_services.production_order_issue(
            actor=cast.merchandiser,
            order_id=order.pk,
            factory="W1",
            planned_start=today,
            planned_finish=today,
        )
    assert not order.production_orders.exists()


def test_a_supervisors_deposit_waiver_lets_production_be_issued(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    with pytest.raises(PermissionDenied):
        order_services.order_waive_deposit(
            actor=cast.merchandiser, order_id=order.pk, reason="trusted"
        )
    with pytest.raises(ValidationFailed):
        order_services.order_waive_deposit(actor=cast.supervisor, order_id=order.pk, reason=" ")

    order_services.order_waive_deposit(
        actor=cast.supervisor, order_id=order.pk, reason="ten years of business"
    )

    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    assert order.deposit_waived
    assert order.payments.get(kind=PaymentKind.DEPOSIT).status == PaymentStatus.VOIDED
    approval = Approval.objects.get(order=order)
    assert (approval.kind, approval.approved_by) == ("deposit_waiver", cast.supervisor)
    today = timezone.localdate()
    production_services.production_order_issue(
        actor=cast.merchandiser,
        order_id=order.pk,
        factory="W1",
        planned_start=today,
        planned_finish=today,
    )
    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION
    # Nothing was paid, so everything became balance.
    assert order.balance_due == order.total_amount


# --- complete_production: quantity and final inspection -------------------


def test_complete_production_is_refused_while_the_good_quantity_is_short(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    produce_all(cast, production_order, quantity=production_order.quantity - 1)
    with pytest.raises(GuardFailed) as caught:
        production_services.production_order_complete(
            actor=cast.merchandiser, production_order_id=production_order.pk
        )
    assert caught.value.code == "quantity_short"
    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION


def test_a_supervisor_accepted_shortfall_lets_production_complete(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    produce_all(cast, production_order, quantity=production_order.quantity - 50)
    with pytest.raises(PermissionDenied):
        production_services.production_accept_shortfall(
            actor=cast.merchandiser, order_id=order.pk, reason="fabric ran out"
        )
    production_services.production_accept_shortfall(
        actor=cast.supervisor, order_id=order.pk, reason="fabric ran out"
    )
    production_services.production_order_complete(
        actor=cast.merchandiser, production_order_id=production_order.pk
    )
    order.refresh_from_db()
    assert order.status == S.PRODUCED
    assert order.approvals.filter(kind="production_shortfall").exists()


def test_complete_production_needs_a_passed_final_inspection(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    production_services.progress_report_create(
        actor=cast.production,
        production_order_id=production_order.pk,
        date=timezone.localdate(),
        stage_id=stage("packing").pk,
        good_quantity=production_order.quantity,
    )
    with pytest.raises(GuardFailed) as caught:
        production_services.order_complete_production(actor=cast.production, order_id=order.pk)
    assert caught.value.code == "final_inspection_missing"

    production_services.inspection_create(
        actor=cast.production,
        production_order_id=production_order.pk,
        kind="final",
        result="fail",
        sample_size=80,
        defects_found=9,
    )
    with pytest.raises(GuardFailed):
        production_services.order_complete_production(actor=cast.production, order_id=order.pk)

    production_services.inspection_create(
        actor=cast.production,
        production_order_id=production_order.pk,
        kind="final",
        result="pass",
        sample_size=80,
        defects_found=1,
    )
    production_services.order_complete_production(actor=cast.production, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == S.PRODUCED


# --- ship: full payment, or a supervisor's release on credit ---------------


def test_ship_is_refused_until_the_full_payment_is_confirmed(cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)
    shipment = shipping_services.shipment_create(
        actor=cast.merchandiser,
        order_id=order.pk,
        planned_ship_date=timezone.localdate(),
        mode="sea",
    )
    before = snapshot()
    with pytest.raises(GuardFailed) as caught:
        shipping_services.shipment_ship(actor=cast.merchandiser, shipment_id=shipment.pk)
    assert caught.value.code == "payment_required"
    assert snapshot() == before


def test_release_on_credit_lets_goods_leave_but_not_the_order_close_before_payment(cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)
    with pytest.raises(PermissionDenied):
        order_services.order_release_on_credit(
            actor=cast.merchandiser, order_id=order.pk, reason="good payer"
        )
    order_services.order_release_on_credit(
        actor=cast.supervisor, order_id=order.pk, reason="good payer"
    )
    with pytest.raises(AlreadyDone):
        order_services.order_release_on_credit(
            actor=cast.supervisor, order_id=order.pk, reason="again"
        )

    _ship_everything(order, cast.merchandiser)
    order.refresh_from_db()
    assert order.status == S.SHIPPED
    balance = order.payments.get(kind=PaymentKind.BALANCE)
    assert balance.status == PaymentStatus.REQUESTED  # stays open, keeps alerting

    order_services.order_confirm_delivery(actor=cast.merchandiser, order_id=order.pk)
    with pytest.raises(GuardFailed) as caught:
        order_services.order_close(actor=cast.merchandiser, order_id=order.pk)
    assert caught.value.code == "balance_outstanding"

    pay(cast, order, PaymentKind.BALANCE)
    order.refresh_from_db()
    assert order.status == S.DELIVERED  # money in after delivery does not move the status
    order_services.order_close(actor=cast.merchandiser, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == S.CLOSED


def test_a_shipment_cannot_take_more_than_the_open_quantity(cast):
    order = order_in_status(cast, S.PAID)
    line = order.lines.first()
    with pytest.raises(ValidationFailed) as caught:
        shipping_services.shipment_create(
            actor=cast.merchandiser,
            order_id=order.pk,
            planned_ship_date=timezone.localdate(),
            mode="sea",
            lines=[{"order_line": line.pk, "quantity": line.quantity + 1}],
        )
    assert "lines[0].quantity" in caught.value.fields


# --- close: no open after-sales case, full amount ---------------------------


def test_close_is_refused_while_an_after_sales_case_is_open(cast):
    order = order_in_status(cast, S.DELIVERED)
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser, order_id=order.pk, kind="return", description="wrong size"
    )
    with pytest.raises(GuardFailed) as caught:
        order_services.order_close(actor=cast.merchandiser, order_id=order.pk)
    assert caught.value.code == "open_after_sales"
    shipping_services.after_sales_case_resolve(
        actor=cast.merchandiser, case_id=case.pk, root_cause="label", corrective_action="relabel"
    )
    order_services.order_close(actor=cast.merchandiser, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == S.CLOSED


# --- cancel after production started: a supervisor -------------------------


def test_cancel_after_production_started_needs_a_supervisor(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        order_services.order_cancel(actor=cast.merchandiser, order_id=order.pk, reason="no")
    assert snapshot() == before

    order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="customer bust")
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert order.approvals.get().kind == "late_cancellation"


def test_a_merchandiser_may_cancel_before_production(cast):
    order = order_in_status(cast, S.CONFIRMED)
    order_services.order_cancel(actor=cast.merchandiser, order_id=order.pk, reason="duplicate")
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    event = order.events.filter(type=EventType.STATUS_CHANGED).last()
    assert (event.from_status, event.to_status, event.note) == (
        S.CONFIRMED,
        S.CANCELLED,
        "duplicate",
    )


# --- payments -------------------------------------------------------------


def test_finance_cannot_overpay_a_request_or_confirm_the_same_transfer_twice(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = order.payments.get()
    with pytest.raises(ValidationFailed) as caught:
        pay(cast, order, PaymentKind.DEPOSIT, payment.amount_due + Decimal("0.01"))
    assert "amount_received" in caught.value.fields
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("10.00"), reference="TT-9")
    with pytest.raises(AlreadyDone):
        pay(cast, order, PaymentKind.DEPOSIT, Decimal("10.00"), reference="TT-9")
    payment.refresh_from_db()
    assert payment.amount_received == Decimal("10.00")
    assert payment.receipts.count() == 1


def test_only_finance_confirms_payments(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = order.payments.get()
    for actor in (cast.merchandiser, cast.supervisor, cast.production, cast.integration):
        with pytest.raises(PermissionDenied):
            order_services.payment_confirm(
                actor=actor,
                payment_id=payment.pk,
                amount_received=payment.amount_due,
                received_on=timezone.localdate(),
                method="tt",
            )
    payment.refresh_from_db()
    assert payment.amount_received == 0
