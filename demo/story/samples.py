"""The samples and plan chapter (issue 15): sample requests in every state, a sealed
sample on a production order, materials (one late), and a plan slipping past its
delivery date. Played after the orders' stories, at the real time, through the
services; idempotent (sample requests by their demo item number, materials by name)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from gendan.models import User
from orders.models import Customer, Order
from orders.states import OrderStatus
from planning import services as planning_services
from planning.models import Material
from samples import services as sample_services
from samples.models import SampleRequest

from .clock import Clock

S = OrderStatus
# A 1×1 PNG (the photo every sent sample must have).
PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

# (item number, customer code, owner, where it ends, needs a new mould)
SAMPLES = [
    ("DEMO-S-01", "DE-MUELLER", "merch1", "requested", False),
    ("DEMO-S-02", "US-HARBOR", "merch1", "mould_pending", True),
    ("DEMO-S-03", "JP-SAKURA", "merch2", "in_making", True),
    ("DEMO-S-04", "DE-MUELLER", "merch1", "made", False),
    ("DEMO-S-05", "UK-THISTLE", "merch2", "reviewed", False),
    ("DEMO-S-06", "US-HARBOR", "merch1", "sent", False),
    ("DEMO-S-07", "FR-LUMIERE", "merch2", "approved", False),
    ("DEMO-S-08", "JP-SAKURA", "merch1", "rejected", False),
    ("DEMO-S-09", "UK-THISTLE", "merch2", "revise", False),
    ("DEMO-S-10", "DE-MUELLER", "merch1", "converted", True),
]
# What every demo sample's sheet says.
SHEET = {
    "raw_material": "全棉 220g",
    "packing": "单件入袋",
    "colour": "藏青",
    "shipping_mark": "DEMO / C/NO.",
    "process": "平车包边",
    "unit_price": "18.50",
}
# The materials of the first order in production (MATERIAL_FIELDS, then what has been
# received of each): the fabric is late.
MATERIAL_FIELDS = ("kind", "name", "quantity", "unit", "supplier")
MATERIALS = [
    ("fabric", "DEMO 全棉汗布", "1200", "m", "绍兴纺织", "700"),
    ("trim", "DEMO 四合扣", "5000", "pcs", "YKK", "5000"),
]
ORDER = ("requested", "in_making", "made", "reviewed", "sent", "verdict", "converted")


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("sample.png", io.BytesIO(PHOTO).read(), content_type="image/png")


def _play(sample: SampleRequest, end: str, cast: dict[str, User], clock: Clock) -> None:
    owner, boss = sample.owner, cast["supervisor"]
    if end in ("requested", "mould_pending"):
        return
    if sample.needs_new_mould:
        sample_services.sample_mould_decide(
            actor=boss, sample_id=sample.pk, approve=True, note="同意开模"
        )
    sample_services.sample_purchase_request(
        actor=owner, sample_id=sample.pk, material="样布", quantity="3", unit="m"
    )
    sample_services.sample_start(actor=cast["production"], sample_id=sample.pk)
    if end == "in_making":
        return
    sample_services.sample_finish(actor=cast["production"], sample_id=sample.pk)
    if end == "made":
        return
    sample_services.sample_photo_add(actor=owner, sample_id=sample.pk, photo=_photo())
    sample_services.sample_review(
        actor=owner, sample_id=sample.pk, charge_customer=False, courier_terms="prepaid"
    )
    sample_services.sample_retain(actor=owner, sample_id=sample.pk, location="样品间 B-2")
    if end == "reviewed":
        return
    sample_services.sample_send(
        actor=owner, sample_id=sample.pk, courier="顺丰速运", tracking_number=f"SF{sample.pk:010d}"
    )
    if end == "sent":
        return
    verdict = "approved" if end in ("approved", "converted") else end
    comment = {"rejected": "价格不接受", "revise": "颜色偏深，请调浅半度"}.get(end, "确认")
    sample_services.sample_verdict(
        actor=owner, sample_id=sample.pk, verdict=verdict, comment=comment
    )
    if end == "converted":
        sample_services.sample_convert(
            actor=owner,
            sample_id=sample.pk,
            contract_delivery_date=clock.day(-40),
            lines=[
                {"colour": "藏青", "size": "M", "quantity": 600},
                {"colour": "白", "size": "L", "quantity": 400},
            ],
        )


def seed_samples(
    cast: dict[str, User], customers: dict[str, Customer], clock: Clock
) -> tuple[int, int]:
    """The demo sample requests (made when missing) and the plan and material stories."""
    existing = set(
        SampleRequest.objects.filter(item_number__startswith="DEMO-S-").values_list(
            "item_number", flat=True
        )
    )
    made = 0
    for item, customer, owner, end, mould in SAMPLES:
        if item in existing:
            continue
        sample = sample_services.sample_request_create(
            actor=cast[owner],
            customer_id=customers[customer].pk,
            item_number=item,
            needs_new_mould=mould,
            **SHEET,
        )
        _play(sample, end, cast, clock)
        made += 1
    _materials_and_plans(cast, clock)
    return made, len(existing)


def _materials_and_plans(cast: dict[str, User], clock: Clock) -> None:
    """A late material on an order in production, one received in time, and a slipping
    plan (a fit sample approved today on an order confirmed long before)."""
    if Material.objects.filter(name__startswith="DEMO ").exists():
        return
    in_production = Order.objects.filter(customer_po__startswith="DEMO-", status=S.IN_PRODUCTION)
    first = in_production.order_by("customer_po").first()
    if first is not None:
        owner = first.owner
        for *values, received in MATERIALS:
            fields = dict(zip(MATERIAL_FIELDS, values, strict=True))
            material = planning_services.material_create(
                actor=owner,
                order_id=first.pk,
                **fields,
                purchase_reference=f"PO-{fields['kind'].upper()}-1001",
                required_by=max(first.order_date, clock.day(3)),
            )
            planning_services.material_receive(
                actor=owner, material_id=material.pk, received_quantity=received, eta=clock.day(-2)
            )
        # Its trial and first-article sealed samples are on record; the other orders in
        # production show what the sealed-sample alert and the KPI inputs find.
        production_order = first.production_orders.filter(status__in=("issued", "in_progress"))
        production_order = production_order.first()
        if production_order is not None:
            for kind in ("trial", "sealed"):
                sample_services.production_sample_record(
                    actor=cast["production"],
                    production_order_id=production_order.pk,
                    kind=kind,
                    photo=_photo(),
                )
    confirmed = Order.objects.filter(
        customer_po__startswith="DEMO-", status__in=(S.CONFIRMED, S.AWAITING_DEPOSIT)
    ).order_by("customer_po")
    for order in confirmed[:2]:
        fit = order.plan.milestones.filter(code="fit_sample", actual_date__isnull=True).first()
        if fit is not None:
            planning_services.milestone_complete(
                actor=order.owner, milestone_id=fit.pk, actual_date=clock.today
            )
