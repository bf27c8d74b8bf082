"""Constants and small helpers the services of orders share; the order lock, ``move``,
``save``, ``money`` and ``require_reason`` come from the kernel (``orders.kernel``),
which production and shipping use too."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..kernel import lock_order, money, move, require_reason, save
from ..models import (
    CENT,
    INCOMING_KINDS,
    OPEN_PAYMENT,
)
from ..states import OrderStatus

__all__ = [
    "INCOMING_KINDS",
    "MAX_AMOUNT",
    "MAX_QUANTITY",
    "OPEN_PAYMENT",
    "S",
    "deposit_for",
    "line_amount",
    "lock_order",
    "money",
    "move",
    "require_reason",
    "save",
]

S = OrderStatus
# The largest amount and quantity the money and quantity columns hold.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_QUANTITY = 2_147_483_647


def line_amount(quantity: int, unit_price: Decimal) -> Decimal:
    return (Decimal(quantity) * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def deposit_for(total: Decimal, ratio: Decimal) -> Decimal:
    return (total * ratio).quantize(CENT, rounding=ROUND_HALF_UP)
