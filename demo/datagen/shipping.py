"""The last phase of a story: balance, shipments (whole or split, on time or
late), delivery, after-sales cases and closing."""

from __future__ import annotations

from .records import (
    AWAITING_BALANCE,
    CLOSED,
    DAY,
    DELIVERED,
    PAID,
    PARTIALLY_SHIPPED,
    SHIPPED,
    Shipment,
    Stop,
    half_up,
)

AFTER_SALES = (
    ("complaint", "客户反映部分纸箱受潮，约 20 件有水渍。", 40),
    ("return", "客户抽检发现约 2% 尺码标错位，要求退回更换。", 15),
    ("exchange", "个别批次色差明显，客户要求换货。", 10),
    ("rework", "吊牌条码与清单不符，需返工重贴。", 15),
    ("reproduction", "面料起球超标，客户要求重新生产部分数量。", 5),
    ("discount", "到货后客户发现个别色差，协商折让处理。", 15),
)
FOREIGN_MODES = (("sea", 80), ("air", 15), ("courier", 5))
DOMESTIC_MODES = (("truck", 70), ("courier", 30))
TRANSIT = {"sea": (12, 25), "air": (2, 4), "truck": (1, 3), "courier": (2, 5), "pickup": (0, 1)}


class ShippingSteps:
    """Mixed into ``Story``: what happens from produced to closed."""

    def settle_and_ship(self, t: int, *, split: bool, credit: bool) -> None:
        r, g = self.r, self.g
        t = self.later(t, 0, 2)
        self.check(t)
        balance = self.total - self.received
        finance = g.finance_for(self.id)
        payment = None
        final = t
        released = None
        if balance == 0:
            # Nothing left to pay: request_balance moves straight on to paid.
            self._move(t, AWAITING_BALANCE, "request_balance", self.owner)
            self._move(t, PAID, "balance_received", self.owner, note="货款已全部收到。")
            ready = t
        else:
            terms = self.customer.terms
            payment = self.request(t, "balance", balance, terms, self.owner)
            self._move(
                t,
                AWAITING_BALANCE,
                "request_balance",
                self.owner,
                extra=f', "payment": {payment.id}',
            )
            x = r()
            if self.customer.slow_payer or x > 0.97:
                days = terms + 15 + int(r() * 60)  # very late: an overdue receivable
            elif x > 0.75:
                days = terms + 2 + int(r() * 12)
            else:
                days = max(1, int(terms * (0.2 + 0.8 * r())))
            final = self.later(t, max(1, days * 5 // 7), max(1, days * 5 // 7))
            if r() < 0.15:
                first = self.later(t, 1, max(1, days * 5 // 14))
                if first < min(final, self.cut):
                    part = max(1, min(balance - 1, half_up(balance, 3000 + int(r() * 4000))))
                    if balance > 1:
                        self.receive(payment, first, part)
            if credit and final - t > 5 * DAY:
                moment = self.later(t, 1, 4)
                if moment < min(final, self.cut) and self.status != self.stop_at:
                    reason = "客户信用良好，船期紧，同意赊销放行，尾款见提单副本后付。"
                    self.approval(moment, "release_on_credit", self.supervisor, reason)
                    self.flags["credit"] = True
                    released = moment
            if released is None:
                self.check(final)
                self.receive(payment, final, payment.due - payment.received)
                self._move(
                    final, PAID, "balance_received", finance, extra=f', "payment": {payment.id}'
                )
                ready = final
            else:
                ready = released
        plan = self.plan_shipments(ready, split)
        if released is not None and final < self.cut:
            # Released on credit: the customer pays while the goods travel (or before
            # the first shipment leaves: then the order is simply paid).
            self.receive(payment, final, payment.due - payment.received)
            if final < plan[0][2]:
                self._move(
                    final, PAID, "balance_received", finance, extra=f', "payment": {payment.id}'
                )
        delivered = self.ship(plan)
        self.after_sales_and_close(delivered, final)

    def plan_shipments(self, ready: int, split: bool) -> list[tuple]:
        """[(created, planned day, ship moment, delivered moment, lines)] for one or two
        shipments; ``lines`` are [(line index, quantity)]."""
        r, clock = self.r, self.clock
        modes = DOMESTIC_MODES if self.customer.domestic else FOREIGN_MODES
        x, mode = r() * 100, modes[-1][0]
        for name, weight in modes:
            if x < weight:
                mode = name
                break
            x -= weight
        self.mode = mode
        n = len(self.lines)
        if split and n >= 2:
            half = (n + 1) // 2
            parts = [
                [(i, self.lines[i][1]) for i in range(half)],
                [(i, self.lines[i][1]) for i in range(half, n)],
            ]
        elif split:  # one line (of at least 100): 60 % now, the rest later
            first = self.lines[0][1] * 6 // 10 // 10 * 10
            parts = [[(0, first)], [(0, self.lines[0][1] - first)]]
        else:
            parts = [[(i, self.lines[i][1]) for i in range(n)]]
        lo, hi = TRANSIT[mode]
        plan = []
        after = ready
        for lines in parts:
            created = self.later(after, 0, 2)
            planned = clock.add_working_days(created // DAY, 2 + int(r() * 4))
            late = r() < 0.12
            ship_day = clock.add_working_days(planned, 1 + int(r() * 7)) if late else planned
            shipped = max(self.on(ship_day, 840, 1050), created + 60)
            delivered = self.later(shipped, lo, hi)
            plan.append((created, planned, shipped, delivered, lines))
            after = self.later(shipped, 2, 8)
        return plan

    def ship(self, plan: list[tuple]) -> int:
        g, clock = self.g, self.clock
        owner = self.owner
        for n, (created, planned, shipped, delivered, lines) in enumerate(plan):
            last = n == len(plan) - 1
            if created >= self.cut:
                raise Stop
            shipment = Shipment(
                self.new_id("shipment"),
                g.number("SH", clock.year[created // DAY]),
                created,
                planned,
                self.mode,
                lines,
            )
            self.shipments.append(shipment)
            quantity = sum(q for _, q in lines)
            self.event(
                created,
                "shipment_created",
                owner,
                data=(
                    f'{{"shipment": {shipment.id}, "number": "{shipment.number}", '
                    f'"quantity": {quantity}}}'
                ),
            )
            packed = shipped - 240
            if packed < self.cut and packed > created:
                shipment.status, shipment.updated = "packed", packed
            self.check(shipped)
            shipment.status, shipment.shipped, shipment.updated = "shipped", shipped, shipped
            shipment.actual_day = shipped // DAY
            self.event(
                shipped,
                "shipment_shipped",
                owner,
                data=f'{{"shipment": {shipment.id}, "number": "{shipment.number}"}}',
            )
            if last:
                self.fully_shipped_at = shipped
                self._move(shipped, SHIPPED, "ship", owner, extra=f', "shipment": {shipment.id}')
            else:
                self._move(
                    shipped, PARTIALLY_SHIPPED, "ship", owner, extra=f', "shipment": {shipment.id}'
                )
                if delivered < self.cut:  # the first shipment arrives on its own
                    self.deliver(shipment, delivered)
        # The order is delivered when its last shipment is.
        moment = max(d for _, _, _, d, _ in plan)
        self.check(moment)
        for shipment in self.shipments:
            if shipment.status == "shipped":
                self.deliver(shipment, moment)
        self.delivered_at = moment
        self._move(moment, DELIVERED, "confirm_delivery", owner)
        return moment

    def deliver(self, shipment: Shipment, t: int) -> None:
        shipment.status, shipment.delivered, shipment.updated = "delivered", t, t
        self.event(
            t,
            "shipment_delivered",
            self.owner,
            data=f'{{"shipment": {shipment.id}, "number": "{shipment.number}"}}',
        )

    def after_sales_and_close(self, delivered: int, paid: int) -> None:
        g, r = self.g, self.r
        ready = max(delivered, paid)
        if r() < 0.04:
            kind, description = g.after_sales_kind(r())
            received = self.later(delivered, 2, 30)
            if received >= self.cut:
                raise Stop
            # [id, kind, status, received, description,
            #  resolved, closed, cost, satisfaction, updated]
            case = [self.new_id("after_sales_case"), kind, "open", received, description]
            case += [None, None, 0, None, received]
            self.cases.append(case)
            note = f'"case": {case[0]}, "kind": "{kind}"'
            self.event(
                received, "after_sales_opened", self.owner, data=f'{{{note}, "status": "open"}}'
            )
            investigating = self.later(received, 0, 3)
            if investigating >= self.cut:
                raise Stop
            case[2], case[9] = "investigating", investigating
            self.event(
                investigating,
                "after_sales_updated",
                self.owner,
                note="已联系工厂和货代调查原因。",
                data=f'{{{note}, "status": "investigating"}}',
            )
            resolved = self.later(investigating, 2, 20)
            if resolved >= self.cut:
                raise Stop
            case[2], case[5], case[7], case[9] = (
                "resolved",
                resolved,
                (8 + int(r() * 30)) * 10000,
                resolved,
            )
            self.event(
                resolved,
                "after_sales_updated",
                self.owner,
                data=f'{{{note}, "status": "resolved"}}',
            )
            ready = max(ready, resolved)
            closed = self.later(resolved, 1, 10)
            if closed < self.cut:
                case[2], case[6], case[8], case[9] = "closed", closed, 2 + int(r() * 4), closed
                self.event(
                    closed,
                    "after_sales_updated",
                    self.owner,
                    data=f'{{{note}, "status": "closed"}}',
                )
        moment = self.later(ready, 3, 20)
        self.check(moment)
        self.closed_at = moment
        self._move(moment, CLOSED, "close", self.owner, note="资料归档。")
