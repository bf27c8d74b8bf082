"""A shipment's printable documents (gendan.documents): the packing list (装箱单) and
the commercial invoice (商业发票) of the quantities it carries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gendan.documents import Document
from orders.documents import invoice, line_row

from .models import Shipment


def _rows(shipment: Shipment) -> list[dict]:
    lines = shipment.lines.select_related("order_line__product").order_by(
        "order_line__position", "order_line_id"
    )
    return [line_row(line.order_line, line.quantity) for line in lines]


def _facts(shipment: Shipment) -> list[tuple]:
    date = shipment.actual_ship_date or shipment.planned_ship_date
    facts = [
        (_("出货单号"), shipment.number),
        (_("出货日期"), f"{date:%Y-%m-%d}"),
        (_("运输方式"), shipment.get_mode_display()),
    ]
    for name in ("tracking_number", "container", "carrier"):
        value = getattr(shipment, name)
        if value:
            facts.append((Shipment._meta.get_field(name).verbose_name, value))
    return facts


def packing_list(shipment: Shipment) -> Document:
    rows = _rows(shipment)
    return Document(
        "shipping/documents/packing_list.html",
        {
            "shipment": shipment,
            "order": shipment.order,
            "customer": shipment.order.customer,
            "rows": rows,
            "facts": _facts(shipment),
            "total_quantity": sum(row["quantity"] for row in rows),
        },
        _("装箱单-%(number)s.pdf") % {"number": shipment.number},
    )


def commercial_invoice(shipment: Shipment) -> Document:
    return invoice(
        shipment.order,
        _rows(shipment),
        kind="commercial",
        number=f"CI-{shipment.number}",
        filename=_("商业发票-%(number)s.pdf") % {"number": shipment.number},
        facts=_facts(shipment),
    )
