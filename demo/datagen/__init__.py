"""Realistic, deterministic bulk data for benchmarks: ``generate(orders=1_000_000)``.

This is the one sanctioned exception to "every change goes through the
services": a million orders through the services would take days, so the
generator writes rows directly — PostgreSQL COPY, or batched INSERTs on SQLite
— and instead reproduces, row for row, what the services would have written
(see ``lifecycle``). The tests in tests/scale/ hold the result against the
lifecycle rules and run the services on it.

What a run makes (for 1,000,000 orders): 300 merchandisers, 10 supervisors,
5 finance, 15 production planners and 2 ERP clients (all ``gen-…`` users with
the password ``gendan-bench``), 3,000 customers, 5,000 products, and orders
dated over the three years up to yesterday with their lines, payments and
receipts, production orders with progress reports, inspections and incidents,
shipments with their lines and document checklists, after-sales cases,
supervisor approvals, amendments, a few orders shared with a colleague, and
the order timeline. Not generated: the django-simple-history tables (the
timeline is ``OrderEvent``) and a timeline event per progress report or
inspection (the services write one; at a million orders that would be another
~10 million rows).

With ``plans=True`` (PostgreSQL), the plans, milestones, materials and samples
of ``planning`` are derived from each chunk of orders by SQL right after its
COPY, in the same transaction: PostgreSQL works on them while Python makes the
next chunk, and the ten million milestones never pass through Python.

The domain tables must be empty, or ``wipe=True`` empties them first (with the
generated users and the document-number counters); other users are kept. The
document-number counters (``Sequence``) are advanced past the generated
numbers, so orders created afterwards get fresh numbers.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from gendan.models import Holiday, Sequence, User
from gendan.roles import Role
from orders import tallies
from production.models import Stage

from .clock import Clock
from .generator import Generator
from .planning import PLAN_TABLES, Plans
from .reference import PASSWORD, USERNAME_PREFIX
from .tables import DOMAIN_KEYS, TABLES
from .writers import foreign_key_violations, writer_for_connection

__all__ = ["PASSWORD", "DataGenError", "Result", "foreign_key_violations", "generate"]

YEARS = 3
NUMBER_PREFIXES = ("GD-", "PO-", "SH-")
TALLY_MODELS = ("orders.StatusTally", "orders.DeliveryTally")


class DataGenError(Exception):
    """The run cannot start (data already there, reference data missing)."""


@dataclass
class Result:
    counts: dict[str, int]  # rows written per table (TABLES keys)
    seconds: float
    plans: dict[str, int] = field(default_factory=dict)  # rows per table (``planning``)


def generate(
    *,
    orders: int,
    merchandisers: int | None = None,
    seed: int = 1,
    wipe: bool = False,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda message: None,
    skip_fk_triggers: bool = True,
    plans: bool = False,
) -> Result:
    """Generate ``orders`` orders (and everything around them) in one transaction.

    ``skip_fk_triggers``: on PostgreSQL, as a superuser, load without the
    per-row foreign-key checks (the default; see ``writers``). ``plans``: also the
    plans, materials and samples of ``planning.add_plans``, derived from the loaded
    orders in the same transaction (PostgreSQL only), before the indexes are rebuilt."""
    if orders < 0:
        raise DataGenError("--orders must be >= 0")
    if merchandisers is not None and merchandisers < 1:
        raise DataGenError("--merchandisers must be >= 1")
    started = time.monotonic()
    writer = writer_for_connection(skip_fk_triggers=skip_fk_triggers)
    today = today or timezone.localdate()
    # One transaction: a failed or interrupted run leaves nothing half-written.
    with transaction.atomic():
        if wipe:
            progress("wiping the order domain, the generated users and document counters")
            writer.wipe()
            User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
            Sequence.objects.filter(_number_keys()).delete()
            if connection.vendor == "postgresql":
                # Check the deletions' deferred foreign keys now, not at the very end.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        _require_empty()
        plan_rows = None
        if plans and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                plan_rows = Plans(cursor, today=today)
        writer.prepare(extra_tables=PLAN_TABLES if plans else (), plans=plan_rows)
        clock = Clock(
            today=today,
            years=YEARS,
            holidays=dict(Holiday.objects.values_list("date", "is_working_day")),
            timestamp_suffix="+00" if connection.vendor == "postgresql" else "",
        )
        generator = Generator(
            orders=orders,
            merchandisers=merchandisers,
            seed=seed,
            clock=clock,
            first_ids=_first_ids(),
            group_ids=_group_ids(),
            stages=_stages(),
            sequences=dict(Sequence.objects.filter(_number_keys()).values_list("key", "last")),
            # Hashed once: every generated user shares it.
            password_hash=make_password(PASSWORD),
            flush=writer.write,
            progress=progress,
        )
        progress(
            "reference data: " + ", ".join(f"{n:,} {what}" for what, n in generator.counts.items())
        )
        # Millions of tuples and no reference cycles: the cyclic garbage collector
        # would only walk them again and again.
        gc.disable()
        try:
            generator.run()
        finally:
            writer.stop()
            gc.enable()
        progress(f"orders written ({_since(started)})")
        if writer.timings:
            progress("  " + ", ".join(f"{what} {s:.0f} s" for what, s in writer.timings.items()))
        added = {}
        if plan_rows is not None:
            writer.raise_error()
            with connection.cursor() as cursor:
                plan_rows.finish(cursor, analyze=False)
            added = plan_rows.counts
            progress("plans: " + ", ".join(f"{table} {n:,}" for table, n in added.items()))
        progress("rebuilding indexes")
        writer.finish()
        for key, last in generator.sequences.items():
            Sequence.objects.update_or_create(key=key, defaults={"last": last})
        progress(f"analyzing ({_since(started)})")
        writer.analyze()
        # The dashboard's counts, which the services keep and a bulk load bypasses.
        progress(f"counting the order tallies ({_since(started)})")
        tallies.rebuild()
        writer.analyze(TALLY_MODELS)
    # After the commit (VACUUM runs outside a transaction): visibility maps set and
    # the tallies' rows compacted, as autovacuum would leave a database in service.
    progress(f"vacuuming ({_since(started)})")
    writer.vacuum()
    return Result(counts=dict(writer.counts), seconds=time.monotonic() - started, plans=added)


def _since(started: float) -> str:
    return f"{time.monotonic() - started:.0f} s"


def _number_keys() -> Q:
    query = Q()
    for prefix in NUMBER_PREFIXES:
        query |= Q(key__startswith=prefix)
    return query


def _require_empty() -> None:
    filled = [
        TABLES[key].db_table
        for key in DOMAIN_KEYS
        if apps.get_model(TABLES[key].model)._default_manager.exists()
    ]
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        filled.append(f"gendan_user ({USERNAME_PREFIX}… users)")
    if filled:
        raise DataGenError(
            "the database already holds data the generator would make ("
            + ", ".join(filled)
            + "); run with --wipe to replace it"
        )


def _first_ids() -> dict[str, int]:
    ids = {}
    for key, table in TABLES.items():
        model = apps.get_model(table.model)
        ids[key] = (model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1
    return ids


def _group_ids() -> dict[str, int]:
    return {role: Group.objects.get_or_create(name=role)[0].pk for role in Role.values}


def _stages() -> tuple[int, int | None]:
    """(output stage, the active stage before it) for the progress reports."""
    output = Stage.objects.filter(is_output=True, is_active=True).order_by("position", "id").first()
    if output is None:
        raise DataGenError("no active output stage (e.g. packing): run migrate first")
    upstream = (
        Stage.objects.filter(is_active=True, is_output=False, position__lt=output.position)
        .order_by("-position", "-id")
        .first()
    )
    return output.pk, upstream.pk if upstream else None
