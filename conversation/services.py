"""Every change of the conversation: notes and contact records, attachments, requests
and their decisions. Each is one transaction that locks the order row first
(``orders.kernel.lock_order``), checks the policy, writes its rows, and sends its
signal to the apps above (alerts puts mentions and requests in inboxes).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import AlreadyDone, InvalidTransition, NotFound, ValidationFailed
from gendan.models import User
from orders import services as order_services
from orders.kernel import check_delivery_date, lock_order, require_reason
from orders.models import Order
from production.models import QualityInspection
from shipping.models import AfterSalesCase, Shipment, ShipmentDocument

from . import signals
from .models import (
    CONTACT_KINDS,
    ApprovalRequest,
    Attachment,
    AttachmentCategory,
    Note,
    NoteKind,
    RequestKind,
    RequestStatus,
)
from .requests import KINDS, decide_action

NOTE_MAX = 5000
REASON_MAX = 2000
CONTACT_PERSON_MAX = 100
THUMBNAIL_SIZE = (320, 320)
# A picture larger than this many pixels gets no thumbnail (a decompression bomb).
THUMBNAIL_MAX_PIXELS = 50_000_000
MENTION = re.compile(r"@([\w.+-]{1,150})")


# --------------------------------------------------------------------------
# What a row is about
# --------------------------------------------------------------------------


def _about(order: Order, *, inspection_id=None, case_id=None, shipment_id=None) -> dict:
    """The part of ``order`` a row is about, checked to belong to the order (at most
    one); ValidationFailed naming the field otherwise."""
    given = {
        "inspection": (inspection_id, QualityInspection, "production_order__order"),
        "case": (case_id, AfterSalesCase, "order"),
        "shipment": (shipment_id, Shipment, "order"),
    }
    chosen = {name: spec for name, spec in given.items() if spec[0] is not None}
    if len(chosen) > 1:
        raise ValidationFailed(fields={f"{name}_id": [_("只能选一项。")] for name in chosen})
    for name, (pk, model, path) in chosen.items():
        row = model.objects.filter(pk=pk, **{path: order}).first()
        if row is None:
            raise ValidationFailed(fields={f"{name}_id": [_("不是本订单的记录。")]})
        return {name: row}
    return {}


def _text(errors: dict, field: str, value, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("请填写内容。")]
    elif len(value) > limit:
        errors[field] = [_("最多 %(n)s 个字。") % {"n": limit}]
    return value


# --------------------------------------------------------------------------
# Notes and contact records
# --------------------------------------------------------------------------


def _mentioned(order: Order, body: str, mention_ids: Iterable[int], author: User) -> list[User]:
    """The colleagues a note mentions: ``@username`` in its text and the ids given;
    each must be an active user who may see the order (else ValidationFailed)."""
    names = set(MENTION.findall(body))
    ids = {int(pk) for pk in mention_ids}
    users = list(User.objects.filter(is_active=True, username__in=names)) if names else []
    found_ids = {user.pk for user in users}
    users += list(User.objects.filter(is_active=True, pk__in=ids - found_ids))
    unknown = ids - {user.pk for user in users}
    if unknown:
        raise ValidationFailed(fields={"mentions": [_("提到的同事不存在。")]})
    blind = [str(user) for user in users if not policy.can(user, "order.view", order)]
    if blind:
        raise ValidationFailed(
            fields={"mentions": [_("%(names)s 看不到这个订单。") % {"names": "、".join(blind)}]}
        )
    return sorted((user for user in users if user.pk != author.pk), key=lambda user: user.pk)


@storable
@transaction.atomic
def note_add(
    *,
    actor: User,
    order_id: int,
    body: str,
    kind: str = NoteKind.NOTE,
    contact_person: str = "",
    contacted_at: dt.datetime | None = None,
    mentions: Iterable[int] = (),
    inspection_id: int | None = None,
    case_id: int | None = None,
    shipment_id: int | None = None,
) -> Note:
    """Add a note (with @mentions) or a customer contact record (call, e-mail, WeChat,
    visit: with whom and when) to the order's thread, or to one of its inspections,
    after-sales cases or shipments. Mentioned colleagues get it in their inbox.
    Raises NotFound, PermissionDenied, ValidationFailed."""
    order = lock_order(order_id)
    policy.require(actor, "note.create", order)
    errors: dict[str, list] = {}
    if kind not in NoteKind.values:
        errors["kind"] = [_("类型无效。")]
    body = _text(errors, "body", body, limit=NOTE_MAX)
    contact_person = _text(
        errors, "contact_person", contact_person, limit=CONTACT_PERSON_MAX, required=False
    )
    if kind in CONTACT_KINDS:
        if not contact_person:
            errors["contact_person"] = [_("请填写客户联系人。")]
        contacted_at = bounds.check_moment(
            errors,
            "contacted_at",
            contacted_at or timezone.now(),
            latest=timezone.now(),
            too_late=_("联系时间不能晚于现在。"),
        )
    else:
        contacted_at = None
    if errors:
        raise ValidationFailed(fields=errors)
    about = _about(order, inspection_id=inspection_id, case_id=case_id, shipment_id=shipment_id)
    mentioned = _mentioned(order, body, mentions, actor)
    note = Note(order=order, kind=kind, body=body, author=actor, **about)
    note.contact_person, note.contacted_at = contact_person, contacted_at
    note.save(force_insert=True)
    if mentioned:
        note.mentions.set(mentioned)
        signals.note_mentioned.send(sender=Note, note=note, users=mentioned)
    return note


# --------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------


def _thumbnail(attachment: Attachment) -> None:
    """A small JPEG of an image attachment, stored beside it; a picture Pillow cannot
    read (or too large to decode safely) is refused."""
    if not attachment.is_image:
        return
    message = _("图片 %(name)s 无法读取。") % {"name": attachment.file_name}
    handle = attachment.file.open("rb")
    try:
        with Image.open(handle) as image:
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                raise ValidationFailed(message, fields={"file": [message]})
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(message, fields={"file": [message]}) from None
    finally:
        handle.close()
    attachment.thumbnail.save("thumbnail.jpg", ContentFile(buffer.getvalue()), save=False)


@contextmanager
def _files_kept_only_on_success():
    """The names of the files stored inside the block; if the block fails (its
    transaction rolls back) they are deleted, so a refused upload leaves nothing."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@storable
def attachment_add(
    *,
    actor: User,
    order_id: int,
    file,
    category: str = AttachmentCategory.OTHER,
    inspection_id: int | None = None,
    case_id: int | None = None,
    shipment_id: int | None = None,
    note_id: int | None = None,
    request_id: int | None = None,
) -> Attachment:
    """Attach a file to an order (or its inspection, after-sales case or shipment, or a
    note or request of its thread): checked by ``gendan.uploads`` (size, type by
    content), stored under a random name, a thumbnail for an image.
    Raises NotFound, PermissionDenied, ValidationFailed; nothing is kept when refused."""
    about = {"inspection_id": inspection_id, "case_id": case_id, "shipment_id": shipment_id}
    with _files_kept_only_on_success() as stored, transaction.atomic():
        order = lock_order(order_id)
        policy.require(actor, "attachment.create", order)
        return _attachment_add(
            order,
            actor=actor,
            file=file,
            category=category,
            about=_about(order, **about),
            note_id=note_id,
            request_id=request_id,
            stored=stored,
        )


def _attachment_add(
    order, *, actor, file, category, about, note_id, request_id, stored, **extra
) -> Attachment:
    if category not in AttachmentCategory.values:
        raise ValidationFailed(fields={"category": [_("类别无效。")]})
    if file is None:
        raise ValidationFailed(fields={"file": [_("请选择文件。")]})
    attachment = Attachment(order=order, category=category, uploaded_by=actor, **about, **extra)
    if note_id is not None:
        attachment.note = Note.objects.filter(pk=note_id, order=order).first()
        if attachment.note is None:
            raise ValidationFailed(fields={"note_id": [_("不是本订单的记录。")]})
    if request_id is not None:
        attachment.request = ApprovalRequest.objects.filter(pk=request_id, order=order).first()
        if attachment.request is None:
            raise ValidationFailed(fields={"request_id": [_("不是本订单的申请。")]})
    attachment.attach(file, field="file")
    stored.append(attachment.file.name)
    _thumbnail(attachment)
    if attachment.thumbnail:
        stored.append(attachment.thumbnail.name)
    attachment.save(force_insert=True)
    return attachment


def _delete_after_commit(attachments: Iterable[Attachment]) -> None:
    """Delete ``attachments``; their stored files go once the deletion is committed."""
    for attachment in attachments:
        names = [field.name for field in (attachment.file, attachment.thumbnail) if field]
        storage = attachment.file.storage
        attachment.delete()
        transaction.on_commit(
            lambda names=names, storage=storage: [storage.delete(name) for name in names]
        )


def shipment_document_file_store(*, document: ShipmentDocument, actor: User, file) -> Attachment:
    """The file of an item of a shipment's documents checklist, as one of the order's
    attachments about the shipment (the ``document_file_attaching`` hook: the order is
    locked and the policy checked by ``shipment_document_update``). The file the
    item had is replaced (its row now, its stored file after commit).
    Raises ValidationFailed (``file``); nothing new is kept when refused."""
    previous = Attachment.objects.select_for_update().filter(shipment_document=document)
    _delete_after_commit(previous.order_by("pk"))
    with _files_kept_only_on_success() as stored:
        return _attachment_add(
            document.shipment.order,
            actor=actor,
            file=file,
            category=AttachmentCategory.DOCUMENT,
            about={"shipment": document.shipment},
            note_id=None,
            request_id=None,
            stored=stored,
            shipment_document=document,
        )


def shipment_document_files(documents: Iterable[ShipmentDocument]) -> dict[int, Attachment]:
    """The files of checklist items ({document id: attachment}; the ``document_files``
    hook)."""
    return {
        attachment.shipment_document_id: attachment
        for attachment in Attachment.objects.filter(shipment_document__in=list(documents))
    }


def attachment_confirms(order: Order, attachment_id: int) -> dict:
    """The order's attachment that a written confirmation references, for its event
    (the ``order_confirming`` hook; the order is locked by the caller);
    ValidationFailed when it is not one of the order's documents."""
    attachment = Attachment.objects.filter(pk=attachment_id, order=order).first()
    if attachment is None or not attachment.file:
        raise ValidationFailed(fields={"attachment_id": [_("不是本订单的附件。")]})
    return {"attachment": attachment.pk, "attachment_name": attachment.file_name}


# --------------------------------------------------------------------------
# Requests and decisions
# --------------------------------------------------------------------------


def _lock_request(request_id: int) -> tuple[Order, ApprovalRequest]:
    order_id = ApprovalRequest.objects.filter(pk=request_id).values_list("order_id", flat=True)
    order_id = order_id.first()
    if order_id is None:
        raise NotFound(model="request", id=request_id)
    order = lock_order(order_id)
    return order, ApprovalRequest.objects.select_for_update().get(pk=request_id)


def _discount_params(order: Order, params: dict, errors: dict) -> dict:
    """A discount asks for an amount or a percentage (one of them), more than 0, at most
    what is still unpaid; kept as text, checked again when it is approved."""
    given = {"amount": params.get("discount_amount"), "percent": params.get("discount_percent")}
    try:
        value = order_services.discount_amount_for(order, **given)
    except ValidationFailed as refused:
        for name, messages in (refused.fields or {}).items():
            errors[f"discount_{name}"] = messages
        return {}
    if value > order.balance_due:
        field = "discount_amount" if given["amount"] is not None else "discount_percent"
        errors[field] = [
            _("折扣 %(amount)s 超过尚未收到的 %(unpaid)s。")
            % {"amount": value, "unpaid": order.balance_due}
        ]
        return {}
    return {name: str(value) for name, value in given.items() if value is not None}


def _request_params(order: Order, kind: str, params: dict, errors: dict) -> dict:
    if kind == RequestKind.DISCOUNT:
        return _discount_params(order, params, errors)
    if kind != RequestKind.CONTRACT_DATE_CHANGE:
        return {}
    date = check_delivery_date(errors, params.get("contract_delivery_date"))
    return {"contract_delivery_date": date} if date else {}


@storable
@transaction.atomic
def request_open(
    *,
    actor: User,
    order_id: int,
    kind: str,
    reason: str,
    contract_delivery_date: dt.date | None = None,
    discount_amount: Decimal | None = None,
    discount_percent: Decimal | None = None,
    files: Iterable = (),
) -> ApprovalRequest:
    """A merchandiser asks for a decision on an order (a deposit waiver, a release on
    credit, …) with a reason: it waits in the approver's inbox. One request of a
    kind may wait per order. A contract-date change names the new date, a discount
    its amount or percentage. Raises NotFound, PermissionDenied, InvalidTransition
    (the order's state does not allow it now), AlreadyDone, ValidationFailed.
    ``files`` are attached to the request (refused files refuse the request)."""
    with _files_kept_only_on_success() as stored:
        params = {
            "contract_delivery_date": contract_delivery_date,
            "discount_amount": discount_amount,
            "discount_percent": discount_percent,
        }
        request = _request_open(actor, order_id, kind, reason, params)
        for upload in files:
            _attachment_add(
                request.order,
                actor=actor,
                file=upload,
                category=AttachmentCategory.DOCUMENT,
                about={},
                note_id=None,
                request_id=request.pk,
                stored=stored,
            )
        signals.request_opened.send(sender=ApprovalRequest, request=request)
        return request


def _request_open(actor, order_id, kind, reason, given: dict) -> ApprovalRequest:
    order = lock_order(order_id)
    policy.require(actor, "request.create", order)
    if kind not in KINDS:
        raise ValidationFailed(fields={"kind": [_("申请类型无效。")]})
    spec = KINDS[kind]
    if not spec.available(order):
        raise InvalidTransition(
            _("订单当前状态（%(s)s）不能申请这一项。") % {"s": order.get_status_display()},
            code="request_not_available",
        )
    errors: dict[str, list] = {}
    reason = _text(errors, "reason", reason, limit=REASON_MAX)
    params = _request_params(order, kind, given, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    if ApprovalRequest.objects.filter(
        order=order, kind=kind, status=RequestStatus.PENDING
    ).exists():
        raise AlreadyDone(_("同类申请正在等待审批。"), code="request_pending")
    request = ApprovalRequest(order=order, kind=kind, reason=reason, requested_by=actor)
    request.params, request.approver_role = bounds_json(params), spec.approver_role
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError:  # pragma: no cover - the order lock serialises requests
        raise AlreadyDone(_("同类申请正在等待审批。"), code="request_pending") from None
    return request


def bounds_json(params: dict) -> dict:
    """The parameters as JSON text: a date in ISO form, anything else as a string."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else str(value)
        for name, value in params.items()
    }


def _decide(request: ApprovalRequest, *, actor: User, status: str, note: str) -> ApprovalRequest:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    signals.request_decided.send(sender=ApprovalRequest, request=request)
    return request


def _lock_pending(actor: User, request_id: int) -> ApprovalRequest:
    order, request = _lock_request(request_id)
    if not policy.can(actor, "request.view", order):
        raise NotFound(model="request", id=request_id)
    policy.require(actor, decide_action(request.kind), order)
    if not request.is_pending:
        raise AlreadyDone(
            _("该申请已审批（%(s)s）。") % {"s": request.get_status_display()},
            code="request_decided",
        )
    return request


@storable
@transaction.atomic
def request_approve(*, actor: User, request_id: int, note: str = "") -> ApprovalRequest:
    """Approve a request: its service runs now under the approver's name (e.g. the
    deposit waiver moves the order to deposit_paid), in the same transaction.
    Raises NotFound, PermissionDenied, AlreadyDone, ValidationFailed, and what the
    service raises (nothing is changed then)."""
    request = _lock_pending(actor, request_id)
    errors: dict[str, list] = {}
    note = _text(errors, "note", note, limit=REASON_MAX, required=False)
    if errors:
        raise ValidationFailed(fields=errors)
    KINDS[request.kind].approve(actor, request)
    return _decide(request, actor=actor, status=RequestStatus.APPROVED, note=note)


@storable
@transaction.atomic
def request_reject(*, actor: User, request_id: int, reason: str) -> ApprovalRequest:
    """Reject a request, with the reason the requester reads. Raises NotFound,
    PermissionDenied, AlreadyDone, ValidationFailed (no reason)."""
    request = _lock_pending(actor, request_id)
    reason = require_reason(reason)
    if len(reason) > REASON_MAX:
        raise ValidationFailed(fields={"reason": [_("最多 %(n)s 个字。") % {"n": REASON_MAX}]})
    return _decide(request, actor=actor, status=RequestStatus.REJECTED, note=reason)
