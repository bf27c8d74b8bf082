"""The packing list and the two invoices as PDF, and the amounts in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from gendan.money import amount_in_words, chinese_capital, english_words
from orders import services as order_services
from shipping import services as shipping_services
from tests.factories import ProductFactory, create_order, order_in_status


@pytest.mark.parametrize(
    ("amount", "chinese", "english"),
    [
        ("0.50", "伍角", "SAY US DOLLARS ZERO AND CENTS FIFTY ONLY"),
        ("10.05", "壹拾元零伍分", "SAY US DOLLARS TEN AND CENTS FIVE ONLY"),
        ("1000000.00", "壹佰万元整", "SAY US DOLLARS ONE MILLION ONLY"),
        (
            "1234567.89",
            "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分",
            "SAY US DOLLARS ONE MILLION TWO HUNDRED AND THIRTY-FOUR THOUSAND FIVE HUNDRED "
            "AND SIXTY-SEVEN AND CENTS EIGHTY-NINE ONLY",
        ),
        ("100010001.01", "壹亿零壹万零壹元零壹分", None),
        ("20.30", "贰拾元叁角", "SAY US DOLLARS TWENTY AND CENTS THIRTY ONLY"),
        ("0.00", "零元整", "SAY US DOLLARS ZERO ONLY"),
    ],
)
def test_amounts_in_words(amount, chinese, english):
    assert chinese_capital(Decimal(amount)) == chinese
    assert amount_in_words(Decimal(amount), "CNY") == chinese
    if english:
        assert english_words(Decimal(amount), "USD") == english
        assert amount_in_words(Decimal(amount), "usd") == english
    assert amount_in_words(Decimal(amount), "EUR").startswith("SAY EUROS ")


def _usd_order(cast):
    product = ProductFactory(item_number="HX-2002", name="Hoodie")
    order = create_order(
        cast,
        lines=[
            {"product": product.pk, "quantity": 111, "unit_price": "10.00", "colour": "Black"},
            {"description": "Cap", "quantity": 22, "unit_price": "2.50", "size": "L"},
        ],
    )
    order_services.order_update_draft(
        actor=cast.merchandiser, order_id=order.pk, currency="USD", customer_po="PO-US-1"
    )
    order.refresh_from_db()
    return order


def test_the_proforma_invoice_totals_the_order_in_words(cast, as_user, pdf_of):
    order = _usd_order(cast)
    response = as_user(cast.merchandiser).get(reverse("orders:proforma", args=[order.pk]))
    text = pdf_of(response)
    for expected in (
        order.number,
        "PO-US-1",
        "HX-2002",
        "111",
        "22",
        "1165.00",
    ):
        assert expected in text, expected
    assert "PROFORMA INVOICE" in text
    assert "SAY US DOLLARS ONE THOUSAND ONE HUNDRED AND SIXTY-FIVE ONLY" in " ".join(text.split())
    page = as_user(cast.merchandiser).get(reverse("orders:detail", args=[order.pk]))
    assert reverse("orders:proforma", args=[order.pk]).encode() in page.content


def test_a_cny_proforma_says_the_total_in_capital_numerals(cast, as_user, pdf_of):
    order = create_order(cast, quantities=(1000,), unit_price="1234.57")
    order.refresh_from_db()
    text = pdf_of(as_user(cast.supervisor).get(reverse("orders:proforma", args=[order.pk])))
    assert order.total_amount == Decimal("1234570.00")
    assert "壹佰贰拾叁万肆仟伍佰柒拾元整" in text


def test_packing_list_and_commercial_invoice_of_a_partial_shipment(cast, as_user, pdf_of):
    order = order_in_status(cast, "paid", quantities=(600, 400))
    first, _second = order.lines.order_by("position")
    shipment = shipping_services.shipment_create(
        actor=cast.merchandiser,
        order_id=order.pk,
        planned_ship_date=order.order_date,
        mode="sea",
        lines=[{"order_line": first.pk, "quantity": 250}],
    )
    client = as_user(cast.merchandiser)
    packing = pdf_of(client.get(reverse("shipping:shipment_packing_list", args=[shipment.pk])))
    assert "PACKING LIST" in packing and order.number in packing and shipment.number in packing
    assert "250" in packing and "400" not in packing

    invoice = pdf_of(client.get(reverse("shipping:shipment_invoice", args=[shipment.pk])))
    assert "COMMERCIAL INVOICE" in invoice and "2500.00" in invoice
    assert "贰仟伍佰元整" in invoice  # 250 × 10.00 CNY

    page = client.get(reverse("shipping:shipment_detail", args=[shipment.pk]))
    assert reverse("shipping:shipment_invoice", args=[shipment.pk]).encode() in page.content

    api = APIClient()
    api.force_authenticate(cast.supervisor)
    for route in ("packing-list", "commercial-invoice"):
        assert "250" in pdf_of(api.get(f"/api/v1/shipments/{shipment.pk}/{route}/"))
    assert order.number in pdf_of(api.get(f"/api/v1/orders/{order.pk}/proforma-invoice/"))


def test_prices_are_printed_only_for_who_may_see_money(cast, as_user, pdf_of):
    order = order_in_status(cast, "in_production")
    # Production sees the order, never its money: the proforma is a 404 for them.
    assert (
        as_user(cast.production).get(reverse("orders:proforma", args=[order.pk])).status_code == 404
    )
    assert (
        as_user(cast.other_merchandiser)
        .get(reverse("orders:proforma", args=[order.pk]))
        .status_code
        == 404
    )
    api = APIClient()
    api.force_authenticate(cast.production)
    assert api.get(f"/api/v1/orders/{order.pk}/proforma-invoice/").status_code == 404
