"""Chart.js configurations built on the server and handed to the page as JSON
(``json_script``); static/js/gendan.js draws every ``canvas[data-chart]``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def dataset(label: Any, data: list, **extra: Any) -> dict[str, Any]:
    return {"label": str(label), "data": [_number(v) for v in data], **extra}


def chart(
    kind: str,
    labels: list,
    datasets: list[dict[str, Any]],
    *,
    y_title: Any = "",
    y_max: float | None = None,
    y_percent: bool = False,
    legend: bool = True,
    stacked: bool = False,
    y2_title: Any = None,
    y_integer: bool = False,
) -> dict[str, Any]:
    """A Chart.js config; ``y_percent`` formats the axis ticks as percentages."""
    y_axis: dict[str, Any] = {"beginAtZero": True, "stacked": stacked}
    if y_title:
        y_axis["title"] = {"display": True, "text": str(y_title)}
    if y_max is not None:
        y_axis["max"] = y_max
    if y_integer:
        y_axis["ticks"] = {"precision": 0}
    if y_percent:
        y_axis["percent"] = True  # read by gendan.js to add the % sign
    scales: dict[str, Any] = {"x": {"stacked": stacked}, "y": y_axis}
    if y2_title is not None:
        scales["y2"] = {
            "beginAtZero": True,
            "max": 100,
            "position": "right",
            "percent": True,
            "grid": {"drawOnChartArea": False},
            "title": {"display": True, "text": str(y2_title)},
        }
    options: dict[str, Any] = {
        "plugins": {"legend": {"display": legend}},
        "layout": {"padding": {"right": 8, "top": 4}},
    }
    if kind in ("bar", "line"):
        options["scales"] = scales
    return {
        "type": kind,
        "data": {"labels": [str(x) for x in labels], "datasets": datasets},
        "options": options,
    }
