"""What the API tests share: an API request for every action of the permission policy,
and the scenario each needs (an order in the right status, the child object acted on)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from orders.models import Order, PaymentKind
from orders.states import OrderStatus as S
from production import services as production_services
from shipping import services as shipping_services
from tests.factories import Cast, open_payment, pay, produce_all

TODAY = timezone.localdate


def days(n: int) -> str:
    return str(TODAY() + dt.timedelta(days=n))


def _production_order(order: Order):
    return order.production_orders.get(status__in=["issued", "in_progress"])


def _planned_shipment(cast: Cast, order: Order):
    return shipping_services.shipment_create(
        actor=order.owner, order_id=order.pk, planned_ship_date=TODAY(), mode="sea"
    )


def _open_incident(cast: Cast, order: Order):
    return production_services.incident_open(
        actor=order.owner, order_id=order.pk, kind="delay", description="fabric late"
    )


def _open_case(cast: Cast, order: Order):
    return shipping_services.after_sales_case_open(
        actor=order.owner, order_id=order.pk, kind="complaint", description="stains"
    )


def _request(kind: str, status_before: Callable[[Cast, Order], Any] | None = None):
    """prepare: the order's owner asks for ``kind`` (the state made right first)."""

    def prepare(cast: Cast, order: Order):
        from conversation import services as conversation_services

        if status_before is not None:
            status_before(cast, order)
        return conversation_services.request_open(
            actor=order.owner, order_id=order.pk, kind=kind, reason="please"
        )

    return prepare


def _bank_charges(cast: Cast, order: Order) -> None:
    """The deposit paid but for 12.00 of bank charges."""
    deposit = open_payment(order, PaymentKind.DEPOSIT)
    pay(cast, order, PaymentKind.DEPOSIT, deposit.amount_due - 12)


def _attachment(cast: Cast, order: Order):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conversation import services as conversation_services

    return conversation_services.attachment_add(
        actor=order.owner, order_id=order.pk, file=SimpleUploadedFile("po.txt", b"PO 123\n")
    )


@dataclass(frozen=True)
class ApiCase:
    """One policy action as an API request.

    ``request(order, target)`` gives (method, path, body); ``target`` is what
    ``prepare`` made (a payment, a production order, a shipment…). ``view`` is the
    policy action that decides whether the caller can see what the request names;
    ``reference`` is set when the request names the object in its body (a create):
    an invisible object is then a 400 on that field, like a missing one.
    """

    status: str
    request: Callable[[Order, Any], tuple[str, str, dict]]
    prepare: Callable[[Cast, Order], Any] | None = None
    view: str = "order.view"
    reference: str | None = None
    ok: int = 200
    extra: dict = field(default_factory=dict)


def _post(path: str, body: dict | None = None) -> tuple[str, str, dict]:
    return "post", path, body or {}


ISSUE_BODY = {"factory": "Workshop 2", "planned_start": days(0), "planned_finish": days(10)}
AMEND_BODY = {
    "lines": [{"description": "polo shirt", "quantity": 1200, "unit_price": "9.00"}],
    "confirmation_method": "email",
    "reason": "customer asked",
}

# Every action of gendan.policy.RULES that has an object, through the API.
API_CASES: dict[str, ApiCase] = {
    "order.view": ApiCase(S.IN_PRODUCTION, lambda o, t: ("get", f"/api/v1/orders/{o.pk}/", {})),
    "order.update": ApiCase(
        S.DRAFT,
        lambda o, t: ("patch", f"/api/v1/orders/{o.pk}/", {"customer_po": "PO-NEW"}),
    ),
    "order.confirm": ApiCase(
        S.DRAFT, lambda o, t: _post(f"/api/v1/orders/{o.pk}/confirm/", {"method": "email"})
    ),
    "order.request_deposit": ApiCase(
        S.CONFIRMED, lambda o, t: _post(f"/api/v1/orders/{o.pk}/request-deposit/")
    ),
    "order.waive_deposit": ApiCase(
        S.CONFIRMED,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/waive-deposit/", {"reason": "old customer"}),
    ),
    "order.issue_production": ApiCase(
        S.DEPOSIT_PAID,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/issue-production/", ISSUE_BODY),
    ),
    "order.accept_shortfall": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/accept-shortfall/", {"reason": "fabric"}),
    ),
    "order.complete_production": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/complete-production/"),
        prepare=lambda c, o: produce_all(c, _production_order(o)),
    ),
    "order.request_balance": ApiCase(
        S.PRODUCED, lambda o, t: _post(f"/api/v1/orders/{o.pk}/request-balance/")
    ),
    "order.release_on_credit": ApiCase(
        S.PRODUCED,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/release-on-credit/", {"reason": "good payer"}),
    ),
    "order.confirm_delivery": ApiCase(
        S.SHIPPED, lambda o, t: _post(f"/api/v1/orders/{o.pk}/confirm-delivery/")
    ),
    "order.close": ApiCase(S.DELIVERED, lambda o, t: _post(f"/api/v1/orders/{o.pk}/close/")),
    "order.cancel": ApiCase(
        S.CONFIRMED, lambda o, t: _post(f"/api/v1/orders/{o.pk}/cancel/", {"reason": "withdrawn"})
    ),
    "order.cancel_after_production": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/cancel/", {"reason": "withdrawn"}),
    ),
    "order.amend": ApiCase(
        S.CONFIRMED, lambda o, t: _post(f"/api/v1/orders/{o.pk}/amend/", AMEND_BODY)
    ),
    "order.reassign": ApiCase(
        S.CONFIRMED,
        lambda o, t: _post(f"/api/v1/orders/{o.pk}/reassign/", {"owner": t}),
        prepare=lambda c, o: c.other_merchandiser.pk,
    ),
    "production_sample.record": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            "/api/v1/production-samples/", {"production_order": t.pk, "kind": "sealed"}
        ),
        prepare=lambda c, o: _production_order(o),
        reference="production_order",
        ok=201,
    ),
    "material.update": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            "/api/v1/materials/",
            {
                "order": o.pk,
                "kind": "fabric",
                "name": "cotton",
                "quantity": "10",
                "required_by": days(5),
            },
        ),
        reference="order",
        ok=201,
    ),
    "payment.view": ApiCase(
        S.AWAITING_DEPOSIT,
        lambda o, t: ("get", f"/api/v1/payments/{t.pk}/", {}),
        prepare=lambda c, o: open_payment(o, PaymentKind.DEPOSIT),
        view="payment.view",
    ),
    "payment.confirm": ApiCase(
        S.AWAITING_DEPOSIT,
        lambda o, t: _post(
            f"/api/v1/payments/{t.pk}/confirm/",
            {
                "amount_received": str(t.amount_due),
                "received_on": days(0),
                "method": "tt",
                "reference": "TT-1",
            },
        ),
        prepare=lambda c, o: open_payment(o, PaymentKind.DEPOSIT),
        view="payment.view",
    ),
    "production_order.start": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/production-orders/{t.pk}/start/"),
        prepare=lambda c, o: _production_order(o),
    ),
    "progress_report.create": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            "/api/v1/progress-reports/",
            {"production_order": t.pk, "date": days(0), "stage": "sewing", "good_quantity": 50},
        ),
        prepare=lambda c, o: _production_order(o),
        reference="production_order",
        ok=201,
    ),
    "inspection.create": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            "/api/v1/inspections/",
            {"production_order": t.pk, "kind": "inline_mid", "result": "pass"},
        ),
        prepare=lambda c, o: _production_order(o),
        reference="production_order",
        ok=201,
    ),
    "incident.create": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            "/api/v1/incidents/", {"order": o.pk, "kind": "equipment", "description": "loom"}
        ),
        reference="order",
        ok=201,
    ),
    "incident.resolve": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/incidents/{t.pk}/resolve/", {"resolution": "repaired"}),
        prepare=_open_incident,
    ),
    "shipment.create": ApiCase(
        S.PAID,
        lambda o, t: _post(
            "/api/v1/shipments/", {"order": o.pk, "planned_ship_date": days(2), "mode": "sea"}
        ),
        reference="order",
        ok=201,
    ),
    "shipment.update": ApiCase(
        S.PAID,
        lambda o, t: _post(f"/api/v1/shipments/{t.pk}/pack/", {"packages": 12}),
        prepare=_planned_shipment,
    ),
    "shipment.ship": ApiCase(
        S.PAID,
        lambda o, t: _post(f"/api/v1/shipments/{t.pk}/ship/", {"tracking_number": "BL-1"}),
        prepare=_planned_shipment,
    ),
    "shipment.deliver": ApiCase(
        S.SHIPPED,
        lambda o, t: _post(f"/api/v1/shipments/{t.pk}/deliver/"),
        prepare=lambda c, o: o.shipments.filter(status="shipped").order_by("pk").first(),
    ),
    "shipment.cancel": ApiCase(
        S.PAID,
        lambda o, t: _post(f"/api/v1/shipments/{t.pk}/cancel/", {"reason": "vessel full"}),
        prepare=_planned_shipment,
    ),
    "after_sales.open": ApiCase(
        S.SHIPPED,
        lambda o, t: _post(
            "/api/v1/after-sales/", {"order": o.pk, "kind": "complaint", "description": "stains"}
        ),
        reference="order",
        ok=201,
    ),
    "after_sales.update": ApiCase(
        S.SHIPPED,
        lambda o, t: _post(
            f"/api/v1/after-sales/{t.pk}/resolve/",
            {"root_cause": "washing", "corrective_action": "new supplier"},
        ),
        prepare=_open_case,
    ),
    "note.create": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post("/api/v1/notes/", {"order": o.pk, "body": "客户来电"}),
        reference="order",
        ok=201,
    ),
    "attachment.view": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: ("get", f"/api/v1/attachments/{t.pk}/", {}),
        prepare=_attachment,
        view="attachment.view",
    ),
    "attachment.create": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: (
            "upload",
            "/api/v1/attachments/",
            {"order": o.pk, "category": "customer_po", "file": ("po.txt", b"PO 123\n")},
        ),
        reference="order",
        ok=201,
    ),
    "request.view": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: ("get", f"/api/v1/requests/{t.pk}/", {}),
        prepare=_request("production_shortfall"),
        view="request.view",
    ),
    "request.create": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            "/api/v1/requests/",
            {"order": o.pk, "kind": "production_shortfall", "reason": "fabric short"},
        ),
        reference="order",
        ok=201,
    ),
    "request.decide.supervisor": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/requests/{t.pk}/approve/", {"note": "ok"}),
        prepare=_request("production_shortfall"),
        view="request.view",
    ),
    "request.decide.finance": ApiCase(
        S.AWAITING_DEPOSIT,
        lambda o, t: _post(f"/api/v1/requests/{t.pk}/approve/"),
        prepare=_request("write_off", _bank_charges),
        view="request.view",
    ),
    "request.decide.production": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(f"/api/v1/requests/{t.pk}/reject/", {"reason": "line full"}),
        prepare=_request("rush"),
        view="request.view",
    ),
    "order.change_contract_date": ApiCase(
        S.IN_PRODUCTION,
        lambda o, t: _post(
            f"/api/v1/orders/{o.pk}/change-contract-date/",
            {"contract_delivery_date": days(90), "reason": "customer agreed"},
        ),
    ),
    "order.apply_discount": ApiCase(
        S.AWAITING_DEPOSIT,
        lambda o, t: _post(
            f"/api/v1/orders/{o.pk}/apply-discount/",
            {"percent": "10", "reason": "colour slightly off"},
        ),
    ),
}


def call(client, method: str, path: str, body: dict, **extra):
    if method == "get":
        return client.get(path, **extra)
    if method == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        files = {
            name: SimpleUploadedFile(*value) if isinstance(value, tuple) else value
            for name, value in body.items()
        }
        return client.post(path, files, format="multipart", **extra)
    return getattr(client, method)(path, body, format="json", **extra)
