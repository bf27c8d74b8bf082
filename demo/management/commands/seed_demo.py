"""``python manage.py seed_demo``: a demo company to click through (see ``demo.story``
for the users, their password and the orders' stories). Idempotent: what exists is left
alone. The whole seed is one transaction."""

from __future__ import annotations

import time
from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from demo.story import DEMO_PASSWORD, USERS, seed
from orders.models import Order
from orders.states import OrderStatus as S


class Command(BaseCommand):
    help = "Seed demo users, customers, products and about forty orders in every status."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        with transaction.atomic():
            # One transaction: a failure leaves no half-seeded company behind.
            counts = seed()
        elapsed = time.monotonic() - started
        if options["verbosity"] >= 1:
            self.report(counts, elapsed)

    def report(self, counts: dict[str, tuple[int, int]], elapsed: float) -> None:
        self.stdout.write(self.style.SUCCESS("Gendan demo data"))
        for name, (created, existing) in counts.items():
            self.stdout.write(f"  {name:<10} {created:>3} created, {existing:>3} already there")
        by_status = Counter(
            Order.objects.filter(customer_po__startswith="DEMO-").values_list("status", flat=True)
        )
        self.stdout.write(
            "  demo orders by status: "
            + ", ".join(f"{status} {by_status[status]}" for status in S.values)
        )
        self.stdout.write(
            f"  users: {', '.join(u.username for u in USERS)} (password {DEMO_PASSWORD!r})"
        )
        self.stdout.write(f"  took {elapsed:.1f} s")
