"""Scheduled work of the KPI: the drafts of the month just ended, on working day 1."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from gendan import workdays

from . import periods, services
from .states import OPEN

logger = logging.getLogger(__name__)


def is_first_working_day(day: dt.date) -> bool:
    return (
        workdays.is_working_day(day)
        and workdays.nth_working_day_of_month(day.year, day.month, 1) == day
    )


# About 10 s for 300 people (bench/README.md); the broker's visibility timeout
# (CELERY_VISIBILITY_TIMEOUT) must stay above the hard limit.
@shared_task(soft_time_limit=300, time_limit=360)
def assessment_compute_month_task(period: str | None = None) -> int:
    """Compute every merchandiser's draft assessment and pay for the month just ended.

    Beat runs it every morning; it works only on the month's first working day
    (from the admin-edited holiday calendar), unless a ``period`` ("YYYY-MM") is
    given. Safe to run twice: open assessments are recomputed, finalised ones
    left as they are. Returns how many (open) assessments it computed.
    """
    today = timezone.localdate()
    if period is None:
        if not is_first_working_day(today):
            return 0
        month = periods.previous_period(periods.month_of(today))
    else:
        month = periods.parse(period)
    rows = services.assessment_compute_month(actor=None, period=month)
    computed = sum(row.status in OPEN for row in rows)
    logger.info("kpi: computed %s assessments for %s", computed, periods.label(month))
    return computed
