"""Production orders, progress reports, inspections and incidents.

Every function locks the customer order first (the same lock order as all
services), then its own rows, and writes its event to the order's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import (
    AlreadyDone,
    Duplicate,
    GuardFailed,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from gendan.models import User
from gendan.sequences import next_number
from orders.kernel import (
    approve_flag,
    check_counts,
    events,
    lock_child,
    lock_for_action,
    lock_order,
    money,
    money_not_negative,
    move,
    require_reason,
    save,
)
from orders.models import EventType, Order
from orders.states import OrderStatus, ensure_transition

from . import selectors, signals
from .models import (
    Incident,
    PlanMilestone,
    ProductionOrder,
    ProgressReport,
    QualityInspection,
    VarianceReason,
)
from .states import ACTIVE_PRODUCTION_STATUSES, PO
from .states import PRODUCTION_ORDER_TRANSITIONS as TABLE


def lock_production_order(production_order_id: int) -> tuple[Order, ProductionOrder]:
    """Lock a production order's order, then the production order (the lock order every
    writer keeps). Raises NotFound."""
    return lock_child(ProductionOrder, production_order_id, "production_order")


def _validate_plan(
    order: Order,
    planned_start: Any,
    planned_finish: Any,
    milestones: Iterable[Mapping[str, Any]],
) -> list[tuple[dt.date, int]]:
    """The plan of a production order: start and finish within the horizon, the start
    not before the order date, the finish not before the start; each milestone a date
    inside start–finish (one per date) with a planned cumulative quantity that does not
    fall from one date to the next nor pass the order's quantity. Returns the milestones
    as (date, quantity). Raises ValidationFailed naming every bad field."""
    errors: dict[str, list] = {}
    start = bounds.check_date(
        errors,
        "planned_start",
        planned_start,
        earliest=order.order_date,
        too_early=_("计划开始日期不能早于下单日期 %(d)s。"),
        missing=_("请填写计划开始日期。"),
    )
    finish = bounds.check_date(
        errors,
        "planned_finish",
        planned_finish,
        earliest=start,
        too_early=_("计划完成日期不能早于开始日期。"),
        missing=_("请填写计划完成日期。"),
    )
    points: list[tuple[dt.date, int, str]] = []
    seen: set[dt.date] = set()
    for i, point in enumerate(milestones):
        key = f"milestones[{i}]"
        if not isinstance(point, Mapping):
            errors[key] = [_("计划节点无效。")]
            continue
        date = bounds.check_date(
            errors,
            f"{key}.date",
            point.get("date"),
            earliest=start,
            too_early=_("计划节点不能早于计划开始日期 %(d)s。"),
            latest=finish,
            too_late=_("计划节点不能晚于计划完成日期 %(d)s。"),
        )
        quantity = point.get("planned_cumulative_quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            errors[f"{key}.planned_cumulative_quantity"] = [_("请输入不小于 0 的整数。")]
            continue
        if quantity > order.total_quantity:
            errors[f"{key}.planned_cumulative_quantity"] = [
                _("不能超过订单数量 %(q)s。") % {"q": order.total_quantity}
            ]
            continue
        if date is None:
            continue
        if date in seen:
            errors[f"{key}.date"] = [_("同一日期只能有一个计划节点。")]
            continue
        seen.add(date)
        points.append((date, quantity, key))
    points.sort()
    for (_d0, q0, _k0), (_d1, q1, k1) in pairwise(points):
        if q1 < q0:
            errors[f"{k1}.planned_cumulative_quantity"] = [_("计划累计数量不能比前一个节点少。")]
    if errors:
        raise ValidationFailed(fields=errors)
    return [(date, quantity) for date, quantity, _k in points]


def _report_window(production_order: ProductionOrder) -> dt.date:
    """The first date a report or an inspection of a production order may carry: its
    planned start, or the day it was issued when work began before the plan said."""
    return min(production_order.planned_start, bounds.local_date(production_order.issued_at))


def _create_production_order(
    order: Order,
    *,
    actor: User,
    factory: str,
    planned_start: dt.date,
    planned_finish: dt.date,
    is_outside_processor: bool,
    processing_fee: Decimal,
    note: str,
    milestones: Iterable[tuple[dt.date, int]] = (),
    carried_quantity: int = 0,
) -> ProductionOrder:
    """Create a production order for a checked plan (see ``_validate_plan``)."""
    production_order = ProductionOrder.objects.create(
        number=next_number("PO"),
        order=order,
        revision=order.revision,
        issued_by=actor,
        issued_at=timezone.now(),
        factory=factory,
        is_outside_processor=is_outside_processor,
        planned_start=planned_start,
        planned_finish=planned_finish,
        quantity=order.total_quantity,
        carried_quantity=carried_quantity,
        processing_fee=processing_fee,
        note=note,
    )
    PlanMilestone.objects.bulk_create(
        PlanMilestone(
            production_order=production_order, date=date, planned_cumulative_quantity=quantity
        )
        for date, quantity in milestones
    )
    events.production_order_event(
        order,
        EventType.PRODUCTION_ISSUED,
        actor=actor,
        production_order=production_order,
        **({"carried_quantity": carried_quantity} if carried_quantity else {}),
    )
    return production_order


@storable
@transaction.atomic
def production_order_issue(
    *,
    actor: User,
    order_id: int,
    factory: str,
    planned_start: dt.date,
    planned_finish: dt.date,
    is_outside_processor: bool = False,
    processing_fee: Decimal | str = "0",
    note: str = "",
    milestones: Iterable[Mapping[str, Any]] = (),
    materials_warning: str = "",
) -> ProductionOrder:
    """Issue a production order (生产通知单): deposit_paid -> in_production.

    The deposit must be confirmed or waived by a supervisor, which is what
    deposit_paid records. With the order's materials not all in, the issue needs
    ``materials_warning`` (the hook ``signals.production_issuing``: planning
    records it, or refuses with GuardFailed ``materials_missing``). Raises
    InvalidTransition, PermissionDenied, ValidationFailed, GuardFailed.
    """
    order = lock_for_action(order_id, "issue_production", actor=actor)
    if not (factory or "").strip():
        raise ValidationFailed(fields={"factory": [_("请填写工厂或车间。")]})
    points = _validate_plan(order, planned_start, planned_finish, milestones)
    fee = money(processing_fee, field="processing_fee")
    if fee < 0:
        raise ValidationFailed(fields={"processing_fee": [_("加工费不能为负数。")]})
    signals.production_issuing.send(
        sender=ProductionOrder, order=order, actor=actor, materials_warning=materials_warning
    )
    production_order = _create_production_order(
        order,
        actor=actor,
        factory=factory.strip(),
        planned_start=planned_start,
        planned_finish=planned_finish,
        is_outside_processor=is_outside_processor,
        processing_fee=fee,
        note=note,
        milestones=points,
    )
    move(order, "issue_production", actor=actor, production_order=production_order.pk)
    return production_order


@storable
@transaction.atomic
def production_order_start(*, actor: User, production_order_id: int) -> ProductionOrder:
    """Production planning accepts and starts a production order: issued -> in_progress.
    Raises InvalidTransition, AlreadyDone, PermissionDenied."""
    order, production_order = lock_production_order(production_order_id)
    policy.require(actor, "production_order.start", production_order)
    if production_order.status == PO.IN_PROGRESS:
        raise AlreadyDone(_("生产单已开始。"), code="already_started")
    _start(order, production_order, actor=actor)
    return production_order


def _start(order: Order, production_order: ProductionOrder, *, actor: User) -> None:
    started = TABLE.ensure(production_order, "start")
    if order.status != OrderStatus.IN_PRODUCTION:
        raise InvalidTransition(status=production_order.status, action="start")
    production_order.status = started
    production_order.started_at = timezone.now()
    save(production_order, actor, ["status", "started_at"])
    events.production_order_event(
        order, EventType.PRODUCTION_STARTED, actor=actor, production_order=production_order
    )


def live_production_order(order: Order) -> ProductionOrder | None:
    """The order's production order being worked on (issued or in progress), if any."""
    return order.production_orders.filter(status__in=ACTIVE_PRODUCTION_STATUSES).first()


@storable
@transaction.atomic
def production_order_rush(*, actor: User, order_id: int, reason: str) -> ProductionOrder:
    """Production planning puts the order's live production order first (加急), with
    the reason on the order's timeline. Raises GuardFailed (nothing in production),
    AlreadyDone, PermissionDenied, ValidationFailed."""
    order = lock_order(order_id)
    reason = require_reason(reason)
    found = live_production_order(order)
    if found is None:
        raise GuardFailed(_("订单没有在产的生产单。"), code="no_live_production_order")
    order, production_order = lock_production_order(found.pk)
    policy.require(actor, "production_order.start", production_order)
    if production_order.rush:
        raise AlreadyDone(_("生产单已加急。"), code="already_rushed")
    production_order.rush = True
    save(production_order, actor, ["rush"])
    events.production_order_event(
        order,
        EventType.PRODUCTION_RUSHED,
        actor=actor,
        production_order=production_order,
        note=reason,
    )
    return production_order


@storable
@transaction.atomic
def production_accept_shortfall(*, actor: User, order_id: int, reason: str) -> Order:
    """Supervisor accepts producing less than ordered, so production can complete.
    Raises InvalidTransition, AlreadyDone, PermissionDenied, ValidationFailed."""
    return approve_flag(order_id, "accept_shortfall", actor=actor, reason=reason)


@storable
@transaction.atomic
def production_order_complete(*, actor: User, production_order_id: int) -> ProductionOrder:
    """Complete production: in_production -> produced, the production order completed.

    Guards: good quantity at the output stage ≥ ordered quantity (or a
    supervisor-accepted shortfall) and a passed final inspection.
    Raises InvalidTransition, GuardFailed, PermissionDenied.
    """
    order, production_order = lock_production_order(production_order_id)
    policy.require(actor, "order.complete_production", order)
    ensure_transition(order, "complete_production")
    completed = TABLE.ensure(production_order, "complete")
    produced = selectors.produced_quantity(production_order)
    if produced < production_order.quantity and not order.shortfall_accepted:
        raise GuardFailed(
            _("已生产良品 %(p)s，少于订单数量 %(q)s。")
            % {"p": produced, "q": production_order.quantity},
            code="quantity_short",
            produced=produced,
            ordered=production_order.quantity,
        )
    if not selectors.final_inspection_passed(production_order):
        raise GuardFailed(_("尾期/出货前检验尚未合格。"), code="final_inspection_missing")
    if production_order.status == PO.ISSUED:
        _start(order, production_order, actor=actor)
    production_order.status = completed
    production_order.completed_at = timezone.now()
    save(production_order, actor, ["status", "completed_at"])
    move(
        order,
        "complete_production",
        actor=actor,
        production_order=production_order.pk,
        produced=produced,
    )
    return production_order


@storable
@transaction.atomic
def order_complete_production(*, actor: User, order_id: int) -> ProductionOrder:
    """Complete the order's live production order (see ``production_order_complete``)."""
    order = lock_for_action(order_id, "complete_production", actor=actor)
    production_order = order.production_orders.filter(
        status__in=TABLE.allowed_from("complete")
    ).first()
    if production_order is None:
        raise InvalidTransition(_("没有进行中的生产单。"), code="no_production_order")
    return production_order_complete(actor=actor, production_order_id=production_order.pk)


def _take_off_the_floor(
    order: Order, production_order: ProductionOrder, action: str, event: str, *, actor: User, **data
) -> None:
    """Supersede or recall a live production order, with its event on the order's timeline."""
    production_order.status = TABLE.ensure(production_order, action)
    production_order.closed_at = timezone.now()
    save(production_order, actor, ["status", "closed_at"])
    events.production_order_event(
        order, event, actor=actor, production_order=production_order, **data
    )


def _live_locked(order: Order):
    """The order's live production orders, locked (after the order)."""
    return order.production_orders.select_for_update().filter(status__in=ACTIVE_PRODUCTION_STATUSES)


def recall_production_orders(order: Order, *, actor: User, note: str) -> list[ProductionOrder]:
    """Recall the live production orders of a cancelled order (回收生产单、流程卡).
    Called when the order is cancelled (``orders.signals.order_cancelling``), under
    the order's lock."""
    recalled = list(_live_locked(order))
    for production_order in recalled:
        _take_off_the_floor(
            order, production_order, "recall", EventType.PRODUCTION_RECALLED, actor=actor, note=note
        )
    return recalled


# What production makes of an order line: a line whose fields other than its price
# are the same before and after an amendment is made the same way.
PRODUCTION_LINE_FIELDS = ("product", "description", "series", "colour", "spec", "size", "unit")


def _line_key(line: Mapping[str, Any]) -> tuple:
    return (*(line.get(name) or "" for name in PRODUCTION_LINE_FIELDS), line.get("quantity"))


def unchanged_line_quantity(order: Order, previous_lines: Iterable[Mapping[str, Any]]) -> int:
    """The quantity of the order's lines that an amendment left as they were (price
    aside): each current line matched with one equal line of ``previous_lines``."""
    left = [_line_key(line) for line in previous_lines if isinstance(line, Mapping)]
    unchanged = 0
    for line in order.lines.all():
        key = _line_key(
            {"product": line.product_id, "quantity": line.quantity}
            | {name: getattr(line, name) for name in PRODUCTION_LINE_FIELDS if name != "product"}
        )
        if key in left:
            left.remove(key)
            unchanged += line.quantity
    return unchanged


def carried_quantity(old: ProductionOrder, *, unchanged: int, quantity: int) -> int:
    """The good pieces of a superseded production order that count for its successor:
    its produced quantity in the share of the unchanged lines (all of it when every
    line stayed), at most the new quantity."""
    produced = selectors.produced_quantity(old)
    if not produced or not old.quantity:
        return 0
    share = min(unchanged, old.quantity)
    return min(quantity, produced * share // old.quantity)


def reissue_for_revision(
    order: Order, *, actor: User, previous_lines: Iterable[Mapping[str, Any]] = ()
) -> ProductionOrder | None:
    """After an amendment: supersede the live production order and issue a new one
    for the new revision at the same factory. The good pieces of the unchanged lines
    (``previous_lines``: the lines before the amendment) are carried over, and the
    plan re-based on them: it starts tomorrow (or at the old start, if later) from
    the carried quantity and ends at the old finish (or at its start, if later),
    so the new order is not behind plan for what was made under the old one.
    Called when an order in production is amended (``orders.signals.order_amended``),
    under the order's lock."""
    old = _live_locked(order).first()
    if old is None:
        return None
    carried = carried_quantity(
        old,
        unchanged=unchanged_line_quantity(order, previous_lines),
        quantity=order.total_quantity,
    )
    # Re-based: the plan curve stays at the carried quantity through today (the
    # sweep of tomorrow judges today) and rises from tomorrow.
    tomorrow = bounds.shift(timezone.localdate(), 1)
    planned_start = max(old.planned_start, tomorrow) if carried else old.planned_start
    _take_off_the_floor(
        order,
        old,
        "supersede",
        EventType.PRODUCTION_SUPERSEDED,
        actor=actor,
        revision=order.revision,
    )
    new = _create_production_order(
        order,
        actor=actor,
        factory=old.factory,
        planned_start=planned_start,
        planned_finish=max(old.planned_finish, planned_start),
        is_outside_processor=old.is_outside_processor,
        processing_fee=old.processing_fee,
        note=_("改单重新下达（替代 %(n)s）") % {"n": old.number},
        carried_quantity=carried,
    )
    old.superseded_by = new
    save(old, actor, ["superseded_by"])
    return new


# --------------------------------------------------------------------------
# Daily progress reports (生产日报): filing, correcting, withdrawing
# --------------------------------------------------------------------------

REPORT_COUNTS = ("good_quantity", "defective_quantity", "scrap_quantity")


def _lock_live_for_reports(production_order_id: int) -> tuple[Order, ProductionOrder]:
    """Lock a production order that takes reports (issued or in progress)."""
    order, production_order = lock_production_order(production_order_id)
    TABLE.ensure(
        production_order,
        "progress_report",
        message=_("生产单 %(n)s 不在生产中。") % {"n": production_order.number},
    )
    return order, production_order


def _check_report_date(errors: dict, field: str, date: Any, production_order: ProductionOrder):
    """A report's date lies in the production order's life: not before it started (its
    planned start, or the day it was issued when work began earlier), not after today,
    not after it was completed."""
    # After it was completed it takes no report at all (the transition table).
    return bounds.check_date(
        errors,
        field,
        date,
        earliest=_report_window(production_order),
        too_early=_("日报日期不能早于生产单的开始日期 %(d)s。"),
        latest=timezone.localdate(),
        too_late=_("不能填报未来日期。"),
    )


def _check_report_values(errors: dict, prefix: str, values: Mapping[str, Any]) -> None:
    """The counts (whole numbers ≥ 0) and the variance reason of one report."""
    counts: dict[str, list] = {}
    check_counts(counts, **{name: values.get(name, 0) for name in REPORT_COUNTS})
    for name, messages in counts.items():
        errors[f"{prefix}{name}"] = messages
    reason = values.get("variance_reason") or ""
    if reason not in ("", *VarianceReason.values):
        errors[f"{prefix}variance_reason"] = [_("偏差原因无效。")]


def _check_stage_order(
    production_order: ProductionOrder,
    change: Mapping[int, int],
) -> None:
    """Refuse a change of good quantities (stage id → added quantity, negative for a
    withdrawal) after which a later stage's cumulative good quantity passes the
    earlier stage's (packing 2,000 when 500 were cut). Stages are compared, in their
    order, with the nearest earlier stage this production order reports at all (a
    factory that reports only packing is not held to cutting). Raises ValidationFailed."""
    totals = dict(
        production_order.progress_reports.values("stage")
        .annotate(total=Sum("good_quantity"))
        .values_list("stage", "total")
    )
    tracked = set(totals) | {stage_id for stage_id, delta in change.items() if delta}
    for stage_id, delta in change.items():
        totals[stage_id] = totals.get(stage_id, 0) + delta
    stages = [s for s in selectors.active_stages() if s.pk in tracked]
    for earlier, later in pairwise(stages):
        if totals.get(later.pk, 0) > totals.get(earlier.pk, 0):
            raise ValidationFailed(
                _("%(later)s累计良品 %(n)s 不能超过前一道工序%(earlier)s的累计良品 %(m)s。")
                % {
                    "later": later.name,
                    "n": totals.get(later.pk, 0),
                    "earlier": earlier.name,
                    "m": totals.get(earlier.pk, 0),
                },
                code="stage_order",
            )


@storable
@transaction.atomic
def progress_reports_create(
    *,
    actor: User,
    production_order_id: int,
    date: dt.date,
    entries: Iterable[Mapping[str, Any]],
) -> list[ProgressReport]:
    """File the daily progress reports (生产日报) of several stages of one production
    order for one date, all or none: each entry a mapping of ``stage_id``,
    ``good_quantity``, ``defective_quantity``, ``scrap_quantity``,
    ``variance_reason``, ``note``; one report and one event per entry.

    Guards: one report per production order, date and stage; the date inside the
    production order's life; no later stage's cumulative good quantity above the
    earlier stage's. The first report starts an issued production order. Raises
    Duplicate, InvalidTransition, PermissionDenied, ValidationFailed (one entry's
    errors under its field names, several entries' as ``entries[i].field``).
    """
    order, production_order = _lock_live_for_reports(production_order_id)
    policy.require(actor, "progress_report.create", production_order)
    entries = list(entries)
    errors: dict[str, list[str]] = {}
    if not entries:
        raise ValidationFailed(fields={"entries": [_("请至少填写一道工序。")]})
    _check_report_date(errors, "date", date, production_order)
    stages = {stage.pk: stage for stage in selectors.active_stages()}
    change: dict[int, int] = {}
    for i, entry in enumerate(entries):
        prefix = f"entries[{i}]." if len(entries) > 1 else ""
        if not isinstance(entry, Mapping):
            errors[f"entries[{i}]"] = [_("日报无效。")]
            continue
        stage_id = entry.get("stage_id")
        if isinstance(stage_id, bool) or stage_id not in stages:
            errors[f"{prefix}stage"] = [_("工序不存在。")]
        elif stage_id in change:
            errors[f"{prefix}stage"] = [_("同一工序只能填一行。")]
        _check_report_values(errors, prefix, entry)
        if f"{prefix}stage" not in errors and f"{prefix}good_quantity" not in errors:
            change[stage_id] = entry.get("good_quantity", 0)
    if errors:
        raise ValidationFailed(fields=errors)
    existing = production_order.progress_reports.filter(date=date, stage_id__in=change).first()
    if existing is not None:
        raise Duplicate(_("该日期和工序的日报已填报。"), id=existing.pk)
    _check_stage_order(production_order, change)
    if production_order.status == PO.ISSUED:
        _start(order, production_order, actor=actor)
    reports = []
    for entry in entries:
        stage = stages[entry["stage_id"]]
        try:
            with transaction.atomic():
                report = ProgressReport.objects.create(
                    production_order=production_order,
                    date=date,
                    stage=stage,
                    **{name: entry.get(name, 0) for name in REPORT_COUNTS},
                    variance_reason=entry.get("variance_reason") or "",
                    note=entry.get("note") or "",
                    reported_by=actor,
                )
        except IntegrityError:
            raise Duplicate(_("该日期和工序的日报已填报。")) from None
        events.production_order_event(
            order,
            EventType.PROGRESS_REPORTED,
            actor=actor,
            production_order=production_order,
            date=date,
            stage=stage.code,
            good_quantity=report.good_quantity,
        )
        reports.append(report)
    return reports


@storable
def progress_report_create(
    *,
    actor: User,
    production_order_id: int,
    date: dt.date,
    stage_id: int,
    good_quantity: int,
    defective_quantity: int = 0,
    scrap_quantity: int = 0,
    variance_reason: str = "",
    note: str = "",
) -> ProgressReport:
    """File one daily progress report (生产日报): ``progress_reports_create`` with one
    stage. Raises Duplicate, InvalidTransition, PermissionDenied, ValidationFailed."""
    (report,) = progress_reports_create(
        actor=actor,
        production_order_id=production_order_id,
        date=date,
        entries=[
            {
                "stage_id": stage_id,
                "good_quantity": good_quantity,
                "defective_quantity": defective_quantity,
                "scrap_quantity": scrap_quantity,
                "variance_reason": variance_reason,
                "note": note,
            }
        ],
    )
    return report


def _lock_report(report_id: int, actor: User) -> tuple[Order, ProductionOrder, ProgressReport]:
    """Lock a report's order, production order (which must take reports) and the report."""
    production_order_id = (
        ProgressReport.objects.filter(pk=report_id).values_list("production_order_id", flat=True)
    ).first()
    if production_order_id is None:
        raise NotFound(model="progress_report", id=report_id)
    order, production_order = _lock_live_for_reports(production_order_id)
    # Who may file a report may correct or withdraw one (the supervisor among them).
    policy.require(actor, "progress_report.create", production_order)
    report = ProgressReport.objects.select_for_update().select_related("stage").get(pk=report_id)
    return order, production_order, report


def _report_data(report: ProgressReport) -> dict[str, Any]:
    return {
        "report": report.pk,
        "date": report.date,
        "stage": report.stage.code,
        "stage_name": report.stage.name,
        **{name: getattr(report, name) for name in REPORT_COUNTS},
    }


@storable
@transaction.atomic
def progress_report_correct(
    *,
    actor: User,
    report_id: int,
    reason: str,
    good_quantity: int,
    defective_quantity: int = 0,
    scrap_quantity: int = 0,
    variance_reason: str = "",
    note: str = "",
) -> ProgressReport:
    """Correct the quantities of a progress report of a live production order, with the
    reason; the event keeps the values before and after. Guards as on filing (no
    later stage's cumulative good quantity above the earlier stage's). Raises
    AlreadyDone (nothing changed), InvalidTransition, NotFound, PermissionDenied,
    ValidationFailed."""
    order, production_order, report = _lock_report(report_id, actor)
    reason = require_reason(reason)
    values = {
        "good_quantity": good_quantity,
        "defective_quantity": defective_quantity,
        "scrap_quantity": scrap_quantity,
        "variance_reason": variance_reason or "",
        "note": note or "",
    }
    errors: dict[str, list[str]] = {}
    _check_report_values(errors, "", values)
    if errors:
        raise ValidationFailed(fields=errors)
    changed = [name for name, value in values.items() if getattr(report, name) != value]
    if not changed:
        raise AlreadyDone(_("日报没有变化。"), code="unchanged")
    _check_stage_order(production_order, {report.stage_id: good_quantity - report.good_quantity})
    previous = _report_data(report)
    for name in changed:
        setattr(report, name, values[name])
    save(report, actor, changed)
    events.production_order_event(
        order,
        EventType.PROGRESS_CORRECTED,
        actor=actor,
        production_order=production_order,
        note=reason,
        previous=previous,
        **_report_data(report),
    )
    return report


@storable
@transaction.atomic
def progress_report_withdraw(*, actor: User, report_id: int, reason: str) -> ProgressReport:
    """Withdraw (delete) a progress report of a live production order, with the reason;
    the event keeps what it said. Refused when a later stage's cumulative good
    quantity would then pass this stage's (withdraw the later reports first).
    Raises InvalidTransition, NotFound, PermissionDenied, ValidationFailed."""
    order, production_order, report = _lock_report(report_id, actor)
    reason = require_reason(reason)
    try:
        _check_stage_order(production_order, {report.stage_id: -report.good_quantity})
    except ValidationFailed as exc:
        raise ValidationFailed(
            _("不能撤回：%(why)s 请先更正或撤回后道工序的日报。") % {"why": exc.message},
            code="stage_order",
        ) from None
    data = _report_data(report)
    report.delete()
    report.pk = data["report"]  # answered as it was, with its id
    events.production_order_event(
        order,
        EventType.PROGRESS_WITHDRAWN,
        actor=actor,
        production_order=production_order,
        note=reason,
        **data,
    )
    return report


@storable
@transaction.atomic
def inspection_create(
    *,
    actor: User,
    production_order_id: int,
    kind: str,
    result: str,
    inspected_on: dt.date | None = None,
    sample_size: int = 0,
    defects_found: int = 0,
    defects: str = "",
    estimated_loss: Decimal | str = "0",
    note: str = "",
) -> QualityInspection:
    """Record a quality inspection of a live production order.
    Raises InvalidTransition, PermissionDenied, ValidationFailed."""
    order, production_order = lock_production_order(production_order_id)
    policy.require(actor, "inspection.create", production_order)
    TABLE.ensure(production_order, "inspection")
    errors: dict[str, list[str]] = {}
    if kind not in QualityInspection.Kind.values:
        errors["kind"] = [_("检验类型无效。")]
    if result not in QualityInspection.Result.values:
        errors["result"] = [_("检验结果无效。")]
    check_counts(errors, sample_size=sample_size, defects_found=defects_found)
    counts_valid = "sample_size" not in errors and "defects_found" not in errors
    if counts_valid and sample_size and defects_found > sample_size:
        errors["defects_found"] = [_("不良数不能大于抽样数。")]
    loss = money_not_negative(errors, estimated_loss, field="estimated_loss")
    inspected_on = bounds.check_date(
        errors,
        "inspected_on",
        inspected_on or timezone.localdate(),
        earliest=_report_window(production_order),
        too_early=_("检验日期不能早于生产单的开始日期 %(d)s。"),
        latest=timezone.localdate(),
        too_late=_("检验日期不能晚于今天。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    inspection = QualityInspection.objects.create(
        production_order=production_order,
        kind=kind,
        result=result,
        inspected_on=inspected_on,
        sample_size=sample_size,
        defects_found=defects_found,
        defects=defects,
        estimated_loss=loss,
        inspector=actor,
        note=note,
    )
    events.production_order_event(
        order,
        EventType.INSPECTION_RECORDED,
        actor=actor,
        production_order=production_order,
        kind=kind,
        result=result,
    )
    return inspection


@storable
@transaction.atomic
def incident_open(
    *,
    actor: User,
    order_id: int,
    kind: str,
    description: str,
    production_order_id: int | None = None,
    opened_at: dt.datetime | None = None,
    loss_amount: Decimal | str = "0",
    responsible_id: int | None = None,
) -> Incident:
    """Record an exception (异常) on an order. Raises PermissionDenied, ValidationFailed."""
    order = lock_order(order_id)
    policy.require(actor, "incident.create", order)
    if order.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED):
        raise InvalidTransition(status=order.status, action="incident")
    errors: dict[str, list[str]] = {}
    if kind not in Incident.Kind.values:
        errors["kind"] = [_("异常类型无效。")]
    if not (description or "").strip():
        errors["description"] = [_("请描述异常。")]
    production_order = None
    if production_order_id is not None:
        production_order = order.production_orders.filter(pk=production_order_id).first()
        if production_order is None:
            errors["production_order"] = [_("生产单不属于此订单。")]
    responsible = None
    if responsible_id is not None:
        responsible = User.objects.filter(pk=responsible_id).first()
        if responsible is None:
            errors["responsible"] = [_("责任人不存在。")]
    loss = money_not_negative(errors, loss_amount, field="loss_amount")
    opened_at = bounds.check_moment_done(
        errors,
        "opened_at",
        opened_at,
        earliest=order.order_date,
        too_early=_("发生时间不能早于下单日期 %(d)s。"),
        too_late=_("发生时间不能晚于现在。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    incident = Incident.objects.create(
        order=order,
        production_order=production_order,
        kind=kind,
        description=description.strip(),
        opened_at=opened_at,
        loss_amount=loss,
        responsible=responsible,
        reported_by=actor,
    )
    events.record(
        order,
        EventType.INCIDENT_OPENED,
        actor=actor,
        note=incident.description,
        incident=incident.pk,
        kind=kind,
        loss_amount=loss,
    )
    return incident


@storable
@transaction.atomic
def incident_resolve(
    *,
    actor: User,
    incident_id: int,
    resolution: str,
    resolved_at: dt.datetime | None = None,
    loss_amount: Decimal | str | None = None,
) -> Incident:
    """Resolve an open incident. Raises AlreadyDone, PermissionDenied, ValidationFailed."""
    order, incident = lock_child(Incident, incident_id, "incident")
    policy.require(actor, "incident.resolve", incident)
    if incident.status == Incident.Status.RESOLVED:
        raise AlreadyDone(_("异常已解决。"), code="already_resolved")
    errors: dict[str, list[str]] = {}
    if not (resolution or "").strip():
        errors["resolution"] = [_("请填写处理结果。")]
    resolved_at = bounds.check_moment_done(
        errors,
        "resolved_at",
        resolved_at,
        earliest=incident.opened_at,
        too_early=_("解决时间不能早于发生时间 %(d)s。"),
        too_late=_("解决时间不能晚于现在。"),
    )
    fields = ["status", "resolution", "resolved_at"]
    if loss_amount is not None:
        incident.loss_amount = money_not_negative(errors, loss_amount, field="loss_amount")
        fields.append("loss_amount")
    if errors:
        raise ValidationFailed(fields=errors)
    incident.status = Incident.Status.RESOLVED
    incident.resolution = resolution.strip()
    incident.resolved_at = resolved_at
    save(incident, actor, fields)
    events.record(
        order,
        EventType.INCIDENT_RESOLVED,
        actor=actor,
        note=incident.resolution,
        incident=incident.pk,
    )
    return incident
