"""The time-and-action plan and the materials of an order.

The order row is locked first (``orders.kernel.lock_order``), as every service
does, then the plan's rows; each change writes a ``PlanEvent``. The lifecycle's
hooks (``planning.receivers``) call ``plan_generate``, ``plan_replan`` and
``milestone_fill`` inside the order's own transaction, the order already locked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import GuardFailed, NotFound, ValidationFailed
from gendan.models import User
from orders.kernel import lock_child, lock_order
from orders.models import Order

from . import schedule
from .models import (
    Material,
    MaterialKind,
    Milestone,
    MilestoneTemplate,
    Plan,
    PlanEvent,
    PlanEventKind,
    TemplateStep,
)

# The milestone whose planned date a new material is required by.
MATERIAL_MILESTONE = "materials_in_house"
MAX_QUANTITY = Decimal("1e10")
# What a milestone takes from its template step: all the step says but its template.
STEP_FIELDS = tuple(
    f.attname for f in TemplateStep._meta.concrete_fields if f.name not in ("id", "template")
)


def default_template() -> MilestoneTemplate | None:
    return MilestoneTemplate.objects.filter(is_default=True, is_active=True).first()


# --------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------


def _reforecast(plan: Plan, milestones: list[Milestone]) -> list[Milestone]:
    """Recompute forecasts and the projected delivery; save what changed. Returns the
    milestones whose forecast moved."""
    deps: dict[int, tuple[str, ...]] = {m.pk: () for m in milestones}
    for through in Milestone.depends_on.through.objects.filter(
        from_milestone__plan=plan
    ).values_list("from_milestone_id", "to_milestone_id"):
        deps[through[0]] = (*deps[through[0]], str(through[1]))
    nodes = {
        str(m.pk): schedule.Node(
            key=str(m.pk),
            planned=m.planned_date,
            actual=m.actual_date,
            depends_on=deps[m.pk],
            is_delivery=m.is_delivery,
        )
        for m in milestones
    }
    schedule.forecast(nodes.values())
    moved = []
    for m in milestones:
        new = nodes[str(m.pk)].forecast
        if new != m.forecast_date:
            m.forecast_date = new
            moved.append(m)
    Milestone.objects.bulk_update(moved, ["forecast_date", "planned_date"])
    projected = schedule.projected_delivery(plan.contract_delivery_date, nodes)
    if projected != plan.projected_delivery_date:
        plan.projected_delivery_date = projected
        plan.save(update_fields=["projected_delivery_date", "updated_at"])
    return moved


def _floor(order: Order) -> dt.date:
    """No milestone is planned before the day the order was confirmed: an order taken
    with less lead time than the template asks for gets a compressed plan (the steps
    already "late" are due on that day), not one late from the start."""
    return bounds.local_date(order.confirmed_at) if order.confirmed_at else timezone.localdate()


def plan_generate(
    order: Order, *, actor: User | None, template: MilestoneTemplate | None = None
) -> Plan | None:
    """Make the order's plan from ``template`` (default: the default template). Called
    under the order's lock when the order is confirmed; None when the order has a
    plan already or there is no template."""
    template = template or default_template()
    if template is None or Plan.objects.filter(order=order).exists():
        return None
    contract = order.contract_delivery_date
    plan = Plan.objects.create(
        order=order,
        template=template,
        contract_delivery_date=contract,
        projected_delivery_date=contract,
    )
    steps = list(template.steps.prefetch_related("depends_on"))
    floor = _floor(order)
    by_step: dict[int, Milestone] = {}
    for step in steps:
        day = max(schedule.planned_date(contract, step.offset_working_days), floor)
        by_step[step.pk] = Milestone(
            plan=plan,
            **{name: getattr(step, name) for name in STEP_FIELDS},
            planned_date=day,
            forecast_date=day,
        )
    Milestone.objects.bulk_create(by_step.values())
    Through = Milestone.depends_on.through
    Through.objects.bulk_create(
        Through(from_milestone=by_step[step.pk], to_milestone=by_step[dep.pk])
        for step in steps
        for dep in step.depends_on.all()
        if dep.pk in by_step
    )
    PlanEvent.record(
        order,
        PlanEventKind.GENERATED,
        actor=actor,
        template=template.code,
        contract_delivery_date=contract,
    )
    return plan


def plan_replan(order: Order, *, actor: User | None) -> Plan | None:
    """The contract delivery date changed: every planned date is worked back from the
    new one (actual dates stay); materials required by the old materials date follow.
    Called under the order's lock; None when nothing changed."""
    plan = Plan.objects.select_for_update().filter(order=order).first()
    if plan is None or plan.contract_delivery_date == order.contract_delivery_date:
        return None
    previous = plan.contract_delivery_date
    plan.contract_delivery_date = order.contract_delivery_date
    plan.save(update_fields=["contract_delivery_date", "updated_at"])
    milestones = list(plan.milestones.select_for_update().order_by("pk"))
    floor = _floor(order)
    for m in milestones:
        old = m.planned_date
        m.planned_date = max(
            schedule.planned_date(plan.contract_delivery_date, m.offset_working_days), floor
        )
        if m.code == MATERIAL_MILESTONE and old != m.planned_date:
            Material.objects.filter(order=order, required_by=old, received_on=None).update(
                required_by=m.planned_date
            )
    Milestone.objects.bulk_update(milestones, ["planned_date"])
    _reforecast(plan, milestones)
    PlanEvent.record(
        order,
        PlanEventKind.REPLANNED,
        actor=actor,
        from_status=str(previous),
        to_status=str(plan.contract_delivery_date),
    )
    return plan


def _fill(plan: Plan, milestone: Milestone, day: dt.date, *, actor, note: str = "") -> None:
    milestone.actual_date = day
    if note:
        milestone.note = note
    milestone.save(update_fields=["actual_date", "note"])
    _reforecast(plan, list(plan.milestones.order_by("pk")))
    PlanEvent.record(
        plan.order,
        PlanEventKind.ACTUAL,
        actor=actor,
        note=note,
        milestone=milestone.code,
        planned_date=milestone.planned_date,
        actual_date=day,
    )


def milestone_fill(
    order: Order, event: str, day: dt.date, *, actor: User | None
) -> Milestone | None:
    """A lifecycle event happened on ``day``: the open milestone it completes gets its
    actual date. Called under the order's lock; None when no milestone waits for it."""
    plan = Plan.objects.select_for_update().filter(order=order).first()
    if plan is None:
        return None
    milestone = (
        plan.milestones.select_for_update()
        .filter(lifecycle_event=event, actual_date__isnull=True)
        .order_by("position", "pk")
        .first()
    )
    if milestone is None:
        return None
    _fill(plan, milestone, day, actor=actor)
    return milestone


def _lock_milestone(milestone_id: int, actor: User) -> tuple[Plan, Milestone]:
    order_id = (
        Milestone.objects.filter(pk=milestone_id).values_list("plan__order_id", flat=True).first()
    )
    if order_id is None:
        raise NotFound(model="milestone", id=milestone_id)
    order = lock_order(order_id)
    policy.require(actor, "plan.update", order)
    plan = Plan.objects.select_for_update().get(order=order)
    return plan, plan.milestones.select_for_update().get(pk=milestone_id)


@storable
@transaction.atomic
def milestone_complete(
    *, actor: User, milestone_id: int, actual_date: dt.date, note: str = ""
) -> Milestone:
    """Record by hand the day a milestone was done (not before the order date, not
    in the future); its dependants' forecasts and the projected delivery move.
    Raises NotFound, PermissionDenied, ValidationFailed, GuardFailed."""
    plan, milestone = _lock_milestone(milestone_id, actor)
    if milestone.actual_date is not None:
        raise GuardFailed(_("此节点已完成。"), code="already_done")
    day = bounds.require_date(
        "actual_date",
        actual_date,
        earliest=plan.order.order_date,
        too_early=_("不能早于下单日期 %(d)s。"),
        latest=timezone.localdate(),
        too_late=bounds.IN_FUTURE,
    )
    _fill(plan, milestone, day, actor=actor, note=(note or "").strip())
    return milestone


# --------------------------------------------------------------------------
# Materials
# --------------------------------------------------------------------------


def _quantity(errors: dict, field: str, value: Any, *, zero: bool = False) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    low_ok = number is not None and number.is_finite() and (number >= 0 if zero else number > 0)
    if not low_ok or number >= MAX_QUANTITY:
        errors[field] = [_("请输入有效的数量。")]
        return None
    return number.quantize(Decimal("0.001"))


def _material_event(order: Order, material: Material, *, actor: User, **data: Any) -> None:
    """A material's event on the order's plan: the material's id and name, then ``data``."""
    PlanEvent.record(
        order, PlanEventKind.MATERIAL, actor=actor, material=material.pk, name=material.name, **data
    )


def material_required_by(order: Order) -> dt.date | None:
    """The date materials are due by default: the plan's "materials in house"."""
    return (
        Milestone.objects.filter(plan__order=order, code=MATERIAL_MILESTONE)
        .values_list("planned_date", flat=True)
        .first()
    )


@storable
@transaction.atomic
def material_create(
    *,
    actor: User,
    order_id: int,
    kind: str,
    name: str,
    quantity: Any,
    unit: str = "m",
    supplier: str = "",
    purchase_reference: str = "",
    required_by: dt.date | None = None,
    eta: dt.date | None = None,
    note: str = "",
) -> Material:
    """Add a material the order needs; required by the plan's "materials in house"
    date unless given. Raises PermissionDenied, ValidationFailed."""
    order = lock_order(order_id)
    policy.require(actor, "material.update", order)
    errors: dict[str, list] = {}
    if kind not in MaterialKind.values:
        errors["kind"] = [_("请选择物料类别。")]
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("请填写物料名称（不超过 200 字）。")]
    amount = _quantity(errors, "quantity", quantity)
    required = bounds.check_date(
        errors,
        "required_by",
        required_by or material_required_by(order),
        earliest=order.order_date,
        too_early=_("不能早于下单日期 %(d)s。"),
        missing=_("请填写需到日期（订单尚无节点计划）。"),
    )
    arrival = bounds.check_date(errors, "eta", eta, required=False, earliest=order.order_date)
    if errors:
        raise ValidationFailed(fields=errors)
    material = Material.objects.create(
        order=order,
        kind=kind,
        name=name,
        quantity=amount,
        unit=(unit or "m").strip()[:16],
        supplier=(supplier or "").strip()[:200],
        purchase_reference=(purchase_reference or "").strip()[:64],
        required_by=required,
        eta=arrival,
        note=(note or "").strip(),
        created_by=actor,
    )
    _material_event(order, material, actor=actor, added=True)
    return material


@storable
@transaction.atomic
def material_receive(
    *,
    actor: User,
    material_id: int,
    received_quantity: Any = None,
    eta: dt.date | None = None,
    received_on: dt.date | None = None,
    note: str = "",
) -> Material:
    """Update a material's ETA and the quantity received so far (in total); once all of
    it is in, it is complete on ``received_on`` (default today)."""
    order, material = lock_child(Material, material_id, "material")
    policy.require(actor, "material.update", order)
    errors: dict[str, list] = {}
    received = material.received_quantity
    if received_quantity is not None and received_quantity != "":
        received = _quantity(errors, "received_quantity", received_quantity, zero=True)
    arrival = bounds.check_date(errors, "eta", eta, required=False, earliest=order.order_date)
    day = bounds.check_day_done(errors, "received_on", received_on, earliest=order.order_date)
    if errors:
        raise ValidationFailed(fields=errors)
    material.received_quantity = received
    if arrival:
        material.eta = arrival
    material.received_on = day if received >= material.quantity else None
    if note:
        material.note = note.strip()
    material.save(update_fields=["received_quantity", "eta", "received_on", "note", "updated_at"])
    _material_event(
        order, material, actor=actor, received_quantity=received, complete=material.is_complete
    )
    return material


def materials_missing(order: Order) -> list[Material]:
    """The order's materials not all in yet."""
    return list(Material.objects.filter(order=order, received_on__isnull=True).order_by("pk"))


def check_materials_for_issue(order: Order, *, actor: User, warning: str) -> None:
    """Production is being issued (under the order's lock): with materials missing it
    may go ahead only with a written warning, which is recorded. Raises GuardFailed
    ``materials_missing``."""
    missing = materials_missing(order)
    if not missing:
        return
    warning = (warning or "").strip()
    if not warning:
        raise GuardFailed(
            _("物料未到齐（%(names)s），须填写缺料说明才能下达生产。")
            % {"names": "、".join(m.name for m in missing[:5])},
            code="materials_missing",
        )
    PlanEvent.record(
        order,
        PlanEventKind.MATERIAL_WARNING,
        actor=actor,
        note=warning,
        materials=[m.name for m in missing],
    )
