"""Writers of the order timeline: the only code that creates ``OrderEvent`` rows.

Each helper is called by a service inside its transaction, so an event exists
exactly when its change does.
"""

from __future__ import annotations

from typing import Any

from .models import EventType, Order, OrderEvent
from .signals import order_event_recorded


def record(order: Order, type: str, /, **kwargs: Any) -> OrderEvent:
    """Write one event: ``actor=``, optionally ``from_status=``, ``to_status=``,
    ``note=``; any other keyword goes to its data (``TimelineEvent.build``)."""
    event = OrderEvent.record(order, type, **kwargs)
    order_event_recorded.send(sender=Order, order=order, event=event)
    return event


def status_changed(
    order: Order, *, actor, previous: str, note: str = "", **data: Any
) -> OrderEvent:
    """One transition of the lifecycle: ``previous`` -> ``order.status``."""
    return record(
        order,
        EventType.STATUS_CHANGED,
        actor=actor,
        from_status=previous,
        to_status=order.status,
        note=note,
        **data,
    )


def created(order: Order, *, actor) -> OrderEvent:
    return record(order, EventType.CREATED, actor=actor, to_status=order.status)


def updated(order: Order, *, actor, changed: list[str], note: str = "", **data: Any) -> OrderEvent:
    return record(order, EventType.UPDATED, actor=actor, changed=changed, note=note, **data)


def _payment_event(order: Order, type: str, *, actor, payment, **data: Any) -> OrderEvent:
    """An event about one payment request: its id and kind, then ``data``."""
    return record(order, type, actor=actor, payment=payment.pk, kind=payment.kind, **data)


def payment_requested(order: Order, *, actor, payment) -> OrderEvent:
    return _payment_event(
        order,
        EventType.PAYMENT_REQUESTED,
        actor=actor,
        payment=payment,
        amount_due=payment.amount_due,
        due_date=payment.due_date,
    )


def payment_adjusted(order: Order, *, actor, payment, previous) -> OrderEvent:
    return _payment_event(
        order,
        EventType.PAYMENT_ADJUSTED,
        actor=actor,
        payment=payment,
        previous_amount_due=previous,
        amount_due=payment.amount_due,
    )


def payment_received(order: Order, *, actor, payment, receipt) -> OrderEvent:
    return _payment_event(
        order,
        EventType.PAYMENT_RECEIVED,
        actor=actor,
        payment=payment,
        amount=receipt.amount,
        received_on=receipt.received_on,
        reference=receipt.reference,
    )


def payment_voided(order: Order, *, actor, payment, note: str = "") -> OrderEvent:
    return _payment_event(
        order,
        EventType.PAYMENT_VOIDED,
        actor=actor,
        payment=payment,
        note=note,
        amount_due=payment.amount_due,
    )


def refund_flagged(order: Order, *, actor, payment) -> OrderEvent:
    return record(
        order, EventType.REFUND_FLAGGED, actor=actor, payment=payment.pk, amount=payment.amount_due
    )


def approval(order: Order, *, actor, approval) -> OrderEvent:
    return record(
        order,
        EventType.APPROVAL,
        actor=actor,
        note=approval.reason,
        approval=approval.pk,
        kind=approval.kind,
    )


def amended(order: Order, *, actor, revision) -> OrderEvent:
    return record(
        order,
        EventType.AMENDED,
        actor=actor,
        note=revision.reason,
        revision=revision.revision,
        total_amount=revision.total_amount,
    )


def discounted(order: Order, *, actor, amount, previous_total, note: str = "", **data: Any):
    """A discount off the order's price: its amount, the total before and after."""
    return record(
        order,
        EventType.DISCOUNTED,
        actor=actor,
        note=note,
        amount=amount,
        previous_total=previous_total,
        total_amount=order.total_amount,
        **data,
    )


def reassigned(order: Order, *, actor, previous_owner, note: str = "") -> OrderEvent:
    return record(
        order,
        EventType.REASSIGNED,
        actor=actor,
        note=note,
        previous_owner=previous_owner.pk,
        owner=order.owner_id,
    )


def production_order_event(order: Order, type: str, *, actor, production_order, **data):
    return record(
        order,
        type,
        actor=actor,
        production_order=production_order.pk,
        number=production_order.number,
        **data,
    )


def shipment_event(order: Order, type: str, *, actor, shipment, note: str = "", **data):
    return record(
        order, type, actor=actor, note=note, shipment=shipment.pk, number=shipment.number, **data
    )


def after_sales_event(order: Order, type: str, *, actor, case, note: str = "", **data):
    return record(
        order,
        type,
        actor=actor,
        note=note,
        case=case.pk,
        kind=case.kind,
        status=case.status,
        **data,
    )
