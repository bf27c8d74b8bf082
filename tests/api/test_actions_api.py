"""Contract tests of every POST action of the API (orders' lifecycle, payments,
production orders, incidents, shipments, after-sales): the response and the change it
made, 409 in a wrong state, 404 on an invisible or missing object, 400 naming each bad
field — and a refused request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from orders import services as order_services
from orders.models import Order, PaymentKind
from orders.states import OrderStatus as S
from production import services as production_services
from shipping import services as shipping_services
from tests.api.helpers import AMEND_BODY, ISSUE_BODY, TODAY, call, days
from tests.factories import Cast, open_payment, order_in_status, produce_all
from tests.orders.helpers import snapshot


def _po(order: Order):
    return order.production_orders.get(status__in=["issued", "in_progress"])


def _shipment(cast: Cast, order: Order):
    return shipping_services.shipment_create(
        actor=order.owner, order_id=order.pk, planned_ship_date=TODAY(), mode="sea"
    )


def _shipped(cast: Cast, order: Order):
    return order.shipments.filter(status="shipped").order_by("pk").first()


def _incident(cast: Cast, order: Order):
    return production_services.incident_open(
        actor=order.owner, order_id=order.pk, kind="quality", description="shading"
    )


def _case(cast: Cast, order: Order):
    return shipping_services.after_sales_case_open(
        actor=order.owner, order_id=order.pk, kind="complaint", description="stains"
    )


def _resolved_case(cast: Cast, order: Order):
    case = _case(cast, order)
    return shipping_services.after_sales_case_resolve(
        actor=order.owner, case_id=case.pk, root_cause="wash", corrective_action="new supplier"
    )


def _deposit(cast: Cast, order: Order):
    return open_payment(order, PaymentKind.DEPOSIT)


def _produced(cast: Cast, order: Order):
    produce_all(cast, _po(order))
    return order


@dataclass(frozen=True)
class Action:
    """A POST action: build ``status`` (+ ``prepare`` → the target), call it as
    ``actor``; ``check(body, order, target)`` asserts the effect. ``wrong`` builds the
    same target in a state where the action is refused with 409 ``wrong_code``;
    ``bad`` is a body refused with 400 naming ``bad_fields``."""

    path: Callable[[Order, Any], str]
    status: str
    body: dict
    check: Callable[[dict, Order, Any], None]
    wrong: Callable[[Cast], tuple[Order, Any]]
    wrong_code: str
    prepare: Callable[[Cast, Order], Any] | None = None
    actor: str = "owner"
    bad: dict | None = None
    bad_fields: tuple[str, ...] = ()


def _order_in(status: str, then: Callable[[Cast, Order], Any] | None = None):
    def build(cast: Cast) -> tuple[Order, Any]:
        order = order_in_status(cast, status)
        target = then(cast, order) if then else order
        return order, target

    return build


def _order_path(action: str) -> Callable[[Order, Any], str]:
    return lambda order, target: f"/api/v1/orders/{order.pk}/{action}/"


def _child_path(collection: str, action: str) -> Callable[[Order, Any], str]:
    return lambda order, target: f"/api/v1/{collection}/{target.pk}/{action}/"


def _status(expected: str, **fields):
    """The order answered with ``expected`` status (and these field values), and so it is."""

    def check(body, order, target):
        assert body["status"] == expected, body
        assert {name: body[name] for name in fields} == fields, body
        assert Order.objects.get(pk=order.pk).status == expected

    return check


def _fields(**fields):
    """The answered object has these field values."""

    def check(body, order, target):
        assert {name: body[name] for name in fields} == fields, body

    return check


def _and_order(check, status: str):
    def both(body, order, target):
        check(body, order, target)
        assert Order.objects.get(pk=order.pk).status == status

    return both


def _issued_with_milestone(body, order, target):
    _status(S.IN_PRODUCTION)(body, order, target)
    assert _po(order).milestones.count() == 1


def _balance_requested(body, order, target):
    _status(S.AWAITING_BALANCE)(body, order, target)
    assert order.payments.filter(kind="balance", status="requested").count() == 1


def _delivered(body, order, target):
    _status(S.DELIVERED)(body, order, target)
    assert body["delivered_at"]


def _reassigned(body, order, target):
    previous_owner = order.owner_id
    _status(S.CONFIRMED)(body, order, target)
    assert body["owner"] == Order.objects.get(pk=order.pk).owner_id != previous_owner


def _receipt(body, order, target):
    check = _fields(status="partially_received", amount_received="1800.00")
    _and_order(check, S.AWAITING_DEPOSIT)(body, order, target)
    assert body["receipts"][0]["reference"] == "TT-9"


def _resolve_incident(cast, order, incident):
    production_services.incident_resolve(
        actor=order.owner, incident_id=incident.pk, resolution="ok"
    )


def _pack(cast, order, shipment):
    shipping_services.shipment_pack(actor=order.owner, shipment_id=shipment.pk)


def _cancel_shipment(cast, order, shipment):
    shipping_services.shipment_cancel(actor=order.owner, shipment_id=shipment.pk, reason="full")


def _then_start(cast, order):
    return production_services.production_order_start(
        actor=cast.production, production_order_id=_po(order).pk
    )


def _cancel_then(make):
    def prepare(cast, order):
        target = make(cast, order)
        order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="gone")
        return target

    return prepare


def _waive_then_deposit(cast, order):
    payment = _deposit(cast, order)
    order_services.order_waive_deposit(actor=cast.supervisor, order_id=order.pk, reason="ok")
    return payment


def _twice(make, step):
    def prepare(cast, order):
        target = make(cast, order)
        step(cast, order, target)
        return target

    return prepare


ACTIONS: dict[str, Action] = {
    # --- the order's lifecycle ------------------------------------------------------
    "orders/confirm": Action(
        _order_path("confirm"),
        S.DRAFT,
        {"method": "email", "reference": "mail of 20 Nov"},
        _status(S.CONFIRMED, confirmation_reference="mail of 20 Nov"),
        _order_in(S.CONFIRMED),
        "invalid_transition",
        bad={"method": "pigeon", "phone_confirmed": "maybe"},
        bad_fields=("method", "phone_confirmed"),
    ),
    "orders/request-deposit": Action(
        _order_path("request-deposit"),
        S.CONFIRMED,
        {"due_in_days": 5},
        _status(S.AWAITING_DEPOSIT),
        _order_in(S.DRAFT),
        "invalid_transition",
        bad={"due_in_days": -1},
        bad_fields=("due_in_days",),
    ),
    "orders/waive-deposit": Action(
        _order_path("waive-deposit"),
        S.CONFIRMED,
        {"reason": "long-standing customer"},
        _status(S.DEPOSIT_PAID, deposit_waived=True),
        _order_in(S.DRAFT),
        "invalid_transition",
        actor="supervisor",
        bad={"reason": "   "},
        bad_fields=("reason",),
    ),
    "orders/issue-production": Action(
        _order_path("issue-production"),
        S.DEPOSIT_PAID,
        {
            **ISSUE_BODY,
            "processing_fee": "5000.00",
            "milestones": [{"date": days(5), "planned_cumulative_quantity": 400}],
        },
        _issued_with_milestone,
        _order_in(S.AWAITING_DEPOSIT),
        "invalid_transition",
        bad={"factory": "W1", "planned_start": days(5), "planned_finish": days(1)},
        bad_fields=("planned_finish",),
    ),
    "orders/accept-shortfall": Action(
        _order_path("accept-shortfall"),
        S.IN_PRODUCTION,
        {"reason": "fabric short"},
        _status(S.IN_PRODUCTION, shortfall_accepted=True),
        _order_in(S.PRODUCED),
        "invalid_transition",
        actor="supervisor",
        bad={},
        bad_fields=("reason",),
    ),
    "orders/complete-production": Action(
        _order_path("complete-production"),
        S.IN_PRODUCTION,
        {},
        _status(S.PRODUCED),
        _order_in(S.DEPOSIT_PAID),
        "invalid_transition",
        prepare=_produced,
    ),
    "orders/request-balance": Action(
        _order_path("request-balance"),
        S.PRODUCED,
        {},
        _balance_requested,
        _order_in(S.IN_PRODUCTION),
        "invalid_transition",
        bad={"due_in_days": "soon"},
        bad_fields=("due_in_days",),
    ),
    "orders/release-on-credit": Action(
        _order_path("release-on-credit"),
        S.PRODUCED,
        {"reason": "good payer"},
        _status(S.PRODUCED, credit_released=True),
        _order_in(S.DEPOSIT_PAID),
        "invalid_transition",
        actor="supervisor",
        bad={"reason": ""},
        bad_fields=("reason",),
    ),
    "orders/confirm-delivery": Action(
        _order_path("confirm-delivery"),
        S.SHIPPED,
        {},
        _delivered,
        _order_in(S.PAID),
        "invalid_transition",
        bad={"delivered_at": "yesterday"},
        bad_fields=("delivered_at",),
    ),
    "orders/close": Action(
        _order_path("close"),
        S.DELIVERED,
        {"note": "archived"},
        _status(S.CLOSED),
        _order_in(S.SHIPPED),
        "invalid_transition",
    ),
    "orders/cancel": Action(
        _order_path("cancel"),
        S.CONFIRMED,
        {"reason": "customer withdrew"},
        _status(S.CANCELLED, cancel_reason="customer withdrew"),
        _order_in(S.SHIPPED),
        "invalid_transition",
        bad={"reason": ""},
        bad_fields=("reason",),
    ),
    "orders/amend": Action(
        _order_path("amend"),
        S.CONFIRMED,
        AMEND_BODY,
        _status(S.CONFIRMED, revision=2, total_amount="10800.00"),
        _order_in(S.PRODUCED),
        "invalid_transition",
        bad={"lines": [{"quantity": 0, "unit_price": "-1.00"}], "confirmation_method": "email"},
        bad_fields=("lines[0].description", "lines[0].quantity"),
    ),
    "orders/apply-discount": Action(
        _order_path("apply-discount"),
        S.AWAITING_DEPOSIT,
        {"percent": "10", "reason": "colour slightly off"},
        _status(
            S.AWAITING_DEPOSIT,
            total_amount="9000.00",
            discount_amount="1000.00",
            deposit_due="2700.00",
        ),
        _order_in(S.PAID),
        "invalid_transition",
        actor="supervisor",
        bad={"amount": "lots", "percent": "101", "reason": "x"},
        bad_fields=("amount", "percent"),
    ),
    "orders/reassign": Action(
        _order_path("reassign"),
        S.CONFIRMED,
        {"owner": "other_merchandiser", "note": "holiday"},
        _reassigned,
        _order_in(S.CANCELLED),
        "invalid_transition",
        actor="supervisor",
        bad={"owner": "finance"},
        bad_fields=("owner",),
    ),
    # --- payments -------------------------------------------------------------------
    "payments/confirm": Action(
        _child_path("payments", "confirm"),
        S.AWAITING_DEPOSIT,
        {"amount_received": "1800.00", "received_on": days(0), "method": "tt", "reference": "TT-9"},
        _receipt,
        _order_in(S.AWAITING_DEPOSIT, _waive_then_deposit),
        "payment_voided",
        prepare=_deposit,
        actor="finance",
        bad={"amount_received": "12.345", "received_on": "someday", "method": "pigeon"},
        bad_fields=("amount_received", "received_on", "method"),
    ),
    # --- production orders and incidents ----------------------------------------------
    "production-orders/start": Action(
        _child_path("production-orders", "start"),
        S.IN_PRODUCTION,
        {},
        _fields(status="in_progress"),
        _order_in(S.IN_PRODUCTION, _then_start),
        "already_started",
        prepare=lambda c, o: _po(o),
        actor="production",
    ),
    "production-orders/complete": Action(
        _child_path("production-orders", "complete"),
        S.IN_PRODUCTION,
        {},
        _and_order(_fields(status="completed", produced_quantity=1000), S.PRODUCED),
        _order_in(S.IN_PRODUCTION, _cancel_then(lambda c, o: _po(o))),
        "invalid_transition",
        prepare=lambda c, o: _po(_produced(c, o)),
    ),
    "incidents/resolve": Action(
        _child_path("incidents", "resolve"),
        S.IN_PRODUCTION,
        {"resolution": "re-dyed", "loss_amount": "120.50"},
        _fields(status="resolved", loss_amount="120.50"),
        _order_in(S.IN_PRODUCTION, _twice(_incident, _resolve_incident)),
        "already_resolved",
        prepare=_incident,
        bad={"resolution": " ", "loss_amount": "-3.00"},
        bad_fields=("resolution", "loss_amount"),
    ),
    # --- shipments ------------------------------------------------------------------
    "shipments/pack": Action(
        _child_path("shipments", "pack"),
        S.PAID,
        {"packages": 12},
        _fields(status="packed", packages=12),
        _order_in(S.PAID, _twice(_shipment, _pack)),
        "invalid_transition",
        prepare=_shipment,
        bad={"packages": -1},
        bad_fields=("packages",),
    ),
    "shipments/ship": Action(
        _child_path("shipments", "ship"),
        S.PAID,
        {"tracking_number": "BL-778", "container": "MSKU123"},
        _and_order(_fields(status="shipped", tracking_number="BL-778"), S.SHIPPED),
        _order_in(S.PAID, _twice(_shipment, _cancel_shipment)),
        "invalid_transition",
        prepare=_shipment,
        bad={"actual_ship_date": days(3)},
        bad_fields=("actual_ship_date",),
    ),
    "shipments/deliver": Action(
        _child_path("shipments", "deliver"),
        S.SHIPPED,
        {},
        _fields(status="delivered"),
        _order_in(S.PAID, _shipment),
        "invalid_transition",
        prepare=_shipped,
        bad={"delivered_at": "tomorrow-ish"},
        bad_fields=("delivered_at",),
    ),
    "shipments/cancel": Action(
        _child_path("shipments", "cancel"),
        S.PAID,
        {"reason": "vessel full"},
        _fields(status="cancelled"),
        _order_in(S.SHIPPED, _shipped),
        "invalid_transition",
        prepare=_shipment,
        bad={"reason": ""},
        bad_fields=("reason",),
    ),
    # --- after-sales ----------------------------------------------------------------
    "after-sales/investigate": Action(
        _child_path("after-sales", "investigate"),
        S.SHIPPED,
        {"note": "samples requested"},
        _fields(status="investigating"),
        _order_in(S.SHIPPED, _resolved_case),
        "invalid_transition",
        prepare=_case,
    ),
    "after-sales/resolve": Action(
        _child_path("after-sales", "resolve"),
        S.SHIPPED,
        {"root_cause": "washing", "corrective_action": "new supplier", "cost": "300.00"},
        _fields(status="resolved", cost="300.00"),
        _order_in(S.SHIPPED, _resolved_case),
        "already_resolved",
        prepare=_case,
        bad={"root_cause": "", "corrective_action": " ", "cost": "-1.00"},
        bad_fields=("root_cause", "corrective_action", "cost"),
    ),
    "after-sales/close": Action(
        _child_path("after-sales", "close"),
        S.SHIPPED,
        {"customer_satisfaction": 4},
        _fields(status="closed", customer_satisfaction=4),
        _order_in(S.SHIPPED, _case),
        "invalid_transition",
        prepare=_resolved_case,
        bad={"customer_satisfaction": 9},
        bad_fields=("customer_satisfaction",),
    ),
}


def _actor(cast: Cast, order: Order, who: str):
    return order.owner if who == "owner" else getattr(cast, who)


def _body(cast: Cast, body: dict) -> dict:
    """Names of people in a body become their ids."""
    return {
        key: getattr(cast, value).pk if key == "owner" and isinstance(value, str) else value
        for key, value in body.items()
    }


def _build(cast: Cast, spec: Action) -> tuple[Order, Any]:
    order = order_in_status(cast, spec.status)
    target = spec.prepare(cast, order) if spec.prepare else order
    return order, target


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_an_action_answers_with_the_object_as_it_is_afterwards(cast, api, name):
    spec = ACTIONS[name]
    order, target = _build(cast, spec)
    events_before = order.events.count()

    response = call(
        api(_actor(cast, order, spec.actor)),
        "post",
        spec.path(order, target),
        _body(cast, spec.body),
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == target.pk
    spec.check(body, order, target)
    assert order.events.count() > events_before  # every change is on the timeline


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_an_action_in_a_wrong_state_is_409_and_changes_nothing(cast, api, name):
    spec = ACTIONS[name]
    order, target = spec.wrong(cast)
    before = snapshot()

    response = call(
        api(_actor(cast, order, spec.actor)),
        "post",
        spec.path(order, target),
        _body(cast, spec.body),
    )

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == spec.wrong_code
    assert response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_an_action_on_an_invisible_or_missing_object_is_404(cast, api, name):
    spec = ACTIONS[name]
    order, target = _build(cast, spec)
    before = snapshot()
    stranger = api(cast.other_merchandiser)

    invisible = call(stranger, "post", spec.path(order, target), _body(cast, spec.body))
    target.pk, real_pk = 10**9, target.pk
    missing = call(stranger, "post", spec.path(order, target), _body(cast, spec.body))
    target.pk = real_pk

    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json() == {"code": "not_found", "detail": "对象不存在。"}
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(n for n, spec in ACTIONS.items() if spec.bad is not None))
def test_an_action_with_invalid_input_is_400_naming_each_bad_field(cast, api, name):
    spec = ACTIONS[name]
    order, target = _build(cast, spec)
    before = snapshot()

    response = call(
        api(_actor(cast, order, spec.actor)),
        "post",
        spec.path(order, target),
        _body(cast, spec.bad),
    )

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert set(spec.bad_fields) <= set(body["fields"]), body
    for errors in body["fields"].values():
        assert all(error["code"] and error["message"] for error in errors)
    assert snapshot() == before


def test_a_domain_validation_error_and_a_type_error_have_the_same_shape(cast, api):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = open_payment(order, PaymentKind.DEPOSIT)
    client = api(cast.finance)
    path = f"/api/v1/payments/{payment.pk}/confirm/"

    typed = client.post(path, {"amount_received": "x", "received_on": days(0), "method": "tt"})
    too_much = client.post(
        path,
        {
            "amount_received": str(payment.amount_due + Decimal("1")),
            "received_on": days(0),
            "method": "tt",
        },
    )

    assert typed.status_code == too_much.status_code == 400
    for response in (typed, too_much):
        body = response.json()
        assert set(body) == {"code", "detail", "fields"}
        assert body["code"] == "invalid"
        assert list(body["fields"]) == ["amount_received"]
        assert set(body["fields"]["amount_received"][0]) == {"code", "message"}


def test_a_guard_that_does_not_hold_is_409_with_its_code(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)  # nothing produced yet

    response = api(cast.merchandiser).post(f"/api/v1/orders/{order.pk}/complete-production/")

    assert response.status_code == 409
    assert response.json()["code"] == "quantity_short"
    assert response.json()["ordered"] == 1000


def test_shipping_before_full_payment_needs_a_release_on_credit(cast, api):
    order = order_in_status(cast, S.AWAITING_BALANCE)
    shipment = _shipment(cast, order)
    client = api(cast.merchandiser)

    refused = client.post(f"/api/v1/shipments/{shipment.pk}/ship/")
    released = api(cast.supervisor).post(
        f"/api/v1/orders/{order.pk}/release-on-credit/", {"reason": "good payer"}
    )
    shipped = client.post(f"/api/v1/shipments/{shipment.pk}/ship/")

    assert refused.status_code == 409 and refused.json()["code"] == "payment_required"
    assert released.status_code == 200 and released.json()["status"] == S.AWAITING_BALANCE
    assert shipped.status_code == 200
    order.refresh_from_db()
    assert order.status == S.SHIPPED
