"""One filter per list: the same query string — several filters, a search and an
ordering — gives the same rows, in the same order, on the page, in its Excel export and
in the API (orders/filters.py, production/filters.py, shipping/filters.py).

Each world is built so that every parameter of its query changes the API's answer
(checked first): a surface that ignored one would show other rows, or another order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from orders.models import Customer, Order, Payment, PaymentKind, Product
from orders.states import OrderStatus as S
from production import services as production_services
from production.models import ProductionOrder, ProgressReport
from shipping import services as shipping_services
from shipping.models import AfterSalesCase, Shipment
from tests.api.conftest import bearer
from tests.factories import (
    Cast,
    CustomerFactory,
    ProductFactory,
    backdate,
    create_order,
    order_in_status,
    pay,
    stage,
)
from tests.pages.conftest import client_for


@pytest.fixture(autouse=True)
def _api_cache(settings):
    # Fresh throttle counters for the API calls of each test.
    settings.CACHES = {
        **settings.CACHES,
        "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lists"},
    }


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@dataclass
class Surfaces:
    """A list's page, export and API path, and how each names a row: ``key`` of an
    object (page and API), ``cell`` of an exported row."""

    user: Any
    page: str
    export: str
    api: str
    model: type[Model]
    key: Callable[[Any], Any]
    cell: Callable[[tuple], Any]

    def page_rows(self, query: dict) -> list:
        response = client_for(self.user).get(reverse(self.page), query)
        assert response.status_code == 200
        return [self.key(obj) for obj in response.context["page_obj"]]

    def export_rows(self, query: dict) -> list:
        response = client_for(self.user).get(reverse(self.export), query)
        assert response.status_code == 200, response.content[:500]
        (sheet,) = load_workbook(BytesIO(response.content)).worksheets
        return [self.cell(row) for row in list(sheet.iter_rows(values_only=True))[1:]]

    def api_rows(self, query: dict) -> list:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(self.user)}")
        response = client.get(f"{self.api}?{urlencode(query, doseq=True)}")
        assert response.status_code == 200, response.json()
        ids = [row["id"] for row in response.json()["results"]]
        objects = self.model._default_manager.in_bulk(ids)
        return [self.key(objects[pk]) for pk in ids]

    def check(self, query: dict, expected: list, *, each_matters: bool = True) -> None:
        """Every surface answers ``expected`` to ``query``; and (``each_matters``) no
        parameter of it is idle: without any one of them, the API answers otherwise."""
        assert self.api_rows(query) == expected
        for name in query if each_matters else ():
            rest = {key: value for key, value in query.items() if key != name}
            assert self.api_rows(rest) != expected, f"{name} changes nothing here"
        if each_matters:  # the page's own default order is not the one asked for either
            unordered = {key: value for key, value in query.items() if key != "ordering"}
            assert self.page_rows(unordered) != expected
        assert self.page_rows(query) == expected
        assert self.export_rows(query) == expected


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _named(order: Order, name: str) -> Order:
    Customer.objects.filter(pk=order.customer_id).update(name=name)
    return order


def test_the_order_list_filters_alike_on_the_page_in_the_export_and_in_the_api(cast: Cast):
    def confirmed(name: str, due: int, **kwargs) -> Order:
        order = _named(order_in_status(cast, S.CONFIRMED, **kwargs), name)
        Order.objects.filter(pk=order.pk).update(contract_delivery_date=days(due))
        return order

    near = confirmed("Nordwind GmbH", 10)
    far = confirmed("Nordwind AG", 30)
    _named(create_order(cast), "Nordwind KG")  # a draft
    confirmed("Nordwind SA", 20, owner=cast.other_merchandiser)
    confirmed("Sunrise Ltd", 20)
    confirmed("Nordwind Ltd", 90)  # beyond the date range
    confirmed("Nordwind Old", -5)  # overdue
    lists = Surfaces(
        cast.supervisor,
        "orders:list",
        "orders:export",
        "/api/v1/orders/",
        Order,
        key=lambda order: order.number,
        cell=lambda row: row[0],
    )

    query = {
        "status": [S.CONFIRMED, S.AWAITING_DEPOSIT],
        "owner": cast.merchandiser.pk,
        "search": "nordwind",
        "contract_delivery_date_before": days(60).isoformat(),
        "overdue": "false",
        "ordering": "contract_delivery_date",
    }
    lists.check(query, [near.number, far.number])
    reverse_order = {**query, "ordering": "-contract_delivery_date"}
    lists.check(reverse_order, [far.number, near.number], each_matters=False)


def test_the_payment_list_filters_alike_on_the_page_in_the_export_and_in_the_api(cast: Cast):
    def deposit(name: str, due: int) -> Payment:
        order = _named(order_in_status(cast, S.AWAITING_DEPOSIT), name)
        payment = order.payments.get(kind=PaymentKind.DEPOSIT)
        Payment.objects.filter(pk=payment.pk).update(due_date=days(due))
        return payment

    later = deposit("Nordwind GmbH", 10)
    sooner = deposit("Nordwind AG", 5)
    deposit("Sunrise Ltd", 7)
    deposit("Nordwind Ltd", 30)  # beyond the due date range
    part = deposit("Nordwind KG", 8)
    pay(cast, part.order, PaymentKind.DEPOSIT, amount=Decimal("1.00"))  # partially received
    _named(order_in_status(cast, S.AWAITING_BALANCE), "Nordwind SA")  # a balance; deposit in
    lists = Surfaces(
        cast.finance,
        "orders:finance_queue",
        "orders:finance_export",
        "/api/v1/payments/",
        Payment,
        key=lambda payment: payment.order.number,
        cell=lambda row: row[0],
    )

    query = {
        "kind": PaymentKind.DEPOSIT,
        "status": "requested",
        "search": "nordwind",
        "due_date_before": days(20).isoformat(),
        "ordering": "-due_date",
    }
    lists.check(query, [later.order.number, sooner.order.number])


def test_the_customer_list_filters_alike_on_the_page_in_the_export_and_in_the_api(cast: Cast):
    alpha = CustomerFactory(name="Nordwind Alpha", country="DE")
    beta = CustomerFactory(name="Nordwind Beta", country="DE")
    CustomerFactory(name="Nordwind Gamma", country="CN")
    CustomerFactory(name="Nordwind Delta", country="DE", is_active=False)
    CustomerFactory(name="Sunrise", country="DE")
    lists = Surfaces(
        cast.supervisor,
        "orders:customer_list",
        "orders:customer_export",
        "/api/v1/customers/",
        Customer,
        key=lambda customer: customer.code,
        cell=lambda row: row[0],
    )

    query = {"search": "nordwind", "country": "DE", "is_active": "true", "ordering": "-name"}
    lists.check(query, [beta.code, alpha.code])


def test_the_product_list_filters_alike_on_the_page_in_the_export_and_in_the_api(cast: Cast):
    alpha = ProductFactory(item_number="HX-A", name="Polo alpha", series="P-200")
    beta = ProductFactory(item_number="HX-B", name="Polo beta", series="P-200")
    ProductFactory(item_number="HX-C", name="Polo gamma", series="P-300")
    ProductFactory(item_number="HX-D", name="Polo delta", series="P-200", is_active=False)
    ProductFactory(item_number="HX-E", name="Cap", series="P-200")
    lists = Surfaces(
        cast.merchandiser,
        "orders:product_list",
        "orders:product_export",
        "/api/v1/products/",
        Product,
        key=lambda product: product.item_number,
        cell=lambda row: row[0],
    )

    query = {"search": "polo", "series": "P-200", "is_active": "true", "ordering": "-name"}
    lists.check(query, [beta.item_number, alpha.item_number])


def test_the_receivables_ageing_export_honours_the_filters_and_ages_from_the_due_date(
    cast: Cast,
):
    late = _named(order_in_status(cast, S.AWAITING_DEPOSIT), "Nordwind late")
    soon = _named(order_in_status(cast, S.AWAITING_DEPOSIT), "Nordwind soon")
    other = _named(order_in_status(cast, S.AWAITING_DEPOSIT), "Sunrise")
    Payment.objects.filter(order=late).update(due_date=days(-45))
    Payment.objects.filter(order=soon).update(due_date=days(3))
    Payment.objects.filter(order=other).update(due_date=days(-100))
    response = client_for(cast.finance).get(
        reverse("orders:receivables_export"), {"search": "nordwind"}
    )
    assert response.status_code == 200
    detail, summary = load_workbook(BytesIO(response.content)).worksheets
    rows = list(detail.iter_rows(min_row=3, values_only=True))
    assert [(row[2], row[11], row[12]) for row in rows] == [
        (late.number, 45, "逾期 31–60 天"),
        (soon.number, 0, "未到期"),
    ]
    assert other.number not in {row[2] for row in rows}
    sums = list(summary.iter_rows(min_row=2, values_only=True))
    assert len(sums) == 2 and all(row[-1] > 0 for row in sums)
    forbidden = client_for(cast.production).get(reverse("orders:receivables_export"))
    assert forbidden.status_code == 403


def _in_production(cast: Cast, name: str) -> ProductionOrder:
    order = _named(order_in_status(cast, S.IN_PRODUCTION), name)
    return order.production_orders.get()


def test_the_production_order_list_filters_alike_on_the_page_in_the_export_and_in_the_api(
    cast: Cast,
):
    def issued(name: str, finish: int, factory: str = "Workshop 1") -> ProductionOrder:
        production_order = _in_production(cast, name)
        ProductionOrder.objects.filter(pk=production_order.pk).update(
            planned_finish=days(finish), factory=factory
        )
        return production_order

    later = issued("B", 15)
    sooner = issued("A", 10)
    issued("C", 12, factory="Outside Sewing Co")
    issued("D", 40)  # beyond the planned finish range
    started = issued("E", 11)
    production_services.production_order_start(
        actor=cast.production, production_order_id=started.pk
    )
    lists = Surfaces(
        cast.supervisor,
        "production:list",
        "production:export",
        "/api/v1/production-orders/",
        ProductionOrder,
        key=lambda production_order: production_order.number,
        cell=lambda row: row[0],
    )

    query = {
        "status": "issued",
        "search": "workshop",
        "planned_finish_before": days(20).isoformat(),
        "ordering": "-planned_finish",
    }
    lists.check(query, [later.number, sooner.number])


def test_the_progress_report_list_filters_alike_on_the_page_in_the_export_and_in_the_api(
    cast: Cast,
):
    # Issued weeks ago, so that reports may be dated back to then.
    mine, other = _in_production(cast, "A"), _in_production(cast, "B")
    for production_order in (mine, other):
        backdate(production_order.order, 30)

    def report(production_order, on: int, code: str = "packing", good: int = 10) -> ProgressReport:
        return production_services.progress_report_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            date=days(on),
            stage_id=stage(code).pk,
            good_quantity=good,
        )

    earlier = report(mine, -1)
    today = report(mine, 0)
    report(mine, 0, "cutting", good=100)  # more cut than packed (a later stage never passes it)
    report(other, 0)
    report(mine, -10)  # before the date range
    lists = Surfaces(
        cast.supervisor,
        "production:report_list",
        "production:report_export",
        "/api/v1/progress-reports/",
        ProgressReport,
        key=lambda report: (report.production_order.number, report.date, report.stage.name),
        cell=lambda row: (row[1], _day(row[0]), row[3]),
    )

    query = {
        "stage": "packing",
        "date_after": days(-3).isoformat(),
        "search": mine.number,
        "ordering": "date",
    }
    expected = [(mine.number, r.date, r.stage.name) for r in (earlier, today)]
    lists.check(query, expected)


def test_the_shipment_list_filters_alike_on_the_page_in_the_export_and_in_the_api(cast: Cast):
    nordwind = _named(order_in_status(cast, S.PAID, quantities=(1,) * 5), "Nordwind GmbH")
    sunrise = _named(order_in_status(cast, S.PAID, quantities=(1,)), "Sunrise Ltd")
    lines = list(nordwind.lines.order_by("position"))

    def shipment(order: Order, line, planned: int) -> Shipment:
        return shipping_services.shipment_create(
            actor=cast.merchandiser,
            order_id=order.pk,
            planned_ship_date=days(planned),
            mode="sea",
            lines=[{"order_line": line.pk, "quantity": 1}],
        )

    sooner = shipment(nordwind, lines[0], 2)
    later = shipment(nordwind, lines[1], 5)
    shipped = shipment(nordwind, lines[2], 3)
    shipping_services.shipment_ship(actor=cast.merchandiser, shipment_id=shipped.pk)
    shipment(sunrise, sunrise.lines.get(), 4)
    shipment(nordwind, lines[3], 40)  # beyond the planned date range
    lists = Surfaces(
        cast.supervisor,
        "shipping:shipment_list",
        "shipping:shipment_export",
        "/api/v1/shipments/",
        Shipment,
        key=lambda shipment: shipment.number,
        cell=lambda row: row[0],
    )

    query = {
        "status": "planned",
        "search": "nordwind",
        "planned_ship_date_before": days(20).isoformat(),
        "ordering": "planned_ship_date",
    }
    lists.check(query, [sooner.number, later.number])


def test_the_after_sales_list_filters_alike_on_the_page_in_the_export_and_in_the_api(cast: Cast):
    nordwind = _named(order_in_status(cast, S.SHIPPED), "Nordwind GmbH")
    sunrise = _named(order_in_status(cast, S.SHIPPED), "Sunrise Ltd")
    now = timezone.now()
    # The goods left weeks ago, so that complaints may be dated back to then.
    for order in (nordwind, sunrise):
        backdate(order, 40)
    Shipment.objects.filter(order__in=(nordwind, sunrise)).update(actual_ship_date=days(-40))

    def case(order: Order, text: str, days_ago: int, kind: str = "complaint") -> AfterSalesCase:
        return shipping_services.after_sales_case_open(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind=kind,
            description=text,
            received_at=now - dt.timedelta(days=days_ago),
        )

    older = case(nordwind, "colour fades", 2)
    newer = case(nordwind, "seams open", 1)
    case(nordwind, "wrong size", 1, kind="return")
    case(sunrise, "stains", 1)
    case(nordwind, "long ago", 30)  # before the date range
    investigated = case(nordwind, "buttons", 1)
    shipping_services.after_sales_case_investigate(actor=cast.merchandiser, case_id=investigated.pk)
    lists = Surfaces(
        cast.supervisor,
        "shipping:case_list",
        "shipping:case_export",
        "/api/v1/after-sales/",
        AfterSalesCase,
        key=lambda case: case.description,
        cell=lambda row: row[5],
    )

    query = {
        "status": "open",
        "kind": "complaint",
        "search": "nordwind",
        "received_at_after": (now - dt.timedelta(days=7)).isoformat(),
        "ordering": "received_at",
    }
    lists.check(query, [older.description, newer.description])
