"""Many alert cases at once, written with bulk_create (not through the services) so that
the query-count and concurrency tests can have a thousand of them in a second.

``cases(rule, cast, n, day)`` makes ``n`` subjects (orders, production orders or
payments) that ``rule``'s sweep on ``day`` must find, and returns their ids.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from alerts.models import AlertRule
from orders.models import Order, Payment, PaymentKind
from orders.states import OrderStatus as S
from planning.models import Material, Milestone, MilestoneTemplate, Plan
from production.models import PlanMilestone, ProductionOrder, ProgressReport
from tests.alerts.helpers import SHANGHAI
from tests.factories import CustomerFactory, stage

R = AlertRule
# A Wednesday without holidays: every rule may fire.
DAY = dt.date(2026, 3, 11)
_serial = itertools.count(1)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


def _orders(cast, n: int, *, status: str, delivery: dt.date) -> list[Order]:
    customer = CustomerFactory()
    return Order.objects.bulk_create(
        Order(
            number=f"W-{next(_serial):06d}",
            customer=customer,
            owner=cast.merchandiser,
            order_date=delivery - _days(60),
            contract_delivery_date=delivery,
            deposit_ratio=Decimal("0.3"),
            status=status,
            total_amount=Decimal("1000.00"),
            deposit_due=Decimal("300.00"),
            total_quantity=1000,
        )
        for _ in range(n)
    )


def _production_orders(cast, orders, *, start, finish, quantity=1000) -> list[ProductionOrder]:
    return ProductionOrder.objects.bulk_create(
        ProductionOrder(
            number=f"WP-{next(_serial):06d}",
            order=order,
            revision=1,
            issued_by=cast.merchandiser,
            issued_at=_moment(start),
            factory="W1",
            planned_start=start,
            planned_finish=finish,
            quantity=quantity,
            status=ProductionOrder.Status.IN_PROGRESS,
        )
        for order in orders
    )


def _reports(cast, production_orders, entries) -> None:
    """entries: (date, stage code, good quantity) for each production order."""
    stages = {code: stage(code) for _, code, _ in entries}
    ProgressReport.objects.bulk_create(
        ProgressReport(
            production_order=po,
            date=day,
            stage=stages[code],
            good_quantity=good,
            reported_by=cast.production,
        )
        for po in production_orders
        for day, code, good in entries
    )


def _payments(orders, *, kind, requested: dt.date, due: dt.date) -> list[Payment]:
    return Payment.objects.bulk_create(
        Payment(
            order=order,
            kind=kind,
            amount_due=Decimal("300.00"),
            amount_received=Decimal("0.00"),
            requested_at=_moment(requested),
            due_date=due,
        )
        for order in orders
    )


def cases(rule: str, cast, n: int, day: dt.date = DAY) -> list[int]:
    if rule == R.DELIVERY_DUE_SOON:
        # In production and behind plan: escalated, so the supervisors are told too.
        orders = _orders(cast, n, status=S.IN_PRODUCTION, delivery=day + _days(7))
        _production_orders(cast, orders, start=day - _days(10), finish=day + _days(3))
        return [o.pk for o in orders]
    if rule == R.DELIVERY_OVERDUE:
        return [o.pk for o in _orders(cast, n, status=S.CONFIRMED, delivery=day - _days(1))]
    if rule == R.PRODUCTION_BEHIND_PLAN:
        orders = _orders(cast, n, status=S.IN_PRODUCTION, delivery=day + _days(60))
        pos = _production_orders(cast, orders, start=day - _days(10), finish=day + _days(10))
        PlanMilestone.objects.bulk_create(
            PlanMilestone(production_order=po, date=day - _days(5), planned_cumulative_quantity=100)
            for po in pos
        )
        _reports(cast, pos, [(day - _days(3), "packing", 10)])
        return [po.pk for po in pos]
    if rule == R.DELIVERY_AT_RISK:
        orders = _orders(cast, n, status=S.IN_PRODUCTION, delivery=day + _days(5))
        pos = _production_orders(cast, orders, start=day - _days(10), finish=day + _days(1))
        _reports(cast, pos, [(day - _days(2), "packing", 20), (day - _days(1), "packing", 30)])
        return [po.pk for po in pos]
    if rule == R.PROGRESS_REPORT_MISSING:
        orders = _orders(cast, n, status=S.IN_PRODUCTION, delivery=day + _days(60))
        pos = _production_orders(cast, orders, start=day - _days(10), finish=day + _days(40))
        _reports(cast, pos, [(day - _days(5), "cutting", 100)])
        return [po.pk for po in pos]
    if rule == R.DEPOSIT_OVERDUE:
        orders = _orders(cast, n, status=S.AWAITING_DEPOSIT, delivery=day + _days(60))
        payments = _payments(
            orders, kind=PaymentKind.DEPOSIT, requested=day - _days(10), due=day - _days(3)
        )
        return [p.pk for p in payments]
    if rule == R.BALANCE_OVERDUE:
        # 20 days past due: escalated to the supervisors.
        orders = _orders(cast, n, status=S.AWAITING_BALANCE, delivery=day + _days(60))
        payments = _payments(
            orders, kind=PaymentKind.BALANCE, requested=day - _days(27), due=day - _days(20)
        )
        return [p.pk for p in payments]
    if rule in PLAN_RULES:
        return _plan_cases(rule, cast, n, day)
    raise ValueError(rule)


PLAN_RULES = {
    R.MILESTONE_DUE_SOON,
    R.MILESTONE_OVERDUE,
    R.CRITICAL_PATH_SLIPPED,
    R.MATERIAL_LATE,
    R.SEALED_SAMPLE_MISSING,
}


def _plans(cast, n: int, day: dt.date, *, slip: int = 0) -> list[Plan]:
    template, _ = MilestoneTemplate.objects.get_or_create(
        code="world", defaults={"name": "world", "due_soon_working_days": 3}
    )
    orders = _orders(cast, n, status=S.CONFIRMED, delivery=day + _days(60))
    return Plan.objects.bulk_create(
        Plan(
            order=order,
            template=template,
            contract_delivery_date=order.contract_delivery_date,
            projected_delivery_date=order.contract_delivery_date + _days(slip),
        )
        for order in orders
    )


def _plan_cases(rule: str, cast, n: int, day: dt.date) -> list[int]:
    """The cases of the plan, material and sample rules (alerts/plan_rules.py)."""
    if rule in (R.MILESTONE_DUE_SOON, R.MILESTONE_OVERDUE):
        forecast = day + _days(1) if rule == R.MILESTONE_DUE_SOON else day - _days(2)
        milestones = Milestone.objects.bulk_create(
            Milestone(
                plan=plan,
                code="fit_sample",
                name="试身样确认",
                owner_role="customer",
                offset_working_days=45,
                planned_date=forecast,
                forecast_date=forecast,
            )
            for plan in _plans(cast, n, day)
        )
        return [m.pk for m in milestones]
    if rule == R.CRITICAL_PATH_SLIPPED:
        return [p.pk for p in _plans(cast, n, day, slip=5)]
    if rule == R.MATERIAL_LATE:
        orders = _orders(cast, n, status=S.DEPOSIT_PAID, delivery=day + _days(60))
        materials = Material.objects.bulk_create(
            Material(
                order=order,
                kind="fabric",
                name="全棉汗布",
                quantity=Decimal("100"),
                required_by=day - _days(1),
                created_by=cast.merchandiser,
            )
            for order in orders
        )
        return [m.pk for m in materials]
    orders = _orders(cast, n, status=S.IN_PRODUCTION, delivery=day + _days(60))
    pos = _production_orders(cast, orders, start=day - _days(10), finish=day + _days(40))
    _reports(cast, pos, [(day - _days(1), "sewing", 100)])
    return [po.pk for po in pos]


# Who each rule's cases above reach besides the owner (merch): usernames of the cast.
EXTRA_RECIPIENTS = {
    R.DELIVERY_DUE_SOON: {"boss"},
    R.DELIVERY_OVERDUE: {"boss"},
    R.PRODUCTION_BEHIND_PLAN: {"pmc"},
    R.DELIVERY_AT_RISK: {"boss"},
    R.PROGRESS_REPORT_MISSING: {"pmc"},
    R.DEPOSIT_OVERDUE: {"finance"},
    R.BALANCE_OVERDUE: {"finance", "boss"},
    R.MILESTONE_DUE_SOON: set(),
    R.MILESTONE_OVERDUE: {"boss"},
    R.CRITICAL_PATH_SLIPPED: {"boss"},
    R.MATERIAL_LATE: {"pmc"},
    R.SEALED_SAMPLE_MISSING: {"pmc"},
}
