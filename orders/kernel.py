"""The order kernel: what every service that touches an order needs, and all that the
apps above orders (production, shipping) take from it.

- ``lock_order``: the order row lock every service takes first (then its own rows);
- ``move``: check an action against the order's transition table and move the order,
  with its tally and its timeline event;
- ``save``: save only the changed fields, with the history user;
- ``money`` and ``require_reason``: the input checks every service shares;
- ``record_approval``: a supervisor's approval, with its event;
- ``events`` and ``tallies``: the order's timeline writers and its tallies.

The services of orders use it too, so there is one of each. Where orders needs
production or shipping to act (an order cancelled, amended, delivered, closed), it
sends a hook of ``orders.signals``; it never imports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gendan.exceptions import NotFound, ValidationFailed
from gendan.models import User

from . import events, tallies
from .models import CENT, Approval, Order
from .states import ensure_transition

__all__ = [
    "events",
    "lock_order",
    "money",
    "move",
    "record_approval",
    "require_reason",
    "save",
    "tallies",
]


def lock_order(order_id: int) -> Order:
    """Lock an order row for the rest of the transaction (call inside atomic)."""
    try:
        # of=("self",): lock the order only, not the customer or owner rows.
        return Order.objects.select_for_update(of=("self",)).get(pk=order_id)
    except Order.DoesNotExist:
        raise NotFound(model="order", id=order_id) from None


def save(obj, actor: User | None, fields: Iterable[str]) -> None:
    """Save only ``fields`` (plus ``updated_at`` where the model has it), with history user."""
    obj._history_user = actor
    names = list(fields)
    if hasattr(obj, "updated_at") and "updated_at" not in names:
        names.append("updated_at")
    obj.save(update_fields=names)


def move(order: Order, action: str, *, actor: User, to: str | None = None, note: str = "", **data):
    """Check ``action`` against the transition table and move the order, with its event."""
    target = ensure_transition(order, action)
    target = to or target
    if target is None or target == order.status:
        raise ValueError(f"action {action!r} does not change the status")
    previous, order.status = order.status, target
    save(order, actor, ["status"])
    tallies.status_changed(order, previous)
    events.status_changed(order, actor=actor, previous=previous, note=note, action=action, **data)


def money(value: Any, *, field: str) -> Decimal:
    """Parse a money amount to a Decimal with two places, or raise ValidationFailed."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(fields={field: [_("请输入有效的金额。")]}) from None
    if not amount.is_finite():
        raise ValidationFailed(fields={field: [_("请输入有效的金额。")]})
    if amount != amount.quantize(CENT):
        raise ValidationFailed(fields={field: [_("金额最多两位小数。")]})
    return amount.quantize(CENT)


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={field: [_("请填写原因。")]})
    return reason


def record_approval(order: Order, kind: str, *, actor: User, reason: str) -> Approval:
    approval = Approval.objects.create(order=order, kind=kind, reason=reason, approved_by=actor)
    events.approval(order, actor=actor, approval=approval)
    return approval
