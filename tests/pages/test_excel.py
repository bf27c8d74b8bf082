"""The Excel files: the order list's export holds exactly the filtered rows; the daily
report and the sales ledger open as workbooks."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from orders.models import Customer, Order
from orders.states import OrderStatus as S
from tests.factories import create_order, order_in_status

from .conftest import client_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_the_excel_export_holds_the_filtered_rows_of_the_order_list(cast):
    drafts = [create_order(cast, quantities=(100,), unit_price="12.50") for _ in range(2)]
    confirmed = order_in_status(cast, S.CONFIRMED, quantities=(40, 60))
    order_in_status(cast, S.AWAITING_DEPOSIT)
    create_order(cast, owner=cast.other_merchandiser)
    client = client_for(cast.supervisor)

    url = reverse("orders:export")
    sheets = _rows(
        client.get(url, {"status": [S.DRAFT, S.CONFIRMED], "owner": cast.merchandiser.pk})
    )

    (rows,) = sheets.values()
    header, *data = rows
    assert header[0] == "订单编号" and "总金额" in header
    numbers = {row[0] for row in data}
    assert numbers == {o.number for o in [*drafts, confirmed]}
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    row = by_number[confirmed.number]
    assert row["状态"] == "已确认"
    assert row["总数量"] == 100
    assert Decimal(str(row["总金额"])) == Decimal("1000.00")
    assert row["客户"] == confirmed.customer.name


def test_the_excel_export_follows_the_search_and_the_overdue_filter(cast):
    wanted = create_order(cast)
    create_order(cast)
    client = client_for(cast.merchandiser)

    (rows,) = _rows(client.get(reverse("orders:export"), {"search": wanted.number})).values()
    assert [row[0] for row in rows[1:]] == [wanted.number]

    Order.objects.filter(pk=wanted.pk).update(contract_delivery_date="2020-01-01")
    (rows,) = _rows(client.get(reverse("orders:export"), {"overdue": "1"})).values()
    assert [row[0] for row in rows[1:]] == [wanted.number]


def test_production_sees_no_money_in_the_export(cast):
    order_in_status(cast, S.IN_PRODUCTION)
    (rows,) = _rows(client_for(cast.production).get(reverse("orders:export"))).values()
    assert "总金额" not in rows[0]
    assert len(rows) == 2


def test_the_daily_report_and_the_sales_ledger_download_as_workbooks(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    client = client_for(cast.supervisor)

    report = _rows(client.get(reverse("orders:daily_report"), {"format": "xlsx"}))
    assert list(report) == ["接单", "收款", "出货", "客诉"]
    assert [row[0] for row in report["接单"][1:]] == [order.number]
    assert [row[0] for row in report["收款"][1:]] == [order.number]

    ledger = _rows(client_for(cast.finance).get(reverse("orders:sales_ledger"), {"format": "xlsx"}))
    (rows,) = ledger.values()
    assert rows[1][0] == order.customer.code
    assert Decimal(str(rows[1][5])) == order.amount_received
    assert rows[-1][0] == "合计"


def test_a_customer_name_or_po_that_looks_like_a_formula_is_exported_as_text(cast):
    order = create_order(cast)
    name, po = '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"
    Customer.objects.filter(pk=order.customer_id).update(name=name)
    Order.objects.filter(pk=order.pk).update(customer_po=po)

    response = client_for(cast.merchandiser).get(reverse("orders:export"))

    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    for heading, text in (("客户", name), ("客户订单号", po)):
        cell = row[heading]
        assert cell.data_type != "f"
        assert cell.value == text
        assert cell.quotePrefix
