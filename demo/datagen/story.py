"""One order's life, simulated step by step and written as rows.

A ``Story`` walks an order through the lifecycle of product.md §2 the way the
services would: each step happens some working days after the previous one
(drawn from realistic ranges), and each writes the rows and the timeline event
the service writes. The walk stops at the first step that would happen after
the cutoff (the start of today), so old orders are closed or cancelled and the
open statuses gather in the last months by themselves. A story may also be
told to stop at a given status (``stop_at``): the generator uses that to make
sure every status appears even in a small run.

The phases live in ``production`` and ``shipping``, the final rows in ``rows``;
``records`` holds the money helpers. Rows are tuples in the column order of
``tables.TABLES``.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from .production import ProductionSteps
from .records import (
    AWAITING_DEPOSIT,
    CANCELLED,
    CONFIRMED,
    DAY,
    DEPOSIT_PAID,
    DRAFT,
    LATE_CANCEL,
    Payment,
    Shipment,
    Stop,
    half_up,
    money,
    ratio_units,
)
from .reference import COLOURS, PACKING_REQUIREMENTS, QUALITY_REQUIREMENTS, CustomerInfo
from .rows import FinalRows
from .shipping import ShippingSteps

if TYPE_CHECKING:
    from .generator import Generator

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


class Story(ProductionSteps, ShippingSteps, FinalRows):
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
        lead = 55 + int(r() * 45) + min(30, sum(q for _, q, *_ in self.lines) // 2000 * 3)
        self.contract_day = day + lead
        self.quality = QUALITY_REQUIREMENTS[int(r() * len(QUALITY_REQUIREMENTS))]
        self.packing = PACKING_REQUIREMENTS[int(r() * len(PACKING_REQUIREMENTS))]
        self.number = g.number("GD", clock.year[day])
        self.recompute()
        if r() < 0.02:  # shared with a colleague who stands in for the owner
            colleague = g.merchandiser(r())
            if colleague != self.owner:
                g.rows["shared_with"].append((self.new_id("shared_with"), self.id, colleague))

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
        if r() < 0.6 or len(self.lines) == 8:
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
