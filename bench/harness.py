"""Timing and reporting helpers of the benchmark suite.

Every figure is printed on a line of its own: name, value, unit and, where the
issue sets one, the target and whether it holds. ``Report`` also keeps them so
that a caller (the smoke test) can read them back.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: float | None = None  # the value must be at most this (at least: ``at_least``)
    note: str = ""
    at_least: bool = False

    @property
    def holds(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.at_least else self.value <= self.target

    def line(self) -> str:
        value = (
            f"{self.value:,.0f}"
            if self.unit in ("", "rows", "queries", "errors")
            else f"{self.value:,.2f}"
        )
        text = f"{self.name:<44} {value:>12} {self.unit:<8}"
        if self.target is not None:
            verdict = "ok" if self.holds else "MISSED"
            text += f" target {'>=' if self.at_least else '<='} {self.target:g} {verdict}"
        if self.note:
            text += f"  ({self.note})"
        return text.rstrip()


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    echo: Callable[[str], None] = print

    def add(
        self,
        name: str,
        value: float,
        unit: str = "",
        target: float | None = None,
        note="",
        *,
        at_least: bool = False,
    ):
        figure = Figure(name, float(value), unit, target, note, at_least)
        self.figures.append(figure)
        self.echo(figure.line())
        return figure

    def say(self, text: str) -> None:
        self.echo(f"# {text}")

    def value(self, name: str) -> float:
        return next(f.value for f in self.figures if f.name == name)

    def missed(self) -> list[Figure]:
        return [f for f in self.figures if f.holds is False]


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def sample(call: Callable[[int], object], *, requests: int, warmup: int = 10) -> list[float]:
    """Milliseconds of ``call(i)`` for i in 0..requests-1, after ``warmup`` untimed calls."""
    for i in range(warmup):
        call(i)
    timings = []
    for i in range(requests):
        start = time.perf_counter()
        call(i)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def sample_together(
    first: Callable[[int], object],
    second: Callable[[int], object],
    *,
    requests: int,
    warmup: int = 10,
) -> tuple[list[float], list[float]]:
    """Milliseconds of two calls timed in turns (a, b, then b, a, …), so that both
    see the same moments of a shared machine and their ratio compares like with like."""
    for i in range(warmup):
        first(i)
        second(i)
    times: tuple[list[float], list[float]] = ([], [])
    calls = (first, second)
    for i in range(requests):
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            start = time.perf_counter()
            calls[which](i)
            times[which].append((time.perf_counter() - start) * 1000)
    return times


def report_latency(
    report: Report,
    name: str,
    timings: list[float],
    *,
    p50: float | None = None,
    p99: float | None = None,
) -> tuple[float, float]:
    median, tail = percentile(timings, 50), percentile(timings, 99)
    report.add(f"{name}.p50", median, "ms", p50, note=f"n={len(timings)}")
    report.add(f"{name}.p99", tail, "ms", p99)
    return median, tail


def mean(timings: list[float]) -> float:
    return statistics.fmean(timings)


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """``with stopwatch() as seconds: …`` then ``seconds()`` is the time the block took."""
    start = time.perf_counter()
    elapsed: list[float] = []
    yield lambda: elapsed[0] if elapsed else time.perf_counter() - start
    elapsed.append(time.perf_counter() - start)


@contextmanager
def counting_queries() -> Iterator[Callable[[], int]]:
    """``with counting_queries() as queries: …`` then ``queries()`` is the number of SQL
    statements the block sent. Unlike Django's ``CaptureQueriesContext`` it does not
    log them: the debug cursor writes out every statement with its parameters (a pay
    month's history rows are megabytes of them), which a timed block would pay for."""
    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        yield lambda: count[0]


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back: a job (a sweep, the
    monthly computation) can be timed again and again on the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def vacuum(*models) -> None:
    """Clear the dead rows that rolled-back runs leave behind (PostgreSQL, outside a
    transaction only), so that later figures do not pay for them: an index full of
    dead alert recipients slows every page's unread count."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


# --------------------------------------------------------------------------------------
# Peak memory (Linux: /proc)
# --------------------------------------------------------------------------------------


def peak_megabytes(pid: int | str = "self") -> float | None:
    """The peak resident memory (VmHWM) of a process in MB, None where /proc lacks it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


@contextmanager
def peak_memory() -> Iterator[Callable[[], float | None]]:
    """``with peak_memory() as peak: …`` then ``peak()`` is this process's peak resident
    memory in MB during the block: the peak is reset to the current size first (writing
    5 to /proc/self/clear_refs, Linux 4.0+), so what ran before does not count."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    found: list[float | None] = []
    yield lambda: found[0] if found else None
    found.append(peak_megabytes() if reset else None)
