"""The SQL the sweeps decide with agrees with the Python it stands for."""

import datetime as dt
import itertools

import pytest
from django.db.models import F, Value
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.expressions import AddDays, DaysBetween, date_value, planned_cumulative_by
from production import selectors
from production.models import PlanMilestone, ProductionOrder
from tests.factories import CustomerFactory, UserFactory

D = dt.date(2026, 2, 20)  # across the end of February
_numbers = itertools.count()


@pytest.fixture
def order(db):
    from orders.models import Order

    owner = UserFactory(roles=["merchandiser"])
    return Order.objects.create(
        number="X-1",
        customer=CustomerFactory(),
        owner=owner,
        order_date=D,
        contract_delivery_date=D,
        deposit_ratio=0,
    )


def _production_order(order, start, finish, quantity, milestones):
    production_order = ProductionOrder.objects.create(
        number=f"T-{next(_numbers)}",
        order=order,
        revision=1,
        issued_by=order.owner,
        issued_at=timezone.now(),
        factory="W",
        planned_start=start,
        planned_finish=finish,
        quantity=quantity,
        status=ProductionOrder.Status.SUPERSEDED,  # many per order, none live
    )
    PlanMilestone.objects.bulk_create(
        PlanMilestone(production_order=production_order, date=d, planned_cumulative_quantity=q)
        for d, q in milestones
    )
    return production_order


@st.composite
def plans(draw):
    start = D + dt.timedelta(days=draw(st.integers(-40, 40)))
    finish = start + dt.timedelta(days=draw(st.integers(0, 60)))
    quantity = draw(st.integers(1, 10_000_000))
    span = (finish - start).days
    offsets = sorted(draw(st.sets(st.integers(0, span), max_size=min(span + 1, 4))))
    quantities = sorted(
        draw(st.lists(st.integers(0, quantity), min_size=len(offsets), max_size=len(offsets)))
    )
    milestones = [
        (start + dt.timedelta(days=o), q) for o, q in zip(offsets, quantities, strict=True)
    ]
    on = start + dt.timedelta(days=draw(st.integers(-3, span + 3)))
    return start, finish, quantity, milestones, on


@settings(
    max_examples=60,
    deadline=None,
    database=None,  # no example database in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plan=plans())
def test_the_sql_plan_curve_is_the_plan_curve_of_production_selectors(order, plan):
    start, finish, quantity, milestones, on = plan
    production_order = _production_order(order, start, finish, quantity, milestones)

    in_sql = (
        ProductionOrder.objects.filter(pk=production_order.pk)
        .annotate(planned=planned_cumulative_by(on))
        .values_list("planned", flat=True)
        .get()
    )

    assert in_sql == selectors.planned_cumulative(production_order, on)


@pytest.mark.parametrize(
    ("end", "start", "between"),
    [
        (dt.date(2026, 3, 1), dt.date(2026, 2, 28), 1),
        (dt.date(2026, 2, 28), dt.date(2026, 3, 1), -1),
        (dt.date(2027, 1, 1), dt.date(2026, 1, 1), 365),
        (dt.date(2026, 5, 5), dt.date(2026, 5, 5), 0),
    ],
)
def test_days_between_and_add_days(order, end, start, between):
    row = (
        type(order)
        .objects.filter(pk=order.pk)
        .annotate(
            between=DaysBetween(date_value(end), date_value(start)),
            back=AddDays(date_value(start), Value(between)),
            from_column=DaysBetween(F("order_date"), date_value(start)),
        )
        .values("between", "back", "from_column")
        .get()
    )
    assert row["between"] == between
    assert row["back"] == end
    assert row["from_column"] == (D - start).days
