"""Writing a story's rows once it has run: the rows whose final state is known only
at the end (the order, its lines, payments, production order, shipments…)."""

from __future__ import annotations

from shipping.models import DocumentKind

from .records import money

FORWARDERS = ("深圳中外运物流有限公司", "宁波港国际货运代理有限公司", "上海锦江航运代理")
CARRIERS = ("COSCO SHIPPING", "Maersk", "ONE", "Evergreen", "CMA CGM")
# Every kind gets a checklist item, as ``shipment_create`` makes them.
DOCUMENT_KINDS = tuple(DocumentKind.values)


class FinalRows:
    """Mixed into ``Story``."""

    def finish(self) -> None:
        """Write the rows whose final state is known only at the end of the story."""
        g, clock = self.g, self.clock
        ts = clock.timestamp
        rows = g.rows
        line_ids = []
        line_rows = rows["order_line"]
        for position, (product, quantity, price, colour, size) in enumerate(self.lines, 1):
            g.next_id["order_line"] += 1
            line_ids.append(g.next_id["order_line"])
            line_rows.append(
                (
                    g.next_id["order_line"],
                    position,
                    product.name,
                    product.series,
                    colour,
                    product.spec,
                    size,
                    quantity,
                    product.unit,
                    money(price),
                    money(quantity * price),
                    self.id,
                    product.id,
                )
            )
        for p in self.payments:
            rows["payment"].append(
                (
                    p.id,
                    ts(p.requested),
                    ts(p.updated),
                    p.kind,
                    p.status,
                    money(p.due),
                    money(p.received),
                    ts(p.requested),
                    clock.date_text[p.due_day],
                    None if p.confirmed is None else ts(p.confirmed),
                    None if p.received_on is None else clock.date_text[p.received_on],
                    p.method,
                    p.reference,
                    "",
                    None if p.voided is None else ts(p.voided),
                    p.confirmed_by,
                    self.id,
                    p.requested_by,
                )
            )
        po = self.production_order
        if po is not None:
            status, started, completed, closed, updated = po
            rows["production_order"].append(
                (
                    *self.po_row_parts,
                    status,
                    None if started is None else ts(started),
                    None if completed is None else ts(completed),
                    None if closed is None else ts(closed),
                    "",
                    ts(updated),
                    self.owner,
                    self.id,
                    None,
                )
            )
        for incident in self.incidents:
            iid, kind, status, description, opened, resolved, resolution, loss = incident[:8]
            responsible, reporter, po_id = incident[8:]
            rows["incident"].append(
                (
                    iid,
                    kind,
                    status,
                    description,
                    ts(opened),
                    None if resolved is None else ts(resolved),
                    resolution,
                    money(loss),
                    self.id,
                    reporter,
                    responsible,
                    po_id,
                )
            )
        self.write_shipments(line_ids)
        for case in self.cases:
            cid, kind, status, received, description, resolved, closed, cost, sat, updated = case
            rows["after_sales_case"].append(
                (
                    cid,
                    kind,
                    status,
                    ts(received),
                    description,
                    "后整工序抽检比例不足，个别批次问题未检出。" if resolved else "",
                    "后整增加对色工位，出货前按批次留样。" if resolved else "",
                    money(cost),
                    sat,
                    None if resolved is None else ts(resolved),
                    None if closed is None else ts(closed),
                    ts(updated),
                    self.owner,
                    self.id,
                )
            )
        contract = self.contract_day
        rows["order"].append(
            (
                self.id,
                ts(self.t0),
                ts(self.updated),
                self.number,
                f"{self.customer.id:05d}-{self.id:08d}",
                f"ERP-{self.id:08d}" if self.client is not None else "",
                self.customer.currency,
                clock.date_text[self.order_day],
                clock.date_text[contract],
                clock.date_text[contract - 5],
                self.ratio,
                self.status,
                self.revision,
                self.quality,
                self.packing,
                self.confirmation[0],
                self.confirmation[1],
                self.confirmed_at is not None,
                None if self.confirmed_at is None else ts(self.confirmed_at),
                money(self.total),
                money(self.deposit_due),
                money(self.received),
                self.quantity,
                self.flags["waived"],
                self.flags["credit"],
                self.flags["shortfall"],
                self.cancel_reason,
                None if self.cancelled_at is None else ts(self.cancelled_at),
                None if self.fully_shipped_at is None else ts(self.fully_shipped_at),
                None if self.delivered_at is None else ts(self.delivered_at),
                None if self.closed_at is None else ts(self.closed_at),
                self.client,
                self.customer.id,
                self.owner,
            )
        )

    def write_shipments(self, line_ids: list[int]) -> None:
        g, clock = self.g, self.clock
        ts = clock.timestamp
        rows = g.rows
        domestic = self.customer.domestic
        required = {"commercial_invoice", "packing_list"}
        if not domestic:
            required.add("customs_declaration")
            if self.customer.currency == "EUR":
                required.add("certificate_of_origin")
        for shipment in self.shipments:
            gone = shipment.shipped is not None
            sea = shipment.mode == "sea"
            sid = shipment.id
            rows["shipment"].append(
                (
                    sid,
                    shipment.number,
                    shipment.status,
                    clock.date_text[shipment.planned_day],
                    None if shipment.actual_day is None else clock.date_text[shipment.actual_day],
                    shipment.mode,
                    "" if domestic else FORWARDERS[sid % len(FORWARDERS)],
                    CARRIERS[sid % len(CARRIERS)] if sea else "",
                    (f"BL{sid:010d}" if sea else f"TN{sid:010d}") if gone else "",
                    f"TGHU{sid % 10**7:07d}" if gone and sea else "",
                    shipment.packages,
                    f"5316{sid:014d}" if gone and not domestic else "",
                    ts(shipment.created),
                    None if shipment.shipped is None else ts(shipment.shipped),
                    None if shipment.delivered is None else ts(shipment.delivered),
                    "",
                    ts(shipment.updated),
                    self.owner,
                    self.id,
                )
            )
            for index, quantity in shipment.lines:
                g.next_id["shipment_line"] += 1
                rows["shipment_line"].append(
                    (g.next_id["shipment_line"], quantity, line_ids[index], sid)
                )
            ready_at = ts(shipment.shipped if gone else shipment.created)
            documents = rows["shipment_document"]
            for kind in DOCUMENT_KINDS:
                g.next_id["shipment_document"] += 1
                needed = kind in required
                ready = needed and gone
                documents.append(
                    (
                        g.next_id["shipment_document"],
                        kind,
                        needed,
                        ready,
                        ready_at,
                        sid,
                        self.owner if ready else None,
                    )
                )
