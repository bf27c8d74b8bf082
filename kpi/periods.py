"""Months as periods: a period is the first day of its month (a ``date``).

Boundaries are local time (Asia/Shanghai): "fully shipped in M" means the
timestamp falls between local midnight of the 1st of M and local midnight of
the 1st of M+1.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

_PERIOD = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_of(day: dt.date) -> dt.date:
    """The period (first day of the month) that ``day`` falls in."""
    return day.replace(day=1)


def next_period(period: dt.date) -> dt.date:
    return dt.date(period.year + (period.month == 12), period.month % 12 + 1, 1)


def previous_period(period: dt.date) -> dt.date:
    return dt.date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)


def last_day(period: dt.date) -> dt.date:
    return next_period(period) - dt.timedelta(days=1)


def bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware datetimes in the current (local) time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period, dt.time.min).replace(tzinfo=tz)
    end = dt.datetime.combine(next_period(period), dt.time.min).replace(tzinfo=tz)
    return start, end


def quarter_months(period: dt.date) -> list[dt.date]:
    first = (period.month - 1) // 3 * 3 + 1
    return [dt.date(period.year, m, 1) for m in range(first, first + 3)]


def parse(value: str | dt.date) -> dt.date:
    """``"2026-10"`` (or a date) to the period; ValueError when malformed."""
    if isinstance(value, dt.date):
        return month_of(value)
    match = _PERIOD.match(str(value).strip())
    if not match:
        raise ValueError(f"not a period: {value!r}")
    return dt.date(int(match[1]), int(match[2]), 1)


def label(period: dt.date) -> str:
    return f"{period.year}-{period.month:02d}"
