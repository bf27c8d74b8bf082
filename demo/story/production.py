"""The production chapter of an order's story: the production order issued and
started, daily progress by stage, inspections, incidents, a shortfall, completion."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from orders.models import PaymentKind
from orders.states import OrderStatus
from production import services as production_services
from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder

from .reference import CENT

S = OrderStatus
# The default stages and how many working days each runs ahead of packing (the output).
STAGE_LEAD = {"cutting": 3, "sewing": 2, "finishing": 1, "packing": 0}
# Output per working day as a share of the plan's: a little ahead, or well behind.
ON_TRACK_PACE, BEHIND_PACE = 1.1, 0.6
BEHIND_REASONS = ("material_late", "staffing", "equipment_failure", "upstream_delay")


class ProductionSteps:
    """The production steps of ``OrderStory`` (planned by ``plan_production``)."""

    def plan_production(self, t: int) -> int:
        self.t_issue = t
        self.add(t, 10, self.issue_production)
        if self.has("amend"):
            t += 1
            self.add(t, 11, self.amend)
            self.add(t + 3, 14, lambda day: self.pay(day, PaymentKind.DEPOSIT))
        days = self.actual_production_days()
        incident_day = self.middle_day() if self.has("qc_fail") else 2
        for i in range(1, days + 1):
            t += 1
            if i == 1:
                self.add(t, 8, self.start_production, minute=30)
            self.add(t, 9, lambda day, i=i: self.inspect_on(day, i))
            if self.has("reassign") and i == 1:
                self.add(t, 10, self.reassign)
            if i == incident_day and (self.has("incident") or self.has("incident_resolved")):
                self.add(t, 11, self.open_incident)
            if i == incident_day + 2 and self.has("incident_resolved"):
                self.add(t, 15, self.resolve_incident)
            self.add(t, 17, lambda day, i=i: self.report(day, i, last=i == days))
        completes = self.reaches(S.PRODUCED)
        if completes:
            self.add(t, 17, self.final_inspection, minute=30)
            if self.has("shortfall"):
                self.add(t, 18, self.accept_shortfall)
            self.add(t, 18, self.complete_production, minute=30)
        return t

    def actual_production_days(self) -> int:
        """Working days with progress reports: the plan at the story's pace (a day or so
        early, or late when behind); the days so far when the order is still in production."""
        s = self.story
        if not self.reaches(S.PRODUCED):
            return s.produced_days
        return math.ceil(s.production_days / self.pace)

    @property
    def pace(self) -> float:
        return BEHIND_PACE if self.has("behind") else ON_TRACK_PACE

    def middle_day(self) -> int:
        return max(self.story.production_days // 2, 2)

    def live_production_order(self) -> ProductionOrder:
        return ProductionOrder.objects.get(
            order_id=self.order_id, status__in=ACTIVE_PRODUCTION_STATUSES
        )

    def issue_production(self, day: dt.date) -> None:
        planned_start = self.when(self.t_issue + 1)
        planned_finish = self.when(self.t_issue + self.story.production_days)
        outside = self.has("outside")
        quantity = self.order().total_quantity
        milestones = []
        if self.has("milestones"):
            # A slow start: a third of the time for a fifth of the quantity.
            days = self.story.production_days
            milestones = [
                {
                    "date": self.when(self.t_issue + max(days // 3, 1)),
                    "planned_cumulative_quantity": quantity // 5,
                },
                {
                    "date": self.when(self.t_issue + max(2 * days // 3, 2)),
                    "planned_cumulative_quantity": quantity * 3 // 5,
                },
            ]
        production_services.production_order_issue(
            actor=self.merch,
            order_id=self.order_id,
            factory="绍兴柯桥华美服装厂（外协）"
            if outside
            else self.rng.choice(("一车间", "二车间")),
            is_outside_processor=outside,
            processing_fee=(Decimal("3.20") * quantity).quantize(CENT) if outside else "0",
            planned_start=planned_start,
            planned_finish=planned_finish,
            milestones=milestones,
            note="请按确认样生产，产前样先寄客户确认。",
        )

    def start_production(self, day: dt.date) -> None:
        production_services.production_order_start(
            actor=self.role("production"), production_order_id=self.live_production_order().pk
        )

    def cumulative(self, quantity: int, day: int, stage: str) -> int:
        """A stage's cumulative good quantity after ``day`` production days: packing
        follows the plan at the story's pace, the stages before it run ahead."""
        share = (day + STAGE_LEAD[stage]) * self.pace / self.story.production_days
        return min(self.cap(quantity), math.floor(quantity * share)) if day > 0 else 0

    def cap(self, quantity: int) -> int:
        # With an accepted shortfall some 3 % is scrapped (dye lot); else all is produced.
        return quantity * 97 // 100 if self.has("shortfall") else quantity

    def report(self, day: dt.date, i: int, *, last: bool) -> None:
        production_order = self.live_production_order()
        quantity = production_order.quantity
        finishing = last and self.reaches(S.PRODUCED)
        for code in STAGE_LEAD:
            before = self.cumulative(quantity, i - 1, code)
            # The last day of a completed order brings every stage to the full quantity.
            now = self.cap(quantity) if finishing else self.cumulative(quantity, i, code)
            good = now - before
            if good <= 0:
                continue
            variance = ""
            if self.has("behind") and self.rng.random() < 0.6:
                variance = self.rng.choice(BEHIND_REASONS)
            production_services.progress_report_create(
                actor=self.role("production"),
                production_order_id=production_order.pk,
                date=day,
                stage_id=self.stages[code].pk,
                good_quantity=good,
                defective_quantity=int(good * self.rng.uniform(0.005, 0.03)),
                scrap_quantity=int(good * self.rng.uniform(0, 0.008)),
                variance_reason=variance,
            )

    def inspect_on(self, day: dt.date, i: int) -> None:
        production_order = self.live_production_order()
        middle = self.middle_day()
        if i == 1:
            self.inspect(production_order, "incoming_material", "pass", sample=32, defects=0)
            self.inspect(production_order, "first_article", "pass", sample=5, defects=0)
        elif i == middle:
            if self.has("qc_fail"):
                self.inspect(
                    production_order,
                    "inline_mid",
                    "fail",
                    sample=80,
                    defects=9,
                    note="车缝跳线、线头多，已要求返工并加强巡检。",
                    loss="1200.00",
                )
            else:
                self.inspect(production_order, "inline_mid", "pass", sample=80, defects=2)
        elif i == middle + 1 and self.has("qc_fail"):
            self.inspect(production_order, "inline_mid", "pass", sample=80, defects=1)

    def inspect(self, production_order, kind, result, *, sample, defects, note="", loss="0"):
        production_services.inspection_create(
            actor=self.role("production"),
            production_order_id=production_order.pk,
            kind=kind,
            result=result,
            sample_size=sample,
            defects_found=defects,
            defects="；".join(["线头", "污渍", "跳线"][: min(defects, 3)]),
            estimated_loss=loss,
            note=note,
        )

    def final_inspection(self, day: dt.date) -> None:
        self.inspect(
            self.live_production_order(),
            "final",
            "pass",
            sample=125,
            defects=self.rng.randint(0, 3),
        )

    def open_incident(self, day: dt.date) -> None:
        kind, description, loss = {
            "behind": ("material_shortage", "面料供应商延迟交货，车缝工序停工待料。", "3500.00"),
            "qc_fail": ("quality", "中期检验不合格：车缝跳线，需返工约 300 件。", "1200.00"),
        }.get(
            next((f for f in ("behind", "qc_fail") if self.has(f)), ""),
            ("equipment", "平车断针频繁，两台设备停机检修。", "800.00"),
        )
        production_services.incident_open(
            actor=self.role("production"),
            order_id=self.order_id,
            production_order_id=self.live_production_order().pk,
            kind=kind,
            description=description,
            loss_amount=loss,
            responsible_id=self.role("production").pk,
        )

    def resolve_incident(self, day: dt.date) -> None:
        incident = self.order().incidents.filter(status="open").order_by("pk").first()
        production_services.incident_resolve(
            actor=self.role("production"),
            incident_id=incident.pk,
            resolution="已调配备用设备并安排加班，进度追回。",
        )

    def accept_shortfall(self, day: dt.date) -> None:
        self.approve(
            production_services.production_accept_shortfall,
            "面料缸差报废约 3%，客户邮件同意按实际数量出货。",
        )

    def complete_production(self, day: dt.date) -> None:
        production_services.production_order_complete(
            actor=self.merch, production_order_id=self.live_production_order().pk
        )
