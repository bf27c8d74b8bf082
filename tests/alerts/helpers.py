"""Helpers for the alert tests: a frozen local clock, sweeps, and who got what."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from production import services as production_services
from tests.factories import stage

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday without holidays (the Holiday table is empty unless a test fills it).
MONDAY = dt.date(2026, 3, 2)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@contextmanager
def on(day: dt.date, hour: int = 8):
    """The clock stands still at ``hour`` o'clock local time on ``day``."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        assert timezone.localdate() == day
        yield


def sweep_on(day: dt.date, rule: str, hour: int = 8) -> list[Alert]:
    """Run ``rule``'s sweep with the clock on ``day``; the alerts it raised."""
    with on(day, hour):
        ids = services.alert_sweep(rule=rule)
    return list(Alert.objects.filter(pk__in=ids).order_by("pk"))


def recipients(alert: Alert) -> set[str]:
    return set(alert.recipients.values_list("user__username", flat=True))


def report(cast, production_order, day: dt.date, good: int, stage_code: str = "packing"):
    """File a daily progress report for ``day`` (the clock stands on that day)."""
    with on(day, 18):
        return production_services.progress_report_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            date=day,
            stage_id=stage(stage_code).pk,
            good_quantity=good,
        )
