"""The conversation around an order in a real browser (issue 14): the merchandiser
attaches the customer's signed order and confirms the order referencing it, asks for a
deposit waiver with a reason; the supervisor finds the request in the inbox and
approves it; the order moves to deposit_paid with the request, the decision and the
attachment in its timeline; another merchandiser cannot download the attachment."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conversation.models import ApprovalRequest, Attachment
from orders.models import EventType, Order
from orders.states import OrderStatus as S
from tests.factories import Cast, create_order

from .conftest import shot
from .test_journeys import action

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_signed_order_confirmation_and_a_deposit_waiver_approved_from_the_inbox(
    ui, site, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    cast = Cast.create()
    order = create_order(cast)
    page = ui(cast.merchandiser)
    page.goto(f"/orders/{order.pk}/")

    # Attach the customer's signed order.
    panel = page.locator("details[data-thread=attach]")
    panel.locator("summary").click()
    panel.locator("select[name=category]").select_option("signed_order")
    panel.locator("input[type=file]").set_input_files(
        files=[{"name": "客户签字订单.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    panel.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("附件已上传")
    expect(page.locator("#order-attachments")).to_contain_text("客户签字订单.pdf")
    attachment = Attachment.objects.get(order=order)

    # Confirm in writing, referencing it.
    form = action(page, "confirm")
    form.locator("select[name=method]").select_option("signed_order")
    form.locator("select[name=attachment_id]").select_option(str(attachment.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("订单已确认")
    expect(page.locator("h1 .badge")).to_have_text("已确认")

    # Ask the supervisor to waive the deposit.
    form = action(page, "open_request")
    form.locator("select[name=kind]").select_option("deposit_waiver")
    form.locator("textarea[name=reason]").fill("老客户，合作五年从未拖欠")
    form.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("申请已提交")
    expect(page.locator("#order-requests")).to_contain_text("待审批")
    request = ApprovalRequest.objects.get(order=order)
    shot(page, "conversation-request-sent")

    # The supervisor finds it in the inbox and approves it on the order page.
    boss = ui(cast.supervisor)
    boss.goto("/alerts/")
    item = boss.locator("tr", has_text="老客户，合作五年从未拖欠")
    expect(item).to_contain_text("待审批申请")
    item.locator("a").first.click()
    expect(boss.locator("h1")).to_contain_text(order.number)
    row = boss.locator(f"#request-{request.pk}")
    row.locator("form[data-decide=approve] input[name=note]").fill("同意")
    row.locator("form[data-decide=approve] button").click()
    expect(boss.locator(".msg.success")).to_contain_text("已批准")
    expect(boss.locator("h1 .badge")).to_have_text("订金已到账")
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID and order.deposit_waived

    # The timeline: the attachment, the confirmation referencing it, the request and
    # the decision.
    timeline = boss.locator("#order-timeline")
    expect(timeline.locator("[data-entry=attachment]")).to_contain_text("客户签字订单.pdf")
    expect(timeline.locator("[data-entry=request]")).to_contain_text("老客户")
    expect(timeline.locator("[data-entry=decision]")).to_contain_text("同意")
    expect(timeline).to_contain_text("书面确认凭据")
    assert Order.objects.get(pk=order.pk).events.filter(type=EventType.APPROVAL).exists()
    boss.locator("a[data-timeline=notes]").click()
    expect(boss.locator("#order-timeline [data-entry=event]")).to_have_count(0)
    shot(boss, "conversation-approved-timeline")

    # Another merchandiser: the file is a 404, like one that does not exist.
    other = ui(cast.other_merchandiser)
    response = other.request.get(f"{site.url}/attachments/{attachment.pk}/file/")
    assert response.status == 404
    response = page.request.get(f"{site.url}/attachments/{attachment.pk}/file/")
    assert response.status == 200 and response.body() == PDF
