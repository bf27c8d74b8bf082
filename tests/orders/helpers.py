"""Helpers for the lifecycle tests: every order action as one callable, and a
snapshot of every domain table to prove that a refused action changed nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from conversation.models import ApprovalRequest, Attachment, Note
from gendan.models import Sequence, User
from orders import services as order_services
from orders.models import (
    Approval,
    Order,
    OrderEvent,
    OrderLine,
    OrderRevision,
    Payment,
    PaymentReceipt,
)
from production import services as production_services
from production.models import Incident, ProductionOrder, ProgressReport, QualityInspection
from shipping import services as shipping_services
from shipping.models import AfterSalesCase, Shipment, ShipmentLine
from tests.factories import Cast

DOMAIN_MODELS = (
    Order,
    OrderLine,
    Payment,
    PaymentReceipt,
    Approval,
    OrderRevision,
    OrderEvent,
    ProductionOrder,
    ProgressReport,
    QualityInspection,
    Incident,
    Shipment,
    ShipmentLine,
    AfterSalesCase,
    Sequence,
    Order.shared_with.through,
    Note,
    Attachment,
    ApprovalRequest,
)


def snapshot() -> dict[str, list[dict]]:
    """Every row of every domain table, to compare before and after a refused call."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in DOMAIN_MODELS
    }


def planned_shipment(order: Order, actor: User) -> Shipment:
    """A planned shipment of one piece, made directly: in most statuses the service
    refuses to plan one, but the test needs one to try shipping it."""
    shipment = Shipment.objects.create(
        number=f"SH-TEST-{order.pk}",
        order=order,
        planned_ship_date=timezone.localdate(),
        mode="sea",
        created_by=actor,
    )
    ShipmentLine.objects.create(shipment=shipment, order_line=order.lines.first(), quantity=1)
    return shipment


def _issue(cast: Cast, order: Order, actor: User):
    today = timezone.localdate()
    return production_services.production_order_issue(
        actor=actor,
        order_id=order.pk,
        factory="W2",
        planned_start=today,
        planned_finish=today + dt.timedelta(days=5),
    )


def _amend(cast: Cast, order: Order, actor: User):
    line = order.lines.first()
    return order_services.order_amend(
        actor=actor,
        order_id=order.pk,
        lines=[{"product": line.product_id, "quantity": line.quantity + 10, "unit_price": "9.00"}],
        confirmation_method="email",
        reason="customer asked",
    )


def _ship(cast: Cast, order: Order, actor: User):
    shipment = order.shipments.filter(status="planned").first() or planned_shipment(order, actor)
    return shipping_services.shipment_ship(actor=actor, shipment_id=shipment.pk)


def prepare(action: str, order: Order, actor: User) -> None:
    """What an action needs in place before the snapshot is taken."""
    if action == "ship":
        planned_shipment(order, actor)


# Every action on an order, called the way a user with the right role would call it.
ACTIONS: dict[str, Callable[[Cast, Order, User], object]] = {
    "update_draft": lambda c, o, a: order_services.order_update_draft(
        actor=a, order_id=o.pk, customer_po="PO-X"
    ),
    "confirm": lambda c, o, a: order_services.order_confirm(actor=a, order_id=o.pk, method="fax"),
    "request_deposit": lambda c, o, a: order_services.order_request_deposit(actor=a, order_id=o.pk),
    "waive_deposit": lambda c, o, a: order_services.order_waive_deposit(
        actor=a, order_id=o.pk, reason="long-standing customer"
    ),
    "issue_production": _issue,
    "accept_shortfall": lambda c, o, a: production_services.production_accept_shortfall(
        actor=a, order_id=o.pk, reason="fabric short"
    ),
    "complete_production": lambda c, o, a: production_services.order_complete_production(
        actor=a, order_id=o.pk
    ),
    "request_balance": lambda c, o, a: order_services.order_request_balance(actor=a, order_id=o.pk),
    "release_on_credit": lambda c, o, a: order_services.order_release_on_credit(
        actor=a, order_id=o.pk, reason="good payer"
    ),
    "create_shipment": lambda c, o, a: shipping_services.shipment_create(
        actor=a, order_id=o.pk, planned_ship_date=timezone.localdate(), mode="sea"
    ),
    "ship": _ship,
    "confirm_delivery": lambda c, o, a: order_services.order_confirm_delivery(
        actor=a, order_id=o.pk
    ),
    "close": lambda c, o, a: order_services.order_close(actor=a, order_id=o.pk),
    "cancel": lambda c, o, a: order_services.order_cancel(
        actor=a, order_id=o.pk, reason="customer withdrew"
    ),
    "amend": _amend,
    "discount": lambda c, o, a: order_services.order_apply_discount(
        actor=a, order_id=o.pk, amount="1.00", reason="colour slightly off"
    ),
    "reassign": lambda c, o, a: order_services.order_reassign(
        actor=a, order_id=o.pk, owner_id=c.other_merchandiser.pk
    ),
    "open_after_sales": lambda c, o, a: shipping_services.after_sales_case_open(
        actor=a, order_id=o.pk, kind="complaint", description="stains"
    ),
}
