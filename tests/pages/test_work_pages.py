"""Finance, production, shipping, after-sales, customer, dashboard and report pages
through the test client: each write goes through its service, each refusal shows."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from orders.models import Customer, Payment, PaymentKind
from orders.states import OrderStatus as S
from production.models import Incident, ProgressReport
from shipping.models import AfterSalesStatus, ShipmentStatus
from tests.browsing import shown
from tests.factories import UserFactory, backdate, create_order, order_in_status, stage

from .conftest import client_for

HTMX = {"HTTP_HX_REQUEST": "true"}


# --------------------------------------------------------------------------
# My work
# --------------------------------------------------------------------------


def test_my_work_groups_the_orders_by_their_next_step(cast):
    draft = create_order(cast)
    confirmed = order_in_status(cast, S.CONFIRMED)
    produced = order_in_status(cast, S.PRODUCED)
    paid = order_in_status(cast, S.PAID)
    someone_elses = create_order(cast, owner=cast.other_merchandiser)

    html = client_for(cast.merchandiser).get(reverse("home")).content.decode()

    def group(key):
        start = html.index(f'data-group="{key}"')
        return html[start : html.index("</section>", start)]

    assert draft.number in group("to_confirm")
    assert confirmed.number in group("to_request_deposit")
    assert produced.number in group("to_request_balance")
    assert paid.number in group("to_ship")
    assert someone_elses.number not in html


def test_finance_sees_the_payments_to_confirm_on_its_home_page(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    html = client_for(cast.finance).get(reverse("home")).content.decode()
    assert 'data-group="payments_to_confirm"' in html and order.number in html


# --------------------------------------------------------------------------
# Finance
# --------------------------------------------------------------------------


def test_finance_confirms_a_partial_receipt_in_place_with_htmx(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT, quantities=(100,), unit_price="10.00")
    payment = order.payments.get(kind=PaymentKind.DEPOSIT)
    client = client_for(cast.finance)
    url = reverse("orders:payment_confirm", args=[payment.pk])
    today = timezone.localdate().isoformat()

    response = client.post(
        url,
        {"amount_received": "100.00", "received_on": today, "method": "tt", "reference": "A1"},
        **HTMX,
    )

    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="payment-{payment.pk}"')
    assert "部分到账" in html and 'value="200.00"' in html
    payment.refresh_from_db()
    assert payment.amount_received == Decimal("100.00")

    # More than is outstanding: the service refuses, the row says why.
    response = client.post(
        url, {"amount_received": "500.00", "received_on": today, "method": "tt"}, **HTMX
    )
    assert "金额超过未收金额" in response.content.decode()
    payment.refresh_from_db()
    assert payment.amount_received == Decimal("100.00")


def test_a_refused_receipt_comes_back_as_it_was_sent_and_a_new_row_as_the_form_starts(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT, quantities=(100,), unit_price="10.00")
    payment = order.payments.get(kind=PaymentKind.DEPOSIT)
    client = client_for(cast.finance)

    html = client.get(reverse("orders:finance_queue")).content.decode()
    row = html[html.index(f'id="payment-{payment.pk}"') :]
    # The queue's row: what PaymentConfirmForm starts from (the outstanding amount,
    # today, bank transfer) under the form's field names.
    assert 'name="amount_received" value="300.00"' in row
    assert f'name="received_on" value="{timezone.localdate().isoformat()}"' in row
    assert f'<select name="method" id="id_p{payment.pk}_method"' in row
    assert '<option value="bank_transfer" selected>' in row

    sent = {"amount_received": "x", "received_on": "2020-13-01", "method": "tt", "reference": "R9"}
    url = reverse("orders:payment_confirm", args=[payment.pk])
    html = client.post(url, sent, **HTMX).content.decode()
    assert 'name="amount_received" value="x"' in html and 'value="R9"' in html
    assert '<option value="tt" selected>' in html and 'bank_transfer" selected' not in html
    assert html.count('class="error"') >= 2  # the amount and the date, each by its field
    payment.refresh_from_db()
    assert payment.amount_received == Decimal("0.00")


def test_the_same_bank_reference_is_not_confirmed_twice(cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = order.payments.get(kind=PaymentKind.DEPOSIT)
    client = client_for(cast.finance)
    data = {
        "amount_received": "10.00",
        "received_on": timezone.localdate().isoformat(),
        "method": "bank_transfer",
        "reference": "SAME",
    }
    url = reverse("orders:payment_confirm", args=[payment.pk])
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert "该银行流水已确认过。" in response.content.decode()
    assert payment.receipts.count() == 1


def test_a_confirmation_without_htmx_is_said_once_above_the_queue(cast):
    """Not again in every row of the queue (the rows once repeated the page's messages)."""
    for _ in range(3):
        order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = Payment.objects.filter(kind=PaymentKind.DEPOSIT).order_by("pk").first()
    data = {
        "amount_received": "10.00",
        "received_on": timezone.localdate().isoformat(),
        "method": "bank_transfer",
        "reference": "ONCE",
    }
    url = reverse("orders:payment_confirm", args=[payment.pk])
    html = client_for(cast.finance).post(url, data, follow=True).content.decode()
    assert html.count("已确认到账") == 1
    assert html.count('data-payment="') == 3


def test_receivables_are_aged_from_the_due_date_as_in_the_export(cast):
    # Issue 17: the page ages from the due date, as its export always did (it aged
    # from the request before).
    recent = order_in_status(cast, S.AWAITING_DEPOSIT, quantities=(100,), unit_price="10.00")
    old = order_in_status(cast, S.AWAITING_DEPOSIT, quantities=(100,), unit_price="20.00")
    today = timezone.localdate()
    recent.payments.update(due_date=today + dt.timedelta(days=5))
    old.payments.update(
        requested_at=timezone.now() - dt.timedelta(days=80), due_date=today - dt.timedelta(days=75)
    )

    html = client_for(cast.finance).get(reverse("orders:receivables")).content.decode()
    # Deposits of 30 %: 300.00 not yet due, 600.00 75 days past due (61–90).
    assert (
        '<tr><td>CNY</td><td class="num">300.00</td><td class="num">0.00</td>'
        '<td class="num">0.00</td><td class="num">600.00</td><td class="num">0.00</td>'
        '<td class="num"><strong>900.00</strong></td></tr>'
    ) in html
    assert recent.number in html and old.number in html


# --------------------------------------------------------------------------
# Production
# --------------------------------------------------------------------------


def test_quick_entry_saves_the_filled_lines_and_keeps_a_refused_one_with_its_error(cast):
    first = order_in_status(cast, S.IN_PRODUCTION).production_orders.get()
    second = order_in_status(cast, S.IN_PRODUCTION).production_orders.get()
    third = order_in_status(cast, S.IN_PRODUCTION).production_orders.get()
    today = timezone.localdate()
    packing, sewing = stage("packing").pk, stage("sewing").pk
    ProgressReport.objects.create(
        production_order=second,
        date=today,
        stage_id=sewing,
        good_quantity=1,
        reported_by=cast.production,
    )
    client = client_for(cast.production)

    response = client.post(
        reverse("production:quick_entry"),
        {
            "date": today.isoformat(),
            f"po{first.pk}-stage": packing,
            f"po{first.pk}-good_quantity": "300",
            f"po{first.pk}-variance_reason": "material_late",
            f"po{second.pk}-stage": sewing,  # already reported today: refused
            f"po{second.pk}-good_quantity": "50",
            f"po{third.pk}-stage": packing,  # left empty: skipped
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "已保存 1 条生产日报。" in html
    assert "该日期和工序的日报已填报。" in html
    assert first.progress_reports.get().good_quantity == 300
    assert second.progress_reports.count() == 1
    assert not third.progress_reports.exists()


def test_quick_entry_without_errors_redirects_to_the_same_day(cast):
    order = backdate(order_in_status(cast, S.IN_PRODUCTION))  # issued a week ago
    production_order = order.production_orders.get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client_for(cast.merchandiser).post(
        reverse("production:quick_entry"),
        {
            "date": yesterday.isoformat(),
            f"po{production_order.pk}-stage": stage("cutting").pk,
            f"po{production_order.pk}-good_quantity": "80",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?date={yesterday:%Y-%m-%d}")
    assert production_order.progress_reports.get().date == yesterday


def test_production_records_the_final_inspection_and_completes_on_the_production_order_page(cast):
    order = order_in_status(cast, S.IN_PRODUCTION, quantities=(50,))
    production_order = order.production_orders.get()
    client = client_for(cast.production)
    url = reverse("production:action", args=[production_order.pk, "report"])

    client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "stage": stage("packing").pk,
            "good_quantity": "50",
            "defective_quantity": "0",
            "scrap_quantity": "0",
        },
    )
    response = client.post(
        reverse("production:action", args=[production_order.pk, "complete"]), follow=True
    )
    assert "尾期/出货前检验尚未合格。" in response.content.decode()
    client.post(
        reverse("production:action", args=[production_order.pk, "inspect"]),
        {
            "kind": "final",
            "result": "pass",
            "inspected_on": timezone.localdate().isoformat(),
            "sample_size": "20",
            "defects_found": "0",
            "estimated_loss": "0",
        },
    )
    client.post(reverse("production:action", args=[production_order.pk, "complete"]))

    order.refresh_from_db()
    assert order.status == S.PRODUCED


def test_an_incident_is_opened_on_the_order_and_resolved_on_the_production_order(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    client = client_for(cast.production)

    client.post(
        reverse("production:action", args=[production_order.pk, "incident"]),
        {"kind": "equipment", "description": "sewing line 3 down", "loss_amount": "800"},
    )
    incident = Incident.objects.get()
    assert incident.production_order == production_order
    html = client.get(reverse("production:detail", args=[production_order.pk])).content.decode()
    assert "sewing line 3 down" in html and "incident_resolve" not in html

    client.post(
        reverse("production:incident_resolve", args=[incident.pk]),
        {"resolution": "motor replaced", "loss_amount": "650"},
    )
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.loss_amount == Decimal("650.00")


# --------------------------------------------------------------------------
# Shipping and after-sales
# --------------------------------------------------------------------------


def test_a_shipment_is_planned_from_the_open_quantities_and_shipped(cast):
    order = order_in_status(cast, S.PAID, quantities=(600, 400))
    first, second = order.lines.order_by("position")
    client = client_for(cast.merchandiser)
    url = reverse("shipping:shipment_create", args=[order.pk])

    html = client.get(url).content.decode()
    assert f'name="qty_{first.pk}"' in html and 'value="600"' in html

    response = client.post(
        url,
        {
            "planned_ship_date": timezone.localdate().isoformat(),
            "mode": "air",
            "packages": "12",
            f"qty_{first.pk}": "600",
            f"qty_{second.pk}": "401",
            "required_documents": ["commercial_invoice", "packing_list"],
        },
    )
    html = response.content.decode()
    errors = html[html.index(f'name="qty_{second.pk}"') :]
    assert errors.index('class="error"') < errors.index("</td>")  # on the second line
    assert not order.shipments.exists()

    response = client.post(
        url,
        {
            "planned_ship_date": timezone.localdate().isoformat(),
            "mode": "air",
            "packages": "12",
            f"qty_{first.pk}": "600",
            f"qty_{second.pk}": "0",
            "required_documents": ["commercial_invoice", "packing_list"],
        },
    )
    shipment = order.shipments.get()
    assert response["Location"] == reverse("shipping:shipment_detail", args=[shipment.pk])
    assert [(line.order_line_id, line.quantity) for line in shipment.lines.all()] == [
        (first.pk, 600)
    ]
    assert set(shipment.documents.filter(required=True).values_list("kind", flat=True)) == {
        "commercial_invoice",
        "packing_list",
    }

    document = shipment.documents.get(kind="packing_list")
    response = client.post(
        reverse("shipping:document_update", args=[document.pk]), {"is_ready": "on"}, **HTMX
    )
    assert response.content.decode().strip().startswith(f'<tr id="document-{document.pk}"')
    document.refresh_from_db()
    assert document.is_ready

    client.post(reverse("shipping:shipment_action", args=[shipment.pk, "pack"]), {"packages": 12})
    client.post(
        reverse("shipping:shipment_action", args=[shipment.pk, "ship"]),
        {"actual_ship_date": timezone.localdate().isoformat(), "tracking_number": "MAWB 1"},
    )
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED and shipment.tracking_number == "MAWB 1"
    assert order.status == S.PARTIALLY_SHIPPED


def test_shipping_before_full_payment_is_refused_until_a_supervisor_releases_on_credit(cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)
    merchandiser = client_for(cast.merchandiser)
    merchandiser.post(
        reverse("shipping:shipment_create", args=[order.pk]),
        {
            "planned_ship_date": timezone.localdate().isoformat(),
            "mode": "sea",
            "packages": "1",
            **{f"qty_{line.pk}": line.quantity for line in order.lines.all()},
        },
    )
    shipment = order.shipments.get()
    ship = reverse("shipping:shipment_action", args=[shipment.pk, "ship"])
    today = timezone.localdate().isoformat()

    response = merchandiser.post(ship, {"actual_ship_date": today})
    assert "需主管赊销放行" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PLANNED

    client_for(cast.supervisor).post(
        reverse("orders:action", args=[order.pk, "release_on_credit"]), {"reason": "good payer"}
    )
    merchandiser.post(ship, {"actual_ship_date": today})
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED and order.status == S.SHIPPED


def test_an_after_sales_case_is_followed_through_to_closing(cast):
    order = order_in_status(cast, S.DELIVERED)
    client = client_for(cast.merchandiser)

    client.post(
        reverse("orders:action", args=[order.pk, "open_after_sales"]),
        {"kind": "rework", "description": "loose seams on 30 pieces"},
    )
    case = order.after_sales_cases.get()
    html = shown(client, reverse("orders:detail", args=[order.pk]))
    assert "loose seams" in html and 'data-action="close"' in html  # closing the order…
    response = client.post(reverse("orders:action", args=[order.pk, "close"]), follow=True)
    assert "还有未解决的售后案例。" in response.content.decode()  # …is refused while open

    url = reverse("shipping:case_action", args=[case.pk, "investigate"])
    client.post(url, {"note": "called the customer"})
    client.post(
        reverse("shipping:case_action", args=[case.pk, "resolve"]),
        {"root_cause": "thread tension", "corrective_action": "reworked", "cost": "300"},
    )
    client.post(
        reverse("shipping:case_action", args=[case.pk, "close"]), {"customer_satisfaction": "4"}
    )
    case.refresh_from_db()
    assert case.status == AfterSalesStatus.CLOSED and case.customer_satisfaction == 4

    client.post(reverse("orders:action", args=[order.pk, "close"]))
    order.refresh_from_db()
    assert order.status == S.CLOSED


# --------------------------------------------------------------------------
# Customers, dashboard, reports
# --------------------------------------------------------------------------


def test_a_customer_is_created_and_shown_with_its_orders_and_open_amounts(cast):
    client = client_for(cast.merchandiser)
    response = client.post(
        reverse("orders:customer_create"),
        {
            "code": "C-OSLO",
            "name": "Oslo Sport AS",
            "country": "NO",
            "default_deposit_ratio": "0.3",
            "payment_terms_days": "30",
            "is_active": "on",
        },
    )
    customer = Customer.objects.get(code="C-OSLO")
    assert response["Location"] == reverse("orders:customer_detail", args=[customer.pk])

    response = client.post(reverse("orders:customer_create"), {"code": "C-OSLO", "name": "x"})
    assert response.status_code == 200 and Customer.objects.filter(code="C-OSLO").count() == 1

    order = order_in_status(cast, S.CONFIRMED, quantities=(10,), unit_price="7.00")
    html = client.get(reverse("orders:customer_detail", args=[order.customer_id])).content.decode()
    assert order.number in html and "70.00" in html


def test_the_dashboard_counts_orders_by_status_and_lists_the_overdue(cast):
    order_in_status(cast, S.CONFIRMED)
    late = order_in_status(cast, S.AWAITING_DEPOSIT)
    late.__class__.objects.filter(pk=late.pk).update(contract_delivery_date="2022-01-01")
    shipped = order_in_status(cast, S.SHIPPED)

    response = client_for(cast.supervisor).get(reverse("orders:dashboard"))
    html = response.content.decode()
    assert 'id="kpi-overdue">1<' in html
    assert late.number in html[html.index('id="overdue"') :]
    assert 'id="kpi-on-time">100.0%<' in html  # shipped on time this month
    for chart in ("status-chart", "on-time-chart", "ageing-chart", "workload-chart"):
        assert f'id="{chart}" type="application/json"' in html
    assert shipped.number not in html[html.index('id="overdue"') :]


def test_the_dashboard_shows_the_merchandisers_who_need_attention_and_links_to_all(cast):
    for n in range(25):
        UserFactory(username=f"m{n:02d}", roles=["merchandiser"])
    late = order_in_status(cast, S.CONFIRMED, owner=cast.other_merchandiser)
    late.__class__.objects.filter(pk=late.pk).update(contract_delivery_date="2022-01-01")
    order_in_status(cast, S.CONFIRMED)
    client = client_for(cast.supervisor)

    html = client.get(reverse("orders:dashboard")).content.decode()
    table = html[html.index('id="workload"') :]
    rows = re.findall(r'<tr data-owner="(\d+)"', table)
    # Twenty of 27: the one with an overdue order first, then the one with an open order.
    assert rows[:2] == [str(cast.other_merchandiser.pk), str(cast.merchandiser.pk)]
    assert len(rows) == 20
    assert f'href="{reverse("orders:workload")}"' in table

    html = client.get(reverse("orders:workload")).content.decode()
    assert len(re.findall(r'<tr data-owner="', html)) == 27


def test_the_daily_report_of_a_merchandiser_is_their_own(cast):
    mine = order_in_status(cast, S.CONFIRMED)
    theirs = order_in_status(cast, S.CONFIRMED, owner=cast.other_merchandiser)

    html = client_for(cast.merchandiser).get(reverse("orders:daily_report")).content.decode()
    assert mine.number in html and theirs.number not in html
    assert 'name="owner"' not in html

    html = (
        client_for(cast.supervisor)
        .get(reverse("orders:daily_report"), {"owner": cast.other_merchandiser.pk})
        .content.decode()
    )
    assert theirs.number in html and mine.number not in html


def test_the_sales_ledger_totals_a_customers_orders(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID, quantities=(100,), unit_price="10.00")
    html = (
        client_for(cast.finance)
        .get(reverse("orders:sales_ledger"), {"customer": order.customer_id})
        .content.decode()
    )
    assert order.number in html
    assert "1,000.00" in html and "300.00" in html and "700.00" in html
