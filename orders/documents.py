"""The order's printable documents (gendan.documents): the proforma invoice (形式发票),
and the invoice every other app prints from order lines (shipping's commercial
invoice), with the total in words (大写 for CNY, English otherwise)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gendan.documents import Document
from gendan.money import CENT, ZERO, amount_in_words, format_money

from .models import Order, OrderLine


def line_row(line: OrderLine, quantity: int | None = None) -> dict[str, Any]:
    """An order line as a document's row (``quantity`` of it: a shipment's part)."""
    quantity = line.quantity if quantity is None else quantity
    return {
        "position": line.position,
        "item_number": line.product.item_number if line.product_id else "",
        "name": line.label,
        "series": line.series,
        "colour": line.colour,
        "spec": line.spec,
        "size": line.size,
        "quantity": quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "amount": line.amount
        if quantity == line.quantity
        else (Decimal(quantity) * line.unit_price).quantize(CENT, rounding=ROUND_HALF_UP),
    }


def invoice(
    order: Order,
    rows: Iterable[dict[str, Any]],
    *,
    kind: str,
    number: str,
    filename: str,
    facts: Iterable[tuple[Any, Any]] = (),
) -> Document:
    """An invoice of ``order``: ``kind`` "proforma" or "commercial", its ``rows``
    (``line_row``), its total and the total in words, ``facts`` under the header."""
    rows = list(rows)
    total = sum((row["amount"] for row in rows), ZERO)
    return Document(
        "orders/documents/invoice.html",
        {
            "order": order,
            "customer": order.customer,
            "kind": kind,
            "number": number,
            "rows": rows,
            "facts": list(facts),
            "total": total,
            "total_quantity": sum(row["quantity"] for row in rows),
            "words": amount_in_words(total, order.currency),
            "issued_on": timezone.localdate(),
        },
        filename,
    )


def proforma_invoice(order: Order) -> Document:
    """The proforma invoice of an order: every line at its price, the deposit asked."""
    lines = order.lines.select_related("product").order_by("position", "id")
    facts = [
        (_("合同交期"), f"{order.contract_delivery_date:%Y-%m-%d}"),
        (_("订金比例"), f"{(order.deposit_ratio * 100).normalize():f} %"),
        (_("应付订金"), format_money(order.deposit_due, order.currency)),
    ]
    if order.revision > 1:
        facts.append((_("订单版本"), order.revision))
    return invoice(
        order,
        (line_row(line) for line in lines),
        kind="proforma",
        number=f"PI-{order.number}",
        filename=_("形式发票-%(number)s.pdf") % {"number": order.number},
        facts=facts,
    )
