"""Reads of the alerts: the inbox (a user sees the alerts they are a recipient of, no
others) and the sweeps that should have run today."""

from __future__ import annotations

import datetime as dt
import json

from django.db import router
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from gendan.db import CompiledCount
from gendan.models import User

from .models import Alert, AlertRecipient, AlertRule, AlertSweepRun


def alert_list_for(
    user: User,
    *,
    unread: bool | None = None,
    acknowledged: bool | None = None,
    digest: bool | None = None,
) -> QuerySet[Alert]:
    """The alerts in ``user``'s inbox, newest first, each annotated with the user's own
    ``read_at`` and ``acknowledged_at``; ``unread``/``acknowledged`` narrow it, and
    ``digest=False`` leaves out those that came by role (counted in the daily digest)."""
    if user is None or not user.is_authenticated:
        return Alert.objects.none()
    alerts = (
        Alert.objects.annotate(
            mine=FilteredRelation("recipients", condition=Q(recipients__user=user))
        )
        .filter(mine__isnull=False)
        .annotate(read_at=F("mine__read_at"), acknowledged_at=F("mine__acknowledged_at"))
        .select_related("order")
        .order_by("-created_at", "-id")
    )
    if unread is not None:
        alerts = alerts.filter(mine__read_at__isnull=unread)
    if acknowledged is not None:
        alerts = alerts.filter(mine__acknowledged_at__isnull=not acknowledged)
    if digest is not None:
        alerts = alerts.filter(mine__digest=digest)
    return alerts


def alert_get_for(user: User, alert_id: int) -> Alert | None:
    """One alert of ``user``'s inbox (None when it is not theirs)."""
    return alert_list_for(user).filter(pk=alert_id).first()


# The user in the compiled count of unread alerts (an id no user has).
_USER = -(2**62) - 7
_unread_counts: dict[str, CompiledCount] = {}


def alert_unread_count_for(user: User) -> int:
    """How many alerts in ``user``'s inbox are unread (for the page header); those that
    came by role are counted by the daily digest instead. The count is compiled once
    per database (the menu shows it on every page)."""
    if user is None or not user.is_authenticated:
        return 0
    alias = router.db_for_read(AlertRecipient)
    count = _unread_counts.get(alias)
    if count is None:
        unread = AlertRecipient.objects.using(alias).filter(
            user_id=_USER, read_at__isnull=True, digest=False
        )
        count = _unread_counts[alias] = CompiledCount(unread, _USER)
    return count.count(user.pk)


def alert_sweep_rules_missed(*, task: str) -> list[str]:
    """The rules whose sweep was due today (local date) by an enabled beat schedule of
    ``task`` and that have no AlertSweepRun for today, in schedule-name order.

    "Due today": the schedule fired at least once between local midnight and now (a
    daily crontab whose time has passed, an interval that has elapsed)."""
    now = timezone.now()
    today = timezone.localdate(now)
    # One second before midnight: a schedule that fires at 00:00 fires "today".
    since = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    since -= dt.timedelta(seconds=1)
    ran = set(AlertSweepRun.objects.filter(day=today).values_list("rule", flat=True))
    schedules = (
        PeriodicTask.objects.filter(enabled=True, task=task)
        .select_related("crontab", "interval", "solar", "clocked")
        .order_by("name")
    )
    missed: list[str] = []
    for periodic in schedules:
        rule = _rule_of(periodic)
        if rule is None or rule in ran or rule in missed:
            continue
        if periodic.start_time and periodic.start_time > now:
            continue
        if periodic.schedule.is_due(since).is_due:
            missed.append(rule)
    return missed


def _rule_of(periodic: PeriodicTask) -> str | None:
    """The rule a beat schedule of the sweep task sweeps (its first argument or ``rule=``)."""
    try:
        args = json.loads(periodic.args or "[]")
        kwargs = json.loads(periodic.kwargs or "{}")
    except ValueError:
        return None
    rule = kwargs.get("rule", args[0] if args else None)
    return rule if rule in AlertRule.values else None
