"""Lists: cursor pagination over a total ordering, and a number of SQL queries that
does not depend on the page size."""

from __future__ import annotations

import base64
import json
from itertools import chain
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from gendan.api.pagination import KeysetCursorPagination
from orders.models import Customer, Order
from orders.states import OrderStatus as S
from production import services as production_services
from production.models import Stage
from shipping import services as shipping_services
from tests.factories import create_order, order_in_status


def all_pages(client, url):
    """Follow ``next`` links; return the pages' ids and the last response."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        pages.append([row["id"] for row in response.json()["results"]])
        url = response.json()["next"]
    return pages, response


def test_pages_follow_one_another_without_gaps_or_repeats_through_ties(cast, api):
    orders = [create_order(cast) for _ in range(12)]  # one contract delivery date for all
    client = api(cast.supervisor)

    pages, last = all_pages(client, "/api/v1/orders/?ordering=contract_delivery_date&page_size=5")

    assert [len(page) for page in pages] == [5, 5, 2]
    assert list(chain(*pages)) == [order.pk for order in orders]  # ties broken by id
    backwards = []
    url = last.json()["previous"]
    while url:
        response = client.get(url)
        backwards.insert(0, [row["id"] for row in response.json()["results"]])
        url = response.json()["previous"]
    assert backwards == pages[:-1]


def test_pages_ordered_by_the_customer_name_follow_one_another_both_ways(cast, api):
    """An ordering on a related field (the page's sortable customer column): the cursor
    carries the customer's name."""
    names = ["Delta", "Alpha", "Charlie", "Alpha", "Bravo", "Echo", "Bravo"]
    orders = [create_order(cast) for _ in names]
    for order, name in zip(orders, names, strict=True):
        Customer.objects.filter(pk=order.customer_id).update(name=name)
    client = api(cast.supervisor)

    pages, last = all_pages(client, "/api/v1/orders/?ordering=-customer&page_size=3")

    by_name = sorted(zip(names, orders, strict=True), key=lambda p: (p[0], p[1].pk), reverse=True)
    assert list(chain(*pages)) == [order.pk for _name, order in by_name]
    backwards = []
    url = last.json()["previous"]
    while url:
        response = client.get(url)
        backwards.insert(0, [row["id"] for row in response.json()["results"]])
        url = response.json()["previous"]
    assert backwards == pages[:-1]


def test_an_ordering_the_list_does_not_know_is_refused_naming_the_parameter(cast, api):
    # Issue 12: an unknown value is refused, never silently ignored (it was left out).
    first, second = create_order(cast), create_order(cast)
    client = api(cast.supervisor)

    def ids(ordering):
        response = client.get("/api/v1/orders/", {"ordering": ordering})
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    for bad in ("--number,-,,x\x00,id", "nonsense", "--id", "number,bogus", "-"):
        response = client.get("/api/v1/orders/", {"ordering": bad})
        assert response.status_code == 400, bad
        assert list(response.json()["fields"]) == ["ordering"], bad
    assert ids(" -id , ") == [second.pk, first.pk]  # spaces and empty items are no names
    assert ids("id") == [first.pk, second.pk]


def test_rows_added_between_pages_are_neither_repeated_nor_skipped(cast, api):
    for _ in range(6):
        create_order(cast)
    client = api(cast.supervisor)

    first = client.get("/api/v1/orders/?page_size=3").json()  # newest first
    newer = create_order(cast)
    rest, _ = all_pages(client, first["next"])

    seen = [*(row["id"] for row in first["results"]), *chain(*rest)]
    assert len(seen) == len(set(seen)) == 6
    assert newer.pk not in seen


def test_updated_after_with_ordering_by_updated_at_syncs_everything_once(cast, api):
    orders = [create_order(cast) for _ in range(7)]
    same_moment = timezone.now()
    Order.objects.update(updated_at=same_moment)  # a bulk import: all one timestamp
    client = api(cast.integration)

    query = {"ordering": "updated_at", "page_size": 2, "updated_after": same_moment.isoformat()}
    pages, _ = all_pages(client, f"/api/v1/orders/?{urlencode(query)}")

    assert sorted(chain(*pages)) == [o.pk for o in orders]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(json.dumps({"p": ["x"], "r": 0, "o": ["-pk"]}).encode()).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"p": [1], "r": 0, "o": ["number", "pk"]}).encode()
        ).decode(),
    ],
)
def test_a_forged_cursor_is_400(cast, api, cursor):
    response = api(cast.supervisor).get("/api/v1/orders/", {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["fields"]["cursor"][0]["code"] == "invalid_cursor"


def test_page_size_is_capped_at_200():
    paginator = KeysetCursorPagination()
    request = Request(APIRequestFactory().get("/api/v1/orders/", {"page_size": "5000"}))

    assert paginator.get_page_size(request) == 200


# --- query counts ---------------------------------------------------------------------

# Every list endpoint and the queries one page of it costs, whatever its size: the
# caller's token (with its user, roles and API client, in one query), then the rows
# and one query per prefetched relation.
LISTS = {
    "customers": 2,
    "products": 2,
    "orders": 3,  # + lines
    "payments": 3,  # + receipts
    "stages": 2,
    "production-orders": 3,  # + milestones
    "progress-reports": 2,
    "inspections": 2,
    "incidents": 2,
    "shipments": 4,  # + lines, documents
    "after-sales": 2,
}


def many_of_everything(cast, count: int = 7) -> None:
    """``count`` shipped orders, each with payments, a production order with a progress
    report and inspection, an incident, shipments and an after-sales case; more stages."""
    for i in range(count):
        Stage.objects.create(code=f"extra-{i}", name=f"extra {i}", position=100 + i)
    for _ in range(count):
        order = order_in_status(cast, S.SHIPPED)
        production_services.incident_open(
            actor=cast.merchandiser, order_id=order.pk, kind="delay", description="late"
        )
        shipping_services.after_sales_case_open(
            actor=cast.merchandiser, order_id=order.pk, kind="complaint", description="x"
        )


@pytest.mark.parametrize("who", ["supervisor", "integration", "merchandiser"])
def test_the_queries_of_a_list_do_not_depend_on_its_page_size(
    cast, api, django_assert_num_queries, who
):
    many_of_everything(cast)
    client = api(getattr(cast, who))
    counts = {}

    for name in LISTS:
        path = f"/api/v1/{name}/"
        with CaptureQueriesContext(connection) as small:
            few = client.get(path, {"page_size": 5})
        with django_assert_num_queries(len(small)):
            many = client.get(path, {"page_size": 100})
        if few.status_code == 403:  # a machine client without this scope
            continue
        if name == "stages":  # reference data: one short list, not paginated
            assert len(few.json()) == len(many.json()) > 5
        else:
            assert len(few.json()["results"]) == 5, name
            assert len(many.json()["results"]) > 5, name
        counts[name] = len(small)

    # Pinned: a new N+1 shows up here.
    assert counts == {name: queries for name, queries in LISTS.items() if name in counts}, counts


def test_a_moment_with_an_offset_postgresql_refuses_is_still_a_valid_filter(cast, api):
    # ISO 8601 allows +18:13; PostgreSQL refuses offsets beyond ±15:59 (found by schemathesis).
    order_in_status(cast, S.AWAITING_DEPOSIT)
    client = api(cast.supervisor)
    for path in (
        # (A date before 1900 is refused now: issue 12, dates without bounds.)
        "/api/v1/payments/?updated_after=2026-08-31T10:13:04%2B18:13&due_date_before=1915-03-31",
        "/api/v1/incidents/?opened_at_after=2026-01-01T00:00:00-17:00",
        "/api/v1/after-sales/?received_at_before=2026-01-01T00:00:00%2B17:30",
    ):
        assert client.get(path).status_code == 200, path


def test_no_filterset_filters_anything_without_a_filter_parameter(db):
    """Why the API's filter backend may skip a FilterSet when no filter is asked."""
    from gendan.api.urls import router

    filtersets = {
        viewset.filterset_class
        for _prefix, viewset, _basename in router.registry
        if getattr(viewset, "filterset_class", None)
    }
    assert len(filtersets) >= 8
    for filterset_class in filtersets:
        queryset = filterset_class._meta.model._default_manager.all()
        filtered = filterset_class(data={}, queryset=queryset).qs
        assert str(filtered.query) == str(queryset.query), filterset_class.__name__
