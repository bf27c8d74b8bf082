"""Simulated time: the working days before today, and running a step at its moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import time_machine
from django.utils import timezone

from gendan.models import Holiday


class Clock:
    """Working days counted from today (Monday to Friday and the configured holiday
    calendar, as ``gendan.workdays``), and acting on one of them."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        # The calendar around the stories' span (about three months back), in one query.
        self.exceptions = dict(
            Holiday.objects.filter(
                date__range=(today - dt.timedelta(days=240), today + dt.timedelta(days=120))
            ).values_list("date", "is_working_day")
        )

    def is_working_day(self, day: dt.date) -> bool:
        return self.exceptions.get(day, day.weekday() < 5)

    def day(self, working_days_ago: int) -> dt.date:
        """The date ``working_days_ago`` working days before today (after, when negative)."""
        day, step = self.today, (-1 if working_days_ago > 0 else 1)
        for _ in range(abs(working_days_ago)):
            day += dt.timedelta(days=step)
            while not self.is_working_day(day):
                day += dt.timedelta(days=step)
        return day

    def at(self, moment: dt.datetime) -> AbstractContextManager:
        """Run at ``moment``: travel there when it is before today, else stay in real time."""
        if timezone.localdate(moment) >= self.today:
            return nullcontext()
        return time_machine.travel(moment, tick=True)


@dataclass
class Step:
    t: int  # working days after the story began
    minute: int  # minutes after midnight, local time
    action: Callable[[dt.date], Any]
    moment: dt.datetime | None = None
