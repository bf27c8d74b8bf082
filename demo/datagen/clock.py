"""Days, working days and timestamps of the generated span, as ready-to-load text.

The generator counts time in whole minutes of local time (Asia/Shanghai, which
has had no daylight saving since 1991): ``T = day * 1440 + minute``, where
``day`` is an index into the span (0 is a few weeks before the first order).
Everything a row needs — a date, a timestamp, "three working days later" — is
a list lookup here, so the million-order loop does no datetime arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

MINUTES_PER_DAY = 1440
# Asia/Shanghai is UTC+8 all year: timestamps are written in UTC.
UTC_OFFSET_MINUTES = 8 * 60
# Days before the first order (reference data is created then) and after today
# (contract delivery dates, due dates and steps computed past the cutoff).
LEAD_DAYS = 60
FUTURE_DAYS = 900


class Clock:
    """The calendar of one generation run: ``years`` of order dates ending yesterday.

    ``holidays`` is the holiday calendar ({date: is_working_day}), as
    ``gendan.workdays`` reads it: Monday to Friday are working days unless the
    calendar says otherwise. ``timestamp_suffix`` is appended to every UTC
    timestamp ("+00" for PostgreSQL; "" for SQLite, where Django stores naive UTC).
    """

    def __init__(
        self,
        *,
        today: dt.date,
        years: int,
        holidays: Mapping[dt.date, bool],
        timestamp_suffix: str,
    ) -> None:
        try:
            first_order_day = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            first_order_day = today.replace(year=today.year - years, day=28)
        self.base = first_order_day - dt.timedelta(days=LEAD_DAYS)
        self.first_order_day = self.index(first_order_day)
        self.today = self.index(today)
        # Events happen strictly before the start of today: the data is "as of last
        # night", so two runs on the same day produce the same rows.
        self.cutoff = self.today * MINUTES_PER_DAY
        size = self.today + FUTURE_DAYS
        dates = [self.base + dt.timedelta(days=i) for i in range(size)]
        self.date_text = [d.isoformat() for d in dates]
        self.year = [d.year for d in dates]
        self.working = [holidays.get(d, d.weekday() < 5) for d in dates]
        self.working_days = [i for i in range(size) if self.working[i]]
        # position (in working_days) of the first working day on or after each day
        self.position = [0] * size
        pos = len(self.working_days)
        for i in range(size - 1, -1, -1):
            if self.working[i]:
                pos -= 1
            self.position[i] = pos
        self._day_prefix = [text + " " for text in self.date_text]
        self._minute_text = [
            f"{m // 60:02d}:{m % 60:02d}:00{timestamp_suffix}" for m in range(MINUTES_PER_DAY)
        ]

    def index(self, day: dt.date) -> int:
        return (day - self.base).days

    def date(self, day: int) -> dt.date:
        return self.base + dt.timedelta(days=day)

    def add_working_days(self, day: int, n: int) -> int:
        """The working day ``n`` working days after ``day`` (n = 0: ``day`` itself if it
        is a working day, else the next one; n < 0: before)."""
        return self.working_days[self.position[day] + n]

    def working_days_between(self, start: int, end: int) -> int:
        return self.position[end] - self.position[start]

    def timestamp(self, t: int) -> str:
        """A local minute as UTC text, e.g. ``2025-03-05 01:30:00+00``."""
        u = t - UTC_OFFSET_MINUTES
        return self._day_prefix[u // MINUTES_PER_DAY] + self._minute_text[u % MINUTES_PER_DAY]

    def date_of(self, t: int) -> str:
        return self.date_text[t // MINUTES_PER_DAY]
