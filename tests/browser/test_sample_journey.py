"""Issue 15's journey in a real browser: a merchandiser writes a sample request with a
photo, the supervisor approves the mould, the sample is made, reviewed and sent with a
tracking number, the customer approves it, and it becomes an order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from samples.models import SampleRequest
from tests.factories import Cast, CustomerFactory

from .conftest import shot
from .test_journeys import action

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def test_a_sample_request_with_a_photo_becomes_an_order(ui, tmp_path):
    cast = Cast.create()
    customer = CustomerFactory(name="Lyon Maroquinerie")
    photo = tmp_path / "bag.png"
    photo.write_bytes(PNG)

    page = ui(cast.merchandiser)
    page.goto("/samples/")
    page.click("#new-sample")
    page.select_option("#id_customer", str(customer.pk))
    page.fill("#id_item_number", "BAG-2027")
    page.fill("#id_raw_material", "头层牛皮")
    page.fill("#id_colour", "焦糖色")
    page.fill("#id_unit_price", "45.00")
    page.check("#id_needs_new_mould")
    page.set_input_files("#id_photo", str(photo))
    shot(page, "sample-form")
    page.click("#save-sample")
    expect(page.locator("h1")).to_contain_text("BAG-2027")
    expect(page.locator("#sample-photos")).to_contain_text("bag.png")
    sample = SampleRequest.objects.get()
    # Making waits for the supervisor: no "start" button yet.
    expect(page.locator("details[data-action=start]")).to_have_count(0)

    page = ui(cast.supervisor)
    page.goto(f"/samples/{sample.pk}/")
    form = action(page, "mould")
    form.locator("select[name=approve]").select_option("1")
    form.locator("button[type=submit]").click()
    expect(page.locator("#mould-status")).to_contain_text("已批准开模")

    page = ui(cast.merchandiser)
    page.goto(f"/samples/{sample.pk}/")
    for name in ("start", "finish"):
        action(page, name).locator("button[type=submit]").click()
    form = action(page, "review")
    form.locator("select[name=courier_terms]").select_option("prepaid")
    form.locator("button[type=submit]").click()
    form = action(page, "send")
    form.locator("input[name=courier]").fill("顺丰速运")
    form.locator("input[name=tracking_number]").fill("SF1029384756")
    form.locator("button[type=submit]").click()
    expect(page.locator("#tracking")).to_contain_text("SF1029384756")
    form = action(page, "verdict")
    form.locator("select[name=verdict]").select_option("approved")
    form.locator("textarea[name=comment]").fill("颜色和手感都认可")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("客户确认")

    form = action(page, "convert")
    delivery = timezone.localdate() + dt.timedelta(days=75)
    form.locator("input[name=contract_delivery_date]").fill(delivery.isoformat())
    form.locator("textarea[name=lines]").fill("焦糖色,大号,300\n黑色,小号,200")
    form.locator("button[type=submit]").click()
    expect(page.locator("#sample-order")).to_be_visible()
    shot(page, "sample-converted")
    page.click("#sample-order")
    expect(page.locator("#order-lines tbody tr")).to_have_count(2)
    order = Order.objects.get(customer=customer)
    assert order.total_amount == Decimal("22500.00")
    assert sorted(order.lines.values_list("colour", "quantity")) == [("焦糖色", 300), ("黑色", 200)]
    expect(page.locator("#order-samples")).to_contain_text(sample.number)
