"""The monthly computation: performance from the month's facts, and pay statements.

Everything is read for all people at once (``kpi.selectors``), computed with
``kpi.scoring`` and written back in bulk, so the number of queries does not
grow with the number of people or orders. Finalised assessments are never
touched: a rerun after finalisation changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from gendan import policy
from gendan.exceptions import ValidationFailed
from gendan.models import User
from orders.events import _jsonable

from .. import events, periods, scoring, selectors
from ..models import (
    Assessment,
    AssessmentAction,
    AssessmentEvent,
    AssessmentTemplate,
    CommissionBasis,
    ComponentKind,
    LineEffect,
    PaySchemeAssignment,
    PayStatement,
    PayStatementLine,
    PenaltyFlag,
)
from ..states import OPEN, AssessmentStatus, ensure_transition
from ._common import lock_assessment

A = AssessmentStatus
ZERO = scoring.ZERO
METRIC_FIELDS = (
    "shipped_count",
    "on_time_count",
    "due_count",
    "completed_count",
    "complaint_count",
    "resolution_count",
    "resolved_in_time_count",
    "on_time_points",
    "completion_points",
    "complaints_points",
    "resolution_points",
    "performance",
    "performance_is_manual",
    "performance_note",
    "total_score",
    "template",
)
STATEMENT_FIELDS = (
    "scheme",
    "total_score",
    "position_salary",
    "commission",
    "processing_fee_pay",
    "quality_award",
    "overtime_pay",
    "absence_deduction",
    "penalties",
    "total_pay",
    "declaration_bonus_accrued",
    "declaration_bonus_year_to_date",
    "year_end_bonus_cancelled",
    "resignation_review",
    "computed_at",
)


def money_text(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


# --------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------


@transaction.atomic
def assessment_compute_month(
    *, actor: User | None, period: dt.date, person_ids: Iterable[int] | None = None
) -> list[Assessment]:
    """Compute the drafts of ``period`` for every merchandiser (or ``person_ids``):
    the performance part from the month's facts and the draft pay.

    Missing assessments are created; open ones (draft, sent, confirmed,
    disputed) are recomputed; finalised and exported ones are left exactly as
    they are. ``actor`` None is the scheduled task. Raises PermissionDenied.
    """
    if actor is not None:
        policy.require(actor, "assessment.compute")
    period = periods.month_of(period)
    if person_ids is None:
        ids = set(selectors.merchandiser_ids())
        ids |= set(Assessment.objects.filter(period=period).values_list("person_id", flat=True))
    else:
        ids = set(person_ids)
    ids = sorted(ids)
    assignments = selectors.scheme_assignments(ids, periods.last_day(period))
    default = selectors.default_template()
    templates = {pk: _template_of(assignments.get(pk), default) for pk in ids}
    # Create what is missing; a concurrent run creates the same rows, so conflicts are skipped.
    Assessment.objects.bulk_create(
        [Assessment(person_id=pk, period=period, template=templates[pk]) for pk in ids],
        ignore_conflicts=True,
    )
    # Then lock every row of the month for these people, in primary-key order.
    rows = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(period=period, person_id__in=ids)
        .select_related("person")
        .order_by("pk")
    )
    _compute(rows, period, actor=actor, assignments=assignments, templates=templates)
    return rows


@transaction.atomic
def assessment_compute(*, actor: User | None, assessment_id: int) -> Assessment:
    """Recompute one open assessment (see ``assessment_compute_month``).
    Raises NotFound, PermissionDenied, InvalidTransition (when finalised)."""
    assessment = lock_assessment(assessment_id)
    if actor is not None:
        policy.require(actor, "assessment.compute", assessment)
    ensure_transition(assessment, "compute")
    period = assessment.period
    assignments = selectors.scheme_assignments([assessment.person_id], periods.last_day(period))
    templates = {
        assessment.person_id: _template_of(
            assignments.get(assessment.person_id), selectors.default_template()
        )
    }
    _compute([assessment], period, actor=actor, assignments=assignments, templates=templates)
    return assessment


def _template_of(
    assignment: PaySchemeAssignment | None, default: AssessmentTemplate
) -> AssessmentTemplate:
    if assignment is not None and assignment.scheme.assessment_template_id:
        return assignment.scheme.assessment_template
    return default


def _compute(
    rows: list[Assessment],
    period: dt.date,
    *,
    actor: User | None,
    assignments: dict[int, PaySchemeAssignment],
    templates: dict[int, AssessmentTemplate],
) -> None:
    open_rows = [row for row in rows if row.status in OPEN]
    if not open_rows:
        return
    by_template: dict[int, list[Assessment]] = defaultdict(list)
    for row in open_rows:
        row.template = templates[row.person_id]
        by_template[row.template.pk].append(row)
    now = timezone.now()
    history = []
    for group in by_template.values():
        template = group[0].template
        counts = selectors.metric_counts([r.person_id for r in group], period, template)
        for row in group:
            before = (row.performance, row.total_score)
            _apply_metrics(row, counts[row.person_id], template)
            row.computed_at = now
            data = {
                "counts": {name: getattr(row, name) for name in METRIC_FIELDS[:7]},
                "performance": row.performance,
            }
            changed = (row.performance, row.total_score) != before
            if row.status == A.CONFIRMED and changed and row.confirmed_at is not None:
                # The person confirmed other figures: they confirm again.
                history.append(
                    events.build(
                        row,
                        AssessmentAction.COMPUTED,
                        actor=actor,
                        from_status=row.status,
                        to_status=A.SENT,
                        note=_("重新计算后得分变化，需重新确认。"),
                        **data,
                    )
                )
                row.status = A.SENT
                row.confirmed_at = None
            else:
                history.append(events.build(row, AssessmentAction.COMPUTED, actor=actor, **data))
    Assessment.objects.bulk_update(
        open_rows, [*METRIC_FIELDS, "computed_at", "status", "confirmed_at", "updated_at"]
    )
    for row in open_rows:
        row.updated_at = now
    AssessmentEvent.objects.bulk_create(history)
    refresh_pay(open_rows, period, assignments=assignments)


def _apply_metrics(row: Assessment, counts: selectors.MetricCounts, template) -> None:
    row.shipped_count = counts.shipped
    row.on_time_count = counts.on_time
    row.due_count = counts.due
    row.completed_count = counts.completed
    row.complaint_count = counts.complaints
    row.resolution_count = counts.resolution_total
    row.resolved_in_time_count = counts.resolved_in_time
    rates = {
        "on_time": scoring.on_time_rate(counts.on_time, counts.shipped),
        "completion": scoring.completion_rate(counts.completed, counts.due),
        "complaints": scoring.complaints_rate(counts.complaints, counts.shipped),
        "resolution": scoring.resolution_rate(counts.resolved_in_time, counts.resolution_total),
    }
    result = scoring.performance(rates, template.weights)
    row.on_time_points = result.points["on_time"]
    row.completion_points = result.points["completion"]
    row.complaints_points = result.points["complaints"]
    row.resolution_points = result.points["resolution"]
    if result.has_data:
        row.performance = result.total
        row.performance_is_manual = False
        if row.performance_note.startswith(NO_DATA_NOTE_PREFIX):
            row.performance_note = ""
    elif not row.performance_is_manual:
        # No metric had data: the supervisor enters the performance part by hand.
        row.performance = None
        row.performance_note = NO_DATA_NOTE_PREFIX + _(
            "本月没有可计算的数据（无出货、无到期订单、无异常和售后），请主管手工录入工作绩效并说明。"
        )
    row.total_score = scoring.total_score(row.performance, row.teamwork, row.attitude)


NO_DATA_NOTE_PREFIX = "【无数据】"


# --------------------------------------------------------------------------
# Pay statements
# --------------------------------------------------------------------------


def refresh_pay(
    rows: list[Assessment],
    period: dt.date,
    *,
    assignments: dict[int, PaySchemeAssignment] | None = None,
) -> list[PayStatement]:
    """(Re)compute the pay statements of open assessments of one month, in bulk.
    Called by the services under the assessments' row locks."""
    rows = [row for row in rows if row.status in OPEN]
    if not rows:
        return []
    ids = [row.person_id for row in rows]
    if assignments is None:
        assignments = selectors.scheme_assignments(ids, periods.last_day(period))
    paid_basis = any(
        c.kind == ComponentKind.COMMISSION and c.basis == CommissionBasis.FULLY_PAID
        for a in assignments.values()
        for c in a.scheme.components.all()
    )
    facts = selectors.pay_facts(ids, period, paid_basis=paid_basis)
    existing = {s.assessment_id: s for s in PayStatement.objects.filter(assessment__in=rows)}
    missing = [PayStatement(assessment=row) for row in rows if row.pk not in existing]
    # Safe without conflicts: the assessments are locked, so nobody else creates these.
    for statement in PayStatement.objects.bulk_create(missing):
        existing[statement.assessment_id] = statement
    if any(s.pk is None for s in existing.values()):  # backends that return no ids
        existing = {s.assessment_id: s for s in PayStatement.objects.filter(assessment__in=rows)}
    now = timezone.now()
    statements, lines = [], []
    for row in rows:
        statement = existing[row.pk]
        statement.assessment = row
        lines += build_statement(
            statement, row, assignments.get(row.person_id), facts[row.person_id]
        )
        statement.computed_at = now
        statements.append(statement)
    PayStatementLine.objects.filter(statement__in=statements).delete()
    PayStatementLine.objects.bulk_create(lines)
    PayStatement.objects.bulk_update(statements, STATEMENT_FIELDS)
    return statements


def build_statement(
    statement: PayStatement,
    assessment: Assessment,
    assignment: PaySchemeAssignment | None,
    facts: selectors.PayFacts,
) -> list[PayStatementLine]:
    """Fill ``statement``'s totals from the scheme and the facts; return its lines,
    each explaining one amount (which orders, which rule)."""
    lines: list[PayStatementLine] = []

    def line(kind, label, effect, amount, explanation, **detail) -> Decimal:
        lines.append(
            PayStatementLine(
                statement=statement,
                position=len(lines) + 1,
                kind=kind,
                label=str(label),
                effect=effect,
                amount=amount,
                explanation=explanation,
                detail=_jsonable(detail),
            )
        )
        return amount

    for name in STATEMENT_FIELDS[2:12]:
        setattr(statement, name, ZERO)
    statement.scheme = assignment.scheme if assignment else None
    statement.total_score = assessment.total_score
    statement.year_end_bonus_cancelled = False
    statement.resignation_review = False
    score = assessment.total_score

    components = {}
    if assignment is None:
        line(
            "no_scheme",
            _("未分配薪酬方案"),
            LineEffect.INFO,
            ZERO,
            _("请为该人员分配薪酬方案后重新计算。"),
        )
    else:
        components = {c.kind: c for c in assignment.scheme.components.all() if c.enabled}

    penalties_total = sum((r.amount for r in facts.penalties), ZERO)
    company_loss = sum((r.loss_amount for r in facts.penalties), ZERO) + sum(
        (loss for _pk, _number, loss in facts.incident_losses), ZERO
    )
    adjustment = facts.adjustment
    overtime_hours = adjustment.overtime_hours if adjustment else ZERO
    absence_hours = adjustment.absence_hours if adjustment else ZERO
    days_absent = adjustment.days_absent if adjustment else ZERO

    for kind, component in sorted(components.items(), key=lambda kv: kv[1].position):
        label = component.display_label
        if kind == ComponentKind.POSITION_SALARY:
            statement.position_salary = line(
                kind, label, LineEffect.ADD, scoring.cents(component.amount), _("每月固定。")
            )
        elif kind == ComponentKind.COMMISSION:
            statement.commission = _commission_line(line, component, score, facts)
        elif kind == ComponentKind.PROCESSING_FEE:
            fees = sum((fee for _n, _o, fee in facts.production_orders), ZERO)
            amount = scoring.processing_fee_pay(fees, component.amount)
            statement.processing_fee_pay = line(
                kind,
                label,
                LineEffect.ADD,
                amount,
                _("当月完成的生产单 %(n)s 张，加工费合计 %(fees)s × %(rate)s 元/万元 = %(amount)s")
                % {
                    "n": len(facts.production_orders),
                    "fees": money_text(fees),
                    "rate": money_text(component.amount),
                    "amount": money_text(amount),
                },
                production_orders=[
                    {"number": n, "order": o, "processing_fee": fee}
                    for n, o, fee in facts.production_orders
                ],
                processing_fees=fees,
            )
        elif kind == ComponentKind.QUALITY_AWARD:
            attendance = scoring.attendance_ratio(facts.working_days, days_absent)
            award = scoring.quality_award(
                component.amount,
                penalties=penalties_total,
                company_loss=company_loss,
                penalty_threshold=component.penalty_threshold,
                loss_threshold=component.loss_threshold,
                attendance=attendance,
            )
            if award.reason == "penalties":
                text = _("当月扣款 %(p)s，未低于 %(t)s，不享受。") % {
                    "p": money_text(penalties_total),
                    "t": money_text(component.penalty_threshold),
                }
            elif award.reason == "loss":
                text = _("造成公司损失 %(l)s，未低于 %(t)s，不享受。") % {
                    "l": money_text(company_loss),
                    "t": money_text(component.loss_threshold),
                }
            else:
                text = _(
                    "当月扣款 %(p)s、公司损失 %(l)s 均低于标准；"
                    "出勤 %(present)s/%(days)s 天，%(amount)s × 出勤比例 = %(award)s"
                ) % {
                    "p": money_text(penalties_total),
                    "l": money_text(company_loss),
                    "present": format((Decimal(facts.working_days) - days_absent).normalize(), "f"),
                    "days": facts.working_days,
                    "amount": money_text(component.amount),
                    "award": money_text(award.amount),
                }
            statement.quality_award = line(
                kind,
                label,
                LineEffect.ADD,
                award.amount,
                text,
                granted=award.granted,
                penalties=penalties_total,
                company_loss=company_loss,
                attendance=str(attendance),
                incidents=[
                    {"incident": pk, "order": number, "loss": loss}
                    for pk, number, loss in facts.incident_losses
                ],
            )
        elif kind == ComponentKind.OVERTIME:
            amount = scoring.hourly(overtime_hours, component.amount)
            statement.overtime_pay = line(
                kind,
                label,
                LineEffect.ADD,
                amount,
                _("加班 %(h)s 小时 × %(rate)s 元/小时 = %(amount)s")
                % {
                    "h": overtime_hours,
                    "rate": money_text(component.amount),
                    "amount": money_text(amount),
                },
                hours=overtime_hours,
            )
        elif kind == ComponentKind.ABSENCE:
            amount = scoring.hourly(absence_hours, component.amount)
            statement.absence_deduction = line(
                kind,
                label,
                LineEffect.DEDUCT,
                amount,
                _("出勤不足 %(h)s 小时 × %(rate)s 元/小时 = %(amount)s")
                % {
                    "h": absence_hours,
                    "rate": money_text(component.amount),
                    "amount": money_text(amount),
                },
                hours=absence_hours,
            )
        elif kind == ComponentKind.DECLARATION_BONUS:
            _declaration_lines(line, statement, assessment, assignment, component, facts)

    for record in facts.penalties:
        if record.rule.kind == "percent_of_loss":
            text = _("损失 %(loss)s，按扣款规则分段计算 = %(amount)s") % {
                "loss": money_text(record.loss_amount),
                "amount": money_text(record.amount),
            }
        else:
            text = _("每次 %(amount)s") % {"amount": money_text(record.amount)}
        if record.flag:
            text += "；" + str(PenaltyFlag(record.flag).label)
            if record.flag == PenaltyFlag.YEAR_END_BONUS_CANCELLED:
                statement.year_end_bonus_cancelled = True
        line(
            "penalty",
            record.rule.name,
            LineEffect.DEDUCT,
            record.amount,
            f"{text}。{record.note}",
            record=record.pk,
            rule=record.rule.code,
            occurred_on=record.occurred_on,
            order=record.order.number if record.order_id else None,
            shipment=record.shipment.number if record.shipment_id else None,
            loss_amount=record.loss_amount,
            flag=record.flag,
        )
    statement.penalties = penalties_total

    statement.total_pay = scoring.monthly_pay(
        [
            statement.position_salary,
            statement.commission,
            statement.processing_fee_pay,
            statement.quality_award,
            statement.overtime_pay,
        ],
        [statement.absence_deduction, statement.penalties],
    )
    return lines


def _commission_line(line, component, score: Decimal | None, facts) -> Decimal:
    if component.basis == CommissionBasis.FULLY_PAID:
        orders, what = facts.paid_orders, _("当月全款到账订单")
    else:
        orders, what = facts.shipped_orders, _("当月全部出货订单")
    basis = sum((total for _n, total in orders), ZERO)
    base = scoring.commission(basis, component.rate_permille)
    text = _("%(what)s %(n)s 张，合计 %(basis)s × %(rate)s‰ = %(base)s") % {
        "what": what,
        "n": len(orders),
        "basis": money_text(basis),
        "rate": component.rate_permille.normalize(),
        "base": money_text(base),
    }
    amount = base
    if component.scaled_by_score:
        if score is None:
            amount = ZERO
            text += _("；按考核得分折算，得分未定，暂计 0.00")
        else:
            amount = scoring.scaled_by_score(base, score)
            text += _("；× 考核得分 %(score)s%% = %(amount)s") % {
                "score": score,
                "amount": money_text(amount),
            }
    return line(
        ComponentKind.COMMISSION,
        component.display_label,
        LineEffect.ADD,
        amount,
        text,
        orders=[{"number": n, "total": t} for n, t in orders],
        basis=basis,
        rate_permille=component.rate_permille,
        commission=base,
        score=score,
        scaled_by_score=component.scaled_by_score,
    )


def _declaration_lines(line, statement, assessment, assignment, component, facts) -> None:
    period = assessment.period
    months = {
        m: scoring.DeclarationMonth(eligible=eligible, faults=facts.faults.get(m, 0))
        for m, (eligible, _n) in facts.declarations.items()
    }
    for m, faults in facts.faults.items():
        months.setdefault(m, scoring.DeclarationMonth(faults=faults))
    year = scoring.declaration_bonus_year(months, component.amount, through=period.month)
    accrued = year.months.get(period.month, ZERO)
    eligible, declared = facts.declarations.get(period.month, (0, 0))
    faults = facts.faults.get(period.month, 0)
    cancelled = year.cancelled.get(period.month)
    text = _("本月报关 %(n)s 票，其中可计提 %(e)s 票，差错 %(f)s 次") % {
        "n": declared,
        "e": eligible,
        "f": faults,
    }
    if cancelled == "month":
        text += _("；当月差错 2 次及以上，取消当月报关提成")
    elif cancelled == "quarter":
        text += _("；本季度有单月差错 3 次及以上，取消本季度报关提成")
    elif cancelled == "year":
        text += _("；本年有季度差错 5 次及以上，取消全年报关提成")
    else:
        text += _("；%(e)s × %(amount)s = %(accrued)s") % {
            "e": eligible,
            "amount": money_text(component.amount),
            "accrued": money_text(accrued),
        }
    text += _("。本季度累计 %(q)s，本年累计 %(y)s（年底发放）。") % {
        "q": money_text(year.quarter_of(period.month)),
        "y": money_text(year.total),
    }
    statement.declaration_bonus_accrued = line(
        ComponentKind.DECLARATION_BONUS,
        component.display_label,
        LineEffect.ACCRUE,
        accrued,
        text,
        declarations=facts.month_declarations,
        cancelled=cancelled,
        quarter_total=year.quarter_of(period.month),
        year_total=year.total,
        year_faults=year.faults,
        probation_until=assignment.probation_until,
    )
    statement.declaration_bonus_year_to_date = year.total
    if year.resignation_review:
        statement.resignation_review = True
        line(
            "resignation_review",
            _("视自动离职（待人事复核）"),
            LineEffect.INFO,
            ZERO,
            _("本年出货差错累计 %(n)s 次（8 次及以上）。仅提示人事复核，系统不做任何自动处理。")
            % {"n": year.faults},
            year_faults=year.faults,
        )


def validate_period(value) -> dt.date:
    try:
        return periods.parse(value)
    except ValueError:
        raise ValidationFailed(fields={"period": [_("月份格式应为 YYYY-MM。")]}) from None
