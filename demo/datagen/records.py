"""The records a story keeps while it runs, the status names and the money helpers.

Amounts are integer cents throughout and follow the services exactly: a line's
amount is quantity × unit price (exact, since the price has two places), the
total is their sum, the deposit is total × ratio rounded half up to the cent
(``orders.services.deposit_for``), and ``amount_received`` is the sum of the
receipts, net of refunds.
"""

from __future__ import annotations

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


class Payment:
    __slots__ = (
        "confirmed",
        "confirmed_by",
        "due",
        "due_day",
        "id",
        "kind",
        "method",
        "received",
        "received_on",
        "reference",
        "requested",
        "requested_by",
        "status",
        "updated",
        "voided",
    )

    def __init__(self, id, kind, due, requested, requested_by, due_day):
        self.id, self.kind, self.due = id, kind, due
        self.requested, self.requested_by, self.due_day = requested, requested_by, due_day
        self.status, self.received, self.updated = "requested", 0, requested
        self.confirmed = self.confirmed_by = self.received_on = self.voided = None
        self.method = self.reference = ""

    @property
    def open(self) -> bool:
        return self.status in ("requested", "partially_received")


class Shipment:
    __slots__ = (
        "actual_day",
        "created",
        "delivered",
        "id",
        "lines",
        "mode",
        "number",
        "packages",
        "planned_day",
        "shipped",
        "status",
        "updated",
    )

    def __init__(self, id, number, created, planned_day, mode, lines):
        self.id, self.number, self.created = id, number, created
        self.planned_day, self.mode, self.lines = planned_day, mode, lines
        self.status, self.updated = "planned", created
        self.actual_day = self.shipped = self.delivered = None
        self.packages = max(1, -(-sum(q for _, q in lines) // 50))
