"""Issue 16 in a real browser: a merchandiser downloads the import template, fills it,
sees the preview, confirms, finds the orders as drafts, issues production for one and
prints its production notice (the PDF's first page rendered to PNG with pdftoppm,
kept under var/artefacts/documents/ for CI to keep)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from orders import imports
from orders import services as order_services
from orders.models import Order
from tests.factories import Cast, CustomerFactory, ProductFactory

from .conftest import shot

ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "documents"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_import_orders_from_the_template_then_print_a_production_notice(ui, tmp_path):
    cast = Cast.create()
    customer = CustomerFactory(code="HH-01", name="Hamburg Textil GmbH")
    product = ProductFactory(item_number="HX-1001", name="珠地棉POLO衫")
    page = ui(cast.merchandiser)

    # 1. The template, downloaded from the page.
    page.goto("/imports/")
    with page.expect_download() as download:
        page.click("#template-orders")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # 2. Filled with openpyxl: two orders of two lines each, under the header it came with.
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0].startswith("客户编号") and "Customer code" in headers[0]
    keys = [column.key for column in imports.ORDER_COLUMNS]
    delivery = timezone.localdate() + dt.timedelta(days=60)
    for po, quantities in (("PO-IMP-1", (1200, 345)), ("PO-IMP-2", (50, 60))):
        for i, quantity in enumerate(quantities):
            values = {
                "customer": customer.code,
                "customer_po": po,
                "contract_delivery_date": delivery,
                "quality_requirements": "色牢度4级以上" if i == 0 else None,
                "product": product.item_number,
                "colour": ("藏青", "白色")[i],
                "size": ("M", "XL")[i],
                "quantity": quantity,
                "unit_price": 12.5,
            }
            sheet.append([values.get(key) for key in keys])
    filled = tmp_path / "orders.xlsx"
    book.save(filled)

    # 3. Upload: the preview, nothing written yet.
    page.select_option("#id_kind", "orders")
    page.set_input_files("#id_file", str(filled))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-status")).to_have_text("待确认")
    expect(page.locator("#import-rows tbody tr")).to_have_count(4)
    expect(page.locator("#import-rows")).to_contain_text("PO-IMP-1")
    assert not Order.objects.exists()
    shot(page, "import-preview")

    # 4. Confirm: two drafts.
    page.click("#confirm-import")
    expect(page.locator("#import-status")).to_have_text("已导入")
    page.click("#imported-orders")
    rows = page.locator("#order-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#order-table")).to_contain_text("PO-IMP-1")
    order = Order.objects.get(customer_po="PO-IMP-1")
    assert order.status == "draft" and order.lines.count() == 2

    # 5. Confirmed with the customer, deposit waived (services), then production is
    #    issued on the order page and its notice printed.
    order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="email")
    order_services.order_waive_deposit(actor=cast.supervisor, order_id=order.pk, reason="VIP")
    page.goto(f"/orders/{order.pk}/")
    panel = page.locator("details[data-action=issue_production]")
    panel.locator("summary").click()
    form = panel.locator("form")
    form.locator("[name=factory]").fill("一车间")
    form.locator("[name=planned_finish]").fill(
        (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    )
    form.locator("button[type=submit]").click()
    notice = order.production_orders.get()
    page.click(f"a[href='/production/orders/{notice.pk}/']")
    link = page.locator("#print-notice")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTEFACTS / "production-notice.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (order.number, notice.number, "1200", "345", "色牢度4级以上", "一车间"):
        assert expected in text, expected
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(ARTEFACTS / "production-notice-page1"),
            ],
            check=True,
        )
        assert (ARTEFACTS / "production-notice-page1.png").stat().st_size > 10_000
