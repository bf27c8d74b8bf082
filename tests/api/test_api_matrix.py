"""The role × action matrix through the API: each role's token on its own order and on
someone else's, for every action of the policy — the same table as tests/test_policy.py.

Allowed: the request succeeds (2xx). Refused: 403 when the caller can see the object,
else 404 — or, for a create that names the object in its body, a 400 on that field,
exactly as for an id that does not exist. A refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gendan import policy
from orders.models import Order
from tests.api.helpers import API_CASES, call
from tests.factories import CustomerFactory, ProductFactory, order_in_status
from tests.orders.helpers import snapshot
from tests.test_policy import EXPECTED, EXPECTED_WITHOUT_OBJECT

PRINCIPALS = (
    "merch_own",
    "merch_other",
    "supervisor",
    "finance",
    "production",
    "int_own",
    "int_other",
)
ROLES = ("merchandiser", "supervisor", "finance", "production", "integration")


# The monthly assessment and pay (kpi-and-pay.md) have their own API, tested in tests/kpi.
KPI_ENTITIES = {"assessment", "adjustment", "fault", "penalty", "pay", "pay_scheme"}
# Sample requests (their owner's, not an order's) and the plan: tests/samples/test_api.py,
# tests/planning/test_api.py.
OWN_TESTS = {"sample", "plan"}


def test_every_action_of_the_policy_has_an_api_request():
    own = {action for action in policy.RULES if action.split(".")[0] in OWN_TESTS}
    assert set(API_CASES) == set(EXPECTED) - own
    kpi = {action for action in policy.RULES if action.split(".")[0] in KPI_ENTITIES}
    assert set(API_CASES) | set(ROLE_CASES) == set(policy.RULES) - kpi - own


def _user(cast, principal):
    return {
        "merch_own": cast.merchandiser,
        "merch_other": cast.other_merchandiser,
        "supervisor": cast.supervisor,
        "finance": cast.finance,
        "production": cast.production,
        "int_own": cast.integration,
        "int_other": cast.integration,
    }[principal]


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("action", sorted(API_CASES))
def test_the_api_enforces_the_policy_matrix(cast, api, action, principal):
    case = API_CASES[action]
    order = order_in_status(cast, case.status)
    if principal == "int_own":
        # The integration client's own order: one it created (product.md: "CLIENT").
        Order.objects.filter(pk=order.pk).update(client=cast.integration)
        order.refresh_from_db()
    target = case.prepare(cast, order) if case.prepare else None
    method, path, body = case.request(order, target)
    client = api(_user(cast, principal))
    before = snapshot()

    response = call(client, method, path, body)

    # The production role sees an order only once it has a production order.
    has_production_order = order.production_orders.exists()
    allowed = principal in EXPECTED[action] and (principal != "production" or has_production_order)
    if allowed:
        assert response.status_code == case.ok, (principal, action, response.json())
        return
    visible = principal in EXPECTED[case.view] and (
        principal != "production" or has_production_order
    )
    body = response.json()
    if visible:
        assert response.status_code == 403, body
        assert body["code"] == "forbidden"
    elif case.reference:
        assert response.status_code == 400, body
        assert body["fields"][case.reference][0]["code"] == "does_not_exist"
    else:
        assert response.status_code == 404, body
        assert body == {"code": "not_found", "detail": "对象不存在。"}
    assert snapshot() == before


# Actions without an object: which roles may take them at all.
def _customer_body():
    return {"code": f"C-{timezone.now().timestamp()}", "name": "ACME"}


def _order_body(cast):
    return {
        "customer": CustomerFactory().pk,
        "owner": cast.merchandiser.pk,
        "contract_delivery_date": str(timezone.localdate() + dt.timedelta(days=30)),
        "lines": [{"description": "mug", "quantity": 10, "unit_price": "2.00"}],
    }


ROLE_CASES = {
    "customer.view": lambda cast: ("get", f"/api/v1/customers/{CustomerFactory().pk}/", {}, 200),
    "customer.create": lambda cast: ("post", "/api/v1/customers/", _customer_body(), 201),
    "customer.update": lambda cast: (
        "patch",
        f"/api/v1/customers/{CustomerFactory().pk}/",
        {"name": "ACME Ltd"},
        200,
    ),
    "product.view": lambda cast: ("get", f"/api/v1/products/{ProductFactory().pk}/", {}, 200),
    "product.create": lambda cast: (
        "post",
        "/api/v1/products/",
        {"item_number": "P-NEW", "name": "mug"},
        201,
    ),
    "product.update": lambda cast: (
        "patch",
        f"/api/v1/products/{ProductFactory().pk}/",
        {"default_price": "3.20"},
        200,
    ),
    "order.create": lambda cast: ("post", "/api/v1/orders/", _order_body(cast), 201),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ROLE_CASES))
def test_the_api_enforces_the_policy_matrix_without_an_object(cast, api, action, role):
    method, path, body, ok = ROLE_CASES[action](cast)
    client = api(getattr(cast, role))

    response = call(client, method, path, body)

    if role in EXPECTED_WITHOUT_OBJECT[action]:
        assert response.status_code == ok, response.json()
    else:
        # Everyone who works with orders reads customers and products: a refusal is a 403.
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == "forbidden"
