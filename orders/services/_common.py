"""Constants and small helpers the services of orders share; the order lock, ``move``,
``save``, ``money`` and ``require_reason`` come from the kernel (``orders.kernel``),
which production and shipping use too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import bounds

from ..kernel import lock_for_action, lock_order, money, move, require_reason, save
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
    "check_order_dates",
    "deposit_for",
    "line_amount",
    "lock_for_action",
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


ORDER_DATE_FIELDS = ("order_date", "contract_delivery_date", "planned_ship_date")


def check_order_dates(
    errors: dict[str, list], values: Mapping[str, Any], given: Collection[str] = ORDER_DATE_FIELDS
) -> dict[str, dt.date | None]:
    """Check an order's dates (``values`` holds all three, ``given`` names those the
    caller entered): each entered one within the horizon; the order date not in the
    future; the contract delivery date and the planned ship date not before the order
    date. Bad ones are named in ``errors``; returns the valid values."""
    today = timezone.localdate()
    valid: dict[str, dt.date | None] = {}
    for name in ORDER_DATE_FIELDS:
        value = values.get(name)
        if name in given:
            value = bounds.check_date(
                errors,
                name,
                value,
                required=name != "planned_ship_date",
                latest=today if name == "order_date" else None,
                too_late=bounds.IN_FUTURE,
            )
        valid[name] = value if isinstance(value, dt.date) else None
    order_date = valid["order_date"]
    later = {
        "contract_delivery_date": _("合同交期不能早于下单日期 %(d)s。"),
        "planned_ship_date": _("计划出货日期不能早于下单日期 %(d)s。"),
    }
    for name, message in later.items():
        value = valid[name]
        touched = name in given or "order_date" in given
        if touched and order_date and value and value < order_date and name not in errors:
            errors[name] = [message % {"d": order_date}]
            valid[name] = None
    return valid
