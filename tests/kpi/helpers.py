"""Builders for the KPI tests.

The metric and query-count tests craft rows directly (precise dates and
totals, fast); the worked examples walk orders through the services.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from gendan.models import User
from kpi import services
from kpi.models import Assessment, PayScheme, PenaltyRule
from orders.models import Order
from orders.states import OrderStatus
from production.models import Incident
from shipping.models import AfterSalesCase, Shipment
from tests.factories import CustomerFactory, UserFactory

D = dt.date
_numbers = itertools.count(1)

SALES = "sales-commission"
PRODUCTION = "production-processing-fee"
EXPORT = "export-declaration-bonus"


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """An aware local (Asia/Shanghai) datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def install_presets() -> None:
    """The presets of the data migration (a transactional test's flush removes them)."""
    importlib.import_module("kpi.migrations.0002_presets").install(apps)


def scheme(code: str) -> PayScheme:
    return PayScheme.objects.get(code=code)


def rule(scheme_code: str, code: str) -> PenaltyRule:
    return PenaltyRule.objects.get(scheme__code=scheme_code, code=code)


def admin_user() -> User:
    return User.objects.filter(is_superuser=True).first() or UserFactory(
        username="kpi-admin", is_superuser=True, is_staff=True
    )


EPOCH = D(2020, 1, 1)


def assign(person: User, code: str, *, since: dt.date = EPOCH, probation_until=None):
    return services.pay_scheme_assign(
        actor=admin_user(),
        person_id=person.pk,
        scheme_id=scheme(code).pk,
        effective_from=since,
        probation_until=probation_until,
    )


def make_order(
    owner: User,
    *,
    contract: dt.date,
    total: str | Decimal = "1000.00",
    fully_shipped_at: dt.datetime | None = None,
    ship_dates: tuple[dt.date, ...] = (),
    status: str | None = None,
    declarations: bool = False,
    customer=None,
) -> Order:
    """An order row with precise dates and total, and a shipped shipment per ship date
    (the last one completes the order when ``fully_shipped_at`` is given)."""
    n = next(_numbers)
    if status is None:
        status = OrderStatus.SHIPPED if fully_shipped_at else OrderStatus.IN_PRODUCTION
    order = Order.objects.create(
        number=f"T-{n:06d}",
        customer=customer or CustomerFactory(),
        owner=owner,
        order_date=contract - dt.timedelta(days=60),
        contract_delivery_date=contract,
        deposit_ratio=Decimal("0"),
        status=status,
        total_amount=Decimal(total),
        fully_shipped_at=fully_shipped_at,
    )
    for i, day in enumerate(ship_dates):
        make_shipment(order, day, declaration=f"DECL-{n}-{i}" if declarations else "")
    return order


def make_shipment(order: Order, day: dt.date, *, declaration: str = "") -> Shipment:
    n = next(_numbers)
    return Shipment.objects.create(
        number=f"TS-{n:06d}",
        order=order,
        status=Shipment.Status.SHIPPED,
        planned_ship_date=day,
        actual_ship_date=day,
        mode="sea",
        customs_declaration_number=declaration,
        created_by=order.owner,
    )


def make_incident(
    order: Order,
    opened_at: dt.datetime,
    resolved_at: dt.datetime | None = None,
    *,
    loss: str = "0.00",
    responsible: User | None = None,
) -> Incident:
    return Incident.objects.create(
        order=order,
        kind="quality",
        status="resolved" if resolved_at else "open",
        description="test",
        opened_at=opened_at,
        resolved_at=resolved_at,
        loss_amount=Decimal(loss),
        responsible=responsible,
        reported_by=order.owner,
    )


def make_case(
    order: Order,
    received_at: dt.datetime,
    resolved_at: dt.datetime | None = None,
    *,
    kind: str = "complaint",
) -> AfterSalesCase:
    return AfterSalesCase.objects.create(
        order=order,
        kind=kind,
        status="resolved" if resolved_at else "open",
        received_at=received_at,
        resolved_at=resolved_at,
        description="test",
        opened_by=order.owner,
    )


def compute(person: User, period: dt.date) -> Assessment:
    services.assessment_compute_month(actor=None, period=period, person_ids=[person.pk])
    return Assessment.objects.get(person=person, period=period)
