"""Working days: Monday to Friday, minus holidays, plus make-up working days.

Every function loads the calendar for the span it needs in one query.
"""

from __future__ import annotations

import calendar
import datetime as dt

from .models import Holiday


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """{date: is_working_day} for the calendar's entries between start and end."""
    return dict(
        Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_working_day")
    )


def _is_working(day: dt.date, exceptions: dict[dt.date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _exceptions(day, day))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    return sum(
        _is_working(start + dt.timedelta(days=i), exceptions)
        for i in range(1, (end - start).days + 1)
    )


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    # Two weeks of slack per week asked, plus a month for long holidays (Spring Festival).
    horizon = start + dt.timedelta(days=days * 2 + 40)
    exceptions = _exceptions(start, horizon)
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=60)
            exceptions |= _exceptions(day, horizon)
        counted += _is_working(day, exceptions)
    return day


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The latest working day ``d`` with ``working_days_between(d, end) == days``.

    ``working_days_between(x, end) > days`` holds exactly for the dates ``x`` before
    it, which lets a sweep turn "more than N working days since x" into one date
    comparison in SQL.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    horizon = end - dt.timedelta(days=days * 2 + 40)
    exceptions = _exceptions(horizon, end)
    day, counted = end, 0
    # Step back over ``days`` working days (``end`` itself counts when it is one) ...
    while counted < days:
        if _is_working(day, exceptions):
            counted += 1
        day -= dt.timedelta(days=1)
        if day < horizon:
            horizon = day - dt.timedelta(days=60)
            exceptions |= _exceptions(horizon, day)
    # ... then on to the next working day at or before it.
    while not _is_working(day, exceptions):
        day -= dt.timedelta(days=1)
        if day < horizon:
            horizon = day - dt.timedelta(days=60)
            exceptions |= _exceptions(horizon, day)
    return day


def nth_working_day_of_month(year: int, month: int, n: int) -> dt.date:
    """The n-th working day (1-based) of a month."""
    if n < 1:
        raise ValueError("n must be >= 1")
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    exceptions = _exceptions(first, last)
    count = 0
    for i in range((last - first).days + 1):
        day = first + dt.timedelta(days=i)
        if _is_working(day, exceptions):
            count += 1
            if count == n:
                return day
    raise ValueError(f"{year}-{month:02d} has fewer than {n} working days")
