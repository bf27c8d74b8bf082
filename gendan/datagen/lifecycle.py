"""One order's life, simulated step by step and written as rows.

A ``Story`` walks an order through the lifecycle of product.md §2 the way the
services would: each step happens some working days after the previous one
(drawn from realistic ranges), and each writes the rows and the timeline event
the service writes. The walk stops at the first step that would happen after
the cutoff (the start of today), so old orders are closed or cancelled and the
open statuses gather in the last months by themselves. A story may also be
told to stop at a given status (``stop_at``): the generator uses that to make
sure every status appears even in a small run.

Amounts follow the services exactly, in integer cents: a line's amount is
quantity × unit price (exact, since the price has two places), the total is
their sum, the deposit is total × ratio rounded half up to the cent, and the
order's ``amount_received`` is the sum of its receipts, net of refunds.

Rows are tuples in the column order of ``tables.TABLES``.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from orders.states import OrderStatus

from .clock import MINUTES_PER_DAY
from .reference import (
    COLOURS,
    FACTORIES,
    OUTSIDE_FACTORIES,
    PACKING_REQUIREMENTS,
    QUALITY_REQUIREMENTS,
    CustomerInfo,
)

if TYPE_CHECKING:
    from .generator import Generator

DAY = MINUTES_PER_DAY
# Plain str values (not the TextChoices members) for the hot loop and the COPY rows.
DRAFT, CONFIRMED, AWAITING_DEPOSIT, DEPOSIT_PAID, IN_PRODUCTION, PRODUCED = (
    s.value
    for s in (
        OrderStatus.DRAFT,
        OrderStatus.CONFIRMED,
        OrderStatus.AWAITING_DEPOSIT,
        OrderStatus.DEPOSIT_PAID,
        OrderStatus.IN_PRODUCTION,
        OrderStatus.PRODUCED,
    )
)
AWAITING_BALANCE, PAID, PARTIALLY_SHIPPED, SHIPPED, DELIVERED, CLOSED, CANCELLED = (
    s.value
    for s in (
        OrderStatus.AWAITING_BALANCE,
        OrderStatus.PAID,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.CLOSED,
        OrderStatus.CANCELLED,
    )
)
# Statuses after production started: cancelling then needs a supervisor's approval.
LATE_CANCEL = frozenset({IN_PRODUCTION, PRODUCED, AWAITING_BALANCE, PAID})

# What happens to an order in the end, besides the normal path (per thousand).
FATES = (
    ("cancel_draft", 15),
    ("cancel_confirmed", 5),
    ("cancel_awaiting_deposit", 15),
    ("cancel_deposit_paid", 3),
    ("cancel_in_production", 7),
    ("normal", 955),
)
CANCEL_REASONS = {
    "cancel_draft": "客户取消采购计划。",
    "cancel_confirmed": "客户终端需求变化，书面通知取消订单。",
    "cancel_awaiting_deposit": "客户资金紧张，未按期支付订金，取消订单。",
    "cancel_deposit_paid": "客户更换供应商，协商取消订单，已付订金退回。",
    "cancel_in_production": "客户终端零售商取消订单，经主管批准停产，已付订金待退。",
}
LINE_COUNTS = ((1, 30), (2, 22), (3, 15), (4, 11), (5, 8), (6, 6), (7, 4), (8, 4))
INCIDENT_KINDS = (
    ("delay", "前道工序延误，车缝线待料两天。", 30),
    ("quality", "中期抽检发现跳线、线头多，需返工。", 30),
    ("material_shortage", "面料供应商延迟交货，停工待料。", 20),
    ("equipment", "平车断针频繁，两台设备停机检修。", 15),
    ("other", "车间停电半天，进度顺延。", 5),
)
VARIANCE_REASONS = (
    "material_late",
    "staffing",
    "equipment_failure",
    "upstream_delay",
    "plan_error",
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
FORWARDERS = ("深圳中外运物流有限公司", "宁波港国际货运代理有限公司", "上海锦江航运代理")
CARRIERS = ("COSCO SHIPPING", "Maersk", "ONE", "Evergreen", "CMA CGM")
DOCUMENT_KINDS = (
    "commercial_invoice",
    "packing_list",
    "customs_declaration",
    "certificate_of_origin",
    "insurance",
    "inspection_certificate",
)


def money(cents: int) -> str:
    """Integer cents (≥ 0) as the text of a two-place decimal."""
    return f"{cents // 100}.{cents % 100:02d}"


def half_up(cents: int, ratio_ten_thousandths: int) -> int:
    """cents × ratio, rounded half up to the cent (what ``deposit_for`` does)."""
    return (cents * ratio_ten_thousandths + 5000) // 10000


def ratio_units(ratio: str) -> int:
    """'0.3000' -> 3000 (ten-thousandths)."""
    whole, _, frac = ratio.partition(".")
    return int(whole) * 10000 + int((frac + "0000")[:4])


class Stop(Exception):
    """The story reached the cutoff, or the status it was told to stop at."""


class Payment:
    __slots__ = (
        "confirmed",
        "confirmed_by",
        "due",
        "due_day",
        "id",
        "kind",
        "method",
        "received",
        "received_on",
        "reference",
        "requested",
        "requested_by",
        "status",
        "updated",
        "voided",
    )

    def __init__(self, id, kind, due, requested, requested_by, due_day):
        self.id, self.kind, self.due = id, kind, due
        self.requested, self.requested_by, self.due_day = requested, requested_by, due_day
        self.status, self.received, self.updated = "requested", 0, requested
        self.confirmed = self.confirmed_by = self.received_on = self.voided = None
        self.method = self.reference = ""

    @property
    def open(self) -> bool:
        return self.status in ("requested", "partially_received")


class Shipment:
    __slots__ = (
        "actual_day",
        "created",
        "delivered",
        "id",
        "lines",
        "mode",
        "number",
        "packages",
        "planned_day",
        "shipped",
        "status",
        "updated",
    )

    def __init__(self, id, number, created, planned_day, mode, lines):
        self.id, self.number, self.created = id, number, created
        self.planned_day, self.mode, self.lines = planned_day, mode, lines
        self.status, self.updated = "planned", created
        self.actual_day = self.shipped = self.delivered = None
        self.packages = max(1, -(-sum(q for _, q in lines) // 50))


class Story:
    """One order, from its creation to the cutoff. ``run()`` writes its rows."""

    def __init__(
        self, gen: Generator, order_id: int, created: int, *, stop_at: str | None = None
    ) -> None:
        self.g = gen
        self.r = gen.rng.random
        self.clock = gen.clock
        self.id = order_id
        self.t0 = created
        self.stop_at = stop_at
        self.cut = gen.cutoff
        self.reached_at: int | None = None  # when the story entered ``stop_at``
        self.status = DRAFT
        self.received = 0
        self.revision = 1
        self.payments: list[Payment] = []
        self.shipments: list[Shipment] = []
        self.production_order: list | None = None
        self.po_row_parts: tuple = ()
        self.cases: list[list] = []
        self.incidents: list[list] = []
        self.flags = {
            "waived": False,
            "credit": False,
            "shortfall": False,
        }
        self.confirmed_at = self.cancelled_at = self.fully_shipped_at = None
        self.delivered_at = self.closed_at = None
        self.confirmation = ("", "")
        self.cancel_reason = ""
        self.updated = created

    # ------------------------------------------------------------------ time

    def later(self, t: int, lo: int, hi: int, h0: int = 540, h1: int = 1080) -> int:
        """A moment ``lo``..``hi`` working days after ``t``, between h0 and h1 (minutes)."""
        r = self.r
        day = self.clock.add_working_days(t // DAY, lo + int(r() * (hi - lo + 1)))
        moment = day * DAY + h0 + int(r() * (h1 - h0))
        return moment if moment > t else t + 1 + int(r() * 20)

    def on(self, day: int, h0: int, h1: int) -> int:
        return day * DAY + h0 + int(self.r() * (h1 - h0))

    # ------------------------------------------------------------ the writers

    def event(self, t, type, actor, from_status="", to_status="", note="", data="{}") -> None:
        g = self.g
        g.next_id["event"] += 1
        g.rows["event"].append(
            (
                g.next_id["event"],
                type,
                from_status,
                to_status,
                note,
                data,
                self.clock.timestamp(t),
                actor,
                self.id,
            )
        )
        if t > self.updated:
            self.updated = t

    def check(self, t: int) -> None:
        """A step that moves the order happens only before the cutoff, and not out of
        the status the story was told to stop at."""
        if t >= self.cut or self.status == self.stop_at:
            raise Stop

    def _move(self, t, to, action, actor, note="", extra="") -> None:
        self.event(
            t, "status_changed", actor, self.status, to, note, f'{{"action": "{action}"{extra}}}'
        )
        self.status = to
        if to == self.stop_at:
            self.reached_at = t

    def move(self, t, to, action, actor, note="", extra="") -> None:
        self.check(t)
        self._move(t, to, action, actor, note, extra)

    def new_id(self, key: str) -> int:
        self.g.next_id[key] += 1
        return self.g.next_id[key]

    def approval(self, t, kind, actor, reason) -> None:
        approval_id = self.new_id("approval")
        self.g.rows["approval"].append(
            (approval_id, kind, reason, self.clock.timestamp(t), actor, self.id)
        )
        self.event(
            t,
            "approval",
            actor,
            note=reason,
            data=f'{{"approval": {approval_id}, "kind": "{kind}"}}',
        )

    def request(self, t, kind, amount, due_in_days, actor) -> Payment:
        payment = Payment(self.new_id("payment"), kind, amount, t, actor, t // DAY + due_in_days)
        self.payments.append(payment)
        self.event(
            t,
            "payment_requested",
            actor,
            data=(
                f'{{"payment": {payment.id}, "kind": "{kind}", "amount_due": "{money(amount)}", '
                f'"due_date": "{self.clock.date_text[payment.due_day]}"}}'
            ),
        )
        return payment

    def receive(self, payment: Payment, t: int, amount: int) -> None:
        """Finance confirms a receipt (or a refund paid out) against a request."""
        g, clock = self.g, self.clock
        receipt_id = self.new_id("receipt")
        finance = g.finance_for(self.id)
        method = self.method
        reference = f"TT{receipt_id:010d}"
        day_text = clock.date_of(t)
        g.rows["receipt"].append(
            (
                receipt_id,
                money(amount),
                day_text,
                method,
                reference,
                clock.timestamp(t),
                finance,
                payment.id,
            )
        )
        payment.received += amount
        payment.status = "received" if payment.received >= payment.due else "partially_received"
        payment.confirmed_by, payment.confirmed, payment.updated = finance, t, t
        payment.received_on, payment.method, payment.reference = t // DAY, method, reference
        self.received += -amount if payment.kind == "refund" else amount
        self.event(
            t,
            "payment_received",
            finance,
            data=(
                f'{{"payment": {payment.id}, "kind": "{payment.kind}", "amount": '
                f'"{money(amount)}", "received_on": "{day_text}", "reference": "{reference}"}}'
            ),
        )

    def withdraw(self, payment: Payment, t: int, actor: int, note: str) -> None:
        """What ``_withdraw_request`` does: a partly paid request closes at what came
        in, an unpaid one is voided."""
        if payment.received > 0:
            payment.due, payment.status = payment.received, "received"
        else:
            payment.status = "voided"
        payment.voided = payment.updated = t
        self.event(
            t,
            "payment_voided",
            actor,
            note=note,
            data=(
                f'{{"payment": {payment.id}, "kind": "{payment.kind}", '
                f'"amount_due": "{money(payment.due)}"}}'
            ),
        )

    # -------------------------------------------------------------- the story

    def run(self, customer: CustomerInfo, fate: str, *, split: bool, credit: bool) -> None:
        self.setup(customer)
        with contextlib.suppress(Stop):
            self.story(fate, split=split, credit=credit)
        self.finish()

    def setup(self, customer: CustomerInfo) -> None:
        """The order as recorded: customer, owner, lines and amounts."""
        g, r, clock = self.g, self.r, self.clock
        self.customer = customer
        self.owner = customer.owner_id if r() < 0.85 else g.merchandiser(r())
        self.creator = self.owner
        self.client = None
        if customer.client_id is not None and r() < 0.7:
            self.creator = self.client = customer.client_id
        self.supervisor = g.staff.supervisor_of(self.owner)
        self.ratio = customer.deposit_ratio if r() < 0.9 else g.ratio(r())
        if self.stop_at is not None:
            self.ratio = "0.3000"  # a deposit to wait for, and a balance after it
        self.ratio_units = ratio_units(self.ratio)
        self.method = "bank_transfer" if customer.domestic else ("lc" if r() < 0.05 else "tt")
        self.lines = self.make_lines(g.line_count(r()))
        day = self.t0 // DAY
        self.order_day = day
        lead = 45 + int(r() * 50) + min(30, sum(q for _, q, *_ in self.lines) // 2000 * 3)
        self.contract_day = day + lead
        self.quality = QUALITY_REQUIREMENTS[int(r() * len(QUALITY_REQUIREMENTS))]
        self.packing = PACKING_REQUIREMENTS[int(r() * len(PACKING_REQUIREMENTS))]
        self.number = g.number("GD", clock.year[day])
        self.recompute()

    def make_lines(self, count: int) -> list[tuple]:
        """[(product, quantity, unit price in cents, colour, size)]"""
        g, r = self.g, self.r
        lines = []
        fx = self.customer.fx
        for _ in range(count):
            product = g.reference.product_picker.pick(r())
            quantity = 50 * (2 + int(r() * r() * 100))
            if r() < 0.25:  # not every order is in round dozens or fifties
                quantity += 1 + int(r() * 49)
            price = max(1, round(product.price_cents / fx * (0.9 + 0.2 * r())))
            colour = COLOURS[int(r() * len(COLOURS))]
            size = product.sizes[int(r() * len(product.sizes))]
            lines.append((product, quantity, price, colour, size))
        return lines

    def recompute(self) -> None:
        self.total = sum(q * p for _, q, p, _, _ in self.lines)
        self.quantity = sum(q for _, q, _, _, _ in self.lines)
        self.deposit_due = half_up(self.total, self.ratio_units)

    def story(self, fate: str, *, split: bool, credit: bool) -> None:
        r = self.r
        owner = self.owner
        t = self.t0
        self.event(t, "created", self.creator, to_status=DRAFT)
        if fate == "cancel_draft":
            self.cancel(self.later(t, 1, 12), fate)
        t = self.later(t, 0, 4)
        self.check(t)
        method = ("email", "fax", "signed_order")[int(r() * 3)]
        self.confirmed_at = t
        self.confirmation = (method, f"{self.number} 客户回签")
        self._move(t, CONFIRMED, "confirm", owner, extra=f', "method": "{method}"')
        if r() < 0.02:  # the owner goes on leave: the supervisor hands the order over
            moment = self.later(t, 1, 3)
            if moment < self.cut:
                self.reassign(moment)
                t = moment
        if r() < 0.03 and self.ratio_units > 0:  # the customer changes the order (改单)
            moment = self.later(t, 0, 2)
            if moment < self.cut and self.status != self.stop_at:
                self.amend(moment)
                t = moment
        if self.deposit_due == 0:
            self.move(
                t + 1, DEPOSIT_PAID, "skip_deposit", self.owner, note="订金比例为 0，无需订金。"
            )
            t += 1
        else:
            t = self.deposit(t, fate, waiver=r() < 0.02)
        t = self.production(t, fate)
        self.settle_and_ship(t, split=split, credit=credit)

    def reassign(self, t: int) -> None:
        previous, supervisor = self.owner, self.supervisor
        self.owner = self.g.merchandiser(self.r())
        if self.owner == previous:
            return
        self.supervisor = self.g.staff.supervisor_of(self.owner)
        self.event(
            t,
            "reassigned",
            supervisor,
            note="原跟单员休假，转交跟进。",
            data=f'{{"previous_owner": {previous}, "owner": {self.owner}}}',
        )

    def amend(self, t: int) -> None:
        """Revision 2: more of the first line, or a new colour; the customer confirms by e-mail."""
        clock, r = self.clock, self.r
        previous_lines = [
            {
                "product": product.id,
                "description": product.name,
                "series": product.series,
                "colour": colour,
                "spec": product.spec,
                "size": size,
                "quantity": quantity,
                "unit": product.unit,
                "unit_price": money(price),
                "amount": money(quantity * price),
            }
            for product, quantity, price, colour, size in self.lines
        ]
        previous_values = {
            "contract_delivery_date": clock.date_text[self.contract_day],
            "planned_ship_date": clock.date_text[self.contract_day - 5],
            "total_amount": money(self.total),
            "deposit_due": money(self.deposit_due),
            "revision": 1,
        }
        product, quantity, price, colour, size = self.lines[0]
        if r() < 0.6:
            extra = max(50, quantity // 500 * 50)
            self.lines[0] = (product, quantity + extra, price, colour, size)
        else:
            new_colour = COLOURS[int(r() * len(COLOURS))]
            self.lines.append((product, 50 * (2 + int(r() * 20)), price, new_colour, size))
        self.recompute()
        self.revision = 2
        reason = "客户追加数量，书面确认改单。"
        self.g.rows["revision"].append(
            (
                self.new_id("revision"),
                2,
                json.dumps(previous_lines, ensure_ascii=False),
                json.dumps(previous_values, ensure_ascii=False),
                money(self.total),
                "email",
                f"{self.number} 改单确认邮件",
                reason,
                clock.timestamp(t),
                self.owner,
                self.id,
            )
        )
        self.event(
            t,
            "amended",
            self.owner,
            note=reason,
            data=f'{{"revision": 2, "total_amount": "{money(self.total)}"}}',
        )

    # ------------------------------------------------------------- deposit

    def deposit(self, t: int, fate: str, *, waiver: bool) -> int:
        r = self.r
        if fate == "cancel_confirmed":
            self.cancel(self.later(t, 1, 10), fate)
        t = self.later(t, 0, 2)
        self.check(t)
        payment = self.request(t, "deposit", self.deposit_due, 7, self.owner)
        self._move(
            t, AWAITING_DEPOSIT, "request_deposit", self.owner, extra=f', "payment": {payment.id}'
        )
        if waiver:
            moment = self.later(t, 2, 10)
            self.check(moment)
            reason = "老客户，合作多年信用良好，订金改为随尾款一并支付。"
            self.approval(moment, "deposit_waiver", self.supervisor, reason)
            self.withdraw(payment, moment, self.supervisor, reason)
            self.flags["waived"] = True
            self._move(moment, DEPOSIT_PAID, "waive_deposit", self.supervisor, note=reason)
            return moment
        slow = self.customer.slow_payer
        first = self.later(t, 1, 25 if slow else 8)
        partial = r() < 0.12
        if partial:
            part = max(1, min(payment.due - 1, half_up(payment.due, 3000 + int(r() * 4000))))
            if first < self.cut and payment.due > 1:
                self.receive(payment, first, part)
            t = self.later(first, 2, 15)
        else:
            t = first
        if fate == "cancel_awaiting_deposit":
            self.cancel(self.later(first, 2, 20), fate)
        self.check(t)
        finance = self.g.finance_for(self.id)
        self.receive(payment, t, payment.due - payment.received)
        self._move(t, DEPOSIT_PAID, "deposit_received", finance, extra=f', "payment": {payment.id}')
        return t

    # ----------------------------------------------------------- production

    def production(self, t: int, fate: str) -> int:
        g, r, clock = self.g, self.r, self.clock
        if fate == "cancel_deposit_paid":
            self.cancel(self.later(t, 2, 10), fate)
        t = self.later(t, 0, 3)
        self.check(t)
        issued = t
        quantity = self.quantity
        outside = r() < 0.15
        factory = (
            OUTSIDE_FACTORIES[int(r() * len(OUTSIDE_FACTORIES))]
            if outside
            else FACTORIES[int(r() * len(FACTORIES))]
        )
        fee = quantity * (150 + int(r() * 300)) if outside else 0
        planned_days = 8 + int(r() * 15) + min(10, quantity // 3000)
        planned_start = clock.add_working_days(issued // DAY, 1)
        planned_finish = clock.add_working_days(planned_start, planned_days - 1)
        po_id = self.new_id("production_order")
        number = g.number("PO", clock.year[issued // DAY])
        # [status, started, completed, closed, updated]
        self.production_order = ["issued", None, None, None, issued]
        self.po_row_parts = (
            po_id,
            number,
            self.revision,
            clock.timestamp(issued),
            factory,
            outside,
            clock.date_text[planned_start],
            clock.date_text[planned_finish],
            quantity,
            money(fee),
        )
        self.po_id = po_id
        self.event(
            issued,
            "production_issued",
            self.owner,
            data=f'{{"production_order": {po_id}, "number": "{number}"}}',
        )
        self._move(
            issued,
            IN_PRODUCTION,
            "issue_production",
            self.owner,
            extra=f', "production_order": {po_id}',
        )
        if r() < 0.05:  # a slow start: a third of the time for a fifth of the quantity
            for share_days, share_qty in ((3, 5), (3 / 2, 5 / 3)):
                g.rows["milestone"].append(
                    (
                        self.new_id("milestone"),
                        clock.date_text[
                            clock.add_working_days(planned_start, int(planned_days / share_days))
                        ],
                        int(quantity / share_qty),
                        po_id,
                    )
                )

        # How it really goes: on plan, a little early, or well behind.
        behind = r() < 0.25
        factor = 1.15 + r() * 0.5 if behind else 0.85 + r() * 0.3
        actual = max(3, round(planned_days * factor))
        start = clock.add_working_days(planned_start, 0 if r() < 0.8 else 1 + int(r() * 2))
        last_day = clock.add_working_days(start, actual - 1)
        today_offset = clock.working_days_between(start, clock.today) + 1
        reporter = g.production_for(self.id)
        shortfall = r() < 0.02
        stalled = r() < 0.06
        cancel_offset = (
            1 + int(r() * max(1, actual - 1)) if fate == "cancel_in_production" else None
        )
        # Reports, inspections and incidents happen on the run's days before today (and
        # before a cancellation: reports are filed at the end of the day).
        limit = min(actual if cancel_offset is None else cancel_offset - 1, today_offset - 1)
        running = actual >= today_offset  # not finished before today

        if start < clock.today:
            po = self.production_order
            po[0], po[1] = "in_progress", self.on(start, 510, 570)
            po[4] = po[1]
            self.event(
                po[1],
                "production_started",
                reporter,
                data=f'{{"production_order": {po_id}, "number": "{number}"}}',
            )

        # A handful of report days spread over the run; daily in the last working days.
        k = 3 + int(r() * 3)
        offsets = {max(1, round((j + 1) * actual / k)) for j in range(k)}
        if running and not stalled:
            offsets.update(range(max(1, today_offset - 3), today_offset))
        elif running:  # nobody reported for the last few working days
            offsets.difference_update(range(today_offset - 4, today_offset))
        final_out = quantity * 97 // 100 if shortfall else quantity
        self.write_reports(
            po_id,
            start,
            sorted(o for o in offsets if o <= limit),
            actual,
            quantity,
            final_out,
            reporter,
            behind,
        )
        # Inspections and incidents on the days that have passed.
        inspect_day = clock.add_working_days(start, max(2, actual // 2) - 1)
        if actual >= 4 and r() < 0.5 and max(2, actual // 2) <= limit:
            failed = r() < 0.07
            self.inspect(po_id, inspect_day, "inline_mid", "fail" if failed else "pass", reporter)
            if failed and max(2, actual // 2) + 1 <= limit:
                self.inspect(
                    po_id, clock.add_working_days(inspect_day, 1), "inline_mid", "pass", reporter
                )
        incident_offset = 1 + int(r() * actual)
        if r() < 0.06 and incident_offset <= limit:
            self.incident(po_id, clock.add_working_days(start, incident_offset - 1), reporter)

        if cancel_offset is not None:
            self.cancel(self.on(clock.add_working_days(start, cancel_offset - 1), 900, 1020), fate)

        # The final inspection on the last day (a failed one is redone a day or two later).
        done_day = last_day
        final_failed = r() < 0.03
        redo = 1 + int(r() * 2)
        if done_day >= clock.today:
            raise Stop
        self.inspect(po_id, done_day, "final", "fail" if final_failed else "pass", reporter)
        if final_failed:
            done_day = clock.add_working_days(done_day, redo)
            if done_day >= clock.today:
                raise Stop
            self.inspect(po_id, done_day, "final", "pass", reporter)
        t = self.on(done_day, 1080, 1110)
        self.check(t)
        if shortfall:
            reason = "面料缸差报废约 3%，客户邮件同意按实际数量出货。"
            self.approval(t - 5, "production_shortfall", self.supervisor, reason)
            self.flags["shortfall"] = True
        po = self.production_order
        if po[1] is None:
            po[1] = t
        po[0], po[2], po[4] = "completed", t, t
        self._move(
            t,
            PRODUCED,
            "complete_production",
            self.owner,
            extra=f', "production_order": {po_id}, "produced": {final_out}',
        )
        return t

    def write_reports(self, po_id, start, offsets, actual, quantity, final_out, reporter, behind):
        """Progress reports at the output stage (packing) and the stage before it, the
        upstream stage running two days ahead; cumulative quantities follow the pace."""
        g, r, clock = self.g, self.r, self.clock
        rows = g.rows["progress_report"]
        output, upstream = g.output_stage, g.upstream_stage
        previous_out = previous_up = 0
        for offset in offsets:
            day = clock.add_working_days(start, offset - 1)
            created = clock.timestamp(self.on(day, 1020, 1140))
            date = clock.date_text[day]
            cum_out = final_out if offset >= actual else final_out * offset // actual
            cum_up = min(quantity, quantity * (offset + 2) // actual)
            for stage, good in (
                (upstream, cum_up - previous_up),
                (output, cum_out - previous_out),
            ):
                if stage is None or (good <= 0 and stage == upstream):
                    continue
                variance = ""
                if behind and r() < 0.5:
                    variance = VARIANCE_REASONS[int(r() * len(VARIANCE_REASONS))]
                g.next_id["progress_report"] += 1
                rows.append(
                    (
                        g.next_id["progress_report"],
                        date,
                        good,
                        int(good * (0.005 + 0.025 * r())),
                        int(good * 0.008 * r()),
                        variance,
                        "",
                        created,
                        po_id,
                        reporter,
                        stage,
                    )
                )
            previous_out, previous_up = cum_out, cum_up

    def inspect(self, po_id, day, kind, result, inspector) -> None:
        r = self.r
        sample = 80 if self.quantity <= 1200 else 125 if self.quantity <= 3200 else 200
        failed = result == "fail"
        defects = 6 + int(r() * 10) if failed else int(r() * 4)
        loss = (500 + int(r() * 3000)) * 100 if failed else 0
        self.g.rows["inspection"].append(
            (
                self.new_id("inspection"),
                kind,
                result,
                self.clock.date_text[day],
                sample,
                defects,
                "车缝跳线、线头多" if failed else ("线头；污渍" if defects else ""),
                money(loss),
                "已要求返工并加强巡检。" if failed else "",
                self.clock.timestamp(self.on(day, 870, 990)),
                inspector,
                po_id,
            )
        )

    def incident(self, po_id, day, reporter) -> None:
        g, r = self.g, self.r
        opened = self.on(day, 600, 900)
        if opened >= self.cut:
            return
        kind, description = g.incident_kind(r())
        resolved = self.later(opened, 1, 6)
        responsible = reporter if r() < 0.6 else self.owner
        # [id, kind, status, description, opened, resolved, resolution, loss,
        #  responsible, reporter, production order]
        incident = [
            self.new_id("incident"),
            kind,
            "open",
            description,
            opened,
            None,
            "",
            (200 + int(r() * 19800)) * 100,
            responsible,
            reporter,
            po_id,
        ]
        self.incidents.append(incident)
        self.event(
            opened,
            "incident_opened",
            reporter,
            note=description,
            data=(
                f'{{"incident": {incident[0]}, "kind": "{kind}", '
                f'"loss_amount": "{money(incident[7])}"}}'
            ),
        )
        if resolved < self.cut:
            incident[2], incident[5] = "resolved", resolved
            incident[6] = "已调配备用设备并安排加班，进度追回。"
            self.event(
                resolved,
                "incident_resolved",
                reporter,
                note=incident[6],
                data=f'{{"incident": {incident[0]}}}',
            )

    # --------------------------------------------------- balance and shipping

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
            if self.customer.slow_payer or x > 0.95:
                days = terms + 20 + int(r() * 70)  # very late: an overdue receivable
            elif x > 0.70:
                days = terms + 2 + int(r() * 18)
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
        if released is not None:
            # Shipments leave before the balance is in; the customer pays later (or
            # before the first shipment leaves: then the order is simply paid).
            if final < plan[0][2]:
                self.check(final)
                self.receive(payment, final, payment.due - payment.received)
                self._move(
                    final, PAID, "balance_received", finance, extra=f', "payment": {payment.id}'
                )
            elif final < self.cut:
                self.receive(payment, final, payment.due - payment.received)
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
        elif split and self.lines[0][1] >= 200:
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

    # ------------------------------------------------------------ cancelling

    def cancel(self, t: int, fate: str) -> None:
        """What ``order_cancel`` does: recall production, withdraw open requests,
        ask for a refund of what came in; finance pays the refund some days later."""
        self.check(t)
        reason = CANCEL_REASONS[fate]
        late = self.status in LATE_CANCEL
        actor = self.supervisor if late else self.owner
        if late:
            self.approval(t, "late_cancellation", actor, reason)
        po = self.production_order
        if po is not None and po[0] in ("issued", "in_progress"):
            po[0], po[3], po[4] = "recalled", t, t
            self.event(
                t,
                "production_recalled",
                actor,
                data=f'{{"production_order": {self.po_id}, "number": "{self.po_row_parts[1]}"}}',
            )
        for payment in self.payments:
            if payment.open:
                self.withdraw(payment, t, actor, reason)
        refund = None
        if self.received > 0:
            refund = self.request(t, "refund", self.received, 7, actor)
            self.event(
                t,
                "refund_flagged",
                actor,
                data=f'{{"payment": {refund.id}, "amount": "{money(refund.due)}"}}',
            )
        self.cancel_reason, self.cancelled_at = reason, t
        self._move(t, CANCELLED, "cancel", actor, note=reason)
        if refund is not None:
            paid_out = self.later(t, 2, 12)
            if paid_out < self.cut:
                self.receive(refund, paid_out, refund.due)
        raise Stop

    # --------------------------------------------------------------- the rows

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
                        "",
                        ready_at,
                        sid,
                        self.owner if ready else None,
                    )
                )
