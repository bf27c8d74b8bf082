"""The order tallies: every service that changes an order's status or owner keeps
them equal to a recount of the orders; the dashboard reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import selectors, tallies
from orders import services as order_services
from orders.models import DeliveryTally, Order, PaymentKind, ReceivableTally, StatusTally
from orders.states import OrderStatus as S
from tests.factories import create_order, order_in_status, pay, ship_all
from tests.test_races import run_together


def status_tally() -> dict[tuple[int, str], int]:
    return {
        (row.owner_id, row.status): row.orders for row in StatusTally.objects.all() if row.orders
    }


def delivery_tally() -> dict[tuple[int, dt.date], tuple[int, int]]:
    return {
        (row.owner_id, row.month): (row.shipped, row.on_time)
        for row in DeliveryTally.objects.all()
        if row.shipped
    }


def receivable_tally() -> dict[tuple[str, dt.date], tuple[Decimal, int]]:
    return {
        (row.currency, row.due_date): (row.outstanding, row.requests)
        for row in ReceivableTally.objects.all()
        if row.requests
    }


def assert_tallies_equal_a_recount() -> None:
    kept = status_tally(), delivery_tally(), receivable_tally()
    tallies.rebuild()
    assert (status_tally(), delivery_tally(), receivable_tally()) == kept


def test_the_services_keep_the_tallies_equal_to_a_recount(cast):
    for status in (S.DRAFT, S.CONFIRMED, S.DEPOSIT_PAID, S.PAID, S.SHIPPED, S.CLOSED):
        order_in_status(cast, status)
    order_in_status(cast, S.PARTIALLY_SHIPPED, quantities=(10, 20))
    order_in_status(cast, S.CANCELLED)
    shipped = order_in_status(cast, S.DELIVERED)
    open_order = order_in_status(cast, S.IN_PRODUCTION)
    for order in (shipped, open_order):
        order_services.order_reassign(
            actor=cast.supervisor, order_id=order.pk, owner_id=cast.other_merchandiser.pk
        )

    assert_tallies_equal_a_recount()
    counts = status_tally()
    assert counts[(cast.merchandiser.pk, S.CLOSED)] == 1
    assert counts[(cast.other_merchandiser.pk, S.DELIVERED)] == 1
    assert counts[(cast.other_merchandiser.pk, S.IN_PRODUCTION)] == 1
    assert sum(counts.values()) == Order.objects.count() == 10
    month = tallies.month_of(timezone.now())
    # Shipped today, due in the future: on time; the delivered order went with its owner.
    assert delivery_tally() == {
        (cast.merchandiser.pk, month): (2, 2),
        (cast.other_merchandiser.pk, month): (1, 1),
    }


def test_the_payment_services_keep_the_receivable_tally_equal_to_a_recount(cast):
    # A deposit of 300.00 asked (30 % of 1,000.00), 100.00 of it received.
    partly = order_in_status(cast, S.AWAITING_DEPOSIT, quantities=(100,), unit_price="10.00")
    pay(cast, partly, PaymentKind.DEPOSIT, Decimal("100.00"))
    # In US dollars (a draft's currency), its deposit asked, then the order cancelled:
    # the request voided.
    cancelled = create_order(cast)
    order_services.order_update_draft(
        actor=cast.merchandiser, order_id=cancelled.pk, currency="USD"
    )
    order_services.order_confirm(actor=cast.merchandiser, order_id=cancelled.pk, method="email")
    order_services.order_request_deposit(actor=cast.merchandiser, order_id=cancelled.pk)
    assert ("USD", cancelled.payments.get().due_date) in receivable_tally()
    order_services.order_cancel(actor=cast.supervisor, order_id=cancelled.pk, reason="x")
    balance = order_in_status(cast, S.AWAITING_BALANCE)  # the deposit received, the rest asked
    order_in_status(cast, S.PAID)  # every request received

    assert_tallies_equal_a_recount()
    deposit = partly.payments.get(kind=PaymentKind.DEPOSIT)
    owed = balance.payments.get(kind=PaymentKind.BALANCE)
    expected: dict = {}
    for payment, outstanding in ((deposit, Decimal("200.00")), (owed, owed.amount_due)):
        row = expected.setdefault(("CNY", payment.due_date), [Decimal(0), 0])
        row[0], row[1] = row[0] + outstanding, row[1] + 1
    assert receivable_tally() == {key: tuple(row) for key, row in expected.items()}
    # The dashboard's totals are the receivables page's, per currency.
    totals = selectors.receivables_by_currency(cast.supervisor)["per_currency"]
    page = selectors.receivables_ageing(cast.supervisor)["per_currency"]
    assert [(row["order__currency"], row["total"]) for row in totals] == [
        (row["order__currency"], row["total"]) for row in page
    ]


def test_an_order_whose_last_shipment_left_after_its_contract_date_is_shipped_late(cast):
    order = order_in_status(cast, S.PAID)
    Order.objects.filter(pk=order.pk).update(
        contract_delivery_date=timezone.localdate() - dt.timedelta(days=3)
    )
    ship_all(cast, Order.objects.get(pk=order.pk))

    month = tallies.month_of(timezone.now())
    assert delivery_tally() == {(cast.merchandiser.pk, month): (1, 0)}
    on_time = selectors.on_time_delivery_by_month(cast.supervisor)[-1]
    assert (on_time["shipped"], on_time["on_time"], on_time["rate"]) == (1, 0, 0)


def test_the_dashboard_reads_the_same_figures_from_the_tallies_as_from_the_orders(cast):
    for status in (S.DRAFT, S.AWAITING_DEPOSIT, S.SHIPPED, S.CLOSED, S.CANCELLED):
        order_in_status(cast, status)
    order_in_status(cast, S.SHIPPED, owner=cast.other_merchandiser)
    admin = type(cast.supervisor).objects.create_superuser("root", "root@example.com", "x")

    # The supervisor reads the tallies; a user seeing some orders only counts them.
    # Share every order with a merchandiser so that both cover the same orders.
    for order in Order.objects.all():
        order.shared_with.add(cast.merchandiser)
    assert selectors.order_counts_by_status(cast.supervisor) == (
        selectors.order_counts_by_status(cast.merchandiser)
    )
    assert selectors.on_time_delivery_by_month(cast.supervisor) == (
        selectors.on_time_delivery_by_month(cast.merchandiser)
    )
    assert selectors.merchandiser_workload(admin) == selectors.merchandiser_workload(
        cast.merchandiser
    )
    by_status = {s: n for s, _label, n in selectors.order_counts_by_status(admin)}
    assert by_status[S.SHIPPED] == 2 and by_status[S.CANCELLED] == 1


def test_the_supervisors_counts_come_from_the_tallies(cast, client):
    order_in_status(cast, S.CLOSED)
    client.force_login(cast.supervisor)
    assert client.get(reverse("orders:dashboard")).status_code == 200

    StatusTally.objects.filter(status=S.CLOSED).update(orders=5)

    counts = {s: n for s, _label, n in selectors.order_counts_by_status(cast.supervisor)}
    assert counts[S.CLOSED] == 5


def test_rebuild_recounts_orders_written_around_the_services(cast):
    create_order(cast)
    Order.objects.update(status=S.CONFIRMED)  # e.g. a bulk load

    assert tallies.rebuild() == (1, 0)
    assert status_tally() == {(cast.merchandiser.pk, S.CONFIRMED): 1}


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_of_one_owners_orders_all_count(cast):
    drafts = [create_order(cast) for _ in range(6)]

    def confirm(order_id):
        return lambda: order_services.order_confirm(
            actor=cast.merchandiser, order_id=order_id, method="email"
        )

    results, errors = run_together(*[confirm(order.pk) for order in drafts])

    assert errors == [] and len(results) == 6
    assert status_tally() == {(cast.merchandiser.pk, S.CONFIRMED): 6}


def test_a_change_of_several_requests_bumps_their_tally_rows_in_due_date_order(cast):
    """Two requests of one order, the later one due first: cancelling the order voids
    both and changes their receivable tally rows earliest due date first, the order
    every change keeps (so two changes never wait for each other in a circle)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders.kernel import create
    from orders.models import Payment, PaymentStatus

    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    deposit = order.payments.get(kind=PaymentKind.DEPOSIT)
    earlier = deposit.due_date - dt.timedelta(days=5)
    create(
        Payment,
        cast.supervisor,
        order=order,
        kind=PaymentKind.BALANCE,
        amount_due=Decimal("50.00"),
        requested_at=timezone.now(),
        requested_by=cast.supervisor,
        due_date=earlier,
    )

    with CaptureQueriesContext(connection) as queries:
        order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="客户取消")

    bumped = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "orders_receivabletally"')
    ]
    assert len(bumped) == 2
    assert earlier.isoformat() in bumped[0] and deposit.due_date.isoformat() in bumped[1]
    assert set(order.payments.values_list("status", flat=True)) == {PaymentStatus.VOIDED}
    assert_tallies_equal_a_recount()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=draft",
        "?status=draft&status=confirmed",
        "?status_group=open",
        "?owner=OWNER",
        "?owner=OWNER&status_group=open&status=confirmed",
        "?search=GD",
        "?overdue=true",
    ],
)
def test_the_order_list_counts_as_many_orders_as_it_filters(cast, client, query):
    """Counted from the status tally when only statuses and an owner filter the list (a
    supervisor sees every order), else by the database: the same number either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for status in (S.DRAFT, S.CONFIRMED, S.CONFIRMED, S.CANCELLED):
        order_in_status(cast, status)
    create_order(cast, owner=cast.other_merchandiser)
    query = query.replace("OWNER", str(cast.merchandiser.pk))
    for user in (cast.supervisor, cast.merchandiser):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/orders/{query}")
        assert response.status_code == 200
        expected = response.context["filters"].qs.count()
        assert response.context["page_obj"].paginator.count == expected
        assert f"{expected} 个订单" in response.content.decode()
        counted = any(
            q["sql"].startswith("SELECT COUNT(*)") and '"orders_order"' in q["sql"]
            for q in queries.captured_queries
        )
        tallied = user == cast.supervisor and query in (
            "",
            "?status=draft",
            "?status=draft&status=confirmed",
            "?status_group=open",
            f"?owner={cast.merchandiser.pk}",
            f"?owner={cast.merchandiser.pk}&status_group=open&status=confirmed",
        )
        assert counted is not tallied
