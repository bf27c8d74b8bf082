"""The production notice (生产通知单) as PDF: what the factory is handed."""

from __future__ import annotations

from django.urls import reverse

from orders import services as order_services
from production.models import ProductionOrder
from tests.factories import ProductFactory, create_order, issue_production, order_in_status

LINES = [
    {"quantity": 1200, "colour": "藏青", "size": "M", "spec": "220g", "series": "P-200"},
    {"quantity": 345, "colour": "白色", "size": "XL", "spec": "220g", "series": "P-200"},
    {"quantity": 78, "colour": "Red", "size": "S", "description": "无货号的试样"},
]


def _order(cast, **kwargs):
    product = ProductFactory(item_number="HX-1001", name="珠地棉POLO衫")
    lines = [
        {
            **line,
            "unit_price": "12.50",
            **({} if "description" in line else {"product": product.pk}),
        }
        for line in LINES
    ]
    order = create_order(cast, lines=lines)
    order_services.order_update_draft(
        actor=cast.merchandiser,
        order_id=order.pk,
        quality_requirements="色牢度4级以上，AQL 2.5",
        packing_requirements="每件独立胶袋，20件一箱",
        customer_po="PO-7788",
    )
    return order


def _to_production(cast, order):
    order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="email")
    order_services.order_waive_deposit(actor=cast.supervisor, order_id=order.pk, reason="老客户")
    return issue_production(cast, order)


def test_the_notice_prints_every_line_and_the_requirements(cast, as_user, pdf_of):
    order = _order(cast)
    notice = _to_production(cast, order)
    text = pdf_of(as_user(cast.merchandiser).get(reverse("production:notice", args=[notice.pk])))
    for expected in (
        notice.number,
        order.number,
        "PO-7788",
        "HX-1001",
        "珠地棉POLO衫",
        "藏青",
        "无货号的试样",
        "色牢度4级以上，AQL 2.5",
        "每件独立胶袋，20件一箱",
        "Workshop 1",
        "1200",
        "345",
        "78",
        "1623",  # the total
        "生产通知单",
    ):
        assert expected in text, expected
    assert "VOID" not in text and "已作废" not in text


def test_a_superseded_notice_is_printed_void_with_the_lines_it_was_issued_with(
    cast, as_user, pdf_of
):
    order = _order(cast)
    old = _to_production(cast, order)
    order_services.order_amend(
        actor=cast.merchandiser,
        order_id=order.pk,
        lines=[{"description": "改单后的款", "quantity": 999, "unit_price": "12.50"}],
        confirmation_method="email",
        confirmation_reference="mail 2",
        quality_requirements="改单后的品质要求",
    )
    old.refresh_from_db()
    assert old.status == ProductionOrder.Status.SUPERSEDED
    new = ProductionOrder.objects.get(order=order, status="issued")
    client = as_user(cast.merchandiser)

    old_text = pdf_of(client.get(reverse("production:notice", args=[old.pk])))
    assert "已作废 / VOID" in old_text
    assert new.number in old_text  # replaced by
    assert "1200" in old_text and "色牢度4级以上" in old_text  # as issued
    assert "999" not in old_text

    new_text = pdf_of(client.get(reverse("production:notice", args=[new.pk])))
    assert "VOID" not in new_text
    assert "999" in new_text and "改单后的品质要求" in new_text


def test_a_recalled_notice_is_printed_void(cast, as_user, pdf_of):
    order = _order(cast)
    notice = _to_production(cast, order)
    order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="客户取消")
    text = pdf_of(as_user(cast.supervisor).get(reverse("production:notice", args=[notice.pk])))
    assert "已作废 / VOID" in text and "已回收" in text


def test_the_notice_is_an_api_route_and_a_link_on_its_page(cast, as_user, pdf_of):
    order = order_in_status(cast, "in_production")
    notice = order.production_orders.get()
    page = as_user(cast.merchandiser).get(reverse("production:detail", args=[notice.pk]))
    assert reverse("production:notice", args=[notice.pk]).encode() in page.content

    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(cast.supervisor)
    response = api.get(f"/api/v1/production-orders/{notice.pk}/notice/")
    assert order.number in pdf_of(response)
    assert (
        api.get(
            f"/api/v1/production-orders/{notice.pk}/notice/", HTTP_ACCEPT="application/pdf"
        ).status_code
        == 200
    )


def test_the_printable_page_is_html_with_the_print_stylesheet(cast, as_user):
    notice = order_in_status(cast, "in_production").production_orders.get()
    response = as_user(cast.merchandiser).get(
        reverse("production:notice", args=[notice.pk]), {"format": "html"}
    )
    assert response.status_code == 200
    assert b"css/documents.css" in response.content and notice.number.encode() in response.content


def test_a_notice_outside_ones_scope_is_a_404(cast, as_user):
    notice = order_in_status(cast, "in_production").production_orders.get()
    url = reverse("production:notice", args=[notice.pk])
    assert as_user(cast.other_merchandiser).get(url).status_code == 404
    assert as_user(cast.finance).get(url).status_code == 403
    assert as_user(cast.production).get(url).status_code == 200
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(cast.other_merchandiser)
    assert api.get(f"/api/v1/production-orders/{notice.pk}/notice/").status_code == 404
    refused = api.get(
        f"/api/v1/production-orders/{notice.pk}/notice/", HTTP_ACCEPT="application/pdf"
    )
    assert refused.status_code == 404 and refused["Content-Type"] == "application/json"
    assert refused.json()["code"] == "not_found"
