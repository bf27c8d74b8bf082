"""The production phase of a story: production order, progress reports at the
output stage and the stage before it, inspections, incidents, completion."""

from __future__ import annotations

from .records import DAY, IN_PRODUCTION, PRODUCED, Stop, money
from .reference import FACTORIES, OUTSIDE_FACTORIES

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


class ProductionSteps:
    """Mixed into ``Story``: what happens between deposit_paid and produced."""

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
