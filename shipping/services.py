"""Shipments (partial or whole) and after-sales cases.

Every function locks the customer order first, then its own rows, and writes
its event to the order's timeline in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import (
    AlreadyDone,
    GuardFailed,
    NotFound,
    ValidationFailed,
)
from gendan.models import User
from gendan.sequences import next_number
from orders.kernel import (
    check_counts,
    create,
    events,
    lock_child,
    lock_for_action,
    lock_order,
    money_not_negative,
    move,
    require_reason,
    save,
    set_given,
    tallies,
)
from orders.models import EventType, Order
from orders.states import OrderStatus, ensure_transition

from . import selectors, signals
from .models import AfterSalesCase, Shipment, ShipmentDocument, ShipmentLine
from .states import (
    AFTER_SALES_TRANSITIONS,
    AS,
    GONE_SHIPMENT_STATUSES,
    OPEN_AFTER_SALES_STATUSES,
    SH,
    SHIPMENT_TRANSITIONS,
)

DEFAULT_REQUIRED_DOCUMENTS = (
    ShipmentDocument.Kind.COMMERCIAL_INVOICE,
    ShipmentDocument.Kind.PACKING_LIST,
    ShipmentDocument.Kind.CUSTOMS_DECLARATION,
)


# --------------------------------------------------------------------------
# Shipments
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def shipment_create(
    *,
    actor: User,
    order_id: int,
    planned_ship_date: dt.date,
    mode: str,
    lines: Iterable[Mapping[str, Any]] | None = None,
    forwarder: str = "",
    carrier: str = "",
    packages: int = 0,
    required_documents: Iterable[str] = DEFAULT_REQUIRED_DOCUMENTS,
    note: str = "",
) -> Shipment:
    """Plan a shipment of some or all of the order's open quantity.

    ``lines`` are ``{"order_line": id, "quantity": n}``; without them the
    shipment takes every line's open quantity. A quantity above what is still
    open raises ValidationFailed. Raises InvalidTransition, PermissionDenied.
    """
    order = lock_for_action(order_id, "create_shipment", actor=actor, permission="shipment.create")
    errors: dict[str, list[str]] = {}
    if mode not in Shipment.Mode.values:
        errors["mode"] = [_("运输方式无效。")]
    bounds.check_date(
        errors,
        "planned_ship_date",
        planned_ship_date,
        earliest=order.order_date,
        too_early=_("计划出货日期不能早于下单日期 %(d)s。"),
        missing=_("请填写计划出货日期。"),
    )
    check_counts(errors, packages=packages)
    required = list(required_documents)
    if any(kind not in ShipmentDocument.Kind.values for kind in required):
        errors["required_documents"] = [_("单证类型无效。")]
    open_quantities = selectors.open_quantities(order)
    wanted: dict[int, int] = {}
    if lines is None:
        wanted = {line_id: qty for line_id, qty in open_quantities.items() if qty > 0}
    else:
        for i, raw in enumerate(lines):
            line_id, quantity = raw.get("order_line"), raw.get("quantity")
            if line_id not in open_quantities:
                errors[f"lines[{i}].order_line"] = [_("订单行不属于此订单。")]
            elif isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
                errors[f"lines[{i}].quantity"] = [_("数量必须是大于 0 的整数。")]
            elif line_id in wanted:
                errors[f"lines[{i}].order_line"] = [_("同一订单行只能出现一次。")]
            elif quantity > open_quantities[line_id]:
                errors[f"lines[{i}].quantity"] = [
                    _("超过未出货数量 %(n)s。") % {"n": open_quantities[line_id]}
                ]
            else:
                wanted[line_id] = quantity
    if not errors and not wanted:
        errors["lines"] = [_("没有可出货的数量。")]
    if errors:
        raise ValidationFailed(fields=errors)
    shipment = create(
        Shipment,
        actor,
        number=next_number("SH"),
        order=order,
        planned_ship_date=planned_ship_date,
        mode=mode,
        forwarder=forwarder,
        carrier=carrier,
        packages=packages,
        note=note,
        created_by=actor,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
        for line_id, quantity in sorted(wanted.items())
    )
    ShipmentDocument.objects.bulk_create(
        ShipmentDocument(shipment=shipment, kind=kind, required=kind in required)
        for kind in ShipmentDocument.Kind.values
    )
    events.shipment_event(
        order,
        EventType.SHIPMENT_CREATED,
        actor=actor,
        shipment=shipment,
        quantity=sum(wanted.values()),
    )
    return shipment


@storable
@transaction.atomic
def shipment_ship(
    *,
    actor: User,
    shipment_id: int,
    actual_ship_date: dt.date | None = None,
    tracking_number: str | None = None,
    container: str | None = None,
    customs_declaration_number: str | None = None,
    packages: int | None = None,
) -> Shipment:
    """The shipment left the factory. The order becomes partially_shipped, or
    shipped once every line's quantity has left.

    Guard: full payment confirmed, or a supervisor's release on credit.
    Raises InvalidTransition, GuardFailed, AlreadyDone, PermissionDenied.
    """
    order, shipment = lock_child(Shipment, shipment_id, "shipment")
    policy.require(actor, "shipment.ship", shipment)
    if shipment.status in GONE_SHIPMENT_STATUSES:
        raise AlreadyDone(_("该批货物已出货。"), code="already_shipped")
    shipped = SHIPMENT_TRANSITIONS.ensure(shipment, "ship")
    ensure_transition(order, "ship")
    if not order.fully_paid and not order.credit_released:
        raise GuardFailed(
            _("全款未到账（欠 %(b)s），需主管赊销放行。") % {"b": order.balance_due},
            code="payment_required",
        )
    # Not before the shipment was planned in the system, nor in the future: a shipment
    # backdated past its own creation would count as on time (kpi: on-time delivery).
    today = timezone.localdate()
    actual_ship_date = bounds.require_date(
        "actual_ship_date",
        actual_ship_date or today,
        earliest=bounds.local_date(shipment.created_at),
        too_early=_("出货日期不能早于出货安排的日期 %(d)s。"),
        latest=today,
        too_late=_("出货日期不能晚于今天。"),
    )
    shipment.status = shipped
    shipment.actual_ship_date = actual_ship_date
    shipment.shipped_at = timezone.now()
    fields = ["status", "actual_ship_date", "shipped_at"]
    fields += set_given(
        shipment,
        tracking_number=tracking_number,
        container=container,
        customs_declaration_number=customs_declaration_number,
        packages=packages,
    )
    save(shipment, actor, fields)
    events.shipment_event(order, EventType.SHIPMENT_SHIPPED, actor=actor, shipment=shipment)
    if selectors.all_quantity_gone(order):
        order.fully_shipped_at = timezone.now()
        save(order, actor, ["fully_shipped_at"])
        tallies.fully_shipped(order)
        move(order, "ship", actor=actor, to=OrderStatus.SHIPPED, shipment=shipment.pk)
    elif order.status != OrderStatus.PARTIALLY_SHIPPED:
        move(order, "ship", actor=actor, to=OrderStatus.PARTIALLY_SHIPPED, shipment=shipment.pk)
    return shipment


@storable
@transaction.atomic
def shipment_deliver(
    *, actor: User, shipment_id: int, delivered_at: dt.datetime | None = None
) -> Shipment:
    """The customer signed for a shipment. When the order is shipped and every
    shipment is delivered, the order becomes delivered.
    Raises InvalidTransition, AlreadyDone, PermissionDenied."""
    order, shipment = lock_child(Shipment, shipment_id, "shipment")
    policy.require(actor, "shipment.deliver", shipment)
    if shipment.status == SH.DELIVERED:
        raise AlreadyDone(_("已签收。"), code="already_delivered")
    SHIPMENT_TRANSITIONS.ensure(shipment, "deliver")
    now = timezone.now()
    delivered_at = bounds.require_moment(
        "delivered_at", delivered_at or now, latest=now, too_late=_("签收时间不能晚于现在。")
    )
    _deliver(order, shipment, actor=actor, delivered_at=delivered_at)
    if (
        order.status == OrderStatus.SHIPPED
        and not order.shipments.filter(status=SH.SHIPPED).exists()
    ):
        order.delivered_at = delivered_at
        save(order, actor, ["delivered_at"])
        move(order, "confirm_delivery", actor=actor, shipment=shipment.pk)
    return shipment


def _deliver(order: Order, shipment: Shipment, *, actor: User, delivered_at: dt.datetime) -> None:
    """Mark one shipment delivered; not before the day it left (ValidationFailed)."""
    shipment.status = SHIPMENT_TRANSITIONS.ensure(shipment, "deliver")
    if shipment.actual_ship_date and delivered_at < bounds.start_of_day(shipment.actual_ship_date):
        raise ValidationFailed(
            fields={
                "delivered_at": [
                    _("签收时间不能早于出货日期 %(d)s（%(n)s）。")
                    % {"d": shipment.actual_ship_date, "n": shipment.number}
                ]
            }
        )
    shipment.delivered_at = delivered_at
    save(shipment, actor, ["status", "delivered_at"])
    events.shipment_event(order, EventType.SHIPMENT_DELIVERED, actor=actor, shipment=shipment)


def mark_shipments_delivered(order: Order, *, actor: User, delivered_at: dt.datetime) -> None:
    """Mark every shipped shipment of the order delivered. Called when the order's
    delivery is confirmed (``orders.signals.order_delivery_confirming``), under the
    order's lock."""
    for shipment in _locked(order, "deliver"):
        _deliver(order, shipment, actor=actor, delivered_at=delivered_at)


@storable
@transaction.atomic
def shipment_cancel(*, actor: User, shipment_id: int, reason: str) -> Shipment:
    """Cancel a shipment that has not left; its quantity is open again.
    Raises InvalidTransition, PermissionDenied, ValidationFailed."""
    order, shipment = lock_child(Shipment, shipment_id, "shipment")
    policy.require(actor, "shipment.cancel", shipment)
    SHIPMENT_TRANSITIONS.ensure(shipment, "cancel_shipment")
    reason = require_reason(reason)
    _cancel(order, shipment, actor=actor, note=reason)
    return shipment


def _cancel(order: Order, shipment: Shipment, *, actor: User, note: str) -> None:
    shipment.status = SHIPMENT_TRANSITIONS.ensure(shipment, "cancel_shipment")
    save(shipment, actor, ["status"])
    events.shipment_event(
        order, EventType.SHIPMENT_CANCELLED, actor=actor, shipment=shipment, note=note
    )


def cancel_open_shipments(order: Order, *, actor: User, note: str) -> None:
    """Cancel the shipments that have not left. Called when the order is cancelled
    (``orders.signals.order_cancelling``), under the order's lock."""
    for shipment in _locked(order, "cancel_shipment"):
        _cancel(order, shipment, actor=actor, note=note)


def _locked(order: Order, action: str) -> list[Shipment]:
    """The order's shipments ``action`` may start from, locked in primary-key order."""
    allowed = SHIPMENT_TRANSITIONS.allowed_from(action)
    return list(order.shipments.select_for_update().filter(status__in=allowed).order_by("pk"))


def refuse_closing_with_open_cases(order: Order) -> None:
    """An order with an open after-sales case may not be closed (a guard of ``order_close``,
    asked through ``orders.signals.order_closing``)."""
    if order.after_sales_cases.filter(status__in=OPEN_AFTER_SALES_STATUSES).exists():
        raise GuardFailed(_("还有未解决的售后案例。"), code="open_after_sales")


@storable
@transaction.atomic
def shipment_pack(*, actor: User, shipment_id: int, packages: int | None = None) -> Shipment:
    """Goods packed and ready: planned -> packed. Raises InvalidTransition, PermissionDenied."""
    order, shipment = lock_child(Shipment, shipment_id, "shipment")
    policy.require(actor, "shipment.update", shipment)
    shipment.status = SHIPMENT_TRANSITIONS.ensure(shipment, "pack")
    if packages is not None:
        errors: dict[str, list[str]] = {}
        check_counts(errors, packages=packages)
        if errors:
            raise ValidationFailed(fields=errors)
    save(shipment, actor, ["status", *set_given(shipment, packages=packages)])
    events.shipment_event(order, EventType.SHIPMENT_PACKED, actor=actor, shipment=shipment)
    return shipment


@storable
@transaction.atomic
def shipment_document_update(
    *, actor: User, document_id: int, is_ready: bool, file=None
) -> ShipmentDocument:
    """Tick a document of the shipment's checklist (and attach its file: one of the
    order's attachments, checked and stored by ``gendan.uploads`` through the
    ``document_file_attaching`` hook, after the policy check, under the lock).
    Raises NotFound, PermissionDenied, ValidationFailed (``file``: too large, a type
    not allowed, content that is not what its extension says)."""
    document = ShipmentDocument.objects.select_related("shipment").filter(pk=document_id).first()
    if document is None:
        raise NotFound(model="shipment_document", id=document_id)
    lock_order(document.shipment.order_id)
    document = ShipmentDocument.objects.select_for_update().get(pk=document_id)
    policy.require(actor, "shipment.update", document)
    document.is_ready = bool(is_ready)
    document.updated_by = actor
    if file is not None:
        answers = signals.document_file_attaching.send(
            sender=ShipmentDocument, document=document, actor=actor, file=file
        )
        if not any(stored for _receiver, stored in answers):
            raise ValidationFailed(fields={"file": [_("无法保存文件。")]})
    save(document, actor, ["is_ready", "updated_by"])
    return document


# --------------------------------------------------------------------------
# After-sales cases
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def after_sales_case_open(
    *,
    actor: User,
    order_id: int,
    kind: str,
    description: str,
    received_at: dt.datetime | None = None,
) -> AfterSalesCase:
    """Register an after-sales case (售后) for an order whose goods have left.
    Raises InvalidTransition, PermissionDenied, ValidationFailed."""
    order = lock_for_action(
        order_id, "open_after_sales", actor=actor, permission="after_sales.open"
    )
    errors: dict[str, list[str]] = {}
    if kind not in AfterSalesCase.Kind.values:
        errors["kind"] = [_("售后类型无效。")]
    if not (description or "").strip():
        errors["description"] = [_("请描述问题。")]
    left = selectors.first_ship_date(order)
    received_at = bounds.check_moment_done(
        errors,
        "received_at",
        received_at,
        earliest=left or order.order_date,
        too_early=_("收到时间不能早于货物出货的日期 %(d)s。"),
        too_late=_("收到时间不能晚于现在。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    case = AfterSalesCase.objects.create(
        order=order,
        kind=kind,
        description=description.strip(),
        received_at=received_at,
        opened_by=actor,
    )
    events.after_sales_event(order, EventType.AFTER_SALES_OPENED, actor=actor, case=case)
    return case


def _lock_case(case_id: int, actor: User) -> tuple[Order, AfterSalesCase]:
    order, case = lock_child(AfterSalesCase, case_id, "after_sales_case")
    policy.require(actor, "after_sales.update", case)
    return order, case


def _update_case(
    order: Order, case: AfterSalesCase, fields: list[str], *, actor: User, note: str = ""
) -> AfterSalesCase:
    """Save a step of a case (its status and ``fields``), with its event."""
    save(case, actor, ["status", *fields])
    events.after_sales_event(
        order, EventType.AFTER_SALES_UPDATED, actor=actor, case=case, note=note
    )
    return case


@storable
@transaction.atomic
def after_sales_case_investigate(*, actor: User, case_id: int, note: str = "") -> AfterSalesCase:
    """Start investigating: open -> investigating. Raises InvalidTransition, PermissionDenied."""
    order, case = _lock_case(case_id, actor)
    case.status = AFTER_SALES_TRANSITIONS.ensure(case, "investigate")
    return _update_case(order, case, [], actor=actor, note=note)


@storable
@transaction.atomic
def after_sales_case_resolve(
    *,
    actor: User,
    case_id: int,
    root_cause: str,
    corrective_action: str,
    cost: Decimal | str = "0",
    resolved_at: dt.datetime | None = None,
) -> AfterSalesCase:
    """Resolve a case with its root cause, corrective action and cost.
    Raises InvalidTransition, AlreadyDone, PermissionDenied, ValidationFailed."""
    order, case = _lock_case(case_id, actor)
    if case.status == AS.RESOLVED:
        raise AlreadyDone(_("售后案例已解决。"), code="already_resolved")
    resolved = AFTER_SALES_TRANSITIONS.ensure(case, "resolve")
    errors: dict[str, list[str]] = {}
    if not (root_cause or "").strip():
        errors["root_cause"] = [_("请填写原因分析。")]
    if not (corrective_action or "").strip():
        errors["corrective_action"] = [_("请填写纠正措施。")]
    amount = money_not_negative(errors, cost, field="cost")
    resolved_at = bounds.check_moment_done(
        errors,
        "resolved_at",
        resolved_at,
        earliest=case.received_at,
        too_early=_("解决时间不能早于收到时间 %(d)s。"),
        too_late=_("解决时间不能晚于现在。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    case.status = resolved
    case.root_cause = root_cause.strip()
    case.corrective_action = corrective_action.strip()
    case.cost = amount
    case.resolved_at = resolved_at
    return _update_case(
        order, case, ["root_cause", "corrective_action", "cost", "resolved_at"], actor=actor
    )


@storable
@transaction.atomic
def after_sales_case_close(
    *, actor: User, case_id: int, customer_satisfaction: int | None = None
) -> AfterSalesCase:
    """Close a resolved case, with the customer's satisfaction (1–5).
    Raises InvalidTransition, AlreadyDone, PermissionDenied, ValidationFailed."""
    order, case = _lock_case(case_id, actor)
    if case.status == AS.CLOSED:
        raise AlreadyDone(_("售后案例已关闭。"), code="already_closed")
    closed = AFTER_SALES_TRANSITIONS.ensure(case, "close", message=_("请先解决售后案例。"))
    if customer_satisfaction is not None and (
        isinstance(customer_satisfaction, bool)
        or not isinstance(customer_satisfaction, int)
        or not 1 <= customer_satisfaction <= 5
    ):
        raise ValidationFailed(fields={"customer_satisfaction": [_("请输入 1 到 5。")]})
    case.status = closed
    case.customer_satisfaction = customer_satisfaction
    case.closed_at = timezone.now()
    return _update_case(order, case, ["customer_satisfaction", "closed_at"], actor=actor)
