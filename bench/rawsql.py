"""The raw-SQL baseline of the orders list: the same page of 50 as
``GET /api/v1/orders/`` (newest first, keyset on the id), produced by psycopg and
``json.dumps`` alone — no Django, no authentication, no serializers. Two queries:
the orders with their customer's name, then their lines.

``connection`` is any psycopg connection: the bench opens its own; the smoke
test lends Django's (to see the test's uncommitted rows). It is the floor the
API is compared with: ``list API time ÷ baseline time``.
``page_json`` returns the same ``results`` the API sends (checked by the bench
and by the smoke test), so the comparison is like for like.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg

ORDERS_SQL = """
SELECT o.id, o.number, o.status, o.revision, o.customer_id, c.name, o.owner_id,
       o.external_ref, o.customer_po, o.currency, o.order_date, o.contract_delivery_date,
       o.planned_ship_date, o.deposit_ratio, o.total_quantity, o.total_amount, o.discount_amount,
       o.deposit_due,
       o.amount_received, o.quality_requirements, o.packing_requirements,
       o.confirmation_method, o.confirmation_reference, o.confirmed_at, o.deposit_waived,
       o.credit_released, o.shortfall_accepted, o.cancel_reason, o.cancelled_at,
       o.fully_shipped_at, o.delivered_at, o.closed_at, o.created_at, o.updated_at
  FROM orders_order o JOIN orders_customer c ON c.id = o.customer_id
 WHERE o.id < %s
 ORDER BY o.id DESC
 LIMIT %s
"""
LINES_SQL = """
SELECT order_id, id, position, product_id, description, series, colour, spec, size,
       quantity, unit, unit_price, amount
  FROM orders_orderline
 WHERE order_id = ANY(%s)
 ORDER BY order_id, position, id
"""
TWO_PLACES = Decimal("0.01")


def connect(database: dict, dbname: str | None = None) -> psycopg.Connection:
    """A plain psycopg connection (autocommit) to the database of a Django
    ``DATABASES`` entry, or to ``dbname`` on the same server."""
    params = {
        "dbname": dbname or database["NAME"],
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _moment(value: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """As DRF renders a moment: in the current time zone, ISO 8601, "Z" for UTC."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _ratio(value: Decimal) -> str:
    rounded = value.quantize(TWO_PLACES)
    return str(rounded) if value == rounded else str(value.normalize())


def page(
    connection: psycopg.Connection, *, after_id: int | None, zone: ZoneInfo, size: int = 50
) -> dict:
    """One page: ``{"next": <last id or None>, "results": [...]}``."""
    with connection.cursor() as cursor:
        cursor.execute(ORDERS_SQL, [after_id or 2**63 - 1, size + 1])
        rows = cursor.fetchall()
        more = len(rows) > size
        rows = rows[:size]
        cursor.execute(LINES_SQL, [[row[0] for row in rows]])
        lines_of: dict[int, list[dict]] = {}
        for line in cursor.fetchall():
            lines_of.setdefault(line[0], []).append(
                {
                    "id": line[1],
                    "position": line[2],
                    "product": line[3],
                    "description": line[4],
                    "series": line[5],
                    "colour": line[6],
                    "spec": line[7],
                    "size": line[8],
                    "quantity": line[9],
                    "unit": line[10],
                    "unit_price": str(line[11]),
                    "amount": str(line[12]),
                }
            )
    results = []
    for row in rows:
        (
            pk, number, status, revision, customer, customer_name, owner, external_ref,
            customer_po, currency, order_date, contract_delivery_date, planned_ship_date,
            deposit_ratio, total_quantity, total_amount, discount_amount, deposit_due,
            amount_received,
            quality_requirements, packing_requirements, confirmation_method,
            confirmation_reference, confirmed_at, deposit_waived, credit_released,
            shortfall_accepted, cancel_reason, cancelled_at, fully_shipped_at, delivered_at,
            closed_at, created_at, updated_at,
        ) = row  # fmt: skip
        results.append(
            {
                "id": pk,
                "number": number,
                "status": status,
                "revision": revision,
                "customer": customer,
                "customer_name": customer_name,
                "owner": owner,
                "external_ref": external_ref,
                "customer_po": customer_po,
                "currency": currency,
                "order_date": order_date.isoformat(),
                "contract_delivery_date": contract_delivery_date.isoformat(),
                "planned_ship_date": planned_ship_date.isoformat() if planned_ship_date else None,
                "deposit_ratio": _ratio(deposit_ratio),
                "lines": lines_of.get(pk, []),
                "total_quantity": total_quantity,
                "total_amount": str(total_amount),
                "discount_amount": str(discount_amount),
                "deposit_due": str(deposit_due),
                "amount_received": str(amount_received),
                "balance_due": str(max(total_amount - amount_received, Decimal("0.00"))),
                "quality_requirements": quality_requirements,
                "packing_requirements": packing_requirements,
                "confirmation_method": confirmation_method,
                "confirmation_reference": confirmation_reference,
                "confirmed_at": _moment(confirmed_at, zone),
                "deposit_waived": deposit_waived,
                "credit_released": credit_released,
                "shortfall_accepted": shortfall_accepted,
                "cancel_reason": cancel_reason,
                "cancelled_at": _moment(cancelled_at, zone),
                "fully_shipped_at": _moment(fully_shipped_at, zone),
                "delivered_at": _moment(delivered_at, zone),
                "closed_at": _moment(closed_at, zone),
                "created_at": _moment(created_at, zone),
                "updated_at": _moment(updated_at, zone),
            }
        )
    return {"next": rows[-1][0] if more and rows else None, "results": results}


def page_json(
    connection: psycopg.Connection, *, after_id: int | None, zone: ZoneInfo, size: int = 50
) -> bytes:
    """The page as the bytes an HTTP response would carry."""
    body = page(connection, after_id=after_id, zone=zone, size=size)
    return json.dumps(body, ensure_ascii=False).encode()
