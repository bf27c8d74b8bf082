"""The same import over the API (multipart), for ERP clients that prefer files."""

from __future__ import annotations

from rest_framework.test import APIClient

from orders.models import Order
from tests.factories import CustomerFactory, ProductFactory

from .conftest import filled, upload


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_upload_preview_and_confirm_over_the_api(cast, order_rows):
    customer = CustomerFactory(code="C-1", owner=cast.merchandiser)
    product = ProductFactory(item_number="HX-1")
    api = _api(cast.integration)
    template = api.get("/api/v1/imports/template/", {"kind": "orders"})
    assert template.status_code == 200 and template.content.startswith(b"PK")

    rows = order_rows(customer, product, orders=2, lines=2)
    response = api.post(
        "/api/v1/imports/",
        {"kind": "orders", "file": upload(filled("orders", rows))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["status"] == "checked" and batch["error_count"] == 0
    assert [r["action"] for r in batch["rows"]] == ["create"] * 4
    assert Order.objects.count() == 0

    confirmed = api.post(f"/api/v1/imports/{batch['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "imported"
    created = Order.objects.filter(pk__in=confirmed.json()["created"]["orders"])
    assert created.count() == 2
    assert {o.client for o in created} == {cast.integration}
    assert {o.owner for o in created} == {cast.merchandiser}


def test_errors_over_the_api_name_row_and_column_and_nothing_is_written(cast, order_rows):
    customer = CustomerFactory(code="C-1")
    product = ProductFactory(item_number="HX-1")
    rows = order_rows(customer, product, orders=1, lines=2)
    rows[1]["quantity"] = "many"
    response = _api(cast.merchandiser).post(
        "/api/v1/imports/",
        {"kind": "orders", "file": upload(filled("orders", rows))},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed"
    assert body["errors"] == [
        {
            "row": 3,
            "column": "Q",
            "header": "数量 / Quantity",
            "message": "应为数字，不是文本“many”。",
        }
    ]
    again = _api(cast.merchandiser).post(f"/api/v1/imports/{body['id']}/confirm/")
    assert again.status_code == 409
    assert Order.objects.count() == 0


def test_a_file_that_is_not_an_xlsx_is_a_400_and_anothers_import_a_404(cast):
    api = _api(cast.merchandiser)
    response = api.post(
        "/api/v1/imports/",
        {"kind": "orders", "file": upload(b"%PDF-1.4 not a workbook", "x.xlsx")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()["fields"]
    ok = api.post(
        "/api/v1/imports/",
        {"kind": "products", "file": upload(filled("products", []))},
        format="multipart",
    )
    assert ok.status_code == 201
    other = _api(cast.other_merchandiser)
    assert other.get(f"/api/v1/imports/{ok.json()['id']}/").status_code == 404
    assert other.post(f"/api/v1/imports/{ok.json()['id']}/confirm/").status_code == 404
    assert (
        _api(cast.finance)
        .post(
            "/api/v1/imports/",
            {"kind": "orders", "file": upload(filled("orders", []))},
            format="multipart",
        )
        .status_code
        == 403
    )
