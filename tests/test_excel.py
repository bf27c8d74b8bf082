"""The one Excel writer: text stays text, money and dates keep their formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gendan import excel

LOOKS_LIKE_A_FORMULA = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _read(content: bytes):
    return load_workbook(BytesIO(content)).worksheets


@pytest.mark.parametrize("text", LOOKS_LIKE_A_FORMULA)
def test_text_that_starts_like_a_formula_is_written_as_literal_text(text):
    (sheet,) = _read(excel.workbook([("S", ["a"], [[text]])]))

    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    # (XML reads a carriage return as a line feed.)
    assert cell.value == text.replace("\r", "\n")
    assert cell.quotePrefix


def test_ordinary_text_an_error_code_and_numbers_keep_their_types():
    rows = [["#N/A", "plain", Decimal("12.50"), 3, dt.date(2026, 9, 1)]]
    (sheet,) = _read(excel.workbook([("S", ["a", "b", "c", "d", "e"], rows)]))

    error_like, plain, money, count, day = sheet[2]
    assert (error_like.data_type, error_like.value) == ("s", "#N/A")
    assert (plain.data_type, plain.value, plain.quotePrefix) == ("s", "plain", False)
    assert money.value == Decimal("12.5") and money.number_format == excel.MONEY_FORMAT
    assert count.value == 3
    assert day.value == dt.datetime(2026, 9, 1) and day.number_format == excel.DATE_FORMAT


def test_a_sheet_with_a_heading_and_totals_keeps_its_layout():
    sheet_spec = excel.Sheet(
        "Pay",
        ["who", "amount"],
        [["=a", Decimal("1.00")]],
        heading="2026-09",
        totals=["total", Decimal("1.00")],
        freeze="B3",
        widths={1: 12, 2: 14},
    )
    (sheet,) = _read(excel.workbook([sheet_spec]))

    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["2026-09", None],
        ["who", "amount"],
        ["=a", Decimal("1")],
        ["total", Decimal("1")],
    ]
    assert sheet["A1"].font.bold and sheet["A2"].font.bold and sheet["A4"].font.bold
    assert not sheet["A3"].font.bold
    assert sheet.freeze_panes == "B3"
    assert sheet.column_dimensions["A"].width == 12


def test_download_is_an_xlsx_attachment():
    response = excel.download(b"x", "f.xlsx")
    assert response["Content-Type"] == excel.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="f.xlsx"'
