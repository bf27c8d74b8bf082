"""The orders list keeps its page statements compiled (``RowsListMixin.list_statements``):
the same pages as a list built and compiled for every request, for every person, both
ways, and never a stale scope, filter or result."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gendan import policy
from gendan.db import Statements
from gendan.roles import Role
from orders.api.views import OrderViewSet
from orders.models import Order
from orders.states import OrderStatus as S
from tests.factories import create_order


@pytest.fixture
def statements(monkeypatch) -> Statements:
    """An empty set of kept statements for this test (the process keeps its own)."""
    kept = Statements(size=16)
    monkeypatch.setattr(OrderViewSet, "list_statements", kept)
    return kept


def walk(client, url: str) -> tuple[list[list[dict]], list[list[dict]]]:
    """Every page forwards by ``next``, then backwards from the last by ``previous``."""
    forwards, response = [], None
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        forwards.append(response.json()["results"])
        url = response.json()["next"]
    backwards, url = [], response.json()["previous"]
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        backwards.insert(0, response.json()["results"])
        url = response.json()["previous"]
    return forwards, backwards


def built_every_time(client, url: str, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(OrderViewSet, "list_statements", None)
        return walk(client, url)


@pytest.fixture
def orders(cast):
    mine = [create_order(cast) for _ in range(4)]
    theirs = [create_order(cast, owner=cast.other_merchandiser) for _ in range(5)]
    theirs[1].shared_with.add(cast.merchandiser)
    theirs[3].shared_with.add(cast.merchandiser)
    return mine, theirs


@pytest.mark.parametrize("person", ["merchandiser", "supervisor", "integration"])
def test_kept_statements_give_the_pages_of_the_list_built_for_every_request(
    person, cast, api, orders, statements, monkeypatch
):
    client = api(getattr(cast, person))

    forwards, backwards = walk(client, "/api/v1/orders/?page_size=2")

    assert (forwards, backwards) == built_every_time(
        client, "/api/v1/orders/?page_size=2", monkeypatch
    )
    seen = [row["id"] for page in forwards for row in page]
    mine, theirs = orders
    if person == "merchandiser":
        expected = [o.pk for o in [*mine, theirs[1], theirs[3]]]
    else:
        expected = [o.pk for o in [*mine, *theirs]]
    assert seen == sorted(expected, reverse=True)
    assert backwards == forwards[:-1]
    # First page, a later page forwards, a page backwards: three statements, used again
    # by the second walk rather than compiled anew.
    assert len(statements) == 3
    walk(client, "/api/v1/orders/?page_size=2")
    assert len(statements) == 3


def test_a_role_given_to_a_person_shows_at_once_on_the_next_page(cast, api, orders, statements):
    client = api(cast.merchandiser)
    before = [row["id"] for row in client.get("/api/v1/orders/?page_size=50").json()["results"]]

    cast.merchandiser.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    after = [row["id"] for row in client.get("/api/v1/orders/?page_size=50").json()["results"]]

    mine, theirs = orders
    assert len(before) == 6
    assert sorted(after) == sorted(o.pk for o in [*mine, *theirs])

    cast.merchandiser.groups.remove(Group.objects.get(name=Role.SUPERVISOR))
    again = [row["id"] for row in client.get("/api/v1/orders/?page_size=50").json()["results"]]
    assert again == before


def test_a_kept_statement_reads_the_rows_of_now_not_those_it_first_read(
    cast, api, orders, statements
):
    client = api(cast.supervisor)
    first = client.get("/api/v1/orders/?page_size=3").json()
    second = client.get(first["next"]).json()

    newest = create_order(cast)
    second_again = client.get(first["next"]).json()
    first_again = client.get("/api/v1/orders/?page_size=3").json()

    assert first_again["results"][0]["id"] == newest.pk
    assert [row["id"] for row in second_again["results"]] == [
        row["id"] for row in second["results"]
    ]
    _mine, theirs = orders
    changed = theirs[-1]
    changed.customer_po = "PO-CHANGED"
    changed.save(update_fields=["customer_po"])
    rows = client.get("/api/v1/orders/?page_size=3").json()["results"]
    assert {row["id"]: row["customer_po"] for row in rows}[changed.pk] == "PO-CHANGED"


def test_a_filtered_searched_or_ordered_list_keeps_no_statement(cast, api, orders, statements):
    mine, theirs = orders
    confirmed = theirs[2]
    type(confirmed).objects.filter(pk=confirmed.pk).update(status=S.CONFIRMED)
    client = api(cast.supervisor)

    filtered = client.get("/api/v1/orders/?status=confirmed").json()["results"]
    ordered = client.get("/api/v1/orders/?ordering=id&page_size=2").json()["results"]
    searched = client.get(f"/api/v1/orders/?search={confirmed.number}").json()["results"]

    assert [row["id"] for row in filtered] == [confirmed.pk]
    assert [row["id"] for row in ordered] == [mine[0].pk, mine[1].pk]
    assert [row["id"] for row in searched] == [confirmed.pk]
    assert len(statements) == 0


def test_a_bad_page_size_or_cursor_is_still_a_400(cast, api, orders, statements):
    client = api(cast.supervisor)

    assert client.get("/api/v1/orders/?page_size=0").status_code == 400
    response = client.get("/api/v1/orders/?cursor=bm90LWpzb24")
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"] or "cursor" in str(response.json())
    assert len(statements) == 0


def test_a_page_from_a_kept_statement_takes_no_more_queries(cast, api, orders, statements):
    client = api(cast.supervisor)
    url = client.get("/api/v1/orders/?page_size=2").json()["next"]
    client.get(url)

    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    statements.clear()
    with CaptureQueriesContext(connection) as compiled:
        client.get(url)

    assert len(kept) == len(compiled) <= 3
    assert [q["sql"] for q in kept] == [q["sql"] for q in compiled]


def test_statements_keep_only_the_most_recently_used():
    kept = Statements(size=2)
    kept.keep("a", "A")
    kept.keep("b", "B")
    assert kept.get("a") == "A"  # "a" is now the most recent
    kept.keep("c", "C")

    assert len(kept) == 2
    assert kept.get("b") is None
    assert (kept.get("a"), kept.get("c")) == ("A", "C")


# -- a person's own and shared orders by index (policy.order_scope_sources) -------------


@pytest.fixture
def interleaved(cast):
    """The merchandiser's own orders, orders shared with them and others' orders,
    mixed in id order, so that every page takes rows from both sources."""
    owners = [cast.merchandiser, cast.other_merchandiser, cast.other_merchandiser] * 4
    made = [create_order(cast, owner=owner) for owner in owners]
    shared = [order for i, order in enumerate(made) if i % 3 == 1]
    for order in shared:
        order.shared_with.add(cast.merchandiser)
    # Shared with its owner too: listed by both sources, shown once.
    made[0].shared_with.add(cast.merchandiser)
    visible = [o.pk for o in made if o.owner_id == cast.merchandiser.pk or o in shared]
    return sorted(visible, reverse=True)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 50])
def test_a_persons_pages_come_from_their_own_and_shared_orders_by_index(
    size, cast, api, interleaved, statements, monkeypatch
):
    client = api(cast.merchandiser)
    url = f"/api/v1/orders/?page_size={size}"

    with CaptureQueriesContext(connection) as queries:
        forwards, backwards = walk(client, url)
    # (Read now: the next request empties the query log.)
    pages = [q["sql"] for q in queries if 'FROM "orders_order" INNER JOIN' in q["sql"]]

    assert [row["id"] for page in forwards for row in page] == interleaved
    assert backwards == forwards[:-1] or (len(forwards) == 1 and backwards == [])
    assert (forwards, backwards) == built_every_time(client, url, monkeypatch)
    assert len(pages) == len(forwards) + len(backwards)
    if connection.features.supports_slicing_ordering_in_compound:
        assert all("UNION ALL" in sql for sql in pages)


def test_a_person_whose_roles_see_everything_or_production_pages_as_before(
    cast, api, interleaved, statements, monkeypatch
):
    cast.merchandiser.groups.add(Group.objects.get(name=Role.PRODUCTION))
    client = api(cast.merchandiser)

    with CaptureQueriesContext(connection) as queries:
        forwards, backwards = walk(client, "/api/v1/orders/?page_size=2")
    pages = [q["sql"] for q in queries if 'FROM "orders_order" INNER JOIN' in q["sql"]]

    assert (forwards, backwards) == built_every_time(
        client, "/api/v1/orders/?page_size=2", monkeypatch
    )
    assert len(pages) == len(forwards) + len(backwards)
    assert not any("UNION" in sql for sql in pages)


@pytest.mark.parametrize(
    ("person", "action"),
    [
        ("merchandiser", "order.view"),
        ("merchandiser", "order.update"),
        ("integration", "order.update"),
    ],
)
def test_a_scopes_sources_list_exactly_its_orders(person, action, cast, interleaved):
    user = getattr(cast, person)
    if person == "integration":  # orders the ERP client created
        Order.objects.filter(pk__in=interleaved[:2]).update(client=user)

    sources = policy.order_scope_sources(user, action)

    listed = set()
    for queryset, field in sources:
        ids = list(queryset.values_list(field, flat=True))
        assert len(ids) == len(set(ids))  # each lists an order at most once
        listed |= set(ids)
    scope = policy.order_scope(user, Order.objects.all(), action)
    expected = set(scope.values_list("pk", flat=True))
    assert listed == expected and expected


def test_people_who_see_every_order_or_none_have_no_sources(cast):
    cast.finance.is_active = False
    assert policy.order_scope_sources(cast.supervisor) is None
    assert policy.order_scope_sources(cast.integration) is None
    assert policy.order_scope_sources(cast.finance) is None
    assert policy.order_scope_sources(cast.production) is None  # no sources of its own
    assert policy.order_scope_sources(None) is None
