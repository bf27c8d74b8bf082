"""Money: the constants every app shares, defined once.

Amounts are ``Decimal`` with two places; the database columns hold up to 14
digits (``MONEY`` is the keyword arguments of such a column or serializer field).
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = {"max_digits": 14, "decimal_places": 2}
