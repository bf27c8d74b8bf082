"""The order lifecycle of product.md §2: one function per transition, and the payment
requests and receipts that move an order (see the package docstring for the pattern)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import (
    AlreadyDone,
    GuardFailed,
    InvalidTransition,
    ValidationFailed,
)
from gendan.models import User
from gendan.roles import Role, has_role

from .. import events, signals, tallies
from ..kernel import (
    approve_flag,
    check_delivery_date,
    create,
    lock_child,
    lock_for_action,
    lock_order,
    money,
    move,
    record_approval,
    require_reason,
    save,
    set_given,
)
from ..models import (
    ZERO,
    ApprovalKind,
    ConfirmationMethod,
    Order,
    OrderRevision,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentReceipt,
    PaymentStatus,
)
from ..states import PRODUCTION_STARTED
from ._common import INCOMING_KINDS, OPEN_PAYMENT, S
from .lines import (
    _line_snapshot,
    _replace_lines,
    parse_lines,
)

# --------------------------------------------------------------------------
# The lifecycle
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def order_confirm(
    *,
    actor: User,
    order_id: int,
    method: str,
    reference: str = "",
    phone_confirmed: bool = True,
    attachment_id: int | None = None,
) -> Order:
    """The customer confirmed the order in writing (and by phone): draft -> confirmed.

    Guards: at least one line, every quantity > 0 and price ≥ 0, a contract
    delivery date not in the past. ``attachment_id``: the order's attached document
    that is the written confirmation (checked by the ``order_confirming`` hook and
    named in the event). With a deposit ratio of 0 the order moves on to
    deposit_paid at once. Raises InvalidTransition, GuardFailed, ValidationFailed,
    PermissionDenied.
    """
    order = lock_for_action(order_id, "confirm", actor=actor)
    if method not in ConfirmationMethod.values:
        raise ValidationFailed(
            fields={"method": [_("请选择书面确认方式（传真、邮件或签字订单）。")]}
        )
    lines = list(order.lines.all())
    if not lines:
        raise GuardFailed(_("订单没有订单行，不能确认。"), code="no_lines")
    if any(line.quantity <= 0 for line in lines):
        raise GuardFailed(_("每行数量必须大于 0。"), code="invalid_quantity")
    if any(line.unit_price < 0 for line in lines):
        raise GuardFailed(_("单价不能为负数。"), code="invalid_price")
    if order.contract_delivery_date < timezone.localdate():
        raise GuardFailed(_("合同交期已过，请先修改交期。"), code="delivery_date_in_past")
    document = _confirmation_document(order, actor=actor, attachment_id=attachment_id)
    order.confirmation_method = method
    order.confirmation_reference = reference
    order.phone_confirmed = phone_confirmed
    order.confirmed_at = timezone.now()
    save(
        order,
        actor,
        ["confirmation_method", "confirmation_reference", "phone_confirmed", "confirmed_at"],
    )
    move(order, "confirm", actor=actor, method=method, **document)
    if order.deposit_due == ZERO:
        # A deposit ratio of 0: nothing to wait for (product.md §2).
        move(order, "skip_deposit", actor=actor, note=_("订金比例为 0，无需订金。"))
    return order


def _confirmation_document(order: Order, *, actor: User, attachment_id: int | None) -> dict:
    """What the confirm event says of the referenced document (nothing without one);
    ValidationFailed when no app recognises it as a document of this order."""
    if attachment_id is None:
        return {}
    answers = signals.order_confirming.send(
        sender=Order, order=order, actor=actor, attachment_id=attachment_id
    )
    for _receiver, answer in answers:
        if answer:
            return answer
    raise ValidationFailed(fields={"attachment_id": [_("附件不存在。")]})


@storable
@transaction.atomic
def order_request_deposit(*, actor: User, order_id: int, due_in_days: int = 7) -> Order:
    """Tell the customer the deposit to pay: confirmed -> awaiting_deposit, with a deposit request.

    Raises InvalidTransition, PermissionDenied, ValidationFailed.
    """
    order = lock_for_action(order_id, "request_deposit", actor=actor)
    bounds.require_days("due_in_days", due_in_days)
    payment = _request_payment(
        order, PaymentKind.DEPOSIT, order.deposit_outstanding, actor=actor, due_in_days=due_in_days
    )
    move(order, "request_deposit", actor=actor, payment=payment.pk)
    return order


def _request_payment(
    order: Order, kind: str, amount: Decimal, *, actor: User | None, due_in_days: int
) -> Payment:
    now = timezone.now()
    payment = create(
        Payment,
        actor,
        order=order,
        kind=kind,
        amount_due=amount,
        requested_at=now,
        requested_by=actor,
        # Held within the calendar: payment terms are bounded, but stored ones may not be.
        due_date=bounds.shift(timezone.localdate(now), due_in_days),
    )
    events.payment_requested(order, actor=actor, payment=payment)
    return payment


def _void_open_payments(order: Order, *, actor: User, kinds: Iterable[str], note: str) -> int:
    """Withdraw every open request of ``kinds`` (see ``_withdraw_request``)."""
    payments = order.payments.select_for_update().filter(kind__in=kinds, status__in=OPEN_PAYMENT)
    payments = tallies.in_receivable_order(payments)
    for payment in payments:
        _withdraw_request(order, payment, actor=actor, note=note)
    return len(payments)


def _withdraw_request(order: Order, payment: Payment, *, actor: User, note: str) -> None:
    """Withdraw what is still unpaid of a request. Money already received stays
    received: a partly paid request is closed at what came in; an unpaid one is voided."""
    if payment.amount_received > ZERO:
        payment.amount_due = payment.amount_received
        payment.status = PaymentStatus.RECEIVED
    else:
        payment.status = PaymentStatus.VOIDED
    payment.voided_at = timezone.now()
    save(payment, actor, ["amount_due", "status", "voided_at"])
    events.payment_voided(order, actor=actor, payment=payment, note=note)


@storable
@transaction.atomic
def payment_confirm(
    *,
    actor: User,
    payment_id: int,
    amount_received: Decimal | str,
    received_on: dt.date,
    method: str,
    reference: str = "",
) -> Payment:
    """Finance confirms money received against a request; partial receipts add up.

    When the order's confirmed receipts reach the deposit (awaiting_deposit) or
    the full amount (awaiting_balance), the order moves on. Confirming the same
    bank reference twice, or a request already fully received, raises
    AlreadyDone; an amount above what is outstanding raises ValidationFailed.
    """
    # Lock order first, then the payment: the same order as every other service.
    order, payment = lock_child(Payment, payment_id, "payment")
    policy.require(actor, "payment.confirm", payment)
    amount = money(amount_received, field="amount_received")
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors["amount_received"] = [_("金额必须大于 0。")]
    bounds.check_date(
        errors,
        "received_on",
        received_on,
        earliest=order.order_date,
        too_early=_("到账日期不能早于下单日期 %(d)s。"),
        latest=timezone.localdate(),
        too_late=_("到账日期不能晚于今天。"),
        missing=_("请填写到账日期。"),
    )
    if method not in PaymentMethod.values:
        errors["method"] = [_("请选择付款方式。")]
    if errors:
        raise ValidationFailed(fields=errors)
    reference = (reference or "").strip()
    if reference and payment.receipts.filter(reference=reference).exists():
        raise AlreadyDone(_("该银行流水已确认过。"), code="receipt_already_confirmed")
    if payment.status == PaymentStatus.RECEIVED:
        raise AlreadyDone(_("该款项已全部到账。"), code="payment_already_received")
    if payment.status == PaymentStatus.VOIDED:
        raise InvalidTransition(_("该请款已作废。"), code="payment_voided")
    if amount > payment.outstanding:
        raise ValidationFailed(
            fields={"amount_received": [_("金额超过未收金额 %(o)s。") % {"o": payment.outstanding}]}
        )
    _record_receipt(
        order,
        payment,
        actor=actor,
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference,
    )
    return payment


def _record_receipt(
    order: Order,
    payment: Payment,
    *,
    actor: User,
    amount: Decimal,
    received_on: dt.date,
    method: str,
    reference: str,
) -> PaymentReceipt:
    """A receipt of ``amount`` against ``payment`` (both locked), the order's money and
    its move once the deposit or the full amount is in."""
    receipt = create(
        PaymentReceipt,
        actor,
        payment=payment,
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference,
        confirmed_by=actor,
    )
    payment.amount_received += amount
    payment.status = (
        PaymentStatus.RECEIVED
        if payment.amount_received >= payment.amount_due
        else PaymentStatus.PARTIALLY_RECEIVED
    )
    payment.confirmed_by = actor
    payment.confirmed_at = timezone.now()
    payment.received_on = received_on
    payment.method = method
    payment.reference = reference
    save(
        payment,
        actor,
        [
            "amount_received",
            "status",
            "confirmed_by",
            "confirmed_at",
            "received_on",
            "method",
            "reference",
        ],
    )
    sign = -1 if payment.kind == PaymentKind.REFUND else 1
    order.amount_received += sign * amount
    save(order, actor, ["amount_received"])
    events.payment_received(order, actor=actor, payment=payment, receipt=receipt)
    if order.status == S.AWAITING_DEPOSIT and order.amount_received >= order.deposit_due:
        move(order, "deposit_received", actor=actor, payment=payment.pk)
    elif order.status == S.AWAITING_BALANCE and order.fully_paid:
        move(order, "balance_received", actor=actor, payment=payment.pk)
    return receipt


def write_off_limit() -> Decimal:
    return Decimal(str(settings.GENDAN_WRITE_OFF_MAX))


def payment_to_write_off(order: Order) -> Payment | None:
    """The order's open deposit or balance request whose outstanding amount is small
    enough to write off (``GENDAN_WRITE_OFF_MAX``), if any."""
    limit = write_off_limit()
    # All of the order's payments (a few), filtered here: the order page has them
    # prefetched already, so that offering the write-off costs it no query.
    for payment in order.payments.all():
        open_request = payment.kind in INCOMING_KINDS and payment.status in OPEN_PAYMENT
        if open_request and ZERO < payment.outstanding <= limit:
            return payment
    return None


@storable
@transaction.atomic
def payment_write_off(*, actor: User, order_id: int, reason: str) -> Payment:
    """Finance writes off the small difference left on an open request (bank charges
    deducted by the customer's bank, 核销差额): a receipt of the outstanding amount with
    the method ``write_off`` and the reason as its reference; the order moves on as
    when the money arrives. Raises GuardFailed (nothing small enough to write off),
    PermissionDenied, ValidationFailed."""
    order = lock_order(order_id)
    reason = require_reason(reason)
    candidate = payment_to_write_off(order)
    if candidate is None:
        raise GuardFailed(
            _("没有未收金额不超过 %(limit)s 的请款可以核销。") % {"limit": write_off_limit()},
            code="nothing_to_write_off",
        )
    payment = Payment.objects.select_for_update().get(pk=candidate.pk)
    policy.require(actor, "payment.confirm", payment)
    _record_receipt(
        order,
        payment,
        actor=actor,
        amount=payment.outstanding,
        received_on=timezone.localdate(),
        method=PaymentMethod.WRITE_OFF,
        reference=reason[:100],
    )
    return payment


@storable
@transaction.atomic
def order_waive_deposit(*, actor: User, order_id: int, reason: str) -> Order:
    """Supervisor waives the deposit: confirmed/awaiting_deposit -> deposit_paid without money.

    An open deposit request is voided; what is unpaid becomes balance.
    Raises InvalidTransition, PermissionDenied, ValidationFailed.
    """
    order = lock_for_action(order_id, "waive_deposit", actor=actor)
    reason = require_reason(reason)
    approval = record_approval(order, ApprovalKind.DEPOSIT_WAIVER, actor=actor, reason=reason)
    _void_open_payments(order, actor=actor, kinds=[PaymentKind.DEPOSIT], note=reason)
    order.deposit_waived = True
    save(order, actor, ["deposit_waived"])
    move(order, "waive_deposit", actor=actor, note=reason, approval=approval.pk)
    return order


@storable
@transaction.atomic
def order_request_balance(*, actor: User, order_id: int, due_in_days: int | None = None) -> Order:
    """Tell the customer to pay the balance: produced -> awaiting_balance.

    The request is for what is still unpaid, due after the customer's payment
    terms. If nothing is unpaid the order moves straight on to paid.
    Raises InvalidTransition, PermissionDenied.
    """
    order = lock_for_action(order_id, "request_balance", actor=actor)
    if order.balance_due == ZERO:
        move(order, "request_balance", actor=actor)
        move(order, "balance_received", actor=actor, note=_("货款已全部收到。"))
        return order
    # An earlier shortfall request (e.g. after an amendment) is folded into this one.
    _void_open_payments(order, actor=actor, kinds=[PaymentKind.DEPOSIT], note=_("并入尾款请款。"))
    days = order.customer.payment_terms_days if due_in_days is None else due_in_days
    if due_in_days is not None:
        bounds.require_days("due_in_days", due_in_days)
    payment = _request_payment(
        order, PaymentKind.BALANCE, order.balance_due, actor=actor, due_in_days=days
    )
    move(order, "request_balance", actor=actor, payment=payment.pk)
    return order


@storable
@transaction.atomic
def order_release_on_credit(*, actor: User, order_id: int, reason: str) -> Order:
    """Supervisor lets shipments leave before the balance is in (赊销放行).

    The status stays; the balance request stays open and the order cannot be
    closed until the full amount is received. Raises InvalidTransition,
    AlreadyDone, PermissionDenied, ValidationFailed.
    """
    return approve_flag(order_id, "release_on_credit", actor=actor, reason=reason)


@storable
@transaction.atomic
def order_confirm_delivery(
    *, actor: User, order_id: int, delivered_at: dt.datetime | None = None
) -> Order:
    """The customer received the goods: shipped -> delivered; its shipments are marked delivered.

    Raises InvalidTransition, PermissionDenied.
    """
    order = lock_for_action(order_id, "confirm_delivery", actor=actor)
    now = timezone.now()
    delivered_at = bounds.require_moment(
        "delivered_at",
        delivered_at or now,
        earliest=order.order_date,
        too_early=_("签收时间不能早于下单日期 %(d)s。"),
        latest=now,
        too_late=_("签收时间不能晚于现在。"),
    )
    # Shipping marks the shipments delivered, under the order's lock.
    signals.order_delivery_confirming.send(
        sender=Order, order=order, actor=actor, delivered_at=delivered_at
    )
    order.delivered_at = delivered_at
    save(order, actor, ["delivered_at"])
    move(order, "confirm_delivery", actor=actor)
    return order


@storable
@transaction.atomic
def order_close(*, actor: User, order_id: int, note: str = "") -> Order:
    """Archive a delivered order: delivered -> closed.

    Guards: no open after-sales case and the full amount received.
    Raises InvalidTransition, GuardFailed, PermissionDenied.
    """
    order = lock_for_action(order_id, "close", actor=actor)
    # Shipping refuses (GuardFailed) while an after-sales case is open.
    signals.order_closing.send(sender=Order, order=order, actor=actor)
    if not order.fully_paid:
        raise GuardFailed(
            _("货款未收齐（欠 %(b)s）。") % {"b": order.balance_due}, code="balance_outstanding"
        )
    order.closed_at = timezone.now()
    save(order, actor, ["closed_at"])
    move(order, "close", actor=actor, note=note)
    return order


@storable
@transaction.atomic
def order_cancel(*, actor: User, order_id: int, reason: str) -> Order:
    """Cancel before anything shipped: open production orders are recalled, unpaid
    requests voided, received money flagged for a refund by finance, planned
    shipments cancelled. After production started only a supervisor may cancel.
    Raises InvalidTransition, PermissionDenied, ValidationFailed.
    """
    order = lock_for_action(order_id, "cancel", actor=actor)
    reason = require_reason(reason)
    if order.status in PRODUCTION_STARTED:
        policy.require(actor, "order.cancel_after_production", order)
        record_approval(order, ApprovalKind.LATE_CANCELLATION, actor=actor, reason=reason)
    # Production recalls its live production orders, then shipping cancels the
    # shipments that have not left (receivers in INSTALLED_APPS order).
    signals.order_cancelling.send(sender=Order, order=order, actor=actor, note=reason)
    _void_open_payments(order, actor=actor, kinds=INCOMING_KINDS, note=reason)
    if order.amount_received > 0:
        refund = _request_payment(
            order, PaymentKind.REFUND, order.amount_received, actor=actor, due_in_days=7
        )
        events.refund_flagged(order, actor=actor, payment=refund)
    order.cancel_reason = reason
    order.cancelled_at = timezone.now()
    save(order, actor, ["cancel_reason", "cancelled_at"])
    move(order, "cancel", actor=actor, note=reason)
    return order


@storable
@transaction.atomic
def order_amend(
    *,
    actor: User,
    order_id: int,
    lines: Iterable[Mapping[str, Any]],
    confirmation_method: str,
    confirmation_reference: str = "",
    reason: str = "",
    contract_delivery_date: dt.date | None = None,
    planned_ship_date: dt.date | None = None,
    quality_requirements: str | None = None,
    packing_requirements: str | None = None,
) -> Order:
    """Amend a confirmed order (改单): a new revision with the customer's written confirmation.

    The status stays. Amounts are recomputed: confirmed money stays confirmed,
    an open request is adjusted to the new amount, and a new shortfall is
    requested. An issued production order is superseded and a new one issued
    for the new revision; the old sheets are recalled.
    Raises InvalidTransition, PermissionDenied, ValidationFailed.
    """
    order = lock_for_action(order_id, "amend", actor=actor)
    if confirmation_method not in ConfirmationMethod.values:
        raise ValidationFailed(fields={"confirmation_method": [_("改单须有客户的书面确认。")]})
    parsed = parse_lines(lines)
    if not parsed:
        raise ValidationFailed(fields={"lines": [_("订单至少需要一行。")]})
    errors: dict[str, list] = {}
    check_delivery_date(errors, contract_delivery_date, required=False)
    bounds.check_date(
        errors,
        "planned_ship_date",
        planned_ship_date,
        required=False,
        earliest=order.order_date,
        too_early=_("计划出货日期不能早于下单日期 %(d)s。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    previous_values = {
        "contract_delivery_date": str(order.contract_delivery_date),
        "planned_ship_date": str(order.planned_ship_date or ""),
        "total_amount": str(order.total_amount),
        "deposit_due": str(order.deposit_due),
        "revision": order.revision,
    }
    previous_lines = _line_snapshot(order)
    changed = ["revision", "total_amount", "total_quantity", "deposit_due"]
    changed += set_given(
        order,
        contract_delivery_date=contract_delivery_date,
        planned_ship_date=planned_ship_date,
        quality_requirements=quality_requirements,
        packing_requirements=packing_requirements,
    )
    _replace_lines(order, parsed, actor)
    order.revision += 1
    save(order, actor, changed)
    revision = OrderRevision.objects.create(
        order=order,
        revision=order.revision,
        previous_lines=previous_lines,
        previous_values=previous_values,
        total_amount=order.total_amount,
        confirmation_method=confirmation_method,
        confirmation_reference=confirmation_reference,
        reason=reason,
        created_by=actor,
    )
    events.amended(order, actor=actor, revision=revision)
    _adjust_requests_after_amendment(order, actor=actor)
    # Production reissues the production order of an order in production.
    signals.order_amended.send(sender=Order, order=order, actor=actor, revision=revision)
    return order


def _adjust_requests_after_amendment(order: Order, *, actor: User) -> None:
    """Confirmed money stays; an open deposit request follows the new deposit; a new
    shortfall of deposit is requested once the deposit phase is over."""
    open_deposit = (
        order.payments.select_for_update()
        .filter(kind=PaymentKind.DEPOSIT, status__in=OPEN_PAYMENT)
        .first()
    )
    if order.status == S.AWAITING_DEPOSIT and open_deposit is not None:
        received_elsewhere = order.amount_received - open_deposit.amount_received
        new_due = max(order.deposit_due - received_elsewhere, open_deposit.amount_received)
        _adjust_request(order, open_deposit, new_due, actor=actor)
        if order.amount_received >= order.deposit_due:
            move(order, "deposit_received", actor=actor, note=_("改单后订金已足额。"))
        return
    if order.status in (S.DEPOSIT_PAID, S.IN_PRODUCTION) and not order.deposit_waived:
        shortfall = order.deposit_outstanding
        if open_deposit is not None and shortfall == ZERO:
            _withdraw_request(order, open_deposit, actor=actor, note=_("改单后订金已足额。"))
        elif open_deposit is not None:
            _adjust_request(
                order, open_deposit, open_deposit.amount_received + shortfall, actor=actor
            )
        elif shortfall > ZERO:
            _request_payment(order, PaymentKind.DEPOSIT, shortfall, actor=actor, due_in_days=7)


def _adjust_request(order: Order, payment: Payment, amount_due: Decimal, *, actor: User) -> None:
    """Change an open request's amount; it is received once its receipts cover it."""
    previous = payment.amount_due
    payment.amount_due = amount_due
    if payment.amount_received >= amount_due:
        payment.status = PaymentStatus.RECEIVED
    save(payment, actor, ["amount_due", "status"])
    events.payment_adjusted(order, actor=actor, payment=payment, previous=previous)


@storable
@transaction.atomic
def order_change_contract_date(
    *, actor: User, order_id: int, contract_delivery_date: dt.date, reason: str
) -> Order:
    """A supervisor moves the contract delivery date (the customer agreed): the status
    stays; an event records the old and the new date and the reason. Allowed where
    an amendment is (confirmed, before the goods left). Raises InvalidTransition,
    PermissionDenied, ValidationFailed, AlreadyDone."""
    order = lock_for_action(order_id, "amend", actor=actor, permission="order.change_contract_date")
    reason = require_reason(reason)
    errors: dict[str, list] = {}
    new_date = check_delivery_date(errors, contract_delivery_date)
    if errors:
        raise ValidationFailed(fields=errors)
    if new_date == order.contract_delivery_date:
        raise AlreadyDone(_("合同交期没有变化。"), code="same_date")
    previous = order.contract_delivery_date
    order.contract_delivery_date = new_date
    save(order, actor, ["contract_delivery_date"])
    events.updated(
        order,
        actor=actor,
        changed=["contract_delivery_date"],
        note=reason,
        previous_contract_delivery_date=previous,
        contract_delivery_date=new_date,
    )
    return order


@storable
@transaction.atomic
def order_reassign(*, actor: User, order_id: int, owner_id: int, note: str = "") -> Order:
    """Supervisor hands an order to another merchandiser.
    Raises InvalidTransition, PermissionDenied, ValidationFailed, AlreadyDone."""
    order = lock_for_action(order_id, "reassign", actor=actor)
    new_owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if new_owner is None or not has_role(new_owner, Role.MERCHANDISER):
        raise ValidationFailed(fields={"owner": [_("跟单员不存在。")]})
    if new_owner.pk == order.owner_id:
        raise AlreadyDone(_("订单已属于该跟单员。"), code="same_owner")
    previous_owner = order.owner
    order.owner = new_owner
    save(order, actor, ["owner"])
    tallies.owner_changed(order, previous_owner.pk)
    events.reassigned(order, actor=actor, previous_owner=previous_owner, note=note)
    return order


def order_received_total(order: Order) -> Decimal:
    """Net money received for an order, summed from its receipts (for checks and repairs)."""
    incoming = (
        PaymentReceipt.objects.filter(
            payment__order=order, payment__kind__in=INCOMING_KINDS
        ).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    refunded = (
        PaymentReceipt.objects.filter(
            payment__order=order, payment__kind=PaymentKind.REFUND
        ).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return incoming - refunded
