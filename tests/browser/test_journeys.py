"""The journeys of issue #4 in a real browser (Debian's Chromium, headless).

Each journey starts from data made through the services (tests.factories) and then
uses only the pages: clicks, typing, htmx swaps. Every visited page is watched for
console errors (the ``ui`` fixture) and the main pages are photographed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from orders import services as order_services
from orders.models import Order, PaymentKind
from orders.states import OrderStatus as S
from production.models import ProductionOrderStatus
from shipping.models import ShipmentStatus
from tests.factories import Cast, CustomerFactory, ProductFactory, order_in_status

from .conftest import shot

# serialized_rollback: the flush after each test must not lose the groups and stages
# that data migrations installed, which the tests after these ones rely on.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def action(page: Page, name: str):
    """Open the in-place form of action ``name`` and return it."""
    panel = page.locator(f"details[data-action={name}]")
    panel.locator("summary").click()
    return panel.locator("form")


def test_merchandiser_creates_an_order_with_three_lines_and_confirms_it(ui):
    cast = Cast.create()
    customer = CustomerFactory(name="Hamburg Textil GmbH", default_deposit_ratio=Decimal("0.30"))
    products = [
        ProductFactory(item_number=f"P-10{i}", name=name, default_price=Decimal(price))
        for i, (name, price) in enumerate(
            [("Polo shirt", "38.50"), ("T-shirt", "21.00"), ("Hoodie", "86.00")]
        )
    ]
    page = ui(cast.merchandiser)
    page.goto("/orders/new/")
    page.select_option("#id_customer", str(customer.pk))
    page.fill("#id_customer_po", "PO-4471")
    due = timezone.localdate() + dt.timedelta(days=45)
    page.fill("#id_contract_delivery_date", due.isoformat())
    page.click("#add-line")
    page.click("#add-line")
    rows = page.locator("#line-rows tr")
    expect(rows).to_have_count(3)
    for row, product, quantity, colour in zip(
        rows.all(), products, ("1200", "800", "300"), ("navy", "white", "grey"), strict=True
    ):
        row.locator("select[name=line-product]").select_option(str(product.pk))
        row.locator("input[name=line-colour]").fill(colour)
        row.locator("input[name=line-quantity]").fill(quantity)
    # The third line at a negotiated price instead of the product's default.
    rows.nth(2).locator("input[name=line-unit_price]").fill("80.00")
    # 1200 × 38.50 + 800 × 21.00 + 300 × 80.00 = 46,200 + 16,800 + 24,000
    expect(page.locator("#total-amount")).to_have_text("87,000.00")
    expect(page.locator("#total-quantity")).to_have_text("2,300")
    expect(page.locator("#deposit-due")).to_have_text("26,100.00")
    shot(page, "order-form")
    page.click("#save-order")

    expect(page.locator("h1")).to_contain_text("草稿")
    order = Order.objects.get(customer=customer)
    assert order.lines.count() == 3
    assert order.total_amount == Decimal("87000.00")
    expect(page.locator("#order-lines tbody tr")).to_have_count(3)

    form = action(page, "confirm")
    form.locator("select[name=method]").select_option("email")
    form.locator("input[name=reference]").fill("mail of 20 Nov")
    form.locator("button[type=submit]").click()

    expect(page.locator(".msg.success")).to_contain_text("订单已确认")
    expect(page.locator("h1 .badge")).to_have_text("已确认")
    order.refresh_from_db()
    assert order.status == S.CONFIRMED
    assert order.confirmation_method == "email"
    shot(page, "order-detail-confirmed")

    page.goto("/orders/")
    expect(page.locator("#orders tbody tr")).to_have_count(1)
    shot(page, "order-list")
    page.goto("/")
    expect(page.locator("[data-group=to_request_deposit]")).to_contain_text(order.number)
    shot(page, "home-merchandiser")


def test_finance_confirms_the_deposit_in_two_parts(ui):
    cast = Cast.create()
    order = order_in_status(cast, S.AWAITING_DEPOSIT, quantities=(600, 400), unit_price="10.00")
    payment = order.payments.get(kind=PaymentKind.DEPOSIT)
    assert payment.amount_due == Decimal("3000.00")

    page = ui(cast.finance)
    page.goto("/finance/")
    row = page.locator(f"#payment-{payment.pk}")
    expect(row).to_contain_text(order.number)
    shot(page, "finance-queue")

    row.locator("input[name=amount_received]").fill("1200.00")
    row.locator("input[name=reference]").fill("BOC-20261120-01")
    row.locator("button[type=submit]").click()
    # The row is answered in place (htmx): partly received, 1,800.00 still open.
    row = page.locator(f"#payment-{payment.pk}")
    expect(row.locator(".badge")).to_have_text("部分到账")
    expect(row.locator("input[name=amount_received]")).to_have_value("1800.00")
    order.refresh_from_db()
    assert order.status == S.AWAITING_DEPOSIT

    row.locator("input[name=reference]").fill("BOC-20261121-07")
    row.locator("button[type=submit]").click()
    expect(page.locator(f"#payment-{payment.pk} .badge")).to_have_text("已到账")
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    assert order.amount_received == Decimal("3000.00")
    assert payment.receipts.count() == 2
    shot(page, "finance-queue-confirmed")

    page.goto("/finance/receivables/")
    expect(page.locator("h1")).to_have_text("应收账款")
    shot(page, "receivables")


def test_production_files_progress_on_the_quick_entry_page_and_passes_the_final_inspection(ui):
    cast = Cast.create()
    order = order_in_status(cast, S.IN_PRODUCTION, quantities=(600, 400))
    other = order_in_status(cast, S.IN_PRODUCTION, quantities=(500,))
    production_order = order.production_orders.get()
    other_production_order = other.production_orders.get()

    page = ui(cast.production)
    page.goto("/production/")
    shot(page, "production-board")
    page.goto("/production/quick-entry/")
    row = page.locator(f"tr[data-po='{production_order.pk}']")
    # The output stage (packing) is preselected: the whole quantity packed today.
    row.locator(f"input[name=po{production_order.pk}-good_quantity]").fill("1000")
    row.locator(f"input[name=po{production_order.pk}-defective_quantity]").fill("12")
    other_row = page.locator(f"tr[data-po='{other_production_order.pk}']")
    other_row.locator(f"select[name=po{other_production_order.pk}-stage]").select_option(
        label="车缝"
    )
    other_row.locator(f"input[name=po{other_production_order.pk}-good_quantity]").fill("180")
    other_row.locator(f"select[name=po{other_production_order.pk}-variance_reason]").select_option(
        "material_late"
    )
    shot(page, "quick-entry")
    page.click("#save-reports")
    expect(page.locator(".msg.success")).to_contain_text("已保存 2 条生产日报")
    assert production_order.progress_reports.get().good_quantity == 1000

    page.goto(f"/production/orders/{production_order.pk}/")
    form = action(page, "inspect")
    form.locator("select[name=kind]").select_option("final")
    form.locator("select[name=result]").select_option("pass")
    form.locator("input[name=sample_size]").fill("80")
    form.locator("input[name=defects_found]").fill("1")
    form.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("检验已登记")
    expect(page.locator("#po-inspections")).to_contain_text("合格")

    form = action(page, "complete")
    form.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("生产已完成")
    production_order.refresh_from_db()
    order.refresh_from_db()
    assert production_order.status == ProductionOrderStatus.COMPLETED
    assert order.status == S.PRODUCED
    assert_charts_drawn(page, 1)
    shot(page, "production-order")


def test_merchandiser_asks_the_balance_finance_confirms_and_it_ships_in_two_shipments(ui):
    cast = Cast.create()
    order = order_in_status(cast, S.PRODUCED, quantities=(600, 400), unit_price="10.00")
    first_line, second_line = order.lines.order_by("position")

    merchandiser = ui(cast.merchandiser)
    merchandiser.goto(f"/orders/{order.pk}/")
    action(merchandiser, "request_balance").locator("button[type=submit]").click()
    expect(merchandiser.locator("h1 .badge")).to_have_text("待付尾款")

    finance = ui(cast.finance)
    finance.goto("/finance/")
    balance = order.payments.get(kind=PaymentKind.BALANCE)
    row = finance.locator(f"#payment-{balance.pk}")
    expect(row.locator("input[name=amount_received]")).to_have_value("7000.00")
    row.locator("input[name=reference]").fill("ICBC-7781")
    row.locator("button[type=submit]").click()
    expect(finance.locator(f"#payment-{balance.pk} .badge")).to_have_text("已到账")
    order.refresh_from_db()
    assert order.status == S.PAID

    # First shipment: the first line only.
    merchandiser.goto(f"/orders/{order.pk}/")
    expect(merchandiser.locator("h1 .badge")).to_have_text("全款已到账")
    merchandiser.click("text=安排出货")
    merchandiser.fill(f"input[name=qty_{second_line.pk}]", "0")
    merchandiser.select_option("#id_mode", "sea")
    merchandiser.fill("#id_forwarder", "Kuehne + Nagel")
    shot(merchandiser, "shipment-form")
    merchandiser.click("#save-shipment")
    expect(merchandiser.locator(".msg.success")).to_contain_text("已安排")
    # Tick the documents checklist in place (htmx).
    for kind in ("commercial_invoice", "packing_list", "customs_declaration"):
        row = merchandiser.locator(f"#documents tr[data-kind={kind}]")
        row.locator("input[name=is_ready]").check()
        # The row comes back from the server with who ticked it.
        expect(row.locator("td").last).to_contain_text(cast.merchandiser.username)
        expect(row.locator("input[name=is_ready]")).to_be_checked()
    merchandiser.reload()
    expect(merchandiser.locator(".msg.warning")).to_have_count(0)
    form = action(merchandiser, "ship")
    form.locator("input[name=tracking_number]").fill("COSU6123456780")
    form.locator("button[type=submit]").click()
    expect(merchandiser.locator(".msg.success")).to_contain_text("已登记出货")
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED
    shot(merchandiser, "shipment-detail")

    # Second shipment: what is still open.
    merchandiser.goto(f"/orders/{order.pk}/")
    expect(merchandiser.locator("h1 .badge")).to_have_text("部分出货")
    merchandiser.click("text=安排出货")
    expect(merchandiser.locator(f"input[name=qty_{first_line.pk}]")).to_have_value("0")
    expect(merchandiser.locator(f"input[name=qty_{second_line.pk}]")).to_have_value("400")
    merchandiser.select_option("#id_mode", "truck")
    merchandiser.click("#save-shipment")
    action(merchandiser, "ship").locator("button[type=submit]").click()
    expect(merchandiser.locator(".msg.success")).to_contain_text("已登记出货")

    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert [s.status for s in order.shipments.order_by("pk")] == [ShipmentStatus.SHIPPED] * 2
    merchandiser.goto(f"/orders/{order.pk}/")
    expect(merchandiser.locator("#order-shipments tbody tr")).to_have_count(2)
    shot(merchandiser, "order-detail-shipped")


def assert_charts_drawn(page: Page, expected: int) -> None:
    """Every chart canvas has a Chart.js chart and some painted pixels."""
    # The charts are drawn by a deferred script once the document is parsed.
    page.wait_for_function(
        """() => window.Chart && Array.from(document.querySelectorAll('canvas[data-chart]'))
            .every((canvas) => window.Chart.getChart(canvas))"""
    )
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map((canvas) => {
            if (!window.Chart || !window.Chart.getChart(canvas)) return false;
            const pixels = canvas.getContext('2d')
                .getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
            return false;
        })"""
    )
    assert drawn == [True] * expected, drawn


def test_supervisor_opens_the_dashboard_and_every_chart_is_drawn(ui):
    cast = Cast.create()
    order_in_status(cast, S.DRAFT)
    order_in_status(cast, S.AWAITING_DEPOSIT)
    order_in_status(cast, S.IN_PRODUCTION)
    order_in_status(cast, S.AWAITING_BALANCE)
    order_in_status(cast, S.SHIPPED, owner=cast.other_merchandiser)
    order_in_status(cast, S.DELIVERED)
    late = order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    # Overdue: the contract delivery date passed before it shipped (moved back by a
    # direct update, as time would have done; no service sets a date in the past).
    Order.objects.filter(pk=late.pk).update(
        contract_delivery_date=timezone.localdate() - dt.timedelta(days=2)
    )
    order_services.order_request_deposit(actor=cast.merchandiser, order_id=late.pk)

    page = ui(cast.supervisor)
    page.goto("/dashboard/")
    expect(page.locator("#kpi-overdue")).to_have_text("1")
    expect(page.locator("#overdue tbody tr")).to_have_count(1)
    assert_charts_drawn(page, 4)
    shot(page, "dashboard")


def test_the_default_language_is_chinese_and_the_switch_shows_english(ui):
    cast = Cast.create()
    order_in_status(cast, S.CONFIRMED)
    anonymous = ui(None, locale="en-US")
    anonymous.goto("/accounts/login/")
    # Chinese by default, whatever the browser asks for.
    expect(anonymous.locator("h1")).to_have_text("登录")
    shot(anonymous, "login")

    page = ui(cast.merchandiser)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("我的工作")
    expect(page.locator(".menu")).to_contain_text("订单")

    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("My work")
    expect(page.locator(".menu")).to_contain_text("Orders")
    expect(page.locator(".menu")).not_to_contain_text("订单")
    shot(page, "home-english")

    page.goto("/orders/")
    expect(page.locator("h1")).to_have_text("Orders")
    expect(page.locator("#export-xlsx")).to_have_text("Export to Excel")
    expect(page.locator("#orders tbody .badge")).to_have_text("Confirmed")
    # Dates in the English format (Nov 22, 2026), Chinese ones are 2026-11-22.
    expect(page.locator("#orders tbody")).to_contain_text(
        re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}")
    )
    shot(page, "order-list-english")

    page.select_option("#language-select", "zh-hans")
    expect(page.locator("h1")).to_have_text("订单")
    expect(page.locator("#orders tbody")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
