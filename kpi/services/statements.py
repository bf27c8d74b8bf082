"""Pay statements: each person's month priced by their scheme, every amount a line
that says where it comes from (which orders, which rule).

``refresh_pay`` recomputes the statements of open assessments in bulk (a fixed
number of queries); a finalised assessment's statement is never touched again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gendan.db import bulk_insert, bulk_update
from gendan.money import ZERO
from gendan.timeline import jsonable

from .. import periods, scoring, selectors
from ..models import (
    STATEMENT_FIELDS,
    Assessment,
    CommissionBasis,
    ComponentKind,
    LineEffect,
    PaySchemeAssignment,
    PayStatement,
    PayStatementLine,
    PenaltyFlag,
)
from ..states import OPEN

# The components paid by the hour: (statement field, effect, explanation).
HOURLY = {
    ComponentKind.OVERTIME: (
        "overtime_pay",
        LineEffect.ADD,
        gettext_lazy("加班 %(h)s 小时 × %(rate)s 元/小时 = %(amount)s"),
    ),
    ComponentKind.ABSENCE: (
        "absence_deduction",
        LineEffect.DEDUCT,
        gettext_lazy("出勤不足 %(h)s 小时 × %(rate)s 元/小时 = %(amount)s"),
    ),
}


def money_text(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


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
    # What each person's scheme pays: only the facts it prices are read.
    components = {
        pk: [c for c in assignments[pk].scheme.components.all() if c.enabled]
        for pk in ids
        if pk in assignments
    }
    facts = selectors.pay_facts(ids, period, components=components)
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
    bulk_insert(lines)  # their details list the month's orders: one JSON document
    bulk_update(statements, STATEMENT_FIELDS)
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
                detail=jsonable(detail),
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
        elif kind in HOURLY:
            field, effect, text = HOURLY[kind]
            hours = overtime_hours if kind == ComponentKind.OVERTIME else absence_hours
            amount = scoring.hourly(hours, component.amount)
            rate = money_text(component.amount)
            values = {"h": hours, "rate": rate, "amount": money_text(amount)}
            setattr(statement, field, line(kind, label, effect, amount, text % values, hours=hours))
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
