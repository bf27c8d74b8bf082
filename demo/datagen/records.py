"""The records a story keeps while it runs, the status names and the money helpers.

Amounts are integer cents throughout and follow the services exactly: a line's
amount is quantity × unit price (exact, since the price has two places), the
total is their sum, the deposit is total × ratio rounded half up to the cent
(``orders.services.deposit_for``), and ``amount_received`` is the sum of the
receipts, net of refunds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orders.states import OrderStatus

from .clock import MINUTES_PER_DAY

DAY = MINUTES_PER_DAY
# Plain str values (not the TextChoices members) for the hot loop and the COPY rows.
DRAFT, CONFIRMED, AWAITING_DEPOSIT, DEPOSIT_PAID, IN_PRODUCTION, PRODUCED = (
    s.value
    for s in (
        OrderStatus.DRAFT,
        OrderStatus.CONFIRMED,
        OrderStatus.AWAITING_DEPOSIT,
        OrderStatus.DEPOSIT_PAID,
        OrderStatus.IN_PRODUCTION,
        OrderStatus.PRODUCED,
    )
)
AWAITING_BALANCE, PAID, PARTIALLY_SHIPPED, SHIPPED, DELIVERED, CLOSED, CANCELLED = (
    s.value
    for s in (
        OrderStatus.AWAITING_BALANCE,
        OrderStatus.PAID,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.CLOSED,
        OrderStatus.CANCELLED,
    )
)
# Statuses after production started: cancelling then needs a supervisor's approval.
LATE_CANCEL = frozenset({IN_PRODUCTION, PRODUCED, AWAITING_BALANCE, PAID})

# What happens to an order in the end, besides the normal path (per thousand).


def money(cents: int) -> str:
    """Integer cents (≥ 0) as the text of a two-place decimal."""
    return f"{cents // 100}.{cents % 100:02d}"


def half_up(cents: int, ratio_ten_thousandths: int) -> int:
    """cents × ratio, rounded half up to the cent (what ``deposit_for`` does)."""
    return (cents * ratio_ten_thousandths + 5000) // 10000


def ratio_units(ratio: str) -> int:
    """'0.3000' -> 3000 (ten-thousandths)."""
    whole, _, frac = ratio.partition(".")
    return int(whole) * 10000 + int((frac + "0000")[:4])


class Stop(Exception):
    """The story reached the cutoff, or the status it was told to stop at."""


@dataclass(slots=True, eq=False)
class Payment:
    """A payment request: amounts in cents, times in minutes, days as day numbers."""

    id: int
    kind: str
    due: int
    requested: int
    requested_by: int
    due_day: int
    status: str = "requested"
    received: int = 0
    updated: int = field(init=False)
    confirmed: int | None = None
    confirmed_by: int | None = None
    received_on: int | None = None
    voided: int | None = None
    method: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        self.updated = self.requested

    @property
    def open(self) -> bool:
        return self.status in ("requested", "partially_received")


@dataclass(slots=True, eq=False)
class Shipment:
    """A shipment: its lines are (line index, quantity) pairs; times as in ``Payment``."""

    id: int
    number: str
    created: int
    planned_day: int
    mode: str
    lines: list[tuple]
    status: str = "planned"
    updated: int = field(init=False)
    actual_day: int | None = None
    shipped: int | None = None
    delivered: int | None = None
    packages: int = field(init=False)

    def __post_init__(self) -> None:
        self.updated = self.created
        # One package per 50 pieces, at least one.
        self.packages = max(1, -(-sum(q for _, q in self.lines) // 50))
