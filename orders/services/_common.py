"""Helpers shared by the services of orders, production and shipping: the order
row lock, money parsing, saving with history, moving an order along the table."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gendan.exceptions import (
    NotFound,
    ValidationFailed,
)
from gendan.models import User

from .. import events, tallies
from ..models import (  # noqa: F401  (OPEN_PAYMENT, INCOMING_KINDS: importable from here too)
    CENT,
    INCOMING_KINDS,
    OPEN_PAYMENT,
    Order,
)
from ..states import OrderStatus, ensure_transition

S = OrderStatus
# The largest amount and quantity the money and quantity columns hold.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_QUANTITY = 2_147_483_647


# --------------------------------------------------------------------------
# Helpers shared by the services of orders, production and shipping
# --------------------------------------------------------------------------


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


def line_amount(quantity: int, unit_price: Decimal) -> Decimal:
    return (Decimal(quantity) * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def deposit_for(total: Decimal, ratio: Decimal) -> Decimal:
    return (total * ratio).quantize(CENT, rounding=ROUND_HALF_UP)


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={field: [_("请填写原因。")]})
    return reason
