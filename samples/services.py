"""Sample requests (打样), their photos, purchase requests and retained samples; the
trial and sealed samples of a production order.

Every function is one transaction: it locks the sample request (or, for a
production order's samples, the customer order first, as all services do), checks
the policy and the transition table, writes the change and its event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import GuardFailed, NotFound, ValidationFailed
from gendan.models import User
from gendan.sequences import next_number
from orders.kernel import events as order_events
from orders.kernel import money
from orders.models import Customer, EventType, Product
from orders.services import order_create
from production.models import InspectionKind
from production.services import lock_production_order

from .models import (
    CourierTerms,
    ProductionSample,
    ProductionSampleKind,
    PurchaseRequest,
    RetainedSample,
    SampleEvent,
    SampleEventKind,
    SamplePhoto,
    SampleRequest,
)
from .states import SAMPLE_TRANSITIONS as TABLE
from .states import VERDICTS, MouldStatus, SampleStatus

SHEET_FIELDS = (*SampleRequest.SPEC_FIELDS, "note")
TEXT_LIMITS = {"item_number": 64, "colour": 100, "courier": 64, "tracking_number": 64}


def _text(errors: dict, field: str, value: Any, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("请填写此项。")]
    limit = TEXT_LIMITS.get(field)
    if limit and len(text) > limit:
        errors[field] = [_("不能超过 %(n)s 个字符。") % {"n": limit}]
    return text


def _lock(sample_id: int, action: str, actor: User, permission: str) -> SampleRequest:
    """The sample request locked, the caller allowed, the action possible from its status."""
    sample = SampleRequest.objects.select_for_update().filter(pk=sample_id).first()
    if sample is None:
        raise NotFound(model="sample_request", id=sample_id)
    policy.require(actor, permission, sample)
    TABLE.ensure(sample, action)
    return sample


def _move(sample: SampleRequest, to: str, *, actor: User, note: str = "", **data: Any) -> None:
    previous = sample.status
    sample.status = to
    SampleEvent.record(
        sample,
        SampleEventKind.STATUS_CHANGED,
        actor=actor,
        from_status=previous,
        to_status=to,
        note=note,
        **data,
    )


def _add(
    sample: SampleRequest, model, kind: str, *, actor: User, errors: dict, event: dict, **fields
):
    """A row of the sample's registers (purchase requests, retained samples), once the
    input is valid, and its event."""
    if errors:
        raise ValidationFailed(fields=errors)
    row = model.objects.create(sample=sample, **fields)
    SampleEvent.record(sample, kind, actor=actor, **event)
    return row


def _save(sample: SampleRequest, fields: Iterable[str]) -> None:
    sample.save(update_fields=[*fields, "updated_at"])


def _price(errors: dict, field: str, value: Any) -> Decimal:
    try:
        amount = money(value if value not in (None, "") else "0", field=field)
    except ValidationFailed as error:
        errors.update(error.fields)
        return Decimal("0")
    if amount < 0:
        errors[field] = [_("不能为负数。")]
    return amount


@storable
@transaction.atomic
def sample_request_create(
    *,
    actor: User,
    customer_id: int,
    item_number: str,
    quantity: int = 1,
    product_id: int | None = None,
    raw_material: str = "",
    packing: str = "",
    colour_print: str = "",
    colour: str = "",
    shipping_mark: str = "",
    process: str = "",
    unit_price: Any = "0",
    currency: str = "CNY",
    due_date: dt.date | None = None,
    needs_new_mould: bool = False,
    note: str = "",
    photo: UploadedFile | None = None,
) -> SampleRequest:
    """Write a customer's sample request with its detail sheet (seed 001 §6.7). A new
    mould needs the supervisor's approval before making starts. Raises
    PermissionDenied, ValidationFailed."""
    policy.require(actor, "sample.create")
    errors: dict[str, list] = {}
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        errors["customer"] = [_("客户不存在。")]
    product = Product.objects.filter(pk=product_id).first() if product_id else None
    if product_id and product is None:
        errors["product"] = [_("产品不存在。")]
    sheet = {
        "item_number": _text(errors, "item_number", item_number, required=True),
        "raw_material": _text(errors, "raw_material", raw_material),
        "packing": _text(errors, "packing", packing),
        "colour_print": _text(errors, "colour_print", colour_print),
        "colour": _text(errors, "colour", colour),
        "shipping_mark": _text(errors, "shipping_mark", shipping_mark),
        "process": _text(errors, "process", process),
        "note": _text(errors, "note", note),
    }
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 100000:
        errors["quantity"] = [_("数量必须是 1 到 100000 之间的整数。")]
    price = _price(errors, "unit_price", unit_price)
    due = bounds.check_day_ahead(
        errors, "due_date", due_date, required=False, too_early=_("要求完成日期不能早于今天。")
    )
    currency = (currency or "CNY").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = [_("币种须为三个字母，如 CNY、USD。")]
    if errors:
        raise ValidationFailed(fields=errors)
    sample = SampleRequest.objects.create(
        number=next_number("SR"),
        customer=customer,
        owner=actor,
        product=product,
        quantity=quantity,
        unit_price=price,
        currency=currency,
        due_date=due,
        needs_new_mould=bool(needs_new_mould),
        mould_status=MouldStatus.PENDING if needs_new_mould else MouldStatus.NOT_NEEDED,
        **sheet,
    )
    SampleEvent.record(
        sample, SampleEventKind.CREATED, actor=actor, to_status=sample.status, number=sample.number
    )
    if photo is not None:
        _attach_photo(sample, photo, actor=actor, caption="")
    return sample


def _attach_photo(sample: SampleRequest, upload: UploadedFile, *, actor: User, caption: str):
    photo = SamplePhoto(sample=sample, uploaded_by=actor, caption=caption[:200])
    photo.attach(upload, field="photo")
    photo.save(force_insert=True)
    SampleEvent.record(
        sample, SampleEventKind.PHOTO, actor=actor, photo=photo.pk, name=photo.file_name
    )
    return photo


@storable
@transaction.atomic
def sample_photo_add(
    *, actor: User, sample_id: int, photo: UploadedFile, caption: str = ""
) -> SamplePhoto:
    """Add a photo of the sample (checked: an image, within the size limit)."""
    sample = _lock(sample_id, "photo", actor, "sample.update")
    return _attach_photo(sample, photo, actor=actor, caption=(caption or "").strip())


@storable
@transaction.atomic
def sample_mould_decide(
    *, actor: User, sample_id: int, approve: bool, note: str = ""
) -> SampleRequest:
    """The supervisor approves (or refuses) the new mould of a sample request (seed
    001 §6.8: a sample needing a new mould is promised only with the manager's
    signature). Raises PermissionDenied, InvalidTransition, GuardFailed."""
    sample = _lock(sample_id, "approve_mould", actor, "sample.approve_mould")
    if not sample.needs_new_mould:
        raise GuardFailed(_("此打样单不需要开新模具。"), code="no_mould_needed")
    if sample.mould_status == MouldStatus.APPROVED:
        raise GuardFailed(_("开模已批准。"), code="already_approved")
    sample.mould_status = MouldStatus.APPROVED if approve else MouldStatus.REFUSED
    sample.mould_decided_by = actor
    sample.mould_decided_at = timezone.now()
    _save(sample, ["mould_status", "mould_decided_by", "mould_decided_at"])
    SampleEvent.record(
        sample, SampleEventKind.MOULD, actor=actor, note=note, decision=sample.mould_status
    )
    return sample


@transaction.atomic
def sample_start(*, actor: User, sample_id: int, note: str = "") -> SampleRequest:
    """Start making the sample (again, after a "revise"). A sample needing a new mould
    waits for the supervisor's approval: GuardFailed ``mould_not_approved``."""
    bounds.refuse_unstorable({"note": note})
    sample = _lock(sample_id, "start", actor, "sample.make")
    if sample.mould_blocks_making:
        raise GuardFailed(
            _("此打样需要开新模具，主管批准开模后才能开始打样。"), code="mould_not_approved"
        )
    if sample.status == SampleStatus.REVISE:
        sample.round += 1
    _move(sample, SampleStatus.IN_MAKING, actor=actor, note=note)
    _save(sample, ["status", "round"])
    return sample


@transaction.atomic
def sample_finish(*, actor: User, sample_id: int, note: str = "") -> SampleRequest:
    """The sample is made: in_making -> made."""
    bounds.refuse_unstorable({"note": note})
    sample = _lock(sample_id, "finish", actor, "sample.make")
    _move(sample, SampleStatus.MADE, actor=actor, note=note)
    _save(sample, ["status"])
    return sample


@storable
@transaction.atomic
def sample_review(
    *,
    actor: User,
    sample_id: int,
    charge_customer: bool = False,
    sample_fee: Any = "0",
    courier_terms: str = CourierTerms.PREPAID,
    note: str = "",
) -> SampleRequest:
    """Review the made sample (seed 001 §6.9): it must have been photographed; whether
    the customer is charged, how much, and who pays the courier are recorded.
    Raises GuardFailed ``no_photo``, ValidationFailed."""
    sample = _lock(sample_id, "review", actor, "sample.update")
    errors: dict[str, list] = {}
    fee = _price(errors, "sample_fee", sample_fee)
    if not charge_customer and fee:
        errors["sample_fee"] = [_("不收费时样品费应为 0。")]
    if courier_terms not in CourierTerms.values:
        errors["courier_terms"] = [_("请选择快递费寄付或到付。")]
    if errors:
        raise ValidationFailed(fields=errors)
    if not sample.photos.exists():
        raise GuardFailed(_("样品寄出前必须先拍照存档，请先上传照片。"), code="no_photo")
    sample.charge_customer, sample.sample_fee = bool(charge_customer), fee
    sample.courier_terms, sample.review_note = courier_terms, (note or "").strip()
    _move(sample, SampleStatus.REVIEWED, actor=actor, note=note, fee=fee)
    _save(sample, ["status", "charge_customer", "sample_fee", "courier_terms", "review_note"])
    return sample


@storable
@transaction.atomic
def sample_send(
    *,
    actor: User,
    sample_id: int,
    courier: str,
    tracking_number: str,
    sent_on: dt.date | None = None,
) -> SampleRequest:
    """Register the dispatch: courier, tracking number, date (not in the future)."""
    sample = _lock(sample_id, "send", actor, "sample.update")
    errors: dict[str, list] = {}
    courier = _text(errors, "courier", courier, required=True)
    tracking = _text(errors, "tracking_number", tracking_number, required=True)
    day = bounds.check_day_done(errors, "sent_on", sent_on)
    if errors:
        raise ValidationFailed(fields=errors)
    sample.courier, sample.tracking_number, sample.sent_on = courier, tracking, day
    _move(sample, SampleStatus.SENT, actor=actor, courier=courier, tracking_number=tracking)
    _save(sample, ["status", "courier", "tracking_number", "sent_on"])
    return sample


@storable
@transaction.atomic
def sample_verdict(
    *,
    actor: User,
    sample_id: int,
    verdict: str,
    comment: str = "",
    verdict_on: dt.date | None = None,
) -> SampleRequest:
    """The customer's answer: approved, rejected or revise (with comments)."""
    sample = _lock(sample_id, "verdict", actor, "sample.update")
    errors: dict[str, list] = {}
    if verdict not in VERDICTS:
        errors["verdict"] = [_("请选择客户确认、拒绝或需修改。")]
    day = bounds.check_day_done(
        errors,
        "verdict_on",
        verdict_on,
        earliest=sample.sent_on,
        too_early=_("客户答复日期不能早于寄出日期 %(d)s。"),
    )
    if verdict != SampleStatus.APPROVED and not (comment or "").strip():
        errors["comment"] = [_("请填写客户意见。")]
    if errors:
        raise ValidationFailed(fields=errors)
    sample.verdict_on, sample.verdict_comment = day, (comment or "").strip()
    _move(sample, verdict, actor=actor, note=sample.verdict_comment)
    _save(sample, ["status", "verdict_on", "verdict_comment"])
    return sample


def _decimal(errors: dict, field: str, value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not 0 < number < Decimal("1e9"):
        errors[field] = [_("请输入大于 0 的数量。")]
        return None
    return number.quantize(Decimal("0.001"))


@storable
@transaction.atomic
def sample_purchase_request(
    *,
    actor: User,
    sample_id: int,
    material: str,
    quantity: Any,
    unit: str = "pcs",
    needed_by: dt.date | None = None,
    note: str = "",
) -> PurchaseRequest:
    """Ask purchasing in writing for new raw or auxiliary material (seed 001 §6.8)."""
    sample = _lock(sample_id, "purchase", actor, "sample.update")
    errors: dict[str, list] = {}
    material = _text(errors, "material", material, required=True)[:200]
    amount = _decimal(errors, "quantity", quantity)
    unit = (unit or "pcs").strip()[:16]
    need = bounds.check_date(errors, "needed_by", needed_by, required=False)
    return _add(
        sample,
        PurchaseRequest,
        SampleEventKind.PURCHASE,
        actor=actor,
        errors=errors,
        event={"material": material, "quantity": amount},
        material=material,
        quantity=amount,
        unit=unit,
        needed_by=need,
        note=(note or "").strip(),
        requested_by=actor,
    )


@storable
@transaction.atomic
def sample_retain(
    *,
    actor: User,
    sample_id: int,
    location: str,
    quantity: int = 1,
    retained_on: dt.date | None = None,
    note: str = "",
) -> RetainedSample:
    """Register the retained sample (留样) and where it is kept."""
    sample = _lock(sample_id, "retain", actor, "sample.update")
    errors: dict[str, list] = {}
    location = _text(errors, "location", location, required=True)[:100]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 10000:
        errors["quantity"] = [_("数量必须是 1 到 10000 之间的整数。")]
    day = bounds.check_day_done(errors, "retained_on", retained_on)
    return _add(
        sample,
        RetainedSample,
        SampleEventKind.RETAINED,
        actor=actor,
        errors=errors,
        event={"location": location, "quantity": quantity},
        location=location,
        quantity=quantity,
        retained_on=day,
        note=(note or "").strip(),
        recorded_by=actor,
    )


@storable
@transaction.atomic
def sample_convert(
    *,
    actor: User,
    sample_id: int,
    lines: Iterable[Mapping[str, Any]],
    contract_delivery_date: dt.date,
    customer_po: str = "",
) -> SampleRequest:
    """Turn an approved sample into a draft order: one order line per colour/size and
    quantity given, each at the sample's quoted price. Raises GuardFailed
    ``already_converted``, ValidationFailed (the order's own checks), PermissionDenied."""
    sample = _lock(sample_id, "convert", actor, "sample.update")
    if sample.order_id:
        raise GuardFailed(
            _("此样品已转成订单 %(n)s。") % {"n": sample.order}, code="already_converted"
        )
    lines = list(lines or [])
    if not lines:
        raise ValidationFailed(fields={"lines": [_("订单至少需要一行。")]})
    order_lines = []
    for line in lines:
        if not isinstance(line, Mapping):
            raise ValidationFailed(fields={"lines": [_("订单行无效。")]})
        order_lines.append(
            {
                "product": sample.product_id,
                "description": sample.item_number,
                "colour": str(line.get("colour") or sample.colour)[:64],
                "size": str(line.get("size") or "")[:32],
                "spec": str(line.get("spec") or "")[:200],
                "quantity": line.get("quantity"),
                "unit_price": sample.unit_price,
            }
        )
    order = order_create(
        actor=actor,
        customer_id=sample.customer_id,
        owner_id=sample.owner_id,
        lines=order_lines,
        contract_delivery_date=contract_delivery_date,
        currency=sample.currency,
        customer_po=customer_po,
        packing_requirements=sample.packing,
    )
    sample.order = order
    _save(sample, ["order"])
    SampleEvent.record(sample, SampleEventKind.CONVERTED, actor=actor, order=order.number)
    order_events.record(
        order, EventType.UPDATED, actor=actor, changed=["lines"], sample=sample.number
    )
    return sample


# --------------------------------------------------------------------------
# Trial and sealed samples of a production order
# --------------------------------------------------------------------------


@storable
@transaction.atomic
def production_sample_record(
    *,
    actor: User,
    production_order_id: int,
    kind: str,
    recorded_on: dt.date | None = None,
    is_correct: bool = True,
    note: str = "",
    photo: UploadedFile | None = None,
) -> ProductionSample:
    """Record the trial sample (试板样) or the first-article sealed sample (首件封样) of
    a production order, on a date between its issue and today."""
    order, production_order = lock_production_order(production_order_id)
    policy.require(actor, "production_sample.record", production_order)
    errors: dict[str, list] = {}
    if kind not in ProductionSampleKind.values:
        errors["kind"] = [_("请选择试板样或首件封样。")]
    day = bounds.check_day_done(
        errors,
        "recorded_on",
        recorded_on,
        earliest=bounds.local_date(production_order.issued_at),
        too_early=_("不能早于生产单下达日期 %(d)s。"),
    )
    if errors:
        raise ValidationFailed(fields=errors)
    sample = ProductionSample(
        production_order=production_order,
        kind=kind,
        recorded_on=day,
        is_correct=bool(is_correct),
        note=(note or "").strip(),
        recorded_by=actor,
    )
    if photo is not None:
        sample.attach(photo, field="photo")
    sample.save(force_insert=True)
    order_events.production_order_event(
        order,
        EventType.INSPECTION_RECORDED,
        actor=actor,
        production_order=production_order,
        # The timeline's inspection line names it: 首件封样 is an inspection kind already.
        kind=InspectionKind.FIRST_ARTICLE if kind == ProductionSampleKind.SEALED else "试板样",
        result="pass" if sample.is_correct else "fail",
    )
    return sample
