"""The alert rules of the time-and-action plan, the materials and the sealed sample
(issue 15), set-based like those of ``rules``: each selector returns its subjects
annotated ``alert_order``, ``alert_escalated`` and ``alert_data``.

Exactly once: besides the (rule, day, object) uniqueness of every alert, each of
these rules fires once per episode, not every day: a case is left out when an alert
of the same rule already exists for the same object and the same date (the
milestone's forecast, the plan's projected delivery, the material's required-by
date). A new forecast is a new episode.

- milestone_due_soon: an open milestone of an order not closed or cancelled whose
  forecast falls within the template's ``due_soon_working_days`` working days from
  today (today included).
- milestone_overdue: an open milestone whose forecast is before today (and at most
  ``LOOK_BACK_DAYS`` ago).
- critical_path_slipped: a plan whose projected delivery date is after the
  contract delivery date, of an order not yet fully shipped.
- material_late: a material not all received whose required-by date is before
  today (so a material due on 10 March alerts on 11 March, not on the 10th), at
  most ``LOOK_BACK_DAYS`` ago.
- sealed_sample_missing: a live production order with progress reported beyond
  cutting and no correct first-article sealed sample (首件封样); once per
  production order.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, JSONObject

from gendan import workdays
from orders.states import NOT_FULLY_SHIPPED, OPEN
from planning.models import Material, Milestone, MilestoneTemplate, Plan
from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder
from samples.models import ProductionSampleKind
from samples.selectors import production_orders_missing_sample

from .models import Alert, AlertRule, AlertSettings

OPEN_ORDER_STATUSES = sorted(OPEN)
# How far back a lateness is looked for: a sweep missed for a few weeks still catches
# up, while the sweep reads only recent dates (the partial indexes on open milestones
# and materials), not three years of history. Older lateness is on the slipping view.
LOOK_BACK_DAYS = 30


def not_alerted(rule: str, model: type[Model], **same: str) -> Exists:
    """``~Exists``: no alert of ``rule`` yet for the row, with each data key of
    ``same`` equal to the row's field of that name (as text, as the JSON holds it)."""
    content_type = ContentType.objects.get_for_model(model)
    earlier = Alert.objects.filter(
        rule=rule, content_type=content_type, object_id=OuterRef("pk")
    ).annotate(**{f"k_{key}": KT(f"data__{key}") for key in same})
    earlier = earlier.filter(
        **{f"k_{key}": Cast(OuterRef(field), CharField()) for key, field in same.items()}
    )
    return ~Exists(earlier)


def _alerts(cases: QuerySet, order: str = "order", *, escalated: bool = False, **data):
    """``cases`` as alerts about their order (reached through ``order``) with ``data``."""
    return cases.annotate(
        alert_order=F(f"{order}_id"),
        alert_escalated=Value(escalated),
        alert_data=JSONObject(order_number=F(f"{order}__number"), **data),
    )


def _milestone_alerts(cases: QuerySet[Milestone]) -> QuerySet[Milestone]:
    return _alerts(
        cases,
        "plan__order",
        milestone=F("name"),
        planned_date=F("planned_date"),
        forecast_date=F("forecast_date"),
    )


def _open_milestones(rule: str) -> QuerySet[Milestone]:
    return Milestone.objects.filter(
        actual_date__isnull=True, plan__order__status__in=OPEN_ORDER_STATUSES
    ).filter(not_alerted(rule, Milestone, forecast_date="forecast_date"))


def milestone_due_soon(today: dt.date, config: AlertSettings) -> QuerySet:
    windows = Q(pk__in=[])
    for days in set(MilestoneTemplate.objects.values_list("due_soon_working_days", flat=True)):
        until = workdays.add_working_days(today, days)
        windows |= Q(
            plan__template__due_soon_working_days=days, forecast_date__range=(today, until)
        )
    return _milestone_alerts(_open_milestones(AlertRule.MILESTONE_DUE_SOON).filter(windows))


def milestone_overdue(today: dt.date, config: AlertSettings) -> QuerySet:
    return _milestone_alerts(
        _open_milestones(AlertRule.MILESTONE_OVERDUE).filter(
            forecast_date__lt=today, forecast_date__gte=today - dt.timedelta(days=LOOK_BACK_DAYS)
        )
    )


def critical_path_slipped(today: dt.date, config: AlertSettings) -> QuerySet:
    cases = Plan.objects.filter(
        projected_delivery_date__gt=F("contract_delivery_date"),
        order__status__in=sorted(NOT_FULLY_SHIPPED),
    ).filter(
        not_alerted(
            AlertRule.CRITICAL_PATH_SLIPPED,
            Plan,
            projected_delivery_date="projected_delivery_date",
        )
    )
    return _alerts(
        cases,
        escalated=True,
        contract_delivery_date=F("contract_delivery_date"),
        projected_delivery_date=F("projected_delivery_date"),
    )


def material_late(today: dt.date, config: AlertSettings) -> QuerySet:
    cases = Material.objects.filter(
        received_on__isnull=True,
        required_by__lt=today,
        required_by__gte=today - dt.timedelta(days=LOOK_BACK_DAYS),
        order__status__in=OPEN_ORDER_STATUSES,
    ).filter(not_alerted(AlertRule.MATERIAL_LATE, Material, required_by="required_by"))
    return _alerts(
        cases,
        material=F("name"),
        supplier=F("supplier"),
        required_by=F("required_by"),
        eta=F("eta"),
    )


def sealed_sample_missing(today: dt.date, config: AlertSettings) -> QuerySet:
    cases = (
        production_orders_missing_sample(ProductionSampleKind.SEALED)
        .filter(status__in=ACTIVE_PRODUCTION_STATUSES)
        .filter(not_alerted(AlertRule.SEALED_SAMPLE_MISSING, ProductionOrder))
    )
    return _alerts(cases, production_order_number=F("number"), first_report_date=F("first_beyond"))
