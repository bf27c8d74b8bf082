"""The monthly computation reads everyone's facts with set-based queries: its number of
SQL queries does not grow with the number of merchandisers or of their orders."""

import itertools
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpi import selectors, services
from kpi.models import (
    Assessment,
    PayAdjustment,
    PaySchemeAssignment,
    PayStatement,
    PenaltyRecord,
    ShipmentFault,
)
from production.models import ProductionOrder
from tests.factories import UserFactory
from tests.kpi.helpers import (
    EXPORT,
    PRODUCTION,
    SALES,
    D,
    assign,
    at,
    make_case,
    make_incident,
    make_order,
    rule,
)

SEPT = D(2026, 9, 1)
SCHEMES = (SALES, PRODUCTION, EXPORT)
_n = itertools.count(1)


def add_people(count: int, orders_each: int, supervisor) -> None:
    """``count`` merchandisers, each with a scheme and a full month of facts."""
    insubordination = rule(PRODUCTION, "insubordination")
    for i in range(count):
        n = next(_n)
        person = UserFactory(username=f"m{n}", roles=["merchandiser"])
        code = SCHEMES[i % 3]
        assign(person, code)
        for k in range(orders_each):
            day = 1 + (k % 25)
            order = make_order(
                person,
                contract=D(2026, 9, 15),
                total="12345.67",
                fully_shipped_at=at(2026, 9, day),
                ship_dates=(D(2026, 9, day),),
                declarations=True,
            )
            make_incident(
                order, at(2026, 9, day, 8), at(2026, 9, day, 20), loss="10.00", responsible=person
            )
            make_case(order, at(2026, 9, day, 9), at(2026, 9, day, 10))
            ProductionOrder.objects.create(
                number=f"QPO-{n}-{k}",
                order=order,
                revision=1,
                issued_by=person,
                issued_at=at(2026, 8, 1),
                factory="F",
                planned_start=D(2026, 8, 1),
                planned_finish=D(2026, 8, 30),
                quantity=10,
                processing_fee=Decimal("1000.00"),
                status="completed",
                completed_at=at(2026, 9, day),
            )
            ShipmentFault.objects.create(
                shipment=order.shipments.first(),
                person=person,
                period=SEPT,
                kind="late_shipment",
                note="x",
                created_by=supervisor,
            )
        PenaltyRecord.objects.create(
            person=person,
            period=SEPT,
            rule=insubordination,
            occurred_on=D(2026, 9, 3),
            amount=Decimal("100.00"),
            note="x",
            created_by=supervisor,
        )
        PayAdjustment.objects.create(
            person=person, period=SEPT, overtime_hours=Decimal("5"), entered_by=supervisor
        )


def count_queries(supervisor) -> tuple[int, int]:
    """Queries of the month's first computation and of a rerun."""
    # A fresh user each time: roles are cached per instance for a request.
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    Assessment.objects.filter(period=SEPT).delete()
    with CaptureQueriesContext(connection) as first:
        services.assessment_compute_month(actor=supervisor, period=SEPT)
    with CaptureQueriesContext(connection) as rerun:
        services.assessment_compute_month(actor=supervisor, period=SEPT)
    return len(first), len(rerun)


def test_the_computation_makes_as_many_queries_for_30_people_as_for_3(db):
    supervisor = UserFactory(username="boss", roles=["supervisor"])
    add_people(3, 2, supervisor)
    small = count_queries(supervisor)
    assert Assessment.objects.filter(period=SEPT).count() == 3

    add_people(27, 4, supervisor)  # ten times the people, twice the orders each
    large = count_queries(supervisor)

    assert Assessment.objects.filter(period=SEPT).count() == 30
    assert PayStatement.objects.filter(assessment__period=SEPT).count() == 30
    assert large == small, (small, large)
    assert small[0] < 40, small
    # And the figures are there: every statement has its lines.
    statement = PayStatement.objects.filter(scheme__code=SALES).first()
    assert statement.lines.filter(kind="commission").get().detail["orders"]


def test_each_pay_fact_is_read_for_the_people_whose_scheme_prices_it(db):
    """The orders a commission counts and the declarations of the declaration bonus are
    read for the people paid by them only; without the schemes, for everyone."""
    supervisor = UserFactory(username="boss", roles=["supervisor"])
    add_people(3, 1, supervisor)  # one on each preset scheme
    by_scheme = {a.scheme.code: a.person for a in PaySchemeAssignment.objects.all()}
    seller, declarer = by_scheme[SALES], by_scheme[EXPORT]
    ids = [seller.pk, declarer.pk]
    assignments = selectors.scheme_assignments(ids, D(2026, 9, 30))
    components = {pk: list(a.scheme.components.all()) for pk, a in assignments.items()}

    priced = selectors.pay_facts(ids, SEPT, components=components)
    assert len(priced[seller.pk].shipped_orders) == 1
    assert not priced[seller.pk].declarations and not priced[seller.pk].month_declarations
    assert priced[declarer.pk].shipped_orders == []
    assert priced[declarer.pk].declarations == {9: (0, 1)}  # its one shipment is faulted
    assert priced[declarer.pk].faults == {9: 1}

    everything = selectors.pay_facts(ids, SEPT)
    assert len(everything[declarer.pk].shipped_orders) == 1
    assert everything[seller.pk].declarations == {9: (0, 1)}
    # The penalties, hours and losses every scheme may price are read for everyone.
    for facts in (priced, everything):
        assert all(len(facts[pk].penalties) == 1 and facts[pk].adjustment for pk in ids)
