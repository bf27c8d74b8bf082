"""The order kernel: what every service that touches an order needs, and all that the
apps above orders (production, shipping) take from it.

- ``lock_order``: the order row lock every service takes first (then its own rows);
  ``lock_child``: the same for one of the order's rows, then that row;
  ``lock_for_action``: the lock, the policy and the transition check a service on the
  order begins with;
- ``move``: check an action against the order's transition table and move the order,
  with its tally and its timeline event;
- ``create``, ``save``: insert a row, save only the changed fields, with the history
  user;
- ``money``, ``require_reason``, ``check_counts``, ``money_not_negative``,
  ``check_delivery_date``: the input checks every service shares;
- ``record_approval``, ``approve_flag``: a supervisor's approval, with its event;
- ``set_given``: copy the optional inputs that were given onto a row;
- ``events`` and ``tallies``: the order's timeline writers and its tallies.

The services of orders use it too, so there is one of each. Where orders needs
production or shipping to act (an order cancelled, amended, delivered, closed), it
sends a hook of ``orders.signals``; it never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gendan import bounds, policy
from gendan.exceptions import AlreadyDone, NotFound, ValidationFailed
from gendan.models import User

from . import events, tallies
from .models import CENT, Approval, ApprovalKind, Order, Payment
from .states import ensure_transition

M = TypeVar("M")

__all__ = [
    "approve_flag",
    "check_counts",
    "check_delivery_date",
    "create",
    "events",
    "lock_child",
    "lock_for_action",
    "lock_order",
    "money",
    "money_not_negative",
    "move",
    "record_approval",
    "require_reason",
    "save",
    "set_given",
    "tallies",
]


def lock_order(order_id: int) -> Order:
    """Lock an order row for the rest of the transaction (call inside atomic)."""
    try:
        # of=("self",): lock the order only, not the customer or owner rows.
        return Order.objects.select_for_update(of=("self",)).get(pk=order_id)
    except Order.DoesNotExist:
        raise NotFound(model="order", id=order_id) from None


def lock_for_action(
    order_id: int, action: str, *, actor: User, permission: str | None = None
) -> Order:
    """How a service that acts on an order begins: lock the order, check that the actor
    may (the policy ``permission``, by default ``order.<action>``) and that the order's
    transition table allows ``action``. Raises NotFound, PermissionDenied,
    InvalidTransition. Call inside ``transaction.atomic``."""
    order = lock_order(order_id)
    policy.require(actor, permission or f"order.{action}", order)
    ensure_transition(order, action)
    return order


def lock_child(model: type[M], pk: int, name: str) -> tuple[Order, M]:
    """Lock the order of one of its rows (a ``model`` with an ``order`` key), then the
    row: the lock order every writer keeps. Raises NotFound (``name``, ``pk``)."""
    order_id = model.objects.filter(pk=pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(model=name, id=pk)
    return lock_order(order_id), model.objects.select_for_update().get(pk=pk)


def create(model: type[M], actor: User | None, /, **fields: Any) -> M:
    """Insert a row of ``model`` with its history user (its first history entry); a
    payment with its part of the receivable tally."""
    obj = model(**fields)
    obj._history_user = actor
    obj.save()
    if isinstance(obj, Payment):
        tallies.receivable_changed(None, tallies.receivable_of(obj))
    return obj


def save(obj, actor: User | None, fields: Iterable[str]) -> None:
    """Save only ``fields`` (plus ``updated_at`` where the model has it), with history
    user; a payment's part of the receivable tally follows (the row is locked)."""
    obj._history_user = actor
    names = list(fields)
    if hasattr(obj, "updated_at") and "updated_at" not in names:
        names.append("updated_at")
    if not isinstance(obj, Payment):
        obj.save(update_fields=names)
        return
    currency, before = tallies.receivable_stored(obj.pk)
    obj.save(update_fields=names)
    tallies.receivable_changed(before, tallies.receivable_of(obj, currency))


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


def money_not_negative(errors: dict[str, list], value: Any, *, field: str) -> Decimal:
    """``money(value)``; a negative amount is named in ``errors`` (raised by the caller)."""
    amount = money(value, field=field)
    if amount < 0:
        errors[field] = [_("金额不能为负数。")]
    return amount


def check_counts(errors: dict[str, list], **counts: Any) -> None:
    """Each of ``counts`` must be a whole number ≥ 0 (not a bool); a wrong one is named
    in ``errors`` (raised by the caller with the other errors)."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = [_("请输入不小于 0 的整数。")]


def check_delivery_date(
    errors: dict[str, list], value: Any, *, required: bool = True
) -> dt.date | None:
    """A new contract delivery date (an amendment, a change the customer agreed): not
    before today; a bad one is named in ``errors`` (raised by the caller)."""
    return bounds.check_day_ahead(
        errors,
        "contract_delivery_date",
        value,
        required=required,
        too_early=_("合同交期不能早于今天。"),
    )


def set_given(obj, **values: Any) -> list[str]:
    """Set the ``values`` that were given (not None) on ``obj``; returns their names,
    for ``save``."""
    given = [name for name, value in values.items() if value is not None]
    for name in given:
        setattr(obj, name, values[name])
    return given


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={field: [_("请填写原因。")]})
    return reason


def record_approval(order: Order, kind: str, *, actor: User, reason: str) -> Approval:
    approval = Approval.objects.create(order=order, kind=kind, reason=reason, approved_by=actor)
    events.approval(order, actor=actor, approval=approval)
    return approval


# The order's flags a supervisor's approval sets, by the action that sets them: the
# approval's kind, the flag, and the refusal's message and code when the flag is set
# already.
FLAG_APPROVALS = {
    "release_on_credit": (
        ApprovalKind.RELEASE_ON_CREDIT,
        "credit_released",
        gettext_lazy("已赊销放行。"),
        "already_released",
    ),
    "accept_shortfall": (
        ApprovalKind.PRODUCTION_SHORTFALL,
        "shortfall_accepted",
        gettext_lazy("已接受短交。"),
        "already_accepted",
    ),
}


def approve_flag(order_id: int, action: str, *, actor: User, reason: str) -> Order:
    """A supervisor's approval that sets one of the order's flags (``FLAG_APPROVALS``:
    release on credit, an accepted shortfall), with its reason and event: locks the
    order, checks the policy ``order.<action>`` and the transition ``action``. Raises
    NotFound, PermissionDenied, InvalidTransition, AlreadyDone when the flag is set
    already, ValidationFailed without a reason. Call inside ``transaction.atomic``."""
    kind, flag, message, code = FLAG_APPROVALS[action]
    order = lock_for_action(order_id, action, actor=actor)
    if getattr(order, flag):
        raise AlreadyDone(message, code=code)
    reason = require_reason(reason)
    record_approval(order, kind, actor=actor, reason=reason)
    setattr(order, flag, True)
    save(order, actor, [flag])
    return order
