"""Job figures: the generator, every alert sweep and the monthly KPI computation.
Sweeps and the KPI month run in a transaction that is rolled back, so each is
timed as the day's (the month's) first run and the data stays as it was."""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone

from alerts.models import SWEPT_RULES, Alert, AlertRecipient, AlertRule
from alerts.services import alert_sweep
from gendan.models import ApiClient, User
from gendan.roles import Role
from kpi import periods
from kpi.models import (
    Assessment,
    AssessmentEvent,
    PayScheme,
    PaySchemeAssignment,
    PayStatement,
    PayStatementLine,
)
from kpi.selectors import merchandiser_ids
from kpi.services import assessment_compute_month, pay_scheme_assign
from notify.models import OutboxEvent
from notify.webhooks import webhook_subscribe
from orders.models import Order

from . import targets
from .harness import (
    Report,
    counting_queries,
    peak_megabytes,
    rolled_back,
    stopwatch,
    vacuum,
)

# Issue 14: at a million orders, nobody gets more than this many inbox items a day.
ALERTS_PER_PERSON_DAY = 50
PERSON_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.FINANCE, Role.PRODUCTION)
ROOT = Path(__file__).resolve().parent.parent


def generator(report: Report, *, orders: int, seed: int, merchandisers: int | None = None) -> None:
    """``manage.py generate_data --wipe``: the time it takes, its rate and its peak
    memory (a process of its own, as an operator runs it). ``merchandisers``: how
    many people share the orders (the generator's default when None)."""
    command = [sys.executable, "manage.py", "generate_data", "--orders", str(orders)]
    command += ["--seed", str(seed), "--wipe", "--plans", "--verbosity", "0"]
    if merchandisers:
        command += ["--merchandisers", str(merchandisers)]
    # The child's own peak (VmHWM), read while it runs: its ru_maxrss would count this
    # process's resident memory too, which Linux carries over the fork and the exec (the
    # bench held 260 MB where the generator itself peaked at 187 MB).
    peak = None
    with stopwatch() as seconds:
        child = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL)
        while child.poll() is None:
            # VmHWM only grows: the last reading is the peak (None once the child is gone).
            peak = peak_megabytes(child.pid) or peak
            time.sleep(0.2)
    if child.returncode != 0:
        raise RuntimeError(f"generate_data exited with {child.returncode}")
    # The target is set for a million orders; a smaller run is mostly fixed costs.
    target = targets.GENERATOR_SECONDS if orders >= 1_000_000 else None
    report.add("generator.seconds", seconds(), "s", target, note=f"{orders:,} orders")
    report.add("generator.orders_per_second", orders / seconds(), "/s")
    if peak is not None:
        report.add(
            "memory.generator", peak, "MB", targets.PEAK_MEMORY_MB, note="peak resident (VmHWM)"
        )


def sweeps(report: Report, *, runs: int = 2) -> None:
    """Every alert rule's sweep for today: the slowest of ``runs`` first runs. Then,
    once more each, with an ERP webhook listening to every alert (``alert.*``): the
    sweep also writes each new alert's notice to the outbox (no target figure; the
    figures above are a department without one)."""
    rules = [rule for rule in SWEPT_RULES if rule != AlertRule.DAILY_DIGEST]
    # The daily digest counts the day's alerts: measured with them (alert_load).
    for rule in rules:
        times, created = [], 0
        for _run in range(runs):
            with rolled_back(), stopwatch() as seconds:
                created = len(alert_sweep(rule=rule))
            times.append(seconds())
        report.add(
            f"sweep.{rule}",
            max(times),
            "s",
            targets.SWEEP_SECONDS,
            note=f"{created:,} alerts",
        )
    announced = {}
    # A machine client (the bench's own, made for the list figures) subscribes.
    client = ApiClient.objects.filter(user__is_active=True).select_related("user").first()
    for rule in rules if client else []:
        with rolled_back():
            webhook_subscribe(
                actor=client.user, url="https://erp.example.com/gendan", event_types=["alert.*"]
            )
            with stopwatch() as seconds:
                alert_sweep(rule=rule)
            announced[rule] = seconds()
    if announced:
        slowest = max(announced, key=announced.get)
        note = f"{slowest}, alert.* webhook"
        report.add("sweep.announced.max", announced[slowest], "s", note=note)
    vacuum(Alert, AlertRecipient, OutboxEvent)


def _assign_schemes(actor: User, people: list[int], on: dt.date) -> None:
    """Every merchandiser under one of the preset pay schemes, in turn (as finance would)."""
    schemes = list(
        PayScheme.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for i, person_id in enumerate(people):
        pay_scheme_assign(
            actor=actor, person_id=person_id, scheme_id=schemes[i % len(schemes)], effective_from=on
        )


def kpi_month(report: Report, *, finance: User) -> None:
    """The monthly computation (what the WD1 task runs) for last month, every
    merchandiser of the department on a pay scheme."""
    today = timezone.localdate()
    period = periods.month_of(today.replace(day=1) - dt.timedelta(days=1))
    people = merchandiser_ids()
    with rolled_back():
        _assign_schemes(finance, people, period)
        shipped = Order.objects.filter(
            owner_id__in=people,
            fully_shipped_at__date__gte=period,
            fully_shipped_at__date__lte=periods.last_day(period),
        ).count()
        with counting_queries() as queries, stopwatch() as seconds:
            rows = assessment_compute_month(actor=None, period=period)
        statements = PayStatement.objects.filter(assessment__in=rows).count()
        scored = Assessment.objects.filter(pk__in=[r.pk for r in rows], performance__isnull=False)
        note = (
            f"{len(rows)} people, {shipped:,} orders shipped in {period:%Y-%m}, "
            f"{scored.count()} scored, {statements} pay statements"
        )
    vacuum(Assessment, AssessmentEvent, PaySchemeAssignment, PayStatement, PayStatementLine)
    target = targets.kpi_month_seconds(len(people))
    report.add("kpi.month.seconds", seconds(), "s", target, note=note)
    report.add("kpi.month.queries", queries(), "queries")


def alert_load(report: Report, *, days: int = 3) -> None:
    """Alerts per person per day: every rule swept, then the daily digest, on ``days``
    consecutive days ending today, in a transaction rolled back. An inbox item is an
    alert in a person's inbox that came to them directly (not by role: those are
    counted once, in their digest), new that day. Over every active person of the
    four roles (zeros included): the maximum and the median of each day after the
    first (the first day starts from an empty alert table, so every condition is new
    then: printed apart), and what the old rule (an alert a day per rule and object
    while it lasts, to the owner and every member of the rule's roles) would have
    given on those days."""
    today = timezone.localdate()
    people = list(
        User.objects.filter(is_active=True, groups__name__in=PERSON_ROLES)
        .distinct()
        .values_list("pk", flat=True)
    )
    if not people:
        return
    rules = [rule for rule in SWEPT_RULES if rule != AlertRule.DAILY_DIGEST]
    new: dict[dt.date, Counter] = {}
    old: dict[dt.date, Counter] = {}
    with rolled_back(), stopwatch() as seconds:
        for n in range(days - 1, -1, -1):
            day = today - dt.timedelta(days=n)
            for rule in [*rules, AlertRule.DAILY_DIGEST]:
                alert_sweep(rule=rule, today=day)
            new[day] = Counter(
                dict(
                    AlertRecipient.objects.filter(alert__day=day, digest=False)
                    .values_list("user_id")
                    .annotate(n=Count("id"))
                )
            )
            still_open = Q(alert__resolved_on__isnull=True) | Q(alert__resolved_on__gt=day)
            old[day] = Counter(
                dict(
                    AlertRecipient.objects.filter(still_open, alert__day__lte=day)
                    .exclude(alert__rule=AlertRule.DAILY_DIGEST)
                    .values_list("user_id")
                    .annotate(n=Count("id"))
                )
            )
    first, *steady = sorted(new)

    def figures(per_day: dict[dt.date, Counter], days_: list[dt.date]) -> list[int]:
        return [per_day[d][pk] for d in days_ for pk in people]

    note = f"{len(people)} people, {len(steady)} days"
    if steady:
        counts = figures(new, steady)
        report.add("alerts.per_person_day.max", max(counts), "items", ALERTS_PER_PERSON_DAY)
        report.add("alerts.per_person_day.median", statistics.median(counts), "items", note=note)
        before = figures(old, steady)
        report.add("alerts.per_person_day.old_rule.max", max(before), "items")
        report.add("alerts.per_person_day.old_rule.median", statistics.median(before), "items")
    first_day = figures(new, [first])
    report.add("alerts.per_person_day.first_day.max", max(first_day), "items")
    report.add("alerts.per_person_day.first_day.median", statistics.median(first_day), "items")
    report.add("alerts.per_person_day.seconds", seconds(), "s", note=f"{days} days swept")
    vacuum(Alert, AlertRecipient)
