"""The products page: search by 货号/name/series, create, edit, deactivate (issue 16)."""

from __future__ import annotations

from django.urls import reverse

from orders.models import Product
from tests.factories import ProductFactory

from .conftest import client_for


def test_a_merchandiser_creates_edits_and_deactivates_a_product(cast):
    client = client_for(cast.merchandiser)
    response = client.post(
        reverse("orders:product_create"),
        {
            "item_number": "HX-9",
            "name": "帽子",
            "series": "C-1",
            "unit": "pcs",
            "default_price": "9.90",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    product = Product.objects.get(item_number="HX-9")
    listed = client.get(reverse("orders:product_list"), {"search": "C-1"})
    assert [p.pk for p in listed.context["page_obj"]] == [product.pk]

    client.post(
        reverse("orders:product_edit", args=[product.pk]),
        {
            "item_number": "HX-9",
            "name": "棒球帽",
            "series": "C-1",
            "unit": "pcs",
            "default_price": "10.50",
            "is_active": "on",
        },
    )
    product.refresh_from_db()
    assert product.name == "棒球帽" and str(product.default_price) == "10.50"

    client.post(reverse("orders:product_set_active", args=[product.pk]), {})
    product.refresh_from_db()
    assert not product.is_active
    inactive = client.get(reverse("orders:product_list"), {"is_active": "false"})
    assert product in list(inactive.context["page_obj"])


def test_bad_input_is_named_and_nothing_is_written(cast):
    ProductFactory(item_number="HX-1")
    client = client_for(cast.supervisor)
    before = Product.objects.count()
    response = client.post(
        reverse("orders:product_create"),
        {"item_number": "HX-1", "name": "dup", "unit": "pcs", "default_price": "-1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "item_number" in errors or "default_price" in errors
    response = client.post(
        reverse("orders:product_create"),
        {"item_number": "HX-\x00", "name": "bad\x00", "unit": "pcs", "default_price": "1"},
    )
    assert Product.objects.count() == before


def test_finance_and_production_may_not_open_the_products_page(cast):
    product = ProductFactory()
    for user in (cast.finance, cast.production):
        client = client_for(user)
        assert client.get(reverse("orders:product_list")).status_code == 403
        assert (
            client.post(reverse("orders:product_set_active", args=[product.pk]), {}).status_code
            == 403
        )
    product.refresh_from_db()
    assert product.is_active
