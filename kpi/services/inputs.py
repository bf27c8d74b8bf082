"""The month's inputs entered by supervisors: penalty records, hours, shipment faults,
and the assignment of pay schemes.

An input belongs to a person's month; once that month's assessment is finalised
it is read-only (InvalidTransition) until reopened. While it is open, every
change updates the draft pay and leaves an entry in the assessment's history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import NotFound, ValidationFailed
from gendan.models import User
from gendan.money import ZERO
from gendan.roles import Role, has_role
from orders.models import Order
from production.models import Incident
from shipping.models import GONE_SHIPMENT_STATUSES, Shipment

from .. import events, periods, scoring, selectors
from ..models import (
    AssessmentAction,
    PayAdjustment,
    PayScheme,
    PaySchemeAssignment,
    PenaltyRecord,
    PenaltyRule,
    ShipmentFault,
    ShipmentFaultKind,
)
from ._common import decimal_in, lock_month_of, require_text
from .statements import refresh_pay


def _person(person_id: Any, field: str = "person") -> User:
    person = User.objects.filter(pk=person_id, is_active=True).first() if person_id else None
    if person is None:
        raise ValidationFailed(fields={field: [_("人员不存在。")]})
    return person


def _after_change(assessment, *, actor: User, note: str, **data: Any) -> None:
    """Record the change in the month's history and update its draft pay."""
    if assessment is None:
        return
    events.record(assessment, AssessmentAction.INPUT_CHANGED, actor=actor, note=note, **data)
    refresh_pay([assessment], assessment.period)


# The month's inputs that may be deleted: (policy action, name in a NotFound, the
# relation the history entry reads, what the history entry keeps of the row).
def _penalty_details(record: PenaltyRecord) -> dict[str, Any]:
    """What the history says of a penalty, entered or removed."""
    return {"penalty": record.pk, "rule": record.rule.code, "amount": record.amount}


def _fault_details(fault: ShipmentFault) -> dict[str, Any]:
    """What the history says of a shipment fault, entered or removed."""
    return {"fault": fault.pk, "shipment": fault.shipment.number, "kind": fault.kind}


DELETABLE_INPUTS = {
    PenaltyRecord: ("penalty.delete", "penalty_record", "rule", _penalty_details),
    ShipmentFault: ("fault.delete", "shipment_fault", "shipment", _fault_details),
}


def _delete_input(model, pk: int, *, actor: User, reason: str) -> None:
    """Delete a month's input row (a penalty, a shipment fault) entered by mistake,
    with a reason, while the month is open."""
    action, name, related, details = DELETABLE_INPUTS[model]
    policy.require(actor, action)
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(model=name, id=pk)
    reason = require_text(reason, "reason", _("请填写原因。"))
    assessment = lock_month_of(row.person_id, row.period)
    # The month is locked first, then the row (the order every change of inputs takes).
    row = model.objects.select_for_update(of=("self",)).select_related(related).get(pk=pk)
    data = details(row)
    row.delete()
    _after_change(assessment, actor=actor, note=reason, removed=True, **data)


# --------------------------------------------------------------------------
# Penalty records
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def penalty_record_create(
    *,
    actor: User,
    person_id: int,
    rule_id: int,
    occurred_on: dt.date,
    note: str,
    loss_amount: Any = None,
    chosen_amount: Any = None,
    order_id: int | None = None,
    shipment_id: int | None = None,
    incident_id: int | None = None,
) -> PenaltyRecord:
    """Record a penalty (考核扣款) under a rule of the person's scheme for that month.

    The amount comes from the rule: percent of the loss by brackets (with the
    bracket's fixed amount and flag), a fixed amount per time, or an amount the
    supervisor chose within the rule's range. Raises InvalidTransition (month
    finalised), PermissionDenied, ValidationFailed.
    """
    policy.require(actor, "penalty.create")
    person = _person(person_id)
    errors: dict[str, list[str]] = {}
    occurred_on = bounds.require_date(
        "occurred_on",
        occurred_on,
        latest=timezone.localdate(),
        too_late=_("发生日期不能晚于今天。"),
        missing=_("请填写发生日期。"),
    )
    period = periods.month_of(occurred_on)
    assessment = lock_month_of(person.pk, period)
    rule = (
        PenaltyRule.objects.filter(pk=rule_id, is_active=True)
        .prefetch_related("brackets")
        .select_related("scheme")
        .first()
    )
    scheme = selectors.scheme_for(person.pk, period)
    if rule is None or scheme is None or rule.scheme_id != scheme.pk:
        errors["rule"] = [_("该扣款规则不属于此人当月的薪酬方案。")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("请填写说明。")]
    loss = ZERO
    if loss_amount not in (None, ""):
        loss = decimal_in(loss_amount, field="loss_amount", errors=errors) or ZERO
    chosen = None
    if chosen_amount not in (None, ""):
        chosen = decimal_in(chosen_amount, field="chosen_amount", errors=errors)
    order = shipment = incident = None
    if order_id:
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            errors["order"] = [_("订单不存在。")]
    if shipment_id:
        shipment = Shipment.objects.filter(pk=shipment_id).first()
        if shipment is None:
            errors["shipment"] = [_("出货不存在。")]
        elif order is not None and shipment.order_id != order.pk:
            errors["shipment"] = [_("出货不属于该订单。")]
        elif order is None:
            order = shipment.order
    if incident_id:
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:
            errors["incident"] = [_("异常不存在。")]
    if errors:
        raise ValidationFailed(fields=errors)
    brackets = [
        scoring.Bracket(b.up_to, b.percent, b.fixed_amount, b.flag) for b in rule.brackets.all()
    ]
    try:
        result = scoring.penalty_amount(
            rule.kind,
            loss=loss if rule.kind == "percent_of_loss" else None,
            brackets=brackets,
            fixed=rule.amount,
            minimum=rule.min_amount,
            maximum=rule.max_amount,
            chosen=chosen,
        )
    except scoring.PenaltyInputError as exc:
        message = {
            "loss_amount": _("请填写损失金额。"),
            "chosen_amount": _("请在 %(low)s 到 %(high)s 之间选定金额。")
            % {"low": rule.min_amount, "high": rule.max_amount},
        }[exc.field]
        raise ValidationFailed(fields={exc.field: [message]}) from None
    record = PenaltyRecord.objects.create(
        person=person,
        period=period,
        rule=rule,
        order=order,
        shipment=shipment,
        incident=incident,
        occurred_on=occurred_on,
        loss_amount=loss,
        chosen_amount=chosen if rule.kind == "range" else None,
        amount=result.amount,
        flag=result.flag,
        note=note,
        created_by=actor,
    )
    _after_change(assessment, actor=actor, note=note, **_penalty_details(record), flag=record.flag)
    return record


@storable
@transaction.atomic
def penalty_record_delete(*, actor: User, record_id: int, reason: str) -> None:
    """Remove a penalty entered by mistake, with a reason, while the month is open.
    Raises NotFound, InvalidTransition, PermissionDenied, ValidationFailed."""
    _delete_input(PenaltyRecord, record_id, actor=actor, reason=reason)


# --------------------------------------------------------------------------
# Hours
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def pay_adjustment_set(
    *,
    actor: User,
    person_id: int,
    period: dt.date,
    overtime_hours: Any = 0,
    absence_hours: Any = 0,
    days_absent: Any = 0,
    note: str = "",
) -> PayAdjustment:
    """Set the month's overtime hours, missing hours and days absent.
    Raises InvalidTransition (month finalised), PermissionDenied, ValidationFailed."""
    policy.require(actor, "adjustment.enter")
    person = _person(person_id)
    errors: dict[str, list[str]] = {}
    period = periods.check(errors, "period", period, up_to_this_month=True)
    if errors:
        raise ValidationFailed(fields=errors)
    assessment = lock_month_of(person.pk, period)
    overtime = decimal_in(overtime_hours, field="overtime_hours", high=744, errors=errors)
    absence = decimal_in(absence_hours, field="absence_hours", high=744, errors=errors)
    days = decimal_in(days_absent, field="days_absent", high=31, places=1, errors=errors)
    if errors:
        raise ValidationFailed(fields=errors)
    adjustment = (
        PayAdjustment.objects.select_for_update().filter(person=person, period=period).first()
    )
    if adjustment is None:
        adjustment = PayAdjustment(person=person, period=period)
    adjustment.overtime_hours = overtime
    adjustment.absence_hours = absence
    adjustment.days_absent = days
    adjustment.note = (note or "").strip()
    adjustment.entered_by = actor
    adjustment.save()
    _after_change(
        assessment,
        actor=actor,
        note=adjustment.note,
        overtime_hours=overtime,
        absence_hours=absence,
        days_absent=days,
    )
    return adjustment


# --------------------------------------------------------------------------
# Shipment faults (per-declaration bonus)
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def shipment_fault_create(
    *,
    actor: User,
    shipment_id: int,
    kind: str,
    note: str,
    person_id: int | None = None,
) -> ShipmentFault:
    """Record a merchandiser's fault on a shipment that has left (extra cost, late
    shipment, wrong documents, late tax-rebate papers). It belongs to the month
    the shipment left; the person defaults to the order's owner.
    Raises NotFound, InvalidTransition (month finalised), PermissionDenied,
    ValidationFailed."""
    policy.require(actor, "fault.create")
    shipment = Shipment.objects.filter(pk=shipment_id).select_related("order").first()
    if shipment is None:
        raise NotFound(model="shipment", id=shipment_id)
    errors: dict[str, list[str]] = {}
    if shipment.status not in GONE_SHIPMENT_STATUSES or shipment.actual_ship_date is None:
        errors["shipment"] = [_("该批货物尚未出货。")]
    if kind not in ShipmentFaultKind.values:
        errors["kind"] = [_("差错类型无效。")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("请填写说明。")]
    person = _person(person_id or shipment.order.owner_id)
    if not has_role(person, Role.MERCHANDISER):
        errors["person"] = [_("责任人须为跟单员。")]
    if errors:
        raise ValidationFailed(fields=errors)
    period = periods.month_of(shipment.actual_ship_date)
    assessment = lock_month_of(person.pk, period)
    fault = ShipmentFault.objects.create(
        shipment=shipment, person=person, period=period, kind=kind, note=note, created_by=actor
    )
    _after_change(assessment, actor=actor, note=note, **_fault_details(fault))
    return fault


@storable
@transaction.atomic
def shipment_fault_delete(*, actor: User, fault_id: int, reason: str) -> None:
    """Remove a fault entered by mistake, with a reason, while the month is open.
    Raises NotFound, InvalidTransition, PermissionDenied, ValidationFailed."""
    _delete_input(ShipmentFault, fault_id, actor=actor, reason=reason)


# --------------------------------------------------------------------------
# Scheme assignment
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def pay_scheme_assign(
    *,
    actor: User,
    person_id: int,
    scheme_id: int,
    effective_from: dt.date,
    probation_until: dt.date | None = None,
    note: str = "",
) -> PaySchemeAssignment:
    """Assign a pay scheme to a person from a date (the one in force on a month's
    last day applies to that month). A second assignment on the same day replaces
    the first. Raises InvalidTransition (that month finalised), PermissionDenied,
    ValidationFailed."""
    policy.require(actor, "pay_scheme.assign")
    person = _person(person_id)
    errors: dict[str, list[str]] = {}
    scheme = PayScheme.objects.filter(pk=scheme_id, is_active=True).first()
    if scheme is None:
        errors["scheme"] = [_("薪酬方案不存在或已停用。")]
    effective_from = bounds.check_date(
        errors, "effective_from", effective_from, missing=_("请填写生效日期。")
    )
    bounds.check_date(
        errors,
        "probation_until",
        probation_until,
        required=False,
        earliest=effective_from,
        too_early=_("试用期截止日期不能早于生效日期 %(d)s。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    assessment = lock_month_of(person.pk, periods.month_of(effective_from))
    assignment, _created = PaySchemeAssignment.objects.update_or_create(
        person=person,
        effective_from=effective_from,
        defaults={
            "scheme": scheme,
            "probation_until": probation_until,
            "note": note,
            "created_by": actor,
        },
    )
    _after_change(
        assessment,
        actor=actor,
        note=note,
        scheme=scheme.code,
        effective_from=effective_from,
    )
    return assignment
