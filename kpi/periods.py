"""Months as periods: a period is the first day of its month (a ``date``).

Boundaries are local time (Asia/Shanghai): "fully shipped in M" means the
timestamp falls between local midnight of the 1st of M and local midnight of
the 1st of M+1.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from gendan.bounds import horizon as date_horizon

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


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


class Month(NamedTuple):
    """A period's [start, end) as aware local moments, and its first and last day."""

    start: dt.datetime
    end: dt.datetime
    first: dt.date
    last: dt.date


def month(period: dt.date) -> Month:
    """``bounds`` and the first and last day of the period, for the month's queries."""
    start, end = bounds(period)
    return Month(start, end, period, last_day(period))


def quarter_months(period: dt.date) -> list[dt.date]:
    first = (period.month - 1) // 3 * 3 + 1
    return [dt.date(period.year, m, 1) for m in range(first, first + 3)]


def horizon() -> tuple[dt.date, dt.date]:
    """The first and the last period anyone may name: the months of the date horizon
    (``gendan.bounds``)."""
    low, high = date_horizon()
    return month_of(low), month_of(high)


def parse(value: str | dt.date) -> dt.date:
    """``"2026-10"`` (or a date) to the period; ValueError when it is not YYYY-MM of a
    month within the horizon (so that the months before and after it exist too)."""
    if isinstance(value, dt.date):
        period = month_of(value)
    else:
        match = _PERIOD.match(str(value).strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"not a period: {value!r}")
        period = dt.date(int(match[1]), int(match[2]), 1)
    low, high = horizon()
    if not low <= period <= high:
        raise ValueError(f"period outside {label(low)}..{label(high)}: {value!r}")
    return period


def check(
    errors: dict[str, list], field: str, value: object, *, up_to_this_month: bool = False
) -> dt.date | None:
    """Check a period a caller entered (a date or "YYYY-MM"): within the horizon, and
    with ``up_to_this_month`` not a month still to come. A bad one is named in
    ``errors`` and None returned."""
    if not isinstance(value, str | dt.date) or isinstance(value, dt.datetime):
        errors[field] = [_("请输入月份（YYYY-MM）。")]
        return None
    low, high = horizon()
    try:
        period = parse(value)
    except ValueError:
        errors[field] = [
            _("请输入 %(low)s 至 %(high)s 之间的月份（YYYY-MM）。")
            % {"low": label(low), "high": label(high)}
        ]
        return None
    current = month_of(timezone.localdate())
    if up_to_this_month and period > current:
        errors[field] = [_("不能晚于本月 %(m)s。") % {"m": label(current)}]
        return None
    return period


def label(period: dt.date) -> str:
    """ "YYYY-MM", the year always four digits ("0082-06", not "82-06")."""
    return f"{period.year:04d}-{period.month:02d}"
