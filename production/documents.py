"""The production notice (生产通知单) as a printable document (gendan.documents).

It shows the order as it was when the notice was issued (its lines and requirements
from the order's history), so a superseded notice still prints what the factory was
told; a superseded or recalled notice carries the "已作废 / VOID" mark.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gendan.documents import Document
from orders.models import Order, OrderLine

from .models import ProductionOrder
from .states import ProductionOrderStatus as PO

VOID_STATUSES = (PO.SUPERSEDED, PO.RECALLED)


def _as_issued(production_order: ProductionOrder):
    """The order's header and lines as they were when ``production_order`` was issued
    (the current ones when the history does not reach back that far)."""
    order = production_order.order
    moment = production_order.issued_at
    header = Order.history.filter(id=order.pk, history_date__lte=moment).first()
    lines = list(
        OrderLine.history.as_of(moment)
        .filter(order_id=order.pk)
        .select_related("product")
        .order_by("position", "id")
    )
    if not lines:
        lines = list(order.lines.select_related("product").order_by("position", "id"))
    return (header or order), lines


def production_notice(production_order: ProductionOrder) -> Document:
    header, lines = _as_issued(production_order)
    order = production_order.order
    void = production_order.status in VOID_STATUSES
    return Document(
        "production/documents/notice.html",
        {
            "po": production_order,
            "order": order,
            "header": header,
            "lines": lines,
            "total_quantity": sum(line.quantity for line in lines),
            "void": void,
            "void_reason": production_order.get_status_display() if void else "",
            "replaced_by": production_order.superseded_by,
        },
        _("生产通知单-%(number)s.pdf") % {"number": production_order.number},
    )
