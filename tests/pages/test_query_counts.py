"""Every list page issues the same number of SQL queries with 5 rows as with 50."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import services as order_services
from orders.states import OrderStatus as S
from production import services as production_services
from shipping import services as shipping_services
from tests.factories import (
    Cast,
    CustomerFactory,
    ProductFactory,
    create_order,
    order_in_status,
    stage,
)

from .conftest import client_for


def _orders(status: str) -> Callable[[Cast, int, dict], None]:
    def add(cast: Cast, n: int, state: dict) -> None:
        for i in range(n):
            owner = cast.merchandiser if i % 2 else cast.other_merchandiser
            order_in_status(cast, status, quantities=(10,), owner=owner)

    return add


def _orders_of_one_customer(cast: Cast, n: int, state: dict) -> None:
    customer = state.setdefault("customer", CustomerFactory())
    product = state.setdefault("product", ProductFactory())
    for _ in range(n):
        order = order_services.order_create(
            actor=cast.merchandiser,
            customer_id=customer.pk,
            lines=[{"product": product.pk, "quantity": 5, "unit_price": "3.00"}],
            contract_delivery_date=timezone.localdate() + dt.timedelta(days=30),
        )
        order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="fax")


def _shipments(cast: Cast, n: int, state: dict) -> None:
    """One paid order with many lines; a shipment per line."""
    if "order" not in state:
        state["order"] = order_in_status(cast, S.PAID, quantities=(1,) * 50)
        state["lines"] = list(state["order"].lines.order_by("position"))
    for _ in range(n):
        line = state["lines"].pop(0)
        shipping_services.shipment_create(
            actor=cast.merchandiser,
            order_id=state["order"].pk,
            planned_ship_date=timezone.localdate(),
            mode="sea",
            lines=[{"order_line": line.pk, "quantity": 1}],
        )


def _cases(cast: Cast, n: int, state: dict) -> None:
    order = state.setdefault("order", order_in_status(cast, S.PARTIALLY_SHIPPED))
    for i in range(n):
        shipping_services.after_sales_case_open(
            actor=cast.merchandiser, order_id=order.pk, kind="complaint", description=f"#{i}"
        )


def _reports(cast: Cast, n: int, state: dict) -> None:
    """One production order in production; a progress report per day back from today."""
    if "production_order" not in state:
        order = order_in_status(cast, S.IN_PRODUCTION)
        state["production_order"] = order.production_orders.get()
        state["day"] = timezone.localdate()
    for _ in range(n):
        production_services.progress_report_create(
            actor=cast.production,
            production_order_id=state["production_order"].pk,
            date=state["day"],
            stage_id=stage("packing").pk,
            good_quantity=1,
        )
        state["day"] -= dt.timedelta(days=1)


def _drafts(cast: Cast, n: int, state: dict) -> None:
    for _ in range(n):
        create_order(cast, quantities=(10,))


def _customer_url(state: dict) -> str:
    return reverse("orders:customer_detail", args=[state["customer"].pk])


def _ledger_url(state: dict) -> str:
    return reverse("orders:sales_ledger") + f"?customer={state['customer'].pk}"


# (page, role, rows builder, url: a name or a function of the builder's state)
CASES = [
    ("home", "merchandiser", _orders(S.CONFIRMED), "home"),
    ("orders", "supervisor", _drafts, "orders:list"),
    ("orders export", "supervisor", _drafts, "orders:export"),
    ("finance queue", "finance", _orders(S.AWAITING_DEPOSIT), "orders:finance_queue"),
    ("finance export", "finance", _orders(S.AWAITING_DEPOSIT), "orders:finance_export"),
    ("home of finance", "finance", _orders(S.AWAITING_DEPOSIT), "home"),
    ("receivables", "finance", _orders(S.AWAITING_DEPOSIT), "orders:receivables"),
    ("customers", "supervisor", _drafts, "orders:customer_list"),
    ("customers export", "supervisor", _drafts, "orders:customer_export"),
    ("customer detail", "supervisor", _orders_of_one_customer, _customer_url),
    ("dashboard", "supervisor", _orders(S.AWAITING_DEPOSIT), "orders:dashboard"),
    ("daily report", "supervisor", _drafts, "orders:daily_report"),
    ("sales ledger", "finance", _orders(S.CONFIRMED), "orders:sales_ledger"),
    ("sales ledger of a customer", "finance", _orders_of_one_customer, _ledger_url),
    ("production board", "production", _orders(S.IN_PRODUCTION), "production:board"),
    ("quick entry", "production", _orders(S.IN_PRODUCTION), "production:quick_entry"),
    ("production orders", "production", _orders(S.IN_PRODUCTION), "production:list"),
    ("production export", "production", _orders(S.IN_PRODUCTION), "production:export"),
    ("progress reports", "supervisor", _reports, "production:report_list"),
    ("progress export", "supervisor", _reports, "production:report_export"),
    ("home of production", "production", _orders(S.IN_PRODUCTION), "home"),
    ("shipments", "merchandiser", _shipments, "shipping:shipment_list"),
    ("shipments export", "merchandiser", _shipments, "shipping:shipment_export"),
    ("after-sales", "merchandiser", _cases, "shipping:case_list"),
    ("after-sales export", "merchandiser", _cases, "shipping:case_export"),
]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(("name", "role", "add_rows", "url"), CASES, ids=[c[0] for c in CASES])
def test_a_list_page_issues_as_many_queries_for_50_rows_as_for_5(cast, name, role, add_rows, url):
    state: dict = {}
    client = client_for(getattr(cast, role))
    add_rows(cast, 5, state)
    target = url(state) if callable(url) else reverse(url)
    with_5 = _count(client, target)
    add_rows(cast, 45, state)
    with_50 = _count(client, target)
    assert with_50 == with_5, f"{name}: {with_5} queries with 5 rows, {with_50} with 50"
