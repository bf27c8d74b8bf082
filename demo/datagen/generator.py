"""The generation run: reference data, then every order's story, streamed to a writer.

Deterministic: one ``random.Random(seed)`` drives everything, in a fixed order,
and ids are assigned here (from the first free id of each table), so the same
seed, size and day give the same rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from orders.states import OrderStatus

from .clock import MINUTES_PER_DAY, Clock
from .production import INCIDENT_KINDS
from .records import CANCELLED, DRAFT
from .reference import Picker, ReferenceData, counts_for
from .shipping import AFTER_SALES
from .story import FATES, LINE_COUNTS, Story
from .tables import TABLES

# One order per status at the end of the run, so that even a small run shows the
# whole lifecycle (the big run gets them from the dates alone).
PINNED_MINIMUM_ORDERS = 50
PINNED = tuple(OrderStatus.values)
OTHER_RATIOS = ("0.0000", "0.2000", "0.3000", "0.5000")


def weighted(choices) -> Picker:
    """A picker over (item, weight) or (item, detail, weight) tuples."""
    items = [c[0] if len(c) == 2 else c[:-1] for c in choices]
    return Picker(items, [c[-1] for c in choices])


class Generator:
    """Makes the rows of one run and hands them to ``flush`` chunk by chunk."""

    def __init__(
        self,
        *,
        orders: int,
        merchandisers: int | None,
        seed: int,
        clock: Clock,
        first_ids: dict[str, int],
        group_ids: dict[str, int],
        stages: tuple[int, int | None],
        sequences: dict[str, int],
        password_hash: str,
        flush: Callable[[dict[str, list[tuple]]], None],
        progress: Callable[[str], None] = lambda message: None,
        chunk_size: int = 2000,
    ) -> None:
        self.orders = orders
        self.rng = random.Random(seed)
        self.clock = clock
        self.cutoff = clock.cutoff
        self.flush_rows = flush
        self.progress = progress
        self.chunk_size = chunk_size
        self.output_stage, self.upstream_stage = stages
        self.counts = counts_for(orders, merchandisers)
        self.rows: dict[str, list[tuple]] = {key: [] for key in TABLES}
        # The last id used in each table; the next row takes +1.
        self.next_id = {key: first_ids[key] - 1 for key in TABLES}
        self.sequences = dict(sequences)  # "GD-2025" -> last number taken
        self.reference = ReferenceData(
            rng=self.rng,
            clock=clock,
            counts=self.counts,
            first_ids=first_ids,
            group_ids=group_ids,
            password_hash=password_hash,
            rows=self.rows,
        )
        for key in ("user", "user_groups", "customer", "product"):
            self.next_id[key] += len(self.rows[key])
        self.staff = self.reference.staff
        self._merchandisers = self.staff.merchandisers
        self._fates = weighted(FATES)
        self._line_counts = weighted(LINE_COUNTS)
        self._incidents = weighted(INCIDENT_KINDS)
        self._after_sales = weighted(AFTER_SALES)
        self.flush()

    # ---------------------------------------------------- draws for the stories

    def merchandiser(self, r: float) -> int:
        return self._merchandisers[int(r * len(self._merchandisers))]

    def finance_for(self, order_id: int) -> int:
        return self.staff.finance[order_id % len(self.staff.finance)]

    def production_for(self, order_id: int) -> int:
        return self.staff.production[order_id % len(self.staff.production)]

    def ratio(self, r: float) -> str:
        return OTHER_RATIOS[int(r * len(OTHER_RATIOS))]

    def line_count(self, r: float) -> int:
        return self._line_counts.pick(r)

    def incident_kind(self, r: float) -> tuple[str, str]:
        return self._incidents.pick(r)

    def after_sales_kind(self, r: float) -> tuple[str, str]:
        return self._after_sales.pick(r)

    def number(self, prefix: str, year: int) -> str:
        """The next document number of a prefix and year, as ``gendan.sequences`` makes it."""
        key = f"{prefix}-{year}"
        value = self.sequences.get(key, 0) + 1
        self.sequences[key] = value
        return f"{key}-{value:06d}"

    # ------------------------------------------------------------------ the run

    def flush(self) -> None:
        """Hand the rows made so far to the writer (which may still be loading them
        while the next chunk is made) and start new lists."""
        rows, self.rows = self.rows, {key: [] for key in TABLES}
        self.flush_rows(rows)

    def run(self) -> None:
        pinned = PINNED if self.orders >= PINNED_MINIMUM_ORDERS else ()
        regular = self.orders - len(pinned)
        started = time.monotonic()
        report_every = max(self.chunk_size, regular // 20 // self.chunk_size * self.chunk_size)
        for done, (order_id, created) in enumerate(self.order_moments(regular), start=1):
            self.story(order_id, created)
            if done % self.chunk_size == 0:
                self.flush()
                if done % report_every == 0:
                    elapsed = time.monotonic() - started
                    self.progress(
                        f"  {done:>10,} / {self.orders:,} orders  {elapsed:6.0f} s  "
                        f"({done / elapsed:,.0f} orders/s)"
                    )
        for status in pinned:
            self.pinned_story(status)
        self.flush()

    def order_moments(self, count: int):
        """(order id, creation moment) in date order: orders on working days over the
        span, two thirds more per day at the end than at the start (the business grows)."""
        clock, r = self.clock, self.rng.random
        days = [d for d in range(clock.first_order_day, clock.today) if clock.working[d]]
        if not days or count <= 0:
            return
        span = max(1, days[-1] - days[0])
        weights = [0.75 + 0.5 * (d - days[0]) / span for d in days]
        total = sum(weights)
        cumulative = 0.0
        previous = 0
        order_id = self.next_id["order"]
        for day, weight in zip(days, weights, strict=True):
            cumulative += weight
            upto = count if day == days[-1] else int(count * cumulative / total)
            k = upto - previous
            previous = upto
            slot = 540 // max(1, k)
            for j in range(k):
                minute = 510 + j * 540 // k + int(r() * slot)
                order_id += 1
                yield order_id, day * MINUTES_PER_DAY + minute

    def story(self, order_id: int, created: int) -> None:
        r = self.rng.random
        fate = self._fates.pick(r())
        split = r() < 0.15
        credit = r() < 0.06
        customer = self.reference.customer_picker.pick(r())
        self.next_id["order"] = order_id
        Story(self, order_id, created).run(customer, fate, split=split, credit=credit)

    def pinned_story(self, status: str) -> None:
        """An order that sits in ``status`` today: its story is played once without a
        cutoff to learn how long it takes to get there, then dated back so that it
        arrives one to three working days before today, and played for real."""
        clock = self.clock
        order_id = self.next_id["order"] + 1
        fate = "cancel_awaiting_deposit" if status == CANCELLED else "normal"
        split = status == "partially_shipped"
        r = self.rng.random
        customer = self.reference.customer_picker.pick(r())
        rest = 1 + int(r() * 3)
        snapshot = self._snapshot()
        trial_start = clock.add_working_days(clock.today - 600, 0) * MINUTES_PER_DAY + 600
        trial = Story(self, order_id, trial_start, stop_at=status)
        trial.cut = 1 << 60  # no cutoff: only stop_at ends it
        trial.run(customer, fate, split=split, credit=False)
        reached = trial.t0 if status == DRAFT else trial.reached_at
        self._restore(snapshot)
        if reached is None:  # cannot happen with these fates; keep the trial's date
            reached = trial_start
        shift = (clock.position[clock.today] - rest) - clock.position[reached // MINUTES_PER_DAY]
        start_day = clock.working_days[clock.position[trial_start // MINUTES_PER_DAY] + shift]
        self.next_id["order"] = order_id
        story = Story(self, order_id, start_day * MINUTES_PER_DAY + 600, stop_at=status)
        story.run(customer, fate, split=split, credit=False)

    def _snapshot(self):
        return (
            self.rng.getstate(),
            dict(self.next_id),
            dict(self.sequences),
            {key: len(rows) for key, rows in self.rows.items()},
        )

    def _restore(self, snapshot) -> None:
        state, next_id, sequences, lengths = snapshot
        self.rng.setstate(state)
        self.next_id.update(next_id)
        self.sequences = sequences
        for key, length in lengths.items():
            del self.rows[key][length:]
