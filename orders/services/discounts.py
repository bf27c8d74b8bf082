"""A discount off an order's price (折扣, e.g. the "mutual concession" of an after-sales
case, or a price the supervisor grants): the total goes down, and the open payment
requests follow it, as they follow an amendment (product.md §2)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gendan.bounds import storable
from gendan.exceptions import GuardFailed, ValidationFailed
from gendan.models import User

from .. import events, tallies
from ..models import CENT, ZERO, Order
from ._common import (
    INCOMING_KINDS,
    OPEN_PAYMENT,
    S,
    deposit_for,
    lock_for_action,
    money,
    move,
    require_reason,
    save,
)
from .lifecycle import _adjust_request, _adjust_requests_after_amendment, _withdraw_request

HUNDRED = Decimal("100")
REASON_MAX = 2000


def _percent(value: Any) -> Decimal:
    """A percentage: more than 0, at most 100, at most two places."""
    message = _("折扣比例须大于 0、不超过 100，最多两位小数。")
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(fields={"percent": [message]}) from None
    if (
        not percent.is_finite()
        or not ZERO < percent <= HUNDRED
        or percent != percent.quantize(CENT)
    ):
        raise ValidationFailed(fields={"percent": [message]})
    return percent


def discount_amount_for(order: Order, *, amount: Any = None, percent: Any = None) -> Decimal:
    """The discount in money: ``amount`` as given, or ``percent`` of the order's total
    (rounded to the cent). Exactly one of them; more than 0 and at most the total
    (ValidationFailed otherwise)."""
    if (amount is None) == (percent is None):
        message = _("请填写折扣金额或折扣比例（二选一）。")
        raise ValidationFailed(message, fields={"amount": [message], "percent": [message]})
    if percent is not None:
        field = "percent"
        value = (order.total_amount * _percent(percent) / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    else:
        field, value = "amount", money(amount, field="amount")
    if value <= ZERO:
        raise ValidationFailed(fields={field: [_("折扣须大于 0。")]})
    if value > order.total_amount:
        raise ValidationFailed(
            fields={field: [_("折扣不能超过订单金额 %(total)s。") % {"total": order.total_amount}]}
        )
    return value


@storable
@transaction.atomic
def order_apply_discount(
    *,
    actor: User,
    order_id: int,
    reason: str,
    amount: Any = None,
    percent: Any = None,
) -> Order:
    """A supervisor lowers the order's price by ``amount`` (or ``percent`` of its total),
    with a reason: the total and the deposit due go down; confirmed money stays
    confirmed; an open deposit or balance request is lowered to what is still owed
    (and the order moves on if what came in now covers it).

    Allowed from confirmation until the money is in (``DISCOUNTABLE``), for at most
    what is still unpaid: a price below what the customer already paid would be a
    refund, not a discount. Raises InvalidTransition, PermissionDenied,
    ValidationFailed (no reason, no or a wrong amount), GuardFailed (more than unpaid).
    """
    order = lock_for_action(order_id, "discount", actor=actor, permission="order.apply_discount")
    reason = require_reason(reason)
    if len(reason) > REASON_MAX:
        raise ValidationFailed(fields={"reason": [_("最多 %(n)s 个字。") % {"n": REASON_MAX}]})
    value = discount_amount_for(order, amount=amount, percent=percent)
    if value > order.balance_due:
        raise GuardFailed(
            _("折扣 %(amount)s 超过尚未收到的 %(unpaid)s：客户已付的款不能用折扣退回。")
            % {"amount": value, "unpaid": order.balance_due},
            code="discount_exceeds_unpaid",
        )
    previous_total, previous_deposit = order.total_amount, order.deposit_due
    order.discount_amount += value
    order.total_amount -= value
    order.deposit_due = deposit_for(order.total_amount, order.deposit_ratio)
    save(order, actor, ["discount_amount", "total_amount", "deposit_due"])
    events.discounted(
        order,
        actor=actor,
        amount=value,
        previous_total=previous_total,
        note=reason,
        percent=None if percent is None else str(percent),
        previous_deposit_due=previous_deposit,
        deposit_due=order.deposit_due,
    )
    _follow_discount(order, actor=actor)
    return order


def _follow_discount(order: Order, *, actor: User) -> None:
    """The open requests follow the lower price: in the deposit phase as after an
    amendment; later, no open request asks for more than is still owed, and an
    order awaiting its balance is paid once what came in covers the new total."""
    if order.status in (S.AWAITING_DEPOSIT, S.DEPOSIT_PAID, S.IN_PRODUCTION):
        _adjust_requests_after_amendment(order, actor=actor)
        return
    # Locked in primary-key order, after the order (the lock order of every service).
    open_requests = (
        order.payments.select_for_update()
        .filter(kind__in=INCOMING_KINDS, status__in=OPEN_PAYMENT)
        .order_by("pk")
    )
    for payment in tallies.in_receivable_order(open_requests):
        if order.balance_due == ZERO:
            _withdraw_request(order, payment, actor=actor, note=_("折扣后不再欠款。"))
        elif payment.outstanding > order.balance_due:
            _adjust_request(
                order, payment, payment.amount_received + order.balance_due, actor=actor
            )
    if order.status == S.AWAITING_BALANCE and order.fully_paid:
        move(order, "balance_received", actor=actor, note=_("折扣后货款已全部收到。"))
