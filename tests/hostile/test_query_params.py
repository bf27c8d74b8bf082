"""Hostile query parameters (issue 12, classes 2 and 8): every value of every list's
filters is checked, never silently ignored and never a 500.

The API answers 400 naming the parameter; a page shows the error and the list without
that filter; the schema states the bounds the server checks. The API cases are drawn
from the schema itself, so a new list or filter is covered without a new test.
"""

from __future__ import annotations

import base64
import json
from functools import cache

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from gendan.filters import EARLIEST_DATE, LATEST_DATE
from orders.states import OrderStatus as S
from tests.factories import Cast, order_in_status
from tests.orders.helpers import snapshot

NUL = "\x00"


@cache
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _list_parameters() -> list[tuple[str, dict]]:
    """(path, parameter) of every query parameter of every list of the API."""
    found = []
    for path, item in _schema()["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        found += [(path, p) for p in operation.get("parameters", []) if p["in"] == "query"]
    return found


def _resolved(schema: dict) -> dict:
    if "$ref" in schema:
        return _schema()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def bad_values(parameter: dict) -> list[str]:
    """Values the server must refuse for ``parameter``, by what its schema says it takes."""
    schema = _resolved(parameter["schema"])
    if schema.get("type") == "array":
        schema = _resolved(schema["items"])
    values = [NUL, f"1{NUL}", f"a{NUL}b"]
    if "enum" in schema:
        values += ["bogus", schema["enum"][0] + "x"]
    kind, form = schema.get("type"), schema.get("format")
    if kind == "integer":
        values += ["abc", "1.5", "1e3", str(schema.get("minimum", 1) - 1)]
        if parameter["name"] != "page_size":  # more than 200 is served as 200
            values.append("9" * 30)
    elif kind == "boolean":
        values += ["maybe", "yes please", "2"]
    elif form == "date":
        values += ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01", "2026-02-30", "x"]
    elif form == "date-time":
        values += [
            "0001-01-01T00:00:00+14:00",  # year 0 in UTC: was a 500
            "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
            "1899-12-31T23:00:00Z",
            "yesterday",
        ]
    elif "pattern" in schema:
        values += ["~bogus~", "-", "0082-06", "2026-13", "0000-01"]
    if parameter["name"] == "cursor":
        values += ["garbage", _cursor(["a\x00"]), _cursor(["0001-01-01T00:00:00+14:00"])]
    return values


def _cursor(position: list) -> str:
    payload = {"p": [*position, 1], "r": 0, "o": ["number", "pk"]}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.fixture
def world(db):
    cast = Cast.create()
    for status in (S.DRAFT, S.AWAITING_DEPOSIT, S.IN_PRODUCTION, S.SHIPPED):
        order_in_status(cast, status)
    return cast


@pytest.mark.parametrize(
    ("path", "parameter"),
    _list_parameters(),
    ids=[f"{path}?{parameter['name']}" for path, parameter in _list_parameters()],
)
def test_every_invalid_value_of_every_list_parameter_is_a_400_naming_it(
    world, api, path, parameter
):
    client = api(world.supervisor)
    name = parameter["name"]
    before = snapshot()
    for value in bad_values(parameter):
        query = {name: value}
        if name == "cursor" and "number" in value:
            query["ordering"] = "number"  # the ordering the forged cursor claims
        response = client.get(path, query)

        assert response.status_code == 400, (name, value, response.content[:300])
        body = response.json()
        assert body["code"] == "invalid", body
        assert list(body["fields"]) == [name], (value, body)
    assert snapshot() == before


def test_the_lists_named_in_the_issue_refuse_a_nul_byte(world, api):
    client = api(world.supervisor)
    for path, name in (
        ("/api/v1/customers/", "search"),
        ("/api/v1/after-sales/", "search"),
        ("/api/v1/shipments/", "search"),
        ("/api/v1/kpi/assessments/", "status"),
        ("/api/v1/kpi/assessments/", "period"),
        ("/api/v1/kpi/pay-statements/", "period"),
    ):
        response = client.get(path, {name: f"x{NUL}"})

        assert response.status_code == 400, path
        assert response.json()["fields"] == {
            name: [
                {
                    "code": "null_characters_not_allowed",
                    "message": f"{name} 不能包含空字符（NUL）。",
                }
            ]
        }


def test_updated_after_in_year_one_at_plus_fourteen_hours_is_a_400(world, api):
    response = api(world.supervisor).get(
        "/api/v1/orders/", {"updated_after": "0001-01-01T00:00:00+14:00"}
    )

    assert response.status_code == 400
    (error,) = response.json()["fields"]["updated_after"]
    assert error["code"] == "date_out_of_range"
    assert EARLIEST_DATE.isoformat() in error["message"]
    assert LATEST_DATE.isoformat() in error["message"]


def test_a_range_names_the_bound_that_is_wrong(world, api):
    response = api(world.supervisor).get(
        "/api/v1/orders/",
        {
            "contract_delivery_date_after": "2026-01-01",
            "contract_delivery_date_before": "0001-01-01",
        },
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["contract_delivery_date_before"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"status": "bogus"}, "status"),
        ({"status": ["draft", "bogus"]}, "status"),
        ({"ordering": "bogus"}, "ordering"),
        ({"ordering": "number,bogus"}, "ordering"),
        ({"customer": "abc"}, "customer"),
        ({"customer": "0"}, "customer"),
        ({"owner": "-1"}, "owner"),
        ({"overdue": "maybe"}, "overdue"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_an_unknown_value_is_refused_not_ignored(world, api, query, name):
    response = api(world.supervisor).get("/api/v1/orders/", query)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [name]


def test_valid_values_still_filter(world, api):
    client = api(world.supervisor)
    everything = client.get("/api/v1/orders/", {"page_size": 200}).json()["results"]

    drafts = client.get("/api/v1/orders/", {"status": "draft", "ordering": " -id ,"}).json()
    sorted_ = client.get("/api/v1/orders/", {"ordering": "-contract_delivery_date,number"})
    kpi = client.get("/api/v1/kpi/assessments/", {"period": "2026-10", "status": "draft"})
    alerts = client.get("/api/v1/alerts/", {"day": "2026-10-01", "unread": "TRUE"})

    assert len(everything) == 4
    assert [row["status"] for row in drafts["results"]] == ["draft"]
    assert sorted_.status_code == kpi.status_code == alerts.status_code == 200


def test_a_detail_route_ignores_the_list_filters(world, api):
    client = api(world.supervisor)
    order = client.get("/api/v1/orders/", {"page_size": 1}).json()["results"][0]

    detail = client.get(f"/api/v1/orders/{order['id']}/", {"status": "bogus"})

    assert detail.status_code == 200


def test_every_integer_query_parameter_states_its_minimum_and_every_id_starts_at_one():
    for path, parameter in _list_parameters():
        schema = _resolved(parameter["schema"])
        if schema.get("type") != "integer":
            continue
        assert "minimum" in schema, (path, parameter["name"])
        if parameter["name"] == "due_within":  # a number of days, not an id: 0 is today
            assert (schema["minimum"], schema["maximum"]) == (0, 366), path
        elif parameter["name"] != "page_size":
            assert schema["minimum"] == 1, (path, parameter["name"])
            assert schema["maximum"] == 2**63 - 1, (path, parameter["name"])


def test_every_ordering_parameter_states_the_names_it_takes():
    orderings = [(path, p) for path, p in _list_parameters() if p["name"] == "ordering"]

    assert len(orderings) >= 10
    for path, parameter in orderings:
        assert parameter["schema"]["pattern"].startswith("^-?(?:"), path


# --------------------------------------------------------------------------
# Pages: the error at the field (or above the list), the list without that filter
# --------------------------------------------------------------------------

LIST_PAGES = [
    ("orders:list", "supervisor"),
    ("orders:customer_list", "supervisor"),
    ("orders:finance_queue", "finance"),
    ("production:list", "supervisor"),
    ("production:report_list", "supervisor"),
    ("shipping:shipment_list", "supervisor"),
    ("shipping:case_list", "supervisor"),
]


def _page_parameters(url_name: str) -> list[str]:
    """The query parameters of a list page: its FilterSet's."""
    from gendan.filters import parameters_of
    from gendan.lists import ListPage
    from orders.views import customers, finance, orders
    from production import views as production
    from shipping import views as shipping

    pages = {
        "orders:list": orders.ORDERS,
        "orders:customer_list": customers.CUSTOMERS,
        "orders:finance_queue": finance.PAYMENTS,
        "production:list": production.PRODUCTION_ORDERS,
        "production:report_list": production.PROGRESS_REPORTS,
        "shipping:shipment_list": shipping.SHIPMENTS,
        "shipping:case_list": shipping.CASES,
    }
    page: ListPage = pages[url_name]
    form = page.filterset().form
    return [p for name, field in form.fields.items() for p in parameters_of(name, field)]


@pytest.mark.parametrize(("url_name", "role"), LIST_PAGES)
def test_a_list_page_shows_an_invalid_filter_as_an_error_and_lists_without_it(
    world, client, url_name, role
):
    client.force_login(getattr(world, role))
    url = reverse(url_name)
    unfiltered = client.get(url)
    assert unfiltered.status_code == 200
    rows = unfiltered.context["page_obj"].paginator.count

    for parameter in _page_parameters(url_name):
        response = client.get(url, {parameter: f"x{NUL}"})

        assert response.status_code == 200, parameter
        assert "不能包含空字符（NUL）" in response.content.decode(), parameter
        assert response.context["page_obj"].paginator.count == rows, parameter

    bad_order = client.get(url, {"ordering": "bogus"})
    assert bad_order.status_code == 200
    assert "无法按 bogus 排序" in bad_order.content.decode()
    assert [o.pk for o in bad_order.context["page_obj"]] == [
        o.pk for o in unfiltered.context["page_obj"]
    ]  # the default order


@pytest.mark.parametrize(
    ("url_name", "role", "query"),
    [
        ("orders:list", "supervisor", {"contract_delivery_date_after": "0001-01-01"}),
        ("orders:list", "supervisor", {"status": "bogus", "overdue": "maybe"}),
        ("orders:customer_list", "supervisor", {"q": NUL, "search": NUL}),
        ("shipping:shipment_list", "supervisor", {"search": NUL, "updated_after": "0001-01-01"}),
        ("shipping:case_list", "supervisor", {"search": NUL}),
        ("production:quick_entry", "production", {"date": "0001-01-01"}),  # was a 500
        ("production:quick_entry", "production", {"date": "9999-12-31"}),
        ("orders:daily_report", "supervisor", {"day": "0001-01-01"}),
        ("orders:sales_ledger", "supervisor", {"start": "0001-01-01", "end": "9999-12-31"}),
        ("orders:export", "supervisor", {"updated_after": "0001-01-01T00:00:00+14:00"}),
        ("orders:customer_export", "supervisor", {"search": NUL}),
    ],
)
def test_hostile_query_strings_on_pages_and_exports_are_no_server_error(
    world, client, url_name, role, query
):
    client.force_login(getattr(world, role))
    before = snapshot()

    response = client.get(reverse(url_name), query)

    assert response.status_code == 200
    assert snapshot() == before
