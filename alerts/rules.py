"""The alert rules of product.md §4, each a selector that finds its cases in SQL.

A rule's selector returns a queryset of the rule's subject (an order, a
production order or a payment) with three annotations the sweep inserts
straight into ``Alert`` with one INSERT … SELECT: ``alert_order`` (the order the
alert is about), ``alert_escalated`` (the escalation roles are told too) and
``alert_data`` (a JSON object built by the database: what the message shows).
Nothing is loaded into Python and nothing is queried per order.

Boundaries (the day is the local date of the sweep, ``today``):

- delivery_due_soon: confirmed, not fully shipped, the contract delivery date
  exactly 7, 3 or 1 days away (AlertSettings.due_soon_days); escalated to the
  supervisors when the live production order is behind plan.
- delivery_overdue: confirmed, not fully shipped, contract delivery date before
  today; every day.
- production_behind_plan: in production, and as of yesterday (the last whole
  day of reports) the good quantity at the output stages is below the plan
  curve by more than behind_plan_percent of the planned quantity.
- delivery_at_risk: in production, contract delivery date today or later; with
  at least 2 reported days, the run-rate of the last run_rate_window_days days
  with output (good quantity at the output stages ÷ the calendar days they
  span) projects the day the rest is done, counted from the last of them; with
  fewer, the planned finish is the projection. Fires when projection plus
  packing_shipping_lead_days falls after the contract delivery date.
- progress_report_missing: in production, on a working day, and more than
  progress_missing_working_days working days since the last progress report
  (before the first: since the day before the planned start, or the day of
  issue if later).
- deposit_overdue: an open deposit request, deposit_overdue_days or more days
  after the request (local dates).
- balance_overdue: an open balance request after its due date (requested date
  + the customer's payment terms); escalated to the supervisors once it is
  balance_escalation_days or more days past due.

Cancelled, closed, shipped and delivered orders never alert: the order status
filters below leave them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject, Least, NullIf, TruncDate
from django.utils import timezone

from gendan import bounds, workdays
from gendan.roles import Role
from orders.models import Order, Payment, PaymentKind, PaymentStatus
from orders.states import NOT_FULLY_SHIPPED, OrderStatus
from planning.models import Material, Milestone, Plan
from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder, ProgressReport

from .expressions import (
    AddDays,
    DaysBetween,
    LeastOf,
    big,
    date_value,
    output_reports,
    planned_cumulative_by,
    produced_by,
    summed_good_quantity,
)
from .models import AlertRule, AlertSettings
from .plan_rules import (
    critical_path_slipped,
    material_late,
    milestone_due_soon,
    milestone_overdue,
    sealed_sample_missing,
)

S = OrderStatus
# Delivery dates are a promise once the customer confirmed the order.
DELIVERY_ALERT_STATUSES = sorted(NOT_FULLY_SHIPPED - {S.DRAFT})
OPEN_PAYMENT_STATUSES = (PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED)
# An open payment request of a cancelled order is voided; closed orders are paid.
ARCHIVED_STATUSES = (S.CANCELLED, S.CLOSED)
MAX_PROJECTION_DAYS = 3650


def start_of_day(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day`` (aware)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


# --------------------------------------------------------------------------
# Production orders
# --------------------------------------------------------------------------


def _production_order_data(**extra) -> JSONObject:
    """An alert's data about a production order: its order's number, its own, ``extra``."""
    return JSONObject(order_number=F("order__number"), production_order_number=F("number"), **extra)


def production_order_list_live() -> QuerySet[ProductionOrder]:
    """Production orders being worked on, of orders in production."""
    return ProductionOrder.objects.filter(
        status__in=ACTIVE_PRODUCTION_STATUSES, order__status=S.IN_PRODUCTION
    )


def production_order_list_behind_plan(*, on: dt.date, percent: int) -> QuerySet[ProductionOrder]:
    """Live production orders whose good output by ``on`` is short of the plan curve by
    more than ``percent`` % of the planned cumulative quantity; annotated
    ``planned`` and ``produced``."""
    return (
        production_order_list_live()
        .alias(planned=planned_cumulative_by(on), produced=produced_by(on))
        # Short by more than ``percent`` % of the plan, (planned − produced) × 100 >
        # planned × percent, written as planned × (100 − percent) > produced × 100:
        # PostgreSQL computes the plan curve anew wherever it is named, and here it is
        # named once. Output is never negative, so this also says something was planned.
        .alias(margin=big(F("planned")) * (100 - percent) - big(F("produced")) * 100)
        .filter(margin__gt=0)
    )


def production_behind_plan(today: dt.date, config: AlertSettings) -> QuerySet:
    on = today - dt.timedelta(days=1)
    return production_order_list_behind_plan(on=on, percent=config.behind_plan_percent).annotate(
        alert_order=F("order_id"),
        alert_escalated=Value(False),
        alert_data=_production_order_data(
            as_of=date_value(on), planned=F("planned"), produced=F("produced")
        ),
    )


def delivery_at_risk(today: dt.date, config: AlertSettings) -> QuerySet:
    window = config.run_rate_window_days
    lead = config.packing_shipping_lead_days
    with_output = output_reports(good_quantity__gt=0, date__lte=today)
    output_days = with_output.values("date").distinct().order_by("-date")
    return (
        production_order_list_live()
        .filter(order__contract_delivery_date__gte=today)
        .alias(
            last_day=Subquery(with_output.order_by("-date").values("date")[:1]),
            # The window: the last ``window`` days with output (all of them if fewer),
            # from the earliest of them.
            window_start=LeastOf(output_days[:window], "date", output_field=DateField()),
            produced=produced_by(today),
        )
        .alias(
            window_quantity=summed_good_quantity(
                with_output.filter(date__gte=OuterRef("window_start"))
            ),
            # At least 2 reported days: the pace is evidence; else the plan stands.
            on_evidence=flag(Q(window_start__lt=F("last_day"))),
            remaining=F("quantity") - F("produced"),
        )
        .filter(remaining__gt=0)
        .alias(
            # ceil(remaining ÷ (window quantity ÷ calendar days of the window)), at most
            # ten years: a pace slower than that is "not at this pace", not a date.
            days_needed=Least(
                (
                    big(F("remaining")) * (DaysBetween(F("last_day"), F("window_start")) + 1)
                    + F("window_quantity")
                    - 1
                )
                / NullIf(F("window_quantity"), 0),
                Value(MAX_PROJECTION_DAYS),
            ),
        )
        .alias(
            projected=Case(
                When(on_evidence=True, then=AddDays(F("last_day"), F("days_needed"))),
                default=F("planned_finish"),
                output_field=DateField(),
            )
        )
        .alias(days_late=DaysBetween(F("projected"), F("order__contract_delivery_date")) + lead)
        .filter(days_late__gt=0)
        .annotate(
            alert_order=F("order_id"),
            alert_escalated=Value(False),
            alert_data=_production_order_data(
                projected_date=F("projected"),
                contract_delivery_date=F("order__contract_delivery_date"),
                planned_finish=F("planned_finish"),
                lead_days=Value(lead),
                days_late=F("days_late"),
                remaining=F("remaining"),
                window_start=Case(When(on_evidence=True, then=F("window_start")), default=None),
                window_end=Case(When(on_evidence=True, then=F("last_day")), default=None),
                window_quantity=F("window_quantity"),
            ),
        )
    )


def progress_report_missing(today: dt.date, config: AlertSettings) -> QuerySet:
    days = config.progress_missing_working_days
    # "More than ``days`` working days since x" is "x before cutoff" (see workdays).
    cutoff = workdays.subtract_working_days(today, days)
    last_report = (
        ProgressReport.objects.filter(production_order=OuterRef("pk"))
        .order_by("-date")
        .values("date")[:1]
    )
    cases = (
        production_order_list_live()
        .alias(last_report=Subquery(last_report))
        .filter(
            Q(last_report__lt=cutoff)
            | Q(
                last_report__isnull=True,
                planned_start__lte=cutoff,
                issued_at__lt=start_of_day(cutoff),
            )
        )
        .annotate(
            alert_order=F("order_id"),
            alert_escalated=Value(False),
            alert_data=_production_order_data(
                last_report_date=F("last_report"), working_days=Value(days)
            ),
        )
    )
    # Nobody files or reads reports on a day off; the next working day's sweep tells.
    return cases if workdays.is_working_day(today) else cases.none()


# --------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------


def _delivery_alerts(dates: Q, *, escalated: Expression, **data) -> QuerySet[Order]:
    """The orders whose contract delivery date, a promise still to keep, meets ``dates``,
    as alerts with the order's number and date and ``data``."""
    return Order.objects.filter(dates, status__in=DELIVERY_ALERT_STATUSES).annotate(
        alert_order=F("pk"),
        alert_escalated=escalated,
        alert_data=JSONObject(
            order_number=F("number"), contract_delivery_date=F("contract_delivery_date"), **data
        ),
    )


def delivery_due_soon(today: dt.date, config: AlertSettings) -> QuerySet:
    # Held within the calendar: a setting saved before its days were bounded breaks nothing.
    dates = [bounds.shift(today, d) for d in config.due_soon_day_list]
    behind = production_order_list_behind_plan(
        on=today - dt.timedelta(days=1), percent=config.behind_plan_percent
    ).filter(order=OuterRef("pk"))
    return _delivery_alerts(
        Q(contract_delivery_date__in=dates),
        escalated=Exists(behind),
        days_left=DaysBetween(F("contract_delivery_date"), date_value(today)),
    )


def delivery_overdue(today: dt.date, config: AlertSettings) -> QuerySet:
    return _delivery_alerts(
        Q(contract_delivery_date__lt=today),
        escalated=Value(False),
        days_overdue=DaysBetween(date_value(today), F("contract_delivery_date")),
    )


# --------------------------------------------------------------------------
# Payments
# --------------------------------------------------------------------------


def _open_requests(kind: str) -> QuerySet[Payment]:
    return Payment.objects.filter(kind=kind, status__in=OPEN_PAYMENT_STATUSES).exclude(
        order__status__in=ARCHIVED_STATUSES
    )


def _payment_data(**extra) -> JSONObject:
    return JSONObject(
        order_number=F("order__number"),
        currency=F("order__currency"),
        amount_due=F("amount_due"),
        amount_received=F("amount_received"),
        **extra,
    )


def deposit_overdue(today: dt.date, config: AlertSettings) -> QuerySet:
    days = config.deposit_overdue_days
    # Requested on a local date at least ``days`` days ago.
    requested_before = start_of_day(today - dt.timedelta(days=days - 1))
    return (
        _open_requests(PaymentKind.DEPOSIT)
        .filter(requested_at__lt=requested_before)
        .annotate(
            alert_order=F("order_id"),
            alert_escalated=Value(False),
            alert_data=_payment_data(
                requested_on=TruncDate("requested_at"),
                days_since_request=DaysBetween(date_value(today), TruncDate("requested_at")),
            ),
        )
    )


def balance_overdue(today: dt.date, config: AlertSettings) -> QuerySet:
    escalate_on_or_before = today - dt.timedelta(days=config.balance_escalation_days)
    return (
        _open_requests(PaymentKind.BALANCE)
        .filter(due_date__lt=today)
        .annotate(
            alert_order=F("order_id"),
            alert_escalated=flag(Q(due_date__lte=escalate_on_or_before)),
            alert_data=_payment_data(
                due_date=F("due_date"),
                days_overdue=DaysBetween(date_value(today), F("due_date")),
            ),
        )
    )


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule: its subject, its selector, who is told besides the order's owner.

    ``owner_digest``: the owner too gets the rule's alerts in the daily digest (counted
    by rule, with a link to the day's list) rather than one by one, for a rule whose
    cases come by the thousand a day at scale and are read best as a list: one others
    act on first (behind plan: production acts, and the owner hears of it one by one
    when delivery is at risk; a missing daily report: production files them), or a
    heads-up before anything is late (a milestone due soon: the owner hears of it one
    by one once it is overdue). At a million orders, one by one, they alone gave a
    merchandiser hundreds of inbox items a day."""

    name: str
    subject: type[Model]
    cases: Callable[[dt.date, AlertSettings], QuerySet]
    roles: tuple[str, ...]
    escalation_roles: tuple[str, ...] = ()
    owner_digest: bool = False


R = AlertRule
RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(R.DELIVERY_DUE_SOON, Order, delivery_due_soon, (), (Role.SUPERVISOR,)),
        Rule(R.DELIVERY_OVERDUE, Order, delivery_overdue, (Role.SUPERVISOR,)),
        Rule(
            R.PRODUCTION_BEHIND_PLAN,
            ProductionOrder,
            production_behind_plan,
            (Role.PRODUCTION,),
            owner_digest=True,
        ),
        Rule(R.DELIVERY_AT_RISK, ProductionOrder, delivery_at_risk, (Role.SUPERVISOR,)),
        Rule(
            R.PROGRESS_REPORT_MISSING,
            ProductionOrder,
            progress_report_missing,
            (Role.PRODUCTION,),
            owner_digest=True,
        ),
        Rule(R.DEPOSIT_OVERDUE, Payment, deposit_overdue, (Role.FINANCE,)),
        Rule(R.BALANCE_OVERDUE, Payment, balance_overdue, (Role.FINANCE,), (Role.SUPERVISOR,)),
        # The time-and-action plan, materials and samples (alerts/plan_rules.py).
        Rule(R.MILESTONE_DUE_SOON, Milestone, milestone_due_soon, (), owner_digest=True),
        Rule(R.MILESTONE_OVERDUE, Milestone, milestone_overdue, (Role.SUPERVISOR,)),
        Rule(R.CRITICAL_PATH_SLIPPED, Plan, critical_path_slipped, (), (Role.SUPERVISOR,)),
        Rule(R.MATERIAL_LATE, Material, material_late, (Role.PRODUCTION,)),
        Rule(R.SEALED_SAMPLE_MISSING, ProductionOrder, sealed_sample_missing, (Role.PRODUCTION,)),
    )
}
