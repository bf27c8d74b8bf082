"""The conversation's services: notes with mentions, contact records, attachments with
thumbnails, confirming an order with a document, requests approved under the
approver's name or rejected with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertRecipient, AlertRule
from conversation import services
from conversation.models import ApprovalRequest, Attachment, Note, RequestKind, RequestStatus
from conversation.timeline import order_timeline
from gendan.exceptions import AlreadyDone, InvalidTransition, PermissionDenied, ValidationFailed
from orders import services as order_services
from orders.models import Approval, EventType, Order
from orders.states import OrderStatus as S
from tests.factories import create_order, order_in_status

from .conftest import pdf, png, stored_files


def inbox(user) -> list[tuple[str, int | None]]:
    return list(
        AlertRecipient.objects.filter(user=user)
        .order_by("alert_id")
        .values_list("alert__rule", "alert__order_id")
    )


def test_a_note_mentions_a_colleague_who_finds_it_in_the_inbox(cast):
    order = create_order(cast)
    note = services.note_add(
        actor=cast.merchandiser,
        order_id=order.pk,
        body="@boss 客户要求提前一周交货，请看一下。 @finance",
    )
    assert set(note.mentions.values_list("username", flat=True)) == {"boss", "finance"}
    assert inbox(cast.supervisor) == [(AlertRule.MENTION, order.pk)]
    assert inbox(cast.finance) == [(AlertRule.MENTION, order.pk)]
    alert = Alert.objects.get(rule=AlertRule.MENTION)
    assert "客户要求提前一周交货" in alert.message and order.number in alert.message
    assert inbox(cast.merchandiser) == []


def test_mentioning_someone_who_cannot_see_the_order_is_refused_and_nothing_is_written(cast):
    order = create_order(cast)
    with pytest.raises(ValidationFailed) as refused:
        services.note_add(actor=cast.merchandiser, order_id=order.pk, body="@merch2 帮忙看看")
    assert "mentions" in refused.value.fields
    assert not Note.objects.exists() and not Alert.objects.exists()


def test_a_contact_record_needs_the_person_and_is_not_in_the_future(cast):
    order = create_order(cast)
    with pytest.raises(ValidationFailed) as refused:
        services.note_add(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind="call",
            body="电话确认颜色",
            contacted_at=timezone.now() + dt.timedelta(days=2),
        )
    assert set(refused.value.fields) == {"contact_person", "contacted_at"}
    called = timezone.now() - dt.timedelta(hours=2)
    note = services.note_add(
        actor=cast.merchandiser,
        order_id=order.pk,
        kind="call",
        body="电话确认颜色",
        contact_person="Mr. Müller",
        contacted_at=called,
    )
    assert (note.kind, note.contact_person, note.contacted_at) == ("call", "Mr. Müller", called)


def test_a_note_about_a_shipment_of_another_order_is_refused(cast):
    order = order_in_status(cast, S.PAID)
    other = order_in_status(cast, S.PAID)
    from shipping import services as shipping_services

    shipment = shipping_services.shipment_create(
        actor=other.owner, order_id=other.pk, planned_ship_date=timezone.localdate(), mode="sea"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.note_add(
            actor=cast.merchandiser, order_id=order.pk, body="x", shipment_id=shipment.pk
        )
    assert "shipment_id" in refused.value.fields
    note = services.note_add(
        actor=cast.merchandiser, order_id=other.pk, body="订舱已确认", shipment_id=shipment.pk
    )
    assert note.about == shipment


def test_an_image_attachment_gets_a_thumbnail(cast, media_root):
    order = create_order(cast)
    attachment = services.attachment_add(
        actor=cast.merchandiser, order_id=order.pk, file=png(), category="artwork"
    )
    assert attachment.file_content_type == "image/png"
    assert attachment.thumbnail.name.endswith(".jpg")
    from PIL import Image

    with Image.open(attachment.thumbnail.path) as thumb:
        assert max(thumb.size) == 320
    assert len(stored_files(media_root)) == 2


def test_a_picture_that_pillow_cannot_read_is_refused_and_nothing_is_stored(cast, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = create_order(cast)
    fake = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    with pytest.raises(ValidationFailed) as refused:
        services.attachment_add(actor=cast.merchandiser, order_id=order.pk, file=fake)
    assert "file" in refused.value.fields
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_confirming_an_order_references_its_signed_order(cast, media_root):
    order = create_order(cast)
    signed = services.attachment_add(
        actor=cast.merchandiser, order_id=order.pk, file=pdf(), category="signed_order"
    )
    order_services.order_confirm(
        actor=cast.merchandiser, order_id=order.pk, method="signed_order", attachment_id=signed.pk
    )
    event = order.events.get(type=EventType.STATUS_CHANGED, to_status=S.CONFIRMED)
    assert event.data["attachment"] == signed.pk
    assert event.data["attachment_name"] == "signed-order.pdf"


def test_confirming_with_another_orders_attachment_is_refused_and_nothing_changes(cast, media_root):
    order, other = create_order(cast), create_order(cast)
    foreign = services.attachment_add(actor=cast.merchandiser, order_id=other.pk, file=pdf())
    with pytest.raises(ValidationFailed) as refused:
        order_services.order_confirm(
            actor=cast.merchandiser, order_id=order.pk, method="fax", attachment_id=foreign.pk
        )
    assert "attachment_id" in refused.value.fields
    assert Order.objects.get(pk=order.pk).status == S.DRAFT


def test_a_deposit_waiver_request_approved_runs_the_waiver_under_the_approvers_name(
    cast, media_root
):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    request = services.request_open(
        actor=cast.merchandiser,
        order_id=order.pk,
        kind=RequestKind.DEPOSIT_WAIVER,
        reason="老客户，信用良好",
        files=[pdf("credit-report.pdf")],
    )
    assert request.approver_role == "supervisor" and request.files.count() == 1
    assert inbox(cast.supervisor) == [(AlertRule.APPROVAL_REQUESTED, order.pk)]
    # Only the approver's role decides.
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=cast.finance, request_id=request.pk)
    services.request_approve(actor=cast.supervisor, request_id=request.pk, note="同意")
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID and order.deposit_waived
    approval = Approval.objects.get(order=order)
    assert approval.approved_by == cast.supervisor and "老客户" in approval.reason
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == (
        RequestStatus.APPROVED,
        cast.supervisor,
        "同意",
    )
    # The requester is told; the approver's item is done.
    assert (AlertRule.APPROVAL_DECIDED, order.pk) in inbox(cast.merchandiser)
    assert AlertRecipient.objects.get(user=cast.supervisor).acknowledged_at is not None
    with pytest.raises(AlreadyDone):
        services.request_reject(actor=cast.supervisor, request_id=request.pk, reason="晚了")


def test_a_failing_service_leaves_the_request_pending(cast):
    order = order_in_status(cast, S.CONFIRMED)
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    # Meanwhile the supervisor waived it directly (supervisors keep their actions).
    order_services.order_waive_deposit(actor=cast.supervisor, order_id=order.pk, reason="直接")
    with pytest.raises(InvalidTransition):
        services.request_approve(actor=cast.supervisor, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.decided_by is None


def test_rejecting_needs_a_reason(cast):
    order = order_in_status(cast, S.CONFIRMED)
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    with pytest.raises(ValidationFailed):
        services.request_reject(actor=cast.supervisor, request_id=request.pk, reason="  ")
    services.request_reject(actor=cast.supervisor, request_id=request.pk, reason="先付三成")
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED and request.decision_note == "先付三成"
    assert Order.objects.get(pk=order.pk).status == S.CONFIRMED


def test_one_pending_request_of_a_kind_per_order_and_only_when_the_state_allows(cast):
    order = order_in_status(cast, S.CONFIRMED)
    services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    with pytest.raises(AlreadyDone):
        services.request_open(
            actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="again"
        )
    with pytest.raises(InvalidTransition):
        services.request_open(
            actor=cast.merchandiser, order_id=order.pk, kind="production_shortfall", reason="r"
        )
    with pytest.raises(PermissionDenied):
        services.request_open(
            actor=cast.other_merchandiser, order_id=order.pk, kind="release_on_credit", reason="r"
        )
    assert ApprovalRequest.objects.count() == 1


def test_a_contract_date_change_request_moves_the_date_when_approved(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    new_date = order.contract_delivery_date + dt.timedelta(days=14)
    request = services.request_open(
        actor=cast.merchandiser,
        order_id=order.pk,
        kind="contract_date_change",
        reason="面料延误，客户同意",
        contract_delivery_date=new_date,
    )
    services.request_approve(actor=cast.supervisor, request_id=request.pk)
    order.refresh_from_db()
    assert order.contract_delivery_date == new_date
    event = order.events.filter(type=EventType.UPDATED).last()
    assert event.actor == cast.supervisor
    assert event.data["contract_delivery_date"] == new_date.isoformat()


def test_a_write_off_request_is_decided_by_finance_and_the_order_moves_on(cast, settings):
    settings.GENDAN_WRITE_OFF_MAX = "50.00"
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    deposit = order.payments.get(kind="deposit")
    # The customer's bank kept 30.00 of charges.
    order_services.payment_confirm(
        actor=cast.finance,
        payment_id=deposit.pk,
        amount_received=deposit.amount_due - 30,
        received_on=timezone.localdate(),
        method="tt",
    )
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="write_off", reason="银行手续费"
    )
    assert request.approver_role == "finance"
    assert inbox(cast.finance) == [(AlertRule.APPROVAL_REQUESTED, order.pk)]
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=cast.supervisor, request_id=request.pk)
    services.request_approve(actor=cast.finance, request_id=request.pk)
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    receipt = deposit.receipts.get(method="write_off")
    assert receipt.amount == 30 and receipt.confirmed_by == cast.finance


def test_a_write_off_above_the_limit_cannot_be_asked(cast, settings):
    settings.GENDAN_WRITE_OFF_MAX = "10.00"
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    with pytest.raises(InvalidTransition):
        services.request_open(
            actor=cast.merchandiser, order_id=order.pk, kind="write_off", reason="r"
        )


def test_a_rush_request_is_decided_by_production(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="rush", reason="客户提前船期"
    )
    assert inbox(cast.production) == [(AlertRule.APPROVAL_REQUESTED, order.pk)]
    services.request_approve(actor=cast.production, request_id=request.pk)
    production_order = order.production_orders.get()
    assert production_order.rush
    event = order.events.get(type=EventType.PRODUCTION_RUSHED)
    assert event.actor == cast.production and "客户提前船期" in event.note


def test_a_discount_request_approved_lowers_the_price_under_the_supervisors_name(cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)  # 10,000.00, 3,000.00 received
    request = services.request_open(
        actor=cast.merchandiser,
        order_id=order.pk,
        kind=RequestKind.DISCOUNT,
        reason="色差，客户同意相互让步",
        discount_amount="800.00",
    )
    assert (request.approver_role, request.params) == ("supervisor", {"amount": "800.00"})
    assert inbox(cast.supervisor) == [(AlertRule.APPROVAL_REQUESTED, order.pk)]

    services.request_approve(actor=cast.supervisor, request_id=request.pk)

    order.refresh_from_db()
    assert (order.total_amount, order.balance_due) == (Decimal("9200.00"), Decimal("6200.00"))
    event = order.events.get(type=EventType.DISCOUNTED)
    assert event.actor == cast.supervisor and f"#{request.pk}" in event.note
    # The request, its decision and the discount are in the order's timeline.
    kinds = [(entry.kind, entry.category) for entry in order_timeline(order)]
    assert ("request", "lifecycle") in kinds and ("decision", "lifecycle") in kinds
    assert ("event", "money") in kinds


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({}, "discount_amount"),
        ({"discount_amount": "7000.01"}, "discount_amount"),
        ({"discount_percent": "150"}, "discount_percent"),
        ({"discount_amount": "-1.00"}, "discount_amount"),
    ],
)
def test_a_discount_request_without_a_bounded_amount_is_refused_and_nothing_is_written(
    cast, given, field
):
    order = order_in_status(cast, S.AWAITING_BALANCE)
    with pytest.raises(ValidationFailed) as refused:
        services.request_open(
            actor=cast.merchandiser, order_id=order.pk, kind="discount", reason="r", **given
        )
    assert field in refused.value.fields
    assert not ApprovalRequest.objects.exists()


def test_a_discount_cannot_be_asked_once_the_order_is_paid(cast):
    order = order_in_status(cast, S.PAID)
    with pytest.raises(InvalidTransition):
        services.request_open(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind="discount",
            reason="r",
            discount_percent="5",
        )
    assert not ApprovalRequest.objects.exists()
