"""Two people pressing the same button at once change the order once (PostgreSQL).

Each thread has its own database connection; a barrier releases them together,
so both reach the row lock at the same moment.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from gendan.exceptions import DomainError
from orders import services as order_services
from orders.models import EventType, Order, PaymentKind, PaymentReceipt
from orders.states import OrderStatus as S
from production import services as production_services
from production.models import ProductionOrder
from tests.factories import CustomerFactory, ProductFactory, order_in_status

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run the callables in threads started at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def worker(call):
        try:
            barrier.wait(timeout=10)
            result = call()
            with lock:
                results.append(result)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_finance_users_confirming_the_same_deposit_at_once_confirm_it_once(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = order.payments.get(kind=PaymentKind.DEPOSIT)

    def confirm(reference):
        return lambda: order_services.payment_confirm(
            actor=cast.finance,
            payment_id=payment.pk,
            amount_received=payment.amount_due,
            received_on=timezone.localdate(),
            method="tt",
            reference=reference,
        )

    results, errors = run_together(confirm("TT-A"), confirm("TT-B"))

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], DomainError), errors
    assert errors[0].code == "payment_already_received"
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    assert order.amount_received == payment.amount_due
    assert PaymentReceipt.objects.filter(payment=payment).count() == 1
    moves = order.events.filter(type=EventType.STATUS_CHANGED, to_status=S.DEPOSIT_PAID)
    assert moves.count() == 1


def test_two_merchandisers_issuing_production_at_once_issue_it_once(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    today = timezone.localdate()

    def issue(actor):
        return lambda: production_services.production_order_issue(
            actor=actor,
            order_id=order.pk,
            factory="W1",
            planned_start=today,
            planned_finish=today + dt.timedelta(days=3),
        )

    results, errors = run_together(issue(cast.merchandiser), issue(cast.supervisor))

    assert len(results) == 1
    assert len(errors) == 1 and errors[0].code == "invalid_transition", errors
    assert ProductionOrder.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION
    assert order.events.filter(type=EventType.PRODUCTION_ISSUED).count() == 1


def test_order_numbers_generated_concurrently_are_unique_and_gap_free(cast):
    customer = CustomerFactory()
    product = ProductFactory()
    due = timezone.localdate() + dt.timedelta(days=30)

    def create():
        return order_services.order_create(
            actor=cast.merchandiser,
            customer_id=customer.pk,
            lines=[{"product": product.pk, "quantity": 1, "unit_price": Decimal("1.00")}],
            contract_delivery_date=due,
        ).number

    results, errors = run_together(*[create] * 8)

    assert errors == []
    numbers = sorted(results)
    assert len(set(numbers)) == 8
    serials = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert serials == list(range(serials[0], serials[0] + 8))
    assert Order.objects.count() == 8


def test_the_same_external_ref_sent_twice_at_once_creates_one_order(cast):
    customer = CustomerFactory()
    due = timezone.localdate() + dt.timedelta(days=30)

    def create():
        return order_services.order_create(
            actor=cast.integration,
            owner_id=cast.merchandiser.pk,
            customer_id=customer.pk,
            lines=[{"description": "mug", "quantity": 10, "unit_price": "2.00"}],
            contract_delivery_date=due,
            external_ref="ERP-SO-1",
        ).pk

    results, errors = run_together(create, create)

    assert len(results) == 1
    assert len(errors) == 1 and errors[0].code == "duplicate"
    assert errors[0].data["id"] == results[0]
    assert Order.objects.filter(external_ref="ERP-SO-1").count() == 1
