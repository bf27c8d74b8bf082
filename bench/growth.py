"""Cost growth: each run's figures are kept per data size (``var/bench/orders-N.json``),
and the bench prints the request figures side by side at 10 k, 100 k and 1 M orders (the
sizes measured so far), with the growth from the smallest to the largest. At 1 M
against 10 k each must stay within ``targets.GROWTH_FACTOR``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import targets
from .harness import Report

# The request figures whose cost must not grow with the data.
FIGURES = (
    "list_api.inprocess.p50",
    "list_api.inprocess.p99",
    "list_api.merchandiser.p50",
    "list_api.gunicorn.p50",
    "list_api.gunicorn.p99",
    "detail_api.p50",
    "detail_page.first_visit.p50",
    "detail_page.p50",
    "dashboard.p50",
    "finance_queue.p50",
    "finance_queue.later_pages.p50",
)
SIZES = (10_000, 100_000, 1_000_000)


def _size(orders: float) -> int | None:
    """The size class of a database (within a factor of 2 of 10 k, 100 k or 1 M)."""
    return next((size for size in SIZES if size / 2 <= orders <= size * 2), None)


def save(report: Report, folder: Path) -> Path | None:
    size = _size(next((f.value for f in report.figures if f.name == "data.orders"), 0))
    if size is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"orders-{size}.json"
    stored = json.loads(path.read_text()) if path.exists() else {"figures": {}}
    # A partial run (--only) keeps the other figures of the last full one.
    stored["figures"].update({f.name: f.value for f in report.figures})
    stored["when"] = dt.datetime.now(dt.UTC).isoformat(timespec="minutes")
    path.write_text(json.dumps(stored, indent=1, sort_keys=True))
    return path


def table(report: Report, folder: Path) -> None:
    runs = {
        size: json.loads((folder / f"orders-{size}.json").read_text())["figures"]
        for size in SIZES
        if (folder / f"orders-{size}.json").exists()
    }
    if not runs:
        return
    report.say(f"cost growth (ms; the sizes measured so far, from {folder}):")
    header = f"{'figure':<32}" + "".join(f"{f'{s:,}':>12}" for s in SIZES) + f"{'1M / 10k':>10}"
    report.say(header)
    people = [runs.get(size, {}).get("data.merchandisers") for size in SIZES]
    if any(people):
        cells = "".join(f"{v:>12,.0f}" if v is not None else f"{'—':>12}" for v in people)
        report.say(f"{'(merchandisers)':<32}{cells}")
    for name in FIGURES:
        values = [runs.get(size, {}).get(name) for size in SIZES]
        if all(v is None for v in values):
            continue
        cells = "".join(f"{v:>12.2f}" if v is not None else f"{'—':>12}" for v in values)
        ratio = values[-1] / values[0] if values[0] and values[-1] else None
        report.say(f"{name:<32}{cells}{f'{ratio:.2f}x' if ratio else '—':>10}")
    known = {p for p in people if p is not None}
    if len(known) > 1:
        report.say(
            "the runs' departments differ: figures that read every merchandiser (the "
            "dashboard ranks them all) grow with the people as well as with the orders; "
            "--generate N --merchandisers M with the same M at each size compares the "
            "orders alone"
        )
    if SIZES[0] in runs and SIZES[-1] in runs:
        for name in FIGURES:
            small, large = runs[SIZES[0]].get(name), runs[SIZES[-1]].get(name)
            if small and large:
                report.add(f"growth.{name}", large / small, "x", targets.GROWTH_FACTOR)
    else:
        report.say("growth at 1 M / 10 k: not measured (run the bench at both sizes)")
