"""The arithmetic of a time-and-action plan, in working days (``gendan.workdays``:
Monday to Friday, minus holidays, plus make-up working days).

- A milestone's planned date is ``offset`` working days before the contract
  delivery date (after it when the offset is negative).
- Its delay is how many working days its actual date is after the planned one (an
  early one is no delay); a milestone not done yet inherits the largest delay of
  its predecessors, and its forecast is its planned date moved by that delay.
- The projected delivery date is the contract date moved by the delivery
  milestone's delay (without a delivery milestone: by the largest delay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gendan import workdays


def planned_date(contract_delivery_date: dt.date, offset: int) -> dt.date:
    """``offset`` working days before the delivery date (after it, if negative)."""
    if offset >= 0:
        return workdays.subtract_working_days(contract_delivery_date, offset)
    return workdays.add_working_days(contract_delivery_date, -offset)


def delay_of(planned: dt.date, actual: dt.date) -> int:
    """Working days ``actual`` is after ``planned`` (0 when on time or early)."""
    return workdays.working_days_between(planned, actual)


@dataclass
class Node:
    """A milestone as the schedule sees it."""

    key: str
    planned: dt.date
    actual: dt.date | None = None
    depends_on: tuple[str, ...] = ()
    is_delivery: bool = False
    forecast: dt.date | None = None
    delay: int = 0


def forecast(nodes: Iterable[Node]) -> list[Node]:
    """Fill each node's ``delay`` and ``forecast``; nodes are taken in dependency order
    (a predecessor not yet seen counts once it is). Raises ValueError on a cycle."""
    pending: dict[str, Node] = {node.key: node for node in nodes}
    done: dict[str, Node] = {}
    while pending:
        ready = [
            node
            for node in pending.values()
            if all(dep in done or dep not in pending for dep in node.depends_on)
        ]
        if not ready:
            raise ValueError(f"dependency cycle among {sorted(pending)}")
        for node in ready:
            if node.actual is not None:
                node.delay = delay_of(node.planned, node.actual)
                node.forecast = node.actual
            else:
                node.delay = max((done[d].delay for d in node.depends_on if d in done), default=0)
                node.forecast = (
                    workdays.add_working_days(node.planned, node.delay)
                    if node.delay
                    else node.planned
                )
            done[node.key] = pending.pop(node.key)
    return list(done.values())


def projected_delivery(contract_delivery_date: dt.date, nodes: Mapping[str, Node]) -> dt.date:
    """The contract date moved by the delivery milestone's delay."""
    delivery = [node for node in nodes.values() if node.is_delivery]
    delay = max((node.delay for node in (delivery or nodes.values())), default=0)
    return (
        workdays.add_working_days(contract_delivery_date, delay)
        if delay
        else (contract_delivery_date)
    )
