"""An order walked from draft to closed through the services only."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from orders import services as order_services
from orders.models import EventType, Order, Payment, PaymentKind, PaymentStatus
from orders.states import OrderStatus as S
from production import services as production_services
from production.models import ProductionOrder
from shipping import services as shipping_services
from shipping.models import AfterSalesCase, Shipment
from tests.factories import backdate, create_order, open_payment, pay, stage


def test_an_order_walks_from_draft_to_closed_through_the_services(cast):
    m, p = cast.merchandiser, cast.production
    today = timezone.localdate()

    order = create_order(cast, quantities=(600, 400), unit_price="10.00", deposit_ratio="0.30")
    order = backdate(order)  # placed a week ago: production may have started yesterday
    assert order.status == S.DRAFT
    assert order.number.startswith(f"GD-{today.year}-")
    assert order.total_amount == Decimal("10000.00")
    assert order.deposit_due == Decimal("3000.00")

    order_services.order_confirm(actor=m, order_id=order.pk, method="email", reference="mail 1")
    order_services.order_request_deposit(actor=m, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == S.AWAITING_DEPOSIT

    # The deposit arrives in two parts; only the second one moves the order.
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("1000.00"), reference="TT-1")
    order.refresh_from_db()
    assert order.status == S.AWAITING_DEPOSIT
    assert order.amount_received == Decimal("1000.00")
    pay(cast, order, PaymentKind.DEPOSIT, Decimal("2000.00"), reference="TT-2")
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    deposit = order.payments.get(kind=PaymentKind.DEPOSIT)
    assert deposit.status == PaymentStatus.RECEIVED
    assert deposit.receipts.count() == 2

    production_order = production_services.production_order_issue(
        actor=m,
        order_id=order.pk,
        factory="Workshop 1",
        planned_start=today - dt.timedelta(days=1),
        planned_finish=today + dt.timedelta(days=10),
    )
    assert production_order.quantity == 1000
    production_services.production_order_start(actor=p, production_order_id=production_order.pk)
    yesterday = today - dt.timedelta(days=1)
    for date, sewing, packing in ((yesterday, 700, 500), (today, 300, 500)):
        production_services.progress_report_create(
            actor=p,
            production_order_id=production_order.pk,
            date=date,
            stage_id=stage("sewing").pk,
            good_quantity=sewing,
        )
        production_services.progress_report_create(
            actor=p,
            production_order_id=production_order.pk,
            date=date,
            stage_id=stage("packing").pk,
            good_quantity=packing,
        )
    production_services.inspection_create(
        actor=p,
        production_order_id=production_order.pk,
        kind="final",
        result="pass",
        sample_size=125,
        defects_found=2,
    )
    production_services.production_order_complete(actor=m, production_order_id=production_order.pk)
    order.refresh_from_db()
    assert order.status == S.PRODUCED
    assert ProductionOrder.objects.get(pk=production_order.pk).status == "completed"

    order_services.order_request_balance(actor=m, order_id=order.pk)
    balance = open_payment(order, PaymentKind.BALANCE)
    assert balance.amount_due == Decimal("7000.00")
    pay(cast, order, PaymentKind.BALANCE, reference="TT-3")
    order.refresh_from_db()
    assert order.status == S.PAID
    assert order.balance_due == Decimal("0.00")

    # Two partial shipments.
    line_a, line_b = order.lines.order_by("position")
    first = shipping_services.shipment_create(
        actor=m,
        order_id=order.pk,
        planned_ship_date=today,
        mode="sea",
        lines=[
            {"order_line": line_a.pk, "quantity": 600},
            {"order_line": line_b.pk, "quantity": 100},
        ],
    )
    shipping_services.shipment_ship(actor=m, shipment_id=first.pk, tracking_number="BL-1")
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED
    second = shipping_services.shipment_create(
        actor=m, order_id=order.pk, planned_ship_date=today, mode="air"
    )
    assert [(sl.order_line_id, sl.quantity) for sl in second.lines.all()] == [(line_b.pk, 300)]
    shipping_services.shipment_ship(actor=m, shipment_id=second.pk)
    order.refresh_from_db()
    assert order.status == S.SHIPPED

    order_services.order_confirm_delivery(actor=m, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert set(Shipment.objects.filter(order=order).values_list("status", flat=True)) == {
        "delivered"
    }

    case = shipping_services.after_sales_case_open(
        actor=m, order_id=order.pk, kind="complaint", description="Two cartons wet"
    )
    shipping_services.after_sales_case_investigate(actor=m, case_id=case.pk)
    shipping_services.after_sales_case_resolve(
        actor=m,
        case_id=case.pk,
        root_cause="Container leak",
        corrective_action="Liner bags",
        cost="300.00",
    )
    shipping_services.after_sales_case_close(actor=m, case_id=case.pk, customer_satisfaction=4)
    assert AfterSalesCase.objects.get(pk=case.pk).status == "closed"

    order_services.order_close(actor=m, order_id=order.pk)
    order = Order.objects.get(pk=order.pk)
    assert order.status == S.CLOSED

    # The timeline: one status event per transition, in order, each with its actor.
    transitions = list(
        order.events.filter(type=EventType.STATUS_CHANGED)
        .order_by("id")
        .values_list("from_status", "to_status", "actor__username")
    )
    assert transitions == [
        (S.DRAFT, S.CONFIRMED, "merch"),
        (S.CONFIRMED, S.AWAITING_DEPOSIT, "merch"),
        (S.AWAITING_DEPOSIT, S.DEPOSIT_PAID, "finance"),
        (S.DEPOSIT_PAID, S.IN_PRODUCTION, "merch"),
        (S.IN_PRODUCTION, S.PRODUCED, "merch"),
        (S.PRODUCED, S.AWAITING_BALANCE, "merch"),
        (S.AWAITING_BALANCE, S.PAID, "finance"),
        (S.PAID, S.PARTIALLY_SHIPPED, "merch"),
        (S.PARTIALLY_SHIPPED, S.SHIPPED, "merch"),
        (S.SHIPPED, S.DELIVERED, "merch"),
        (S.DELIVERED, S.CLOSED, "merch"),
    ]
    assert order.events.filter(type=EventType.PAYMENT_RECEIVED).count() == 3
    assert order.events.filter(type=EventType.PROGRESS_REPORTED).count() == 4
    assert Payment.objects.filter(order=order).count() == 2
    # Field history keeps who changed the order.
    assert order.history.filter(status=S.PAID).first().history_user == cast.finance
