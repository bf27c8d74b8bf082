"""``python manage.py generate_data --orders N [--merchandisers M] [--seed S] [--wipe]``

Bulk benchmark data: N orders over the last three years with everything the
lifecycle attaches to them, written directly (PostgreSQL COPY; batched INSERTs
on SQLite) — the one sanctioned exception to "every change through the
services". See ``demo.datagen`` for what is made and how it stays consistent
with the lifecycle rules.

The order domain (customers, products, orders and everything under them) must
be empty; ``--wipe`` empties it first, together with the generated ``gen-…``
users and the GD-/PO-/SH- document counters. Other users are kept. Every
generated user's password is ``gendan-bench``. Same seed, same N, same day:
same data. ``--verify`` checks every foreign key afterwards (as a PostgreSQL
superuser the load skips the per-row checks; as any other role it keeps them,
about twice as slow).
"""

from __future__ import annotations

import resource

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.datagen import PASSWORD, DataGenError, foreign_key_violations, generate
from demo.datagen.tables import TABLES


class Command(BaseCommand):
    help = "Generate N realistic orders (and everything around them) for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--orders", type=int, required=True, help="number of orders")
        parser.add_argument(
            "--merchandisers",
            type=int,
            default=None,
            help="merchandisers (default: one per 3,333 orders, 3 to 300)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--wipe",
            action="store_true",
            help="first delete all orders, customers, products, generated users and counters",
        )
        parser.add_argument(
            "--verify", action="store_true", help="check every foreign key after the load"
        )
        parser.add_argument(
            "--plans",
            action="store_true",
            help="also T&A plans, materials, production samples and sample requests (issue 15)",
        )

    @staticmethod
    def _with_memory(say):
        """Each progress line prefixed with the process's resident and peak resident
        memory (``--verbosity 2``: where a run's peak happens)."""

        def status() -> str:
            try:
                with open("/proc/self/status") as f:
                    fields = dict(line.split(":", 1) for line in f if line.startswith("Vm"))
                rss, peak = (int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
            except (OSError, KeyError, ValueError):  # not Linux: the peak only
                rss, peak = None, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            return f"[{'' if rss is None else f'{rss} MB, '}peak {peak} MB] "

        return lambda message: say(status() + message)

    def handle(self, *args, **options) -> None:
        verbose = options["verbosity"] >= 1
        say = self.stdout.write if verbose else (lambda message: None)
        if options["verbosity"] >= 2:
            say = self._with_memory(say)
        say(
            f"generate_data: {options['orders']:,} orders, seed {options['seed']}, "
            f"{connection.vendor} database {connection.settings_dict['NAME']}"
        )
        try:
            result = generate(
                orders=options["orders"],
                merchandisers=options["merchandisers"],
                seed=options["seed"],
                wipe=options["wipe"],
                progress=say,
                plans=options["plans"],
            )
        except DataGenError as exc:
            raise CommandError(str(exc)) from None
        if options["verify"]:
            problems = foreign_key_violations()
            if problems:
                raise CommandError("foreign keys pointing nowhere: " + "; ".join(problems))
            say("foreign keys: all rows point to existing rows")
        if verbose:
            counts = ", ".join(
                f"{TABLES[key].db_table} {result.counts.get(key, 0):,}" for key in TABLES
            )
            total = sum(result.counts.values())
            self.stdout.write(
                self.style.SUCCESS(
                    f"generated {total:,} rows in {result.seconds:.1f} s: {counts} "
                    f"(users' password: {PASSWORD})"
                )
            )
