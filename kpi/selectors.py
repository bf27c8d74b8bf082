"""Reads for the KPI: the month's facts in set-based queries, scoped lists,
the workflow's deadlines and who holds which step.

The monthly computation reads everything it needs for all people at once with
aggregates and conditional counts: its number of queries does not depend on the
number of people, orders or shipments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from gendan import policy, workdays
from gendan.models import User
from gendan.roles import Role
from orders.models import INCOMING_KINDS, Order, PaymentReceipt
from orders.states import OrderStatus
from production.models import Incident, ProductionOrder, ProductionOrderStatus
from samples.selectors import missing_samples_for
from shipping.models import GONE_SHIPMENT_STATUSES, AfterSalesCase, AfterSalesKind, Shipment

from . import periods
from .models import (
    Assessment,
    AssessmentTemplate,
    CommissionBasis,
    ComponentKind,
    PayAdjustment,
    PayComponent,
    PayScheme,
    PaySchemeAssignment,
    PayStatement,
    PenaltyRecord,
    PenaltyRule,
    ShipmentFault,
)
from .states import AssessmentStatus

A = AssessmentStatus
Row = TypeVar("Row")

# --------------------------------------------------------------------------
# People, templates, schemes
# --------------------------------------------------------------------------


def users_in_role(role: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=role).distinct()


def merchandiser_ids() -> list[int]:
    """The department: every active merchandiser."""
    return list(users_in_role(Role.MERCHANDISER).order_by("pk").values_list("pk", flat=True))


def default_template() -> AssessmentTemplate:
    """The default template (20/10/10/10, 48 h / 72 h), created if an admin removed it."""
    template = AssessmentTemplate.objects.filter(is_default=True).first()
    if template is None:
        template, _ = AssessmentTemplate.objects.get_or_create(
            name="默认考核模板", defaults={"is_default": True}
        )
    return template


def scheme_assignments(person_ids: Iterable[int], on: dt.date) -> dict[int, PaySchemeAssignment]:
    """{person: the assignment in force on ``on``}, schemes with their components,
    rules and brackets (a fixed number of queries)."""
    rows = (
        PaySchemeAssignment.objects.filter(person_id__in=list(person_ids), effective_from__lte=on)
        .select_related("scheme", "scheme__assessment_template")
        .prefetch_related(
            "scheme__components",
            Prefetch(
                "scheme__penalty_rules",
                queryset=PenaltyRule.objects.prefetch_related("brackets"),
            ),
        )
        .order_by("person_id", "-effective_from")
    )
    result: dict[int, PaySchemeAssignment] = {}
    for row in rows:
        result.setdefault(row.person_id, row)
    return result


def scheme_for(person_id: int, period: dt.date) -> PayScheme | None:
    assignment = (
        PaySchemeAssignment.objects.filter(
            person_id=person_id, effective_from__lte=periods.last_day(period)
        )
        .select_related("scheme")
        .order_by("-effective_from")
        .first()
    )
    return assignment.scheme if assignment else None


# --------------------------------------------------------------------------
# The four metrics, for everyone at once
# --------------------------------------------------------------------------


def _rows_for(
    person_ids: Iterable[int], row: Callable[[], Row]
) -> tuple[list[int], dict[int, Row]]:
    """The people's ids and an empty ``row()`` for each: every person given has a row,
    whether or not the month's grouped queries then find anything of theirs."""
    ids = list(person_ids)
    return ids, {pk: row() for pk in ids}


@dataclass
class MetricCounts:
    shipped: int = 0  # orders fully shipped in M
    on_time: int = 0  # of which the last shipment left by the contract delivery date
    due: int = 0  # orders whose contract delivery date falls in M
    completed: int = 0  # of which fully shipped by the end of M
    complaints: int = 0  # complaint-type after-sales cases received in M
    resolution_total: int = 0  # items resolved in M or open past their limit at its end
    resolved_in_time: int = 0  # of which resolved within their limit


def metric_counts(
    person_ids: Iterable[int], period: dt.date, template: AssessmentTemplate
) -> dict[int, MetricCounts]:
    """The raw counts of §1 for each person's own orders: three grouped queries."""
    ids, counts = _rows_for(person_ids, MetricCounts)
    if not ids:
        return counts
    start, end, first, last = periods.month(period)

    shipped_in_m = Q(fully_shipped_at__gte=start, fully_shipped_at__lt=end)
    due_in_m = Q(contract_delivery_date__range=(first, last))
    # "Last shipment on or before the contract date" = no shipment left after it.
    late = Shipment.objects.filter(
        order_id=OuterRef("pk"),
        status__in=GONE_SHIPMENT_STATUSES,
        actual_ship_date__gt=OuterRef("contract_delivery_date"),
    )
    orders = (
        Order.objects.filter(owner_id__in=ids)
        .exclude(status=OrderStatus.CANCELLED)
        .filter(shipped_in_m | due_in_m)
        .values("owner_id")
        .annotate(
            shipped=Count("pk", filter=shipped_in_m),
            on_time=Count("pk", filter=shipped_in_m & ~Q(Exists(late))),
            due=Count("pk", filter=due_in_m),
            completed=Count("pk", filter=due_in_m & Q(fully_shipped_at__lt=end)),
        )
        .order_by()
    )
    for row in orders:
        c = counts[row["owner_id"]]
        c.shipped, c.on_time, c.due, c.completed = (
            row["shipped"],
            row["on_time"],
            row["due"],
            row["completed"],
        )

    for model, opened, limit_hours, extra in (
        (AfterSalesCase, "received_at", template.after_sales_limit_hours, True),
        (Incident, "opened_at", template.incident_limit_hours, False),
    ):
        limit = dt.timedelta(hours=limit_hours)
        resolved_in_m = Q(resolved_at__gte=start, resolved_at__lt=end)
        open_past_limit = Q(**{f"{opened}__lt": end - limit}) & (
            Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)
        )
        in_time = resolved_in_m & Q(resolved_at__lte=F(opened) + limit)
        aggregates = {
            "total": Count("pk", filter=resolved_in_m | open_past_limit),
            "in_time": Count("pk", filter=in_time),
        }
        relevant = resolved_in_m | open_past_limit
        if extra:
            complaint = Q(
                kind=AfterSalesKind.COMPLAINT, received_at__gte=start, received_at__lt=end
            )
            aggregates["complaints"] = Count("pk", filter=complaint)
            relevant |= complaint
        rows = (
            model.objects.filter(order__owner_id__in=ids)
            .filter(relevant)
            .values("order__owner_id")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            c = counts[row["order__owner_id"]]
            c.resolution_total += row["total"]
            c.resolved_in_time += row["in_time"]
            c.complaints += row.get("complaints", 0)
    return counts


# --------------------------------------------------------------------------
# The facts pay is computed from, for everyone at once
# --------------------------------------------------------------------------


@dataclass
class PayFacts:
    shipped_orders: list[tuple[str, Decimal]] = field(default_factory=list)  # (number, total)
    paid_orders: list[tuple[str, Decimal]] = field(default_factory=list)
    production_orders: list[tuple[str, str, Decimal]] = field(default_factory=list)
    declarations: dict[int, tuple[int, int]] = field(default_factory=dict)  # month: (eligible, n)
    faults: dict[int, int] = field(default_factory=dict)  # month -> faults
    month_declarations: list[dict] = field(default_factory=list)  # this month's, for the line
    penalties: list[PenaltyRecord] = field(default_factory=list)
    adjustment: PayAdjustment | None = None
    incident_losses: list[tuple[int, str, Decimal]] = field(default_factory=list)
    working_days: int = 0


def pay_facts(
    person_ids: Iterable[int],
    period: dt.date,
    *,
    components: Mapping[int, Iterable[PayComponent]] | None = None,
) -> dict[int, PayFacts]:
    """Everything a month's pay depends on, per person, in a fixed number of queries.

    ``components``: each person's enabled pay components. A fact only one kind of
    component prices (the orders a commission counts, the production orders of the
    processing-fee pay, the year's declarations and faults of the declaration bonus)
    is read only for the people whose scheme has that component (each preset scheme
    has one of the three): these are the queries that join a month's or a year's rows
    with a million orders. None: every fact of everyone."""
    ids, facts = _rows_for(person_ids, PayFacts)
    if not ids:
        return facts
    start, end, first, last = periods.month(period)

    def who(test: Callable[[PayComponent], bool]) -> list[int]:
        """The people with a component that passes ``test`` (everyone without components)."""
        if components is None:
            return ids
        return [pk for pk in ids if any(test(c) for c in components.get(pk, ()))]

    commission = ComponentKind.COMMISSION
    shipped_basis = who(lambda c: c.kind == commission and c.basis != CommissionBasis.FULLY_PAID)
    paid_basis = who(lambda c: c.kind == commission and c.basis == CommissionBasis.FULLY_PAID)
    processing = who(lambda c: c.kind == ComponentKind.PROCESSING_FEE)
    declaring = who(lambda c: c.kind == ComponentKind.DECLARATION_BONUS)

    for owner, number, total in (
        Order.objects.filter(
            owner_id__in=shipped_basis, fully_shipped_at__gte=start, fully_shipped_at__lt=end
        )
        .order_by("number")
        .values_list("owner_id", "number", "total_amount")
    ):
        facts[owner].shipped_orders.append((number, total))

    if paid_basis:
        # Fully paid in M: the receipts now cover the total and the last one came in M,
        # that is one came in M and none after it. Found from M's receipts (a month's,
        # by date), not by reading every paid order's receipts.
        incoming = PaymentReceipt.objects.filter(
            payment__order_id=OuterRef("pk"), payment__kind__in=INCOMING_KINDS
        )
        for owner, number, total in (
            Order.objects.filter(
                owner_id__in=paid_basis,
                total_amount__gt=0,
                amount_received__gte=F("total_amount"),
            )
            .exclude(status=OrderStatus.CANCELLED)
            .filter(Exists(incoming.filter(received_on__range=(first, last))))
            .exclude(Exists(incoming.filter(received_on__gt=last)))
            .order_by("number")
            .values_list("owner_id", "number", "total_amount")
        ):
            facts[owner].paid_orders.append((number, total))

    for owner, number, order_number, fee in (
        ProductionOrder.objects.filter(
            order__owner_id__in=processing,
            status=ProductionOrderStatus.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .order_by("number")
        .values_list("order__owner_id", "number", "order__number", "processing_fee")
    ):
        facts[owner].production_orders.append((number, order_number, fee))

    # Declarations of the year so far, by month: how many earn, and how many in all.
    # A year of shipments (a quarter of a million at a million orders): what makes one
    # ineligible is tested without a subquery per shipment where it can be. A fault:
    # the faulted shipments are few, hashed once. Probation: only for the people who
    # were on probation this year (none, most months), tested for their shipments only.
    year_start = dt.date(period.year, 1, 1)
    faulted = ShipmentFault.objects.filter(shipment_id=OuterRef("pk"))
    on_probation = PaySchemeAssignment.objects.filter(
        person_id=OuterRef("order__owner_id"),
        effective_from__lte=OuterRef("actual_ship_date"),
        probation_until__gte=OuterRef("actual_ship_date"),
    )
    probationers = set(
        PaySchemeAssignment.objects.filter(
            person_id__in=declaring, effective_from__lte=last, probation_until__gte=year_start
        ).values_list("person_id", flat=True)
    )
    eligible = ~Q(pk__in=ShipmentFault.objects.values("shipment_id"))
    if probationers:
        eligible &= ~Q(order__owner_id__in=sorted(probationers)) | ~Q(Exists(on_probation))
    declared = Shipment.objects.filter(
        order__owner_id__in=declaring,
        status__in=GONE_SHIPMENT_STATUSES,
        actual_ship_date__range=(year_start, last),
    ).exclude(customs_declaration_number="")
    for row in (
        declared.annotate(month=ExtractMonth("actual_ship_date"))
        .values("order__owner_id", "month")
        .annotate(n=Count("pk"), eligible=Count("pk", filter=eligible))
        .order_by()
    ):
        facts[row["order__owner_id"]].declarations[row["month"]] = (row["eligible"], row["n"])
    for row in (
        declared.filter(actual_ship_date__gte=first)
        .annotate(
            faulted=Exists(faulted),
            # Nobody on probation this year: no subquery per shipment to say so.
            on_probation=Exists(on_probation) if probationers else Value(False, BooleanField()),
        )
        .order_by("actual_ship_date", "pk")
        .values(
            "order__owner_id",
            "number",
            "customs_declaration_number",
            "actual_ship_date",
            "faulted",
            "on_probation",
        )
    ):
        facts[row.pop("order__owner_id")].month_declarations.append(row)
    for row in (
        ShipmentFault.objects.filter(person_id__in=declaring, period__range=(year_start, period))
        .values("person_id", "period")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        facts[row["person_id"]].faults[row["period"].month] = row["n"]

    penalties = list(
        PenaltyRecord.objects.filter(person_id__in=ids, period=period)
        .select_related("rule", "order", "shipment")
        .order_by("occurred_on", "pk")
    )
    for record in penalties:
        facts[record.person_id].penalties.append(record)
    for adjustment in PayAdjustment.objects.filter(person_id__in=ids, period=period):
        facts[adjustment.person_id].adjustment = adjustment
    # Company loss the person caused: incidents they are responsible for, opened in M,
    # unless a penalty record already carries that loss.
    for responsible, pk, order_number, loss in (
        Incident.objects.filter(
            responsible_id__in=ids, opened_at__gte=start, opened_at__lt=end, loss_amount__gt=0
        )
        .exclude(pk__in=[r.incident_id for r in penalties if r.incident_id])
        .order_by("opened_at", "pk")
        .values_list("responsible_id", "pk", "order__number", "loss_amount")
    ):
        facts[responsible].incident_losses.append((pk, order_number, loss))

    working_days = workdays.working_days_between(first - dt.timedelta(days=1), last)
    for f in facts.values():
        f.working_days = working_days
    return facts


# --------------------------------------------------------------------------
# Scoped lists
# --------------------------------------------------------------------------


def assessment_list_visible_to(user: User, action: str = "assessment.view") -> QuerySet[Assessment]:
    return policy.person_scope(
        user, Assessment.objects.select_related("person", "template"), action
    ).order_by("-period", "person__username")


def assessment_get_visible(user: User, assessment_id: int) -> Assessment | None:
    return assessment_list_visible_to(user).filter(pk=assessment_id).first()


def assessment_list_to_answer(user: User) -> QuerySet[Assessment]:
    """The user's own assessments sent to them and waiting for their confirmation or
    dispute (My work), oldest month first."""
    if not policy.can(user, "assessment.confirm"):
        return Assessment.objects.none()
    return Assessment.objects.filter(person=user, status=A.SENT).order_by("period", "pk")


def department_month(period: dt.date) -> QuerySet[Assessment]:
    """Every assessment of a month with its statement, for the supervisor's page."""
    return (
        Assessment.objects.filter(period=period)
        .select_related("person", "pay_statement")
        .order_by("person__username")
    )


def assessment_period_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The months the KPI pages may show: from the first month with an assessment (or
    last month, if none is earlier) to this month (or a later one with data), within
    the horizon. The pages' previous/next links stay inside it, so they end."""
    current = periods.month_of(today or timezone.localdate())
    extremes = Assessment.objects.aggregate(first=Min("period"), last=Max("period"))
    first = min(extremes["first"] or current, periods.previous_period(current))
    last = max(extremes["last"] or current, current)
    low, high = periods.horizon()
    return max(first, low), min(last, high)


def pay_statement_list_visible_to(user: User) -> QuerySet[PayStatement]:
    return policy.person_scope(
        user,
        PayStatement.objects.select_related("assessment", "assessment__person", "scheme"),
        "pay.view",
        person_path="assessment__person",
    ).order_by("-assessment__period", "assessment__person__username")


def pay_statements_of_month(period: dt.date, statuses=None) -> QuerySet[PayStatement]:
    qs = PayStatement.objects.filter(assessment__period=period)
    if statuses is not None:
        qs = qs.filter(assessment__status__in=statuses)
    return (
        qs.select_related("assessment", "assessment__person", "scheme")
        .prefetch_related("lines")
        .order_by("assessment__person__username", "pk")
    )


def missing_sample_penalties(assessment: Assessment) -> list[dict]:
    """The month's missing trial and sealed samples of the person's orders (issue 15), as
    penalty inputs for the supervisor to confirm: each with the scheme's rule of that
    code, unless a penalty under that rule is recorded for the order already."""
    scheme = scheme_for(assessment.person_id, assessment.period)
    rules = {r.code: r for r in scheme.penalty_rules.filter(is_active=True)} if scheme else {}
    recorded = set(
        PenaltyRecord.objects.filter(
            person_id=assessment.person_id, period=assessment.period
        ).values_list("rule__code", "order_id")
    )
    last = periods.last_day(assessment.period)
    return [
        {"missing": item, "rule": rules.get(item.rule_code)}
        for item in missing_samples_for(assessment.person_id, assessment.period, last)
        if (item.rule_code, item.production_order.order_id) not in recorded
    ]


def assessment_inputs(assessment: Assessment) -> dict:
    """The supervisor's inputs of the person's month: penalties, faults, hours, and the
    missing samples to confirm as penalties."""
    return {
        "missing_samples": missing_sample_penalties(assessment),
        "penalties": PenaltyRecord.objects.filter(
            person_id=assessment.person_id, period=assessment.period
        ).select_related("rule", "order", "shipment"),
        "faults": ShipmentFault.objects.filter(
            person_id=assessment.person_id, period=assessment.period
        ).select_related("shipment"),
        "adjustment": PayAdjustment.objects.filter(
            person_id=assessment.person_id, period=assessment.period
        ).first(),
        "shipments": Shipment.objects.filter(
            order__owner_id=assessment.person_id,
            status__in=GONE_SHIPMENT_STATUSES,
            actual_ship_date__range=(assessment.period, periods.last_day(assessment.period)),
        ).order_by("actual_ship_date", "pk"),
    }


# --------------------------------------------------------------------------
# The workflow's deadlines and who holds which step
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """Deadlines of month M's assessment, in working days of M+1 (§3), none later
    than the hard limit, the 10th of M+1."""

    compute: dt.date  # working day 1
    send: dt.date  # working day 2
    confirm: dt.date  # working day 3 (also the supervisor's re-confirmation)
    finalize: dt.date  # working day 4
    export: dt.date  # working day 5
    hard_limit: dt.date  # the 10th


def assessment_deadlines(period: dt.date) -> Deadlines:
    following = periods.next_period(period)
    hard_limit = following.replace(day=10)
    days = [
        min(workdays.nth_working_day_of_month(following.year, following.month, n), hard_limit)
        for n in range(1, 6)
    ]
    return Deadlines(*days, hard_limit=hard_limit)


@dataclass(frozen=True)
class StepDue:
    """A step of the workflow that ``user_id`` holds, due on ``due_on`` (overdue after)."""

    period: dt.date
    step: str  # compute | send | confirm | reconfirm | finalize | export
    user_id: int
    assessment_ids: tuple[int, ...]
    due_on: dt.date
    overdue: bool


# status -> the steps it waits for: (step, the deadline's name, who holds it:
# a role, or "person" for the assessed person). A sent assessment left unanswered
# past the confirmation deadline may be finalised by the supervisor as well.
STEPS_OF_STATUS = {
    A.DRAFT: [("send", "send", Role.SUPERVISOR)],
    A.SENT: [("confirm", "confirm", "person"), ("finalize", "finalize", Role.SUPERVISOR)],
    A.DISPUTED: [("reconfirm", "confirm", Role.SUPERVISOR)],
    A.CONFIRMED: [("finalize", "finalize", Role.SUPERVISOR)],
    A.FINALIZED: [("export", "export", Role.FINANCE)],
}


def assessment_steps_due(today: dt.date, *, months_back: int = 12) -> list[StepDue]:
    """Who holds which step of the monthly workflow that is due today or overdue.

    For each month up to the one just ended (within ``months_back``) whose
    assessments are not all exported: a missing computation (supervisors, from
    working day 1), drafts to send (supervisors), assessments to confirm or
    dispute (the person), disputed ones to re-confirm and confirmed ones to
    finalise (supervisors), finalised ones to export (finance). A step is listed
    once its deadline has come (``overdue`` once it has passed). For the
    assessment_due alert rule.
    """
    current = periods.previous_period(periods.month_of(today))
    oldest = current
    for _ in range(months_back - 1):
        oldest = periods.previous_period(oldest)
    open_rows = list(
        Assessment.objects.filter(period__range=(oldest, current))
        .exclude(status=A.EXPORTED)
        .order_by("period", "pk")
        .values_list("period", "pk", "person_id", "status")
    )
    by_period: dict[dt.date, list[tuple[int, int, str]]] = defaultdict(list)
    for period, pk, person_id, status in open_rows:
        by_period[period].append((pk, person_id, status))
    holders = {
        Role.SUPERVISOR: list(
            users_in_role(Role.SUPERVISOR).order_by("pk").values_list("pk", flat=True)
        ),
        Role.FINANCE: list(users_in_role(Role.FINANCE).order_by("pk").values_list("pk", flat=True)),
    }

    result: list[StepDue] = []
    current_deadlines = assessment_deadlines(current)
    if current_deadlines.compute <= today:
        computed = set(
            Assessment.objects.filter(period=current).values_list("person_id", flat=True)
        )
        if set(merchandiser_ids()) - computed:
            for user_id in holders[Role.SUPERVISOR]:
                result.append(
                    StepDue(
                        current,
                        "compute",
                        user_id,
                        (),
                        current_deadlines.compute,
                        current_deadlines.compute < today,
                    )
                )

    for period in sorted(by_period):
        deadlines = current_deadlines if period == current else assessment_deadlines(period)
        grouped: dict[tuple[str, int], list[int]] = defaultdict(list)
        due_of: dict[str, dt.date] = {}
        for pk, person_id, status in by_period[period]:
            for step, deadline_name, holder in STEPS_OF_STATUS[status]:
                due_on = getattr(deadlines, deadline_name)
                if due_on > today:
                    continue
                due_of[step] = due_on
                users = [person_id] if holder == "person" else holders[holder]
                for user_id in users:
                    grouped[(step, user_id)].append(pk)
        for (step, user_id), ids in sorted(grouped.items()):
            due_on = due_of[step]
            result.append(StepDue(period, step, user_id, tuple(ids), due_on, due_on < today))
    return result
