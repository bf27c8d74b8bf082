"""Excel import with a dry run: the preview lists every row and error, nothing is
written before the confirmation, then all of it or nothing, through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Customer, ImportBatch, Order, OrderEvent, OrderLine, Product
from orders.services import imports as import_services
from tests.factories import CustomerFactory, ProductFactory

from .conftest import filled, upload


def _counts():
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        Customer.objects.count(),
        Product.objects.count(),
        OrderEvent.objects.count(),
    )


def test_a_workbook_with_seven_kinds_of_error_lists_each_at_its_cell_and_writes_nothing(
    cast, order_rows
):
    customer = CustomerFactory(code="C-1")
    product = ProductFactory(item_number="HX-1")
    from tests.factories import create_order

    taken = create_order(cast)
    Order.objects.filter(pk=taken.pk).update(customer=customer, customer_po="PO-TAKEN")
    good = order_rows(customer, product, orders=1, lines=1)[0]
    rows = [
        {**good, "customer_po": "PO-A", "customer": None},  # row 2: missing customer
        {**good, "customer_po": "PO-B", "product": "NO-SUCH"},  # row 3: unknown product
        {**good, "customer_po": "PO-C", "quantity": -5},  # row 4: negative quantity
        {**good, "customer_po": "PO-D", "contract_delivery_date": "31/02/2026"},  # row 5
        {**good, "customer_po": "PO-TAKEN"},  # row 6: duplicate customer PO
        {**good, "customer_po": "PO-F", "unit_price": "twelve"},  # row 7: text in a number
        {**good, "customer_po": "PO-G"},  # row 8: a formula in the quantity
        {**good, "customer_po": "PO-OK"},  # row 9: fine
    ]
    content = filled("orders", rows, formulas={(6, "quantity"): "=2*50"})
    before = _counts()

    batch = import_services.import_upload(
        actor=cast.merchandiser, kind="orders", upload=upload(content)
    )

    assert batch.status == ImportBatch.Status.FAILED
    errors = {(row, column): message for row, column, _header, message in batch.result["errors"]}
    assert "必填" in errors[(2, "A")]
    assert "NO-SUCH" in errors[(3, "K")]
    assert "不能为负数" in errors[(4, "Q")]
    assert "日期" in errors[(5, "E")]
    assert "PO-TAKEN" in errors[(6, "B")] and taken.number in errors[(6, "B")]
    assert "twelve" in errors[(7, "S")]
    assert "公式" in errors[(8, "Q")]
    assert len(errors) == 7 == batch.error_count
    actions = {row: action for row, action, _text in batch.result["rows"]}
    assert actions == {
        2: "error",
        3: "error",
        4: "error",
        5: "error",
        6: "error",
        7: "error",
        8: "error",
        9: "create",
    }
    assert _counts() == before

    # Nor can it be confirmed.
    from gendan.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        import_services.import_confirm(actor=cast.merchandiser, batch_id=batch.pk)
    assert _counts() == before


def test_the_dry_run_writes_nothing_and_the_confirmation_creates_drafts_with_events(
    cast, order_rows
):
    customer = CustomerFactory(code="C-1")
    product = ProductFactory(item_number="HX-1")
    content = filled("orders", order_rows(customer, product, orders=3, lines=4))
    before = _counts()

    batch = import_services.import_upload(
        actor=cast.merchandiser, kind="orders", upload=upload(content)
    )
    assert batch.status == ImportBatch.Status.CHECKED and batch.error_count == 0
    assert len(batch.result["rows"]) == 12
    assert {action for _row, action, _text in batch.result["rows"]} == {"create"}
    assert _counts() == before

    batch = import_services.import_confirm(actor=cast.merchandiser, batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.IMPORTED
    orders = Order.objects.filter(pk__in=batch.result["created"]["orders"])
    assert orders.count() == 3
    for order in orders:
        assert order.status == "draft" and order.owner == cast.merchandiser
        assert order.customer == customer and order.lines.count() == 4
        assert order.events.filter(type="created", actor=cast.merchandiser).exists()
        assert order.quality_requirements.startswith("AQL 2.5")
    assert {o.customer_po for o in orders} == {"PO-0000", "PO-0001", "PO-0002"}
    assert sorted(
        OrderLine.objects.filter(order__in=orders).values_list("quantity", flat=True)
    ) == sorted(100 + o * 10 + n for o in range(3) for n in range(4))
    # A second confirmation changes nothing.
    from gendan.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        import_services.import_confirm(actor=cast.merchandiser, batch_id=batch.pk)
    assert Order.objects.count() == before[0] + 3


def test_all_or_nothing_when_a_record_is_refused_at_the_confirmation(cast, order_rows):
    customer = CustomerFactory(code="C-1")
    product = ProductFactory(item_number="HX-1")
    other = ProductFactory(item_number="HX-2")
    rows = order_rows(customer, product, orders=2, lines=1)
    rows[1]["product"] = other.item_number
    batch = import_services.import_upload(
        actor=cast.merchandiser, kind="orders", upload=upload(filled("orders", rows))
    )
    assert batch.status == ImportBatch.Status.CHECKED
    Product.objects.filter(pk=other.pk).update(is_active=False)  # since the dry run
    before = _counts()

    batch = import_services.import_confirm(actor=cast.merchandiser, batch_id=batch.pk)

    assert batch.status == ImportBatch.Status.FAILED
    assert any("HX-2" in message for *_where, message in batch.result["errors"])
    assert _counts() == before  # the first order, fine on its own, was not written either


def test_customers_and_products_are_created_or_changed(cast):
    CustomerFactory(code="C-OLD", name="Old name", country="DE")
    ProductFactory(item_number="HX-OLD", name="Same", series="P-200", spec="220g pique")
    customers = filled(
        "customers",
        [
            {"code": "C-OLD", "name": "New name", "country": "DE"},
            {
                "code": "C-NEW",
                "name": "汉堡贸易",
                "default_deposit_ratio": "30%",
                "payment_terms_days": 30,
            },
        ],
    )
    batch = import_services.import_upload(
        actor=cast.supervisor, kind="customers", upload=upload(customers)
    )
    assert [(row, action) for row, action, _t in batch.result["rows"]] == [
        (2, "change"),
        (3, "create"),
    ]
    assert "客户名称" in batch.result["rows"][0][2]
    assert not Customer.objects.filter(code="C-NEW").exists()
    import_services.import_confirm(actor=cast.supervisor, batch_id=batch.pk)
    assert Customer.objects.get(code="C-OLD").name == "New name"
    new = Customer.objects.get(code="C-NEW")
    assert new.default_deposit_ratio == Decimal("0.3000") and new.payment_terms_days == 30

    products = filled(
        "products",
        [
            {"item_number": "HX-OLD", "name": "Same", "series": "P-200", "spec": "220g pique"},
            {"item_number": "HX-NEW", "name": "帽子", "default_price": 9.9},
            {"item_number": "HX-NEW", "name": "重复"},
        ],
    )
    batch = import_services.import_upload(
        actor=cast.merchandiser, kind="products", upload=upload(products)
    )
    rows = {row: action for row, action, _t in batch.result["rows"]}
    assert rows == {2: "unchanged", 3: "create", 4: "error"}
    assert batch.result["errors"][0][:2] == [4, "A"] and "第 3 行" in batch.result["errors"][0][3]


def test_only_an_xlsx_within_the_size_limit_is_taken(cast, settings):
    from gendan.exceptions import ValidationFailed

    before = ImportBatch.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        import_services.import_upload(
            actor=cast.merchandiser, kind="orders", upload=upload(b"<html>hi</html>", "a.xlsx")
        )
    assert "file" in refused.value.fields
    with pytest.raises(ValidationFailed):
        import_services.import_upload(
            actor=cast.merchandiser, kind="orders", upload=upload(b"a,b\n1,2\n", "a.csv")
        )
    settings.GENDAN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationFailed):
        import_services.import_upload(
            actor=cast.merchandiser, kind="orders", upload=upload(filled("orders", []))
        )
    assert ImportBatch.objects.count() == before


def test_roles_the_finance_role_may_not_import_and_nobody_sees_anothers_import(
    cast, order_rows, as_user
):
    from gendan.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_services.import_upload(
            actor=cast.finance, kind="orders", upload=upload(filled("orders", []))
        )
    batch = import_services.import_upload(
        actor=cast.merchandiser, kind="orders", upload=upload(filled("orders", []))
    )
    assert (
        as_user(cast.other_merchandiser)
        .get(reverse("orders:import_detail", args=[batch.pk]))
        .status_code
        == 404
    )
    assert as_user(cast.finance).get(reverse("orders:import_index")).status_code == 403
    response = as_user(cast.other_merchandiser).post(
        reverse("orders:import_confirm", args=[batch.pk])
    )
    assert response.status_code == 404


def test_the_pages_upload_preview_and_confirm(cast, order_rows, as_user):
    customer = CustomerFactory(code="C-1")
    product = ProductFactory(item_number="HX-1")
    client = as_user(cast.merchandiser)
    template = client.get(reverse("orders:import_template", args=["orders"]))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    response = client.post(
        reverse("orders:import_index"),
        {"kind": "orders", "file": upload(filled("orders", order_rows(customer, product)))},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"])
    assert b"confirm-import" in page.content and b"PO-0001" in page.content
    assert Order.objects.count() == 0
    client.post(reverse("orders:import_confirm", args=[batch.pk]))
    assert Order.objects.filter(status="draft").count() == 2


def test_a_large_file_is_checked_and_imported_by_the_celery_tasks(
    cast, order_rows, settings, as_user
):
    from orders import tasks

    settings.GENDAN_IMPORT_SYNC_ROWS = 5
    customer = CustomerFactory(code="C-1")
    product = ProductFactory(item_number="HX-1")
    content = filled("orders", order_rows(customer, product, orders=4, lines=2))
    queued = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.import_run_task, "delay", queued.append)
        with __import__("django").test.utils.CaptureQueriesContext(
            __import__("django").db.connection
        ):
            pass
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            batch = import_services.import_upload(
                actor=cast.merchandiser, kind="orders", upload=upload(content)
            )
        assert batch.status == "checking" and queued == [batch.pk]
        page = as_user(cast.merchandiser).get(reverse("orders:import_detail", args=[batch.pk]))
        assert b"import-progress" in page.content and b"hx-trigger" in page.content
        assert tasks.import_run_task(batch.pk) == "checked"
        assert import_services.import_progress(batch.pk) == (4, 4)
        with TestCase.captureOnCommitCallbacks(execute=True):
            batch = import_services.import_confirm(actor=cast.merchandiser, batch_id=batch.pk)
        assert batch.status == "importing" and queued == [batch.pk, batch.pk]
        assert Order.objects.count() == 0
        assert tasks.import_run_task(batch.pk) == "imported"
    assert Order.objects.filter(status="draft").count() == 4
