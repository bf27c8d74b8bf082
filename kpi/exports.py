"""The pay sheet for finance (工资表): an Excel workbook built from pay statements.

Sheet 1 has one row per person and a totals row; every amount is the
statement's own figure, written as a number (not a formula), so the totals a
reader sees are the statements' totals. Sheet 2 lists every explained line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gendan import excel
from gendan.money import ZERO

from . import periods
from .models import PayStatement

# (header, statement field) of the money columns, in the order of the monthly pay formula.
MONEY_COLUMNS = (
    (gettext_lazy("岗位工资/基本工资"), "position_salary"),
    (gettext_lazy("提成"), "commission"),
    (gettext_lazy("延时工资"), "processing_fee_pay"),
    (gettext_lazy("文明生产质量奖"), "quality_award"),
    (gettext_lazy("加班工资"), "overtime_pay"),
    (gettext_lazy("出勤不足扣发"), "absence_deduction"),
    (gettext_lazy("考核扣款"), "penalties"),
    (gettext_lazy("应发合计"), "total_pay"),
    (gettext_lazy("报关提成本月计提"), "declaration_bonus_accrued"),
    (gettext_lazy("报关提成本年累计"), "declaration_bonus_year_to_date"),
)


def pay_sheet_totals(statements: Sequence[PayStatement]) -> dict[str, Decimal]:
    """The column totals of the sheet: the sums of the statements' own figures."""
    return {
        name: sum((getattr(s, name) for s in statements), ZERO) for _header, name in MONEY_COLUMNS
    }


def pay_sheet(period: dt.date, statements: Sequence[PayStatement]) -> bytes:
    headers = [
        _("工号"),
        _("姓名"),
        _("薪酬方案"),
        _("考核得分"),
        *(str(header) for header, _name in MONEY_COLUMNS),
        _("取消年终奖"),
        _("视自动离职（待人事复核）"),
    ]
    rows = [
        [
            statement.assessment.person.username,
            str(statement.assessment.person),
            statement.scheme.name if statement.scheme_id else "",
            statement.total_score,
            *(getattr(statement, name) for _header, name in MONEY_COLUMNS),
            _("是") if statement.year_end_bonus_cancelled else "",
            _("是") if statement.resignation_review else "",
        ]
        for statement in statements
    ]
    totals = pay_sheet_totals(statements)
    details = [
        [
            statement.assessment.person.username,
            str(statement.assessment.person),
            line.label,
            str(line.get_effect_display()),
            line.amount,
            line.explanation,
        ]
        for statement in statements
        for line in statement.lines.all()
    ]
    return excel.workbook(
        [
            excel.Sheet(
                _("工资表"),
                headers,
                rows,
                heading=_("%(period)s 工资表") % {"period": periods.label(period)},
                totals=[
                    _("合计"),
                    _("%(n)s 人") % {"n": len(statements)},
                    "",
                    "",
                    *(totals[name] for _header, name in MONEY_COLUMNS),
                ],
                freeze="C3",
                widths={column: 14 if column > 2 else 12 for column in range(1, len(headers) + 1)},
                # The score is a plain number, not money.
                formats={4: "General"},
            ),
            excel.Sheet(
                _("明细"),
                (_("工号"), _("姓名"), _("项目"), _("性质"), _("金额"), _("计算说明")),
                details,
                freeze=None,
                widths={3: 24, 6: 80},
            ),
        ]
    )
