"""Issue 15, acceptance scenarios (b) and (c), written out by hand from a 2027 calendar.

The holiday calendar is set up by the test (the real 2027 one was not published when
this was written): New Year's Day Fri 1 Jan; Spring Festival Fri 5 – Fri 12 Feb off
with make-up working days Sun 31 Jan and Sat 20 Feb; Qingming Mon 5 Apr.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from alerts.models import Alert, AlertRule
from alerts.services import alert_sweep
from gendan.models import Holiday
from orders import services as order_services
from planning import services
from planning.models import Material, Plan
from tests.factories import create_order

D = dt.date
PLAN_SWEEPS = (
    AlertRule.MILESTONE_DUE_SOON,
    AlertRule.MILESTONE_OVERDUE,
    AlertRule.CRITICAL_PATH_SLIPPED,
    AlertRule.MATERIAL_LATE,
)

HOLIDAYS = [
    (D(2027, 1, 1), "元旦", False),
    *[(D(2027, 2, day), "春节", False) for day in (5, 6, 7, 8, 9, 10, 11, 12)],
    (D(2027, 1, 31), "春节调休", True),
    (D(2027, 2, 20), "春节调休", True),
    (D(2027, 4, 5), "清明节", False),
]

# The default garment-export template on a delivery of Wed 31 Mar 2027, counted by hand.
PLANNED = {
    "order_confirmed": D(2026, 12, 30),  # 60 working days back: 1 Jan off
    "lab_dip": D(2027, 1, 14),
    "fit_sample": D(2027, 1, 21),  # 45 back: Sun 31 Jan is a working day
    "pp_sample": D(2027, 2, 3),  # 35 back: 5–12 Feb off
    "materials_in_house": D(2027, 2, 18),  # 30 back: Sat 20 Feb is a working day
    "cutting_start": D(2027, 2, 24),
    "inline_inspection": D(2027, 3, 10),
    "final_inspection": D(2027, 3, 24),
    "ex_factory": D(2027, 3, 31),
    "documents_sent": D(2027, 4, 8),  # 5 after: Mon 5 Apr off
    "payment_received": D(2027, 4, 22),
}
# The fit sample approved 5 working days late (Thu 28 Jan): its dependants move by 5.
FORECAST_AFTER_SLIP = {
    **PLANNED,
    "order_confirmed": D(2026, 12, 1),  # done on the day the order was confirmed
    "fit_sample": D(2027, 1, 28),
    "pp_sample": D(2027, 2, 18),  # 4 Feb, then 15–18 Feb (5–14 Feb off)
    "cutting_start": D(2027, 3, 3),
    "inline_inspection": D(2027, 3, 17),
    "final_inspection": D(2027, 3, 31),
    "ex_factory": D(2027, 4, 8),  # 1, 2, 6, 7, 8 Apr (5 Apr off)
    "documents_sent": D(2027, 4, 15),
    "payment_received": D(2027, 4, 29),
}


def at(day: dt.date):
    return time_machine.travel(
        timezone.make_aware(dt.datetime.combine(day, dt.time(10))), tick=False
    )


@pytest.fixture
def calendar(db):
    Holiday.objects.bulk_create(
        Holiday(date=day, name=name, is_working_day=working) for day, name, working in HOLIDAYS
    )


def confirmed_order(cast, delivery: dt.date):
    order = create_order(cast)
    order_services.order_update_draft(
        actor=cast.merchandiser, order_id=order.pk, contract_delivery_date=delivery
    )
    return order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="email")


def dates(plan: Plan, field: str) -> dict[str, dt.date]:
    return dict(plan.milestones.values_list("code", field))


def test_b_milestones_on_working_days_and_a_late_fit_sample_moves_the_critical_path(cast, calendar):
    with at(D(2026, 12, 1)):
        order = confirmed_order(cast, D(2027, 3, 31))
    plan = Plan.objects.get(order=order)
    assert plan.template.code == "garment-export"
    assert dates(plan, "planned_date") == PLANNED
    assert plan.projected_delivery_date == D(2027, 3, 31)
    # Nothing is due yet: the plan's sweeps say nothing.
    for rule in PLAN_SWEEPS:
        assert alert_sweep(rule=rule, today=D(2026, 12, 1)) == [], rule

    with at(D(2027, 1, 28)):
        fit = plan.milestones.get(code="fit_sample")
        services.milestone_complete(
            actor=cast.merchandiser, milestone_id=fit.pk, actual_date=D(2027, 1, 28)
        )
        plan.refresh_from_db()
        assert dates(plan, "forecast_date") == FORECAST_AFTER_SLIP
        assert dates(plan, "planned_date") == PLANNED  # the plan itself stays
        assert plan.projected_delivery_date == D(2027, 4, 8)

        created = alert_sweep(rule=AlertRule.CRITICAL_PATH_SLIPPED, today=D(2027, 1, 28))
        assert alert_sweep(rule=AlertRule.CRITICAL_PATH_SLIPPED, today=D(2027, 1, 28)) == []
    assert alert_sweep(rule=AlertRule.CRITICAL_PATH_SLIPPED, today=D(2027, 1, 29)) == []
    alerts = Alert.objects.filter(rule=AlertRule.CRITICAL_PATH_SLIPPED)
    assert [a.pk for a in alerts] == created and len(created) == 1
    alert = alerts.get()
    assert alert.order_id == order.pk
    assert alert.data["projected_delivery_date"] == "2027-04-08"
    assert set(alert.users.values_list("username", flat=True)) == {"merch", "boss"}
    assert "2027-04-08" in alert.message and "2027-03-31" in alert.message


def test_b_a_new_contract_date_replans_and_keeps_what_is_done(cast, calendar):
    with at(D(2026, 12, 1)):
        order = confirmed_order(cast, D(2027, 3, 31))
        services.material_create(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind="fabric",
            name="全棉汗布",
            quantity="800",
        )
        order_services.order_amend(
            actor=cast.merchandiser,
            order_id=order.pk,
            lines=[{"description": "polo", "quantity": 1000, "unit_price": "10.00"}],
            confirmation_method="email",
            reason="customer moved the date",
            contract_delivery_date=D(2027, 4, 7),
        )
    plan = Plan.objects.get(order=order)
    planned = dates(plan, "planned_date")
    assert plan.contract_delivery_date == D(2027, 4, 7)
    assert planned["ex_factory"] == D(2027, 4, 7)
    assert planned["final_inspection"] == D(2027, 3, 30)  # 5 back over Qingming: 7,6,2,1,31
    assert planned["materials_in_house"] == D(2027, 2, 23)  # 30 back: the 30th is 24 Feb
    assert dates(plan, "actual_date")["order_confirmed"] == D(2026, 12, 1)
    # The material required by the plan's date follows it.
    assert Material.objects.get(order=order).required_by == D(2027, 2, 23)


def test_c_a_material_due_10_march_alerts_once_on_11_march(cast, calendar):
    with at(D(2026, 12, 1)):
        order = confirmed_order(cast, D(2027, 3, 31))
        material = services.material_create(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind="trim",
            name="YKK 拉链",
            quantity="1000",
            unit="pcs",
            supplier="YKK",
            required_by=D(2027, 3, 10),
        )
    with at(D(2027, 3, 10)):
        services.material_receive(
            actor=cast.merchandiser, material_id=material.pk, received_quantity="400"
        )
    assert alert_sweep(rule=AlertRule.MATERIAL_LATE, today=D(2027, 3, 10)) == []
    created = alert_sweep(rule=AlertRule.MATERIAL_LATE, today=D(2027, 3, 11))
    assert len(created) == 1
    assert alert_sweep(rule=AlertRule.MATERIAL_LATE, today=D(2027, 3, 11)) == []
    assert alert_sweep(rule=AlertRule.MATERIAL_LATE, today=D(2027, 3, 12)) == []
    alert = Alert.objects.get(rule=AlertRule.MATERIAL_LATE)
    assert alert.day == D(2027, 3, 11) and alert.object_id == material.pk
    # The owner and production are told.
    assert set(alert.users.values_list("username", flat=True)) == {"merch", "pmc"}
    assert "YKK 拉链" in alert.message


def test_c_a_material_received_in_time_never_alerts(cast, calendar):
    with at(D(2026, 12, 1)):
        order = confirmed_order(cast, D(2027, 3, 31))
        material = services.material_create(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind="trim",
            name="纽扣",
            quantity="100",
            required_by=D(2027, 3, 10),
        )
    with at(D(2027, 3, 9)):
        services.material_receive(
            actor=cast.merchandiser, material_id=material.pk, received_quantity="100"
        )
    assert alert_sweep(rule=AlertRule.MATERIAL_LATE, today=D(2027, 3, 11)) == []
