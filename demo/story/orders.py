"""One order's story: its steps planned on working days (``plan``), and the order
chapter's steps — created, confirmed, deposit and balance requested and paid, amended,
reassigned, delivered, closed or cancelled. The production and shipping chapters are
mixed in from ``production`` and ``shipping``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from gendan.models import User
from orders import services as order_services
from orders.models import Customer, Order, PaymentKind, PaymentStatus, Product
from orders.states import HAPPY_PATH, PRODUCTION_STARTED, OrderStatus
from production.models import Stage

from .clock import Clock, Step
from .production import ProductionSteps
from .reference import CENT, CUSTOMER_BY_CODE, FX, DemoCustomer
from .shipping import ShippingSteps
from .stories import Line, Story, po_of

S = OrderStatus
PATH = HAPPY_PATH
GOODS_LEFT = (S.SHIPPED, S.DELIVERED, S.CLOSED)


@dataclass
class OrderStory(ProductionSteps, ShippingSteps):
    index: int
    story: Story
    cast: dict[str, User]
    products: dict[str, Product]
    customers: dict[str, Customer]
    stages: dict[str, Stage]
    clock: Clock
    rng: random.Random = field(init=False)
    steps: list[Step] = field(default_factory=list)
    order_id: int | None = None
    owner: User | None = None
    start: int = 0
    t_confirm: int = 0
    t_last_ship: int | None = None
    t_issue: int = 0
    current_t: int = 0  # the story day of the step running now

    def __post_init__(self) -> None:
        self.rng = random.Random(self.po)
        self.owner = self.cast[self.story.owner]

    @property
    def po(self) -> str:
        return po_of(self.index)

    @property
    def target(self) -> str:
        return self.story.cancel_from or self.story.status

    def reaches(self, status: str) -> bool:
        return PATH.index(status) <= PATH.index(self.target)

    def has(self, flag: str) -> bool:
        return flag in self.story.flags

    @property
    def customer(self) -> DemoCustomer:
        return CUSTOMER_BY_CODE[self.story.customer]

    def when(self, t: int) -> dt.date:
        return self.clock.day(self.start - t)

    # -- planning ----------------------------------------------------------

    def add(self, t: int, hour: int, action: Callable[[dt.date], Any], minute: int = 0) -> None:
        at = hour * 60 + minute
        if self.steps and self.steps[-1].t == t:
            at = max(at, self.steps[-1].minute + 7)  # same day: keep the story's order
        self.steps.append(Step(t, at, action))

    def plan(self) -> list[Step]:
        """The story's steps, each on its working day; then dated back from today."""
        s, t = self.story, 0
        self.add(t, 9, self.create)
        if self.reaches(S.CONFIRMED):
            t += 1
            self.t_confirm = t
            self.add(t, 10, self.confirm)
        deposit = self.customer.default_deposit_ratio > 0
        if self.reaches(S.AWAITING_DEPOSIT) and deposit:
            self.add(t, 11, self.request_deposit)
            if self.has("waiver"):
                t += 2
                self.add(t, 15, self.waive_deposit)
            else:
                if self.has("partial_deposit"):
                    t += 2
                    self.add(t, 14, lambda day: self.pay(day, PaymentKind.DEPOSIT, Decimal("0.4")))
                if self.reaches(S.DEPOSIT_PAID):
                    t += 3
                    self.add(t, 14, lambda day: self.pay(day, PaymentKind.DEPOSIT))
        if self.reaches(S.IN_PRODUCTION):
            t = self.plan_production(t + 1)
        if self.reaches(S.AWAITING_BALANCE):
            t += 1
            self.add(t, 10, self.request_balance)
            if self.has("partial_balance"):
                t += 2
                self.add(t, 14, lambda day: self.pay(day, PaymentKind.BALANCE, Decimal("0.5")))
            if self.has("credit"):
                t += 1
                self.add(t, 16, self.release_on_credit)
            elif self.reaches(S.PAID):
                t += 3
                self.add(t, 14, lambda day: self.pay(day, PaymentKind.BALANCE))
        if self.has("planned_shipment") or self.reaches(S.PARTIALLY_SHIPPED):
            t = self.plan_shipments(t)
        if self.reaches(S.DELIVERED):
            t += 8  # sea freight and customs
            self.add(t, 11, self.confirm_delivery)
            t = self.plan_after_sales(t)
        if self.reaches(S.CLOSED):
            t += 3
            self.add(t, 17, self.close)
        if s.cancel_from:
            t += 2
            self.add(t, 16, self.cancel)
        self.start = t + s.rest
        for step in self.steps:
            day = self.when(step.t)
            naive = dt.datetime.combine(day, dt.time(step.minute // 60, step.minute % 60))
            step.moment = timezone.make_aware(naive)
        return self.steps

    # -- helpers -------------------------------------------------------------

    @property
    def merch(self) -> User:
        assert self.owner is not None
        return self.owner

    def approve(self, service: Callable[..., Any], reason: str) -> None:
        """A supervisor's recorded exception on the order (``service``), with its reason."""
        service(actor=self.role("supervisor"), order_id=self.order_id, reason=reason)

    def role(self, name: str) -> User:
        return self.cast[name]

    def order(self) -> Order:
        return Order.objects.get(pk=self.order_id)

    def contract_delivery_date(self) -> dt.date:
        if self.story.status in GOODS_LEFT:
            assert self.t_last_ship is not None
            date = self.when(self.t_last_ship) + dt.timedelta(days=self.story.due)
        else:
            date = self.clock.today + dt.timedelta(days=self.story.due)
        if self.has("amend"):
            date -= dt.timedelta(days=7)  # the amendment moves it to ``due``
        confirmed_on = self.when(self.t_confirm)
        if self.reaches(S.CONFIRMED) and date < confirmed_on:
            raise CommandError(f"{self.po}: contract delivery date {date} before {confirmed_on}")
        return date

    def line_input(self, line: Line) -> dict[str, Any]:
        item_number, colour, size, quantity = line
        product = self.products[item_number]
        price = (product.default_price / FX[self.customer.currency]).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        return {
            "product": product.pk,
            "colour": colour,
            "size": size,
            "quantity": quantity,
            "unit_price": price,
        }

    # -- the order's steps -----------------------------------------------------

    def create(self, day: dt.date) -> None:
        customer = self.customers[self.story.customer]
        due = self.contract_delivery_date()
        kwargs: dict[str, Any] = {}
        if self.has("erp"):
            actor = self.role("erp")
            kwargs = {"owner_id": self.merch.pk, "external_ref": f"ERP-SO-{7100 + self.index}"}
        else:
            actor = self.merch
        order = order_services.order_create(
            actor=actor,
            customer_id=customer.pk,
            lines=[self.line_input(line) for line in self.story.lines],
            contract_delivery_date=due,
            planned_ship_date=due - dt.timedelta(days=5),
            currency=self.customer.currency,
            customer_po=self.po,
            quality_requirements="按 AQL 2.5 抽检；色差不低于 4 级。",
            packing_requirements="单件入袋，每箱 50 件，箱唛按客户要求。",
            **kwargs,
        )
        self.order_id = order.pk

    def confirm(self, day: dt.date) -> None:
        method = self.rng.choice(("email", "fax", "signed_order"))
        order_services.order_confirm(
            actor=self.merch,
            order_id=self.order_id,
            method=method,
            reference=f"{self.po} 客户回签 {day:%Y-%m-%d}",
        )

    def request_deposit(self, day: dt.date) -> None:
        order_services.order_request_deposit(actor=self.merch, order_id=self.order_id)

    def waive_deposit(self, day: dt.date) -> None:
        self.approve(
            order_services.order_waive_deposit, "老客户，合作五年信用良好，订金改为随尾款一并支付。"
        )

    def pay(self, day: dt.date, kind: str, share: Decimal | None = None) -> None:
        payment = (
            self.order()
            .payments.filter(
                kind=kind, status__in=(PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED)
            )
            .order_by("pk")
            .first()
        )
        if payment is None:
            return  # nothing requested (e.g. an amendment that asked for no more deposit)
        amount = payment.outstanding
        if share is not None:
            amount = (payment.amount_due * share).quantize(CENT, rounding=ROUND_HALF_UP)
        order_services.payment_confirm(
            actor=self.role("finance"),
            payment_id=payment.pk,
            amount_received=amount,
            received_on=day,
            method="tt" if self.customer.currency != "CNY" else "bank_transfer",
            reference=f"TT{day:%Y%m%d}{self.rng.randint(10000, 99999)}",
        )

    def amend(self, day: dt.date) -> None:
        order = self.order()
        lines = [self.line_input(line) for line in self.story.lines]
        lines[0]["quantity"] += 300
        lines.append({**lines[0], "colour": "雾粉", "quantity": 500})
        order_services.order_amend(
            actor=self.merch,
            order_id=order.pk,
            lines=lines,
            confirmation_method="email",
            confirmation_reference=f"{self.po} 改单确认邮件 {day:%Y-%m-%d}",
            reason="客户追加数量并新增雾粉色，交期顺延一周。",
            contract_delivery_date=order.contract_delivery_date + dt.timedelta(days=7),
        )

    def reassign(self, day: dt.date) -> None:
        new_owner = self.role("merch2" if self.merch.username == "merch1" else "merch1")
        order_services.order_reassign(
            actor=self.role("supervisor"),
            order_id=self.order_id,
            owner_id=new_owner.pk,
            note="原跟单员休假，转交跟进。",
        )
        self.owner = new_owner

    def request_balance(self, day: dt.date) -> None:
        order_services.order_request_balance(actor=self.merch, order_id=self.order_id)

    def release_on_credit(self, day: dt.date) -> None:
        self.approve(
            order_services.order_release_on_credit,
            "客户已付订金且信用良好，船期紧，同意赊销放行，尾款见提单副本后付。",
        )

    def confirm_delivery(self, day: dt.date) -> None:
        order_services.order_confirm_delivery(actor=self.merch, order_id=self.order_id)

    def close(self, day: dt.date) -> None:
        order_services.order_close(actor=self.merch, order_id=self.order_id, note="资料归档。")

    def cancel(self, day: dt.date) -> None:
        late = self.story.cancel_from in PRODUCTION_STARTED
        reasons = {
            S.DRAFT: "客户取消采购计划。",
            S.AWAITING_DEPOSIT: "客户资金紧张，取消订单，已付订金退回。",
        }
        order_services.order_cancel(
            actor=self.role("supervisor") if late else self.merch,
            order_id=self.order_id,
            reason=reasons.get(
                self.story.cancel_from, "客户终端零售商取消订单，经主管批准停产，已付订金待退。"
            ),
        )
