"""The pay sheet for finance opens with openpyxl, and its rows and totals are the
statements' own figures."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from kpi import services
from kpi.exports import MONEY_COLUMNS
from kpi.models import PayComponent, PayStatement
from tests.factories import UserFactory
from tests.kpi.helpers import (
    EXPORT,
    PRODUCTION,
    SALES,
    D,
    assign,
    at,
    compute,
    make_order,
    make_shipment,
    rule,
)

SEPT = D(2026, 9, 1)


def as_decimal(value) -> Decimal:
    return Decimal(str(value))


def finalised_month(cast):
    """Three people on the three schemes, their September finalised."""
    supervisor = cast.supervisor
    PayComponent.objects.filter(scheme__code=SALES, kind="position_salary").update(
        amount=Decimal("3500.00")
    )
    third = UserFactory(username="merch3", display_name="王五", roles=["merchandiser"])
    for person, code in (
        (cast.merchandiser, SALES),
        (cast.other_merchandiser, PRODUCTION),
        (third, EXPORT),
    ):
        assign(person, code)
        order = make_order(
            person,
            contract=D(2026, 9, 20),
            total="123456.78",
            fully_shipped_at=at(2026, 9, 18),
            ship_dates=(D(2026, 9, 18),),
            declarations=True,
        )
        make_shipment(order, D(2026, 9, 19), declaration=f"D-{person.pk}")
    services.penalty_record_create(
        actor=supervisor,
        person_id=cast.other_merchandiser.pk,
        rule_id=rule(PRODUCTION, "air-freight").pk,
        occurred_on=D(2026, 9, 9),
        chosen_amount="250",
        note="空运",
    )
    services.pay_adjustment_set(
        actor=supervisor,
        person_id=cast.other_merchandiser.pk,
        period=SEPT,
        overtime_hours="7.5",
        absence_hours="1",
    )
    services.assessment_compute_month(actor=supervisor, period=SEPT)
    for person in (cast.merchandiser, cast.other_merchandiser, third):
        assessment = compute(person, SEPT)
        services.assessment_enter(
            actor=supervisor, assessment_id=assessment.pk, teamwork="23.5", attitude="17"
        )
        services.assessment_send(actor=supervisor, assessment_id=assessment.pk)
        services.assessment_confirm(actor=person, assessment_id=assessment.pk)
    done, left = services.assessment_finalize_month(
        actor=supervisor, period=SEPT, today=D(2026, 10, 30)
    )
    assert len(done) == 3 and not left


def test_the_exported_pay_sheet_opens_and_its_totals_equal_the_statements(cast):
    finalised_month(cast)

    content, statements = services.assessment_export(actor=cast.finance, period=SEPT)

    workbook = load_workbook(BytesIO(content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headers, data, totals = rows[1], rows[2:-1], rows[-1]
    assert rows[0][0] == "2026-09 工资表"
    first = headers.index(str(MONEY_COLUMNS[0][0]))
    by_username = {s.assessment.person.username: s for s in PayStatement.objects.all()}
    assert len(data) == len(by_username) == len(statements) == 3
    for row in data:
        statement = by_username[row[0]]
        assert as_decimal(row[3]) == statement.total_score
        for i, (_header, name) in enumerate(MONEY_COLUMNS):
            assert as_decimal(row[first + i]) == getattr(statement, name), (row[0], name)
    for i, (_header, name) in enumerate(MONEY_COLUMNS):
        expected = sum(getattr(s, name) for s in by_username.values())
        assert as_decimal(totals[first + i]) == expected, name
        assert sum(as_decimal(row[first + i]) for row in data) == expected
    total_pay = headers.index("应发合计")
    assert as_decimal(totals[total_pay]) == sum(s.total_pay for s in by_username.values())
    assert as_decimal(totals[total_pay]) > 0
    # Every explained line is on the second sheet.
    details = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert len(details) == sum(s.lines.count() for s in by_username.values())
    assert {row[2] for row in details} >= {"提成", "延时工资", "报关提成", "不能及时交货造成空运"}
