"""The one Excel writer: every download of Gendan (the order list, the daily report, the
sales ledger, the pay sheet) is a list of ``Sheet`` written here.

Money is a number with two decimals, dates are dates, times are local wall-clock
times. Text is always text: a customer name or PO number that starts like a formula
(``=``, ``+``, ``-``, ``@``, tab, CR) is stored and shown literally, never evaluated
(conventions: escape on export).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# What makes a spreadsheet read a typed value as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """One worksheet: a bold header row, the rows, and optionally a bold title line
    above the headers (``heading``) and a bold totals row below the rows."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    heading: str = ""
    totals: Sequence[Any] | None = None
    # The top-left cell that is not frozen (None: nothing frozen).
    freeze: str | None = "A2"
    # Column widths by number (1 = A); None: fitted to the content.
    widths: Mapping[int, float] | None = None
    # Number formats by column number, over the defaults (money, dates).
    formats: Mapping[int, str] = field(default_factory=dict)


def workbook(sheets: Iterable[Sheet | tuple]) -> bytes:
    """The .xlsx file of ``sheets`` (a ``Sheet`` or a (title, headers, rows) tuple each)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet if isinstance(sheet, Sheet) else Sheet(*sheet))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str) -> HttpResponse:
    """An .xlsx file as an attachment."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: Iterable[Sheet | tuple]) -> HttpResponse:
    """A download of ``sheets`` (see ``workbook``)."""
    return download(workbook(sheets), filename)


def _write_sheet(book, spec: Sheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=str(spec.title)[:31])
    bold = Font(bold=True)
    if spec.heading:
        _append(sheet, [spec.heading])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    _append(sheet, [str(h) for h in spec.headers])
    first_row = sheet.max_row + 1
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    widths = [max(len(str(h)) * 2, 10) for h in spec.headers]
    for row in spec.rows:
        values = _append(sheet, row)
        for i, value in enumerate(values):
            widths[i] = min(max(widths[i], len(str(value)) + 2), 60)
    if spec.totals is not None:
        _append(sheet, spec.totals)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    for column in sheet.iter_cols(min_row=first_row):
        for cell in column:
            number_format = spec.formats.get(cell.column) or _default_format(cell.value)
            if number_format:
                cell.number_format = number_format
    fixed = spec.widths if spec.widths is not None else dict(enumerate(widths, start=1))
    for column, width in fixed.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = spec.freeze


def _append(sheet, row: Iterable[Any]) -> list[Any]:
    """Append a row; every text cell stays text (a leading ``=`` is no formula, a
    "#N/A" no error)."""
    values = [cell_value(v) for v in row]
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.data_type = "s"
            if value.startswith(FORMULA_STARTS):
                # Excel keeps the text literal even when someone edits the cell.
                cell.quotePrefix = True
    return values


def cell_value(value: Any) -> Any:
    """A value as the cell holds it: numbers, dates and booleans as they are, local
    naive datetimes, everything else as text."""
    if isinstance(value, dt.datetime):
        # Excel has no time zones: local wall-clock time, without tzinfo.
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | Decimal | dt.date | float):
        return value
    return str(value)


def _default_format(value: Any) -> str:
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return ""
