"""The shipping chapter of an order's story: shipments booked, their documents made
ready, packed and shipped; and the after-sales cases after delivery."""

from __future__ import annotations

import datetime as dt
import math

from orders.states import OrderStatus
from shipping import services as shipping_services
from shipping.models import DocumentKind, Shipment

S = OrderStatus


class ShippingSteps:
    """The shipping and after-sales steps of ``OrderStory`` (planned by
    ``plan_shipments`` and ``plan_after_sales``)."""

    def plan_shipments(self, t: int) -> int:
        s = self.story
        if s.status == S.PAID:  # booked with the forwarder, documents not ready yet
            t += 1
            self.add(t, 10, lambda day: self.create_shipment(day, part=None, ready=False))
            return t
        two = s.status == S.PARTIALLY_SHIPPED or self.has("split")
        t += 1
        self.add(t, 10, lambda day: self.create_shipment(day, part="first" if two else None))
        t += 2
        self.add(t, 15, self.ship)
        if two:
            booked_only = s.status == S.PARTIALLY_SHIPPED  # the rest waits for the next vessel
            t += 1 if booked_only else 3
            self.add(
                t, 10, lambda day: self.create_shipment(day, part="rest", ready=not booked_only)
            )
            if not booked_only:
                t += 2
                self.add(t, 15, self.ship)
        self.t_last_ship = t
        return t

    def plan_after_sales(self, t: int) -> int:
        if self.has("after_sales_open"):
            t += 3
            self.add(t, 10, self.open_after_sales)
        elif self.has("after_sales_investigating"):
            t += 2
            self.add(t, 10, self.open_after_sales)
            t += 1
            self.add(t, 14, self.investigate_after_sales)
        elif self.has("after_sales_closed"):
            t += 2
            self.add(t, 10, self.open_after_sales)
            t += 1
            self.add(t, 14, self.investigate_after_sales)
            t += 4
            self.add(t, 16, self.resolve_after_sales)
            t += 3
            self.add(t, 11, self.close_after_sales)
        return t

    def create_shipment(self, day: dt.date, *, part: str | None, ready: bool = True) -> None:
        order = self.order()
        lines = None
        if part == "first":
            first = order.lines.order_by("position").first()
            lines = [{"order_line": first.pk, "quantity": first.quantity}]
        domestic = self.customer.currency == "CNY"
        required = [
            DocumentKind.COMMERCIAL_INVOICE,
            DocumentKind.PACKING_LIST,
        ]
        if not domestic:
            required.append(DocumentKind.CUSTOMS_DECLARATION)
        if self.customer.needs_origin_certificate:
            required.append(DocumentKind.CERTIFICATE_OF_ORIGIN)
        shipment = shipping_services.shipment_create(
            actor=self.merch,
            order_id=order.pk,
            planned_ship_date=self.when(self.current_t + 2),
            mode="truck" if domestic else "sea",
            lines=lines,
            forwarder="德邦物流" if domestic else "深圳中外运物流有限公司",
            carrier="" if domestic else self.rng.choice(("COSCO SHIPPING", "Maersk", "ONE")),
            required_documents=required,
        )
        if not ready:
            return
        for document in shipment.documents.filter(required=True).order_by("pk"):
            shipping_services.shipment_document_update(
                actor=self.merch, document_id=document.pk, is_ready=True
            )

    def ship(self, day: dt.date) -> None:
        shipment = (
            Shipment.objects.filter(order_id=self.order_id, status__in=("planned", "packed"))
            .order_by("pk")
            .first()
        )
        quantity = sum(line.quantity for line in shipment.lines.all())
        shipping_services.shipment_pack(
            actor=self.merch, shipment_id=shipment.pk, packages=math.ceil(quantity / 50)
        )
        domestic = self.customer.currency == "CNY"
        shipping_services.shipment_ship(
            actor=self.merch,
            shipment_id=shipment.pk,
            tracking_number=(
                f"DB{self.rng.randint(10**9, 10**10 - 1)}"
                if domestic
                else self.rng.choice(("COSU", "MAEU", "ONEY"))
                + str(self.rng.randint(10**8, 10**9 - 1))
            ),
            container="" if domestic else f"TGHU{self.rng.randint(10**6, 10**7 - 1)}",
            customs_declaration_number=(
                "" if domestic else f"5316{day:%Y}{self.rng.randint(10**9, 10**10 - 1)}"
            ),
        )

    def open_after_sales(self, day: dt.date) -> None:
        kind, description = {
            "after_sales_open": ("complaint", "客户反映部分纸箱受潮，约 20 件有水渍。"),
            "after_sales_investigating": ("return", "客户抽检发现约 2% 尺码标错位，要求退回更换。"),
        }.get(
            next((f for f in ("after_sales_open", "after_sales_investigating") if self.has(f)), ""),
            ("discount", "到货后客户发现个别色差，协商折让处理。"),
        )
        shipping_services.after_sales_case_open(
            actor=self.merch, order_id=self.order_id, kind=kind, description=description
        )

    def case(self):
        return self.order().after_sales_cases.order_by("pk").last()

    def investigate_after_sales(self, day: dt.date) -> None:
        shipping_services.after_sales_case_investigate(
            actor=self.merch, case_id=self.case().pk, note="已联系工厂和货代调查原因。"
        )

    def resolve_after_sales(self, day: dt.date) -> None:
        shipping_services.after_sales_case_resolve(
            actor=self.merch,
            case_id=self.case().pk,
            root_cause="后整工序抽检比例不足，个别批次色差未检出。",
            corrective_action="后整增加对色工位，出货前按批次留样。",
            cost=f"{self.rng.randint(8, 30) * 100}.00",
        )

    def close_after_sales(self, day: dt.date) -> None:
        shipping_services.after_sales_case_close(
            actor=self.merch, case_id=self.case().pk, customer_satisfaction=self.rng.choice((3, 4))
        )
