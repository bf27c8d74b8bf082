"""What the hostile-input tests of dates, text and periods share: the dates beyond the
horizon, a snapshot of every table a refused call must leave alone, and stored
extremes (rows written directly, as an older version or another client could have)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gendan.bounds import horizon
from kpi.models import PayAdjustment, PaySchemeAssignment, PenaltyRecord
from orders.models import Customer, Order, OrderLine, Product
from production.models import PlanMilestone, ProductionOrder
from shipping.models import Shipment, ShipmentLine
from tests.factories import Cast, CustomerFactory
from tests.orders.helpers import DOMAIN_MODELS
from tests.orders.helpers import snapshot as order_snapshot

YEAR_1 = dt.date(1, 1, 1)
LAST_DAY = dt.date(9999, 12, 31)
TODAY = timezone.localdate


def beyond() -> tuple[dt.date, dt.date]:
    """The day before the horizon's first and the day after its last."""
    low, high = horizon()
    return low - dt.timedelta(days=1), high + dt.timedelta(days=1)


def moment(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour)).replace(tzinfo=dt.UTC)


def snapshot() -> dict[str, list[dict]]:
    """Every row of the domain tables of orders, production and shipping, plus the
    reference and KPI rows the services write."""
    rows = order_snapshot()
    for model in (
        Customer,
        Product,
        PlanMilestone,
        PenaltyRecord,
        PayAdjustment,
        PaySchemeAssignment,
    ):
        if model not in DOMAIN_MODELS:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def free_text_order(cast: Cast, *, status: str = "paid") -> Order:
    """An order whose only line has no product (a free-text line), written directly in
    ``status`` with its money received, ready for a shipment."""
    order = Order.objects.create(
        number=f"FT-{Order.objects.count() + 1:05d}",
        customer=CustomerFactory(),
        owner=cast.merchandiser,
        order_date=TODAY() - dt.timedelta(days=30),
        contract_delivery_date=TODAY() + dt.timedelta(days=30),
        deposit_ratio=Decimal("0"),
        status=status,
        total_amount=Decimal("500.00"),
        total_quantity=50,
        amount_received=Decimal("500.00"),
    )
    OrderLine.objects.create(
        order=order,
        position=1,
        product=None,
        description="Custom embroidered cap",
        quantity=50,
        unit_price=Decimal("10.00"),
        amount=Decimal("500.00"),
    )
    return order


def extreme_production_order(order: Order, issued_by) -> ProductionOrder:
    """A production order planned from 0001-01-01 to 9999-12-31, with milestones at both
    ends (what the API accepted before dates were bounded)."""
    production_order = ProductionOrder.objects.create(
        number=f"PO-X-{order.pk}",
        order=order,
        revision=order.revision,
        issued_by=issued_by,
        issued_at=timezone.now(),
        factory="Edge",
        planned_start=YEAR_1,
        planned_finish=LAST_DAY,
        quantity=order.total_quantity or 1,
    )
    PlanMilestone.objects.create(
        production_order=production_order, date=YEAR_1, planned_cumulative_quantity=0
    )
    PlanMilestone.objects.create(
        production_order=production_order, date=LAST_DAY, planned_cumulative_quantity=1
    )
    return production_order


def extreme_shipment(order: Order, created_by) -> Shipment:
    """A shipment that left in year 1 and was delivered on the last day there is."""
    shipment = Shipment.objects.create(
        number=f"SH-X-{order.pk}",
        order=order,
        status=Shipment.Status.DELIVERED,
        planned_ship_date=YEAR_1,
        actual_ship_date=YEAR_1,
        mode="sea",
        created_by=created_by,
        shipped_at=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC),
        delivered_at=dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC),
    )
    ShipmentLine.objects.create(shipment=shipment, order_line=order.lines.first(), quantity=1)
    return shipment
