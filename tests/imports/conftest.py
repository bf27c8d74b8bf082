"""Excel imports: workbooks filled from the downloaded template with openpyxl."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from orders import imports
from tests.pages.conftest import _pages_settings, as_user  # noqa: F401  (fixtures)


def filled(kind: str, rows: list[dict], *, formulas: dict[tuple[int, str], str] | None = None):
    """The template of ``kind`` with ``rows`` (column key -> value) below its header;
    ``formulas`` puts a formula at (row index, column key). Returns the .xlsx bytes."""
    book = load_workbook(BytesIO(imports.template(kind)))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    keys = [column.key for column in imports.COLUMNS[kind]]
    for values in rows:
        sheet.append([values.get(key) for key in keys])
    for (index, key), formula in (formulas or {}).items():
        sheet.cell(row=index + 2, column=keys.index(key) + 1).value = formula
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def order_rows():
    """order_rows(customer, product, orders=2, lines=3) -> rows of ``orders`` orders of
    ``lines`` lines each."""

    def make(customer, product, *, orders: int = 2, lines: int = 3, prefix: str = "PO"):
        return [
            {
                "customer": customer.code,
                "customer_po": f"{prefix}-{o:04d}",
                "contract_delivery_date": in_days(60),
                "quality_requirements": f"AQL 2.5 批次 {o}",
                "product": product.item_number,
                "colour": f"色{line}",
                "size": ["S", "M", "L"][line % 3],
                "quantity": 100 + o * 10 + line,
                "unit_price": "12.50",
            }
            for o in range(orders)
            for line in range(lines)
        ]

    return make
