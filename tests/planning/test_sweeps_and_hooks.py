"""The new sweeps each fire exactly once; the lifecycle fills milestones; production is
issued with materials missing only with a recorded warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertRule
from alerts.services import alert_sweep
from gendan.exceptions import GuardFailed
from orders.states import OrderStatus as S
from planning import services
from planning.models import Material, Plan, PlanEvent, PlanEventKind
from production import services as production_services
from samples import services as sample_services
from tests.factories import order_in_status, stage

pytestmark = pytest.mark.django_db(transaction=False)


def today():
    return timezone.localdate()


def sweep_twice(rule, day):
    first = alert_sweep(rule=rule, today=day)
    second = alert_sweep(rule=rule, today=day)
    assert second == []
    return first


def test_confirming_makes_the_plan_and_the_lifecycle_fills_its_milestones(cast):
    order = order_in_status(cast, S.PAID, days_to_delivery=120)
    actual = dict(Plan.objects.get(order=order).milestones.values_list("code", "actual_date"))
    assert actual["order_confirmed"] == today()
    assert actual["cutting_start"] == today()  # production issued
    assert actual["final_inspection"] == today()
    assert actual["payment_received"] == today()
    assert actual["ex_factory"] is None and actual["fit_sample"] is None


def test_milestone_due_soon_and_overdue_fire_once_per_forecast(cast):
    order = order_in_status(cast, S.CONFIRMED, days_to_delivery=120)
    plan = Plan.objects.get(order=order)
    lab_dip = plan.milestones.get(code="lab_dip")
    due = lab_dip.forecast_date
    # Within three working days: one alert, whichever day of the window sweeps first.
    soon = sweep_twice(AlertRule.MILESTONE_DUE_SOON, due)
    assert Alert.objects.get(pk__in=soon, object_id=lab_dip.pk).data["milestone"] == lab_dip.name
    assert alert_sweep(rule=AlertRule.MILESTONE_DUE_SOON, today=due - dt.timedelta(days=1)) == []
    # Overdue the day after, once.
    late = sweep_twice(AlertRule.MILESTONE_OVERDUE, due + dt.timedelta(days=1))
    assert lab_dip.pk in Alert.objects.filter(pk__in=late).values_list("object_id", flat=True)
    assert alert_sweep(rule=AlertRule.MILESTONE_OVERDUE, today=due + dt.timedelta(days=2)) == []
    alert = Alert.objects.get(rule=AlertRule.MILESTONE_OVERDUE, object_id=lab_dip.pk)
    assert set(alert.users.values_list("username", flat=True)) == {"merch", "boss"}
    # Done milestones never alert.
    services.milestone_complete(
        actor=cast.merchandiser, milestone_id=lab_dip.pk, actual_date=today()
    )
    assert not Alert.objects.filter(
        rule=AlertRule.MILESTONE_OVERDUE, object_id=lab_dip.pk, day__gt=due + dt.timedelta(days=2)
    ).exists()


def test_sealed_sample_missing_at_the_first_progress_beyond_cutting_fires_once(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    po = order.production_orders.get()
    kept = order_in_status(cast, S.IN_PRODUCTION)
    kept_po = kept.production_orders.get()
    for production_order in (po, kept_po):
        production_services.progress_report_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            date=today(),
            stage_id=stage("cutting").pk,
            good_quantity=100,
        )
    assert alert_sweep(rule=AlertRule.SEALED_SAMPLE_MISSING, today=today()) == []
    sample_services.production_sample_record(
        actor=cast.production, production_order_id=kept_po.pk, kind="sealed"
    )
    for production_order in (po, kept_po):
        production_services.progress_report_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            date=today(),
            stage_id=stage("sewing").pk,
            good_quantity=50,
        )
    created = sweep_twice(AlertRule.SEALED_SAMPLE_MISSING, today())
    assert list(Alert.objects.filter(pk__in=created).values_list("object_id", flat=True)) == [po.pk]
    assert (
        alert_sweep(rule=AlertRule.SEALED_SAMPLE_MISSING, today=today() + dt.timedelta(days=1))
        == []
    )
    alert = Alert.objects.get(pk=created[0])
    assert set(alert.users.values_list("username", flat=True)) == {"merch", "pmc"}


def test_production_is_issued_with_materials_missing_only_with_a_recorded_warning(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    services.material_create(
        actor=cast.merchandiser,
        order_id=order.pk,
        kind="fabric",
        name="牛津布",
        quantity="500",
        required_by=today() + dt.timedelta(days=3),
    )
    issue = {
        "actor": cast.merchandiser,
        "order_id": order.pk,
        "factory": "一车间",
        "planned_start": today(),
        "planned_finish": today() + dt.timedelta(days=20),
    }
    with pytest.raises(GuardFailed) as refused:
        production_services.production_order_issue(**issue)
    assert refused.value.code == "materials_missing"
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID and not order.production_orders.exists()
    production_services.production_order_issue(**issue, materials_warning="面料 3 天后到，先裁辅料")
    warning = PlanEvent.objects.get(order=order, kind=PlanEventKind.MATERIAL_WARNING)
    assert warning.note == "面料 3 天后到，先裁辅料" and warning.data["materials"] == ["牛津布"]


def test_the_quick_entry_offers_material_late_where_a_material_is_late(client, cast):
    late = order_in_status(cast, S.IN_PRODUCTION)
    on_time = order_in_status(cast, S.IN_PRODUCTION)
    for order in (late, on_time):
        services.material_create(
            actor=cast.merchandiser,
            order_id=order.pk,
            kind="fabric",
            name="面料",
            quantity="10",
            required_by=today(),
        )
    # A day later for the late one (a fixture shortcut: the date it was due).
    Material.objects.filter(order=late).update(required_by=today() - dt.timedelta(days=1))
    client.force_login(cast.production)
    page = client.get("/production/quick-entry/").content.decode()
    late_po, on_time_po = (o.production_orders.get().pk for o in (late, on_time))
    selected = '<option value="material_late" selected>'
    late_select = page.split(f'name="po{late_po}-variance_reason"')[1].split("</select>")[0]
    on_time_select = page.split(f'name="po{on_time_po}-variance_reason"')[1].split("</select>")[0]
    assert selected in late_select and selected not in on_time_select
