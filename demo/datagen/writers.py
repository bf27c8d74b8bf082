"""Writing generated rows: PostgreSQL COPY, or batched INSERTs on SQLite.

Both writers run inside the caller's transaction, so a failed run leaves the
database as it was.

PostgreSQL bulk-load settings, all transaction-local (``SET LOCAL``):

- ``session_replication_role = replica`` skips the foreign-key triggers during
  the load (as ``pg_restore --disable-triggers`` does): the generator assigns
  every id itself, so references are right by construction, and
  ``foreign_key_violations()`` proves it (the tests run it). Only a superuser
  may do that; for any other role the constraints are checked row by row;
- the domain tables are truncated in the same transaction (they are empty, or
  ``--wipe`` emptied them), which lets ``COPY … FREEZE`` write rows already
  frozen and visible to all: no hint-bit writes or anti-wraparound vacuum later;
- the non-unique indexes of the loaded tables (and of the tables ``--plans``
  fills by SQL after the load) are dropped before the load and rebuilt after it:
  one sort per index instead of millions of inserts, each logged in the WAL.
  Even an index led by the parent id the rows arrive in order of (which grows
  only at its right edge) costs PostgreSQL more to keep than to build: at
  100,000 orders, 4.5 s more CPU during the load against 1.2 s more for the
  rebuild. Unique constraints are dropped and added back after the load too
  (which checks them then), except those a foreign key relies on; primary keys
  stay.
"""

from __future__ import annotations

import contextlib
import ctypes
import platform
import queue
import sys
import threading
import time
from collections import Counter

import psycopg
from django.apps import apps
from django.db import connection
from psycopg._copy_base import format_row_text
from psycopg.adapt import Transformer

from .planning import Plans
from .tables import DOMAIN_KEYS, HISTORY_MODELS, TABLES

# glibc's mallopt parameter: allocations from this size on are mmap()ed, and given back
# to the system as soon as they are freed.
M_MMAP_THRESHOLD = -3
BIG_BUFFER = 256 * 1024


def _big_buffers_mapped() -> None:
    """Have glibc map every COPY text (and any other buffer of 256 kB or more) on its
    own, from here on, in this process. By default glibc raises that threshold to the
    size of the biggest block freed so far (up to 32 MB): after the first chunk, the
    megabytes of COPY text a chunk makes (about 10 MB for 2,000 orders, several held at
    once while PostgreSQL catches up) come from the heap, where freed gaps between
    live blocks are kept, not given back; the resident size then creeps up the longer
    a run goes. Measured at 100,000 orders: peak 171 -> 162 MB, 165 -> 150 MB during
    most of the load. A no-op off glibc."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return
    # Not glibc after all: its defaults stay.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, BIG_BUFFER)


def _db_table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def _domain_tables() -> list[str]:
    return [TABLES[key].db_table for key in DOMAIN_KEYS]


class Writer:
    """Common bookkeeping: rows written per table, seconds spent loading them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        # Wall seconds spent on what the loading takes (reported after the load).
        self.timings: Counter[str] = Counter()

    def wipe(self) -> None:
        raise NotImplementedError

    def prepare(self, extra_tables: tuple[str, ...] = (), plans: Plans | None = None) -> None:
        """Called once the domain tables are known to be empty. ``extra_tables``: tables
        that ``plans`` fills by SQL after each chunk's load (their indexes are rebuilt
        with the loaded tables' ones)."""

    def raise_error(self) -> None:
        """Raise what went wrong in the background load, if anything."""

    def write(self, rows: dict[str, list[tuple]]) -> None:
        for key, batch in rows.items():
            if batch:
                self.load(TABLES[key], batch)
                self.counts[key] += len(batch)

    def load(self, table, batch: list[tuple]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called after the last rows, inside the transaction."""

    def stop(self) -> None:
        """Called when the run ends, whether it failed or not."""

    def analyze(self, models: tuple[str, ...] = ()) -> None:
        """Called at the end of the transaction for the generated tables, and then for
        ``models`` (app_label.ModelName) once the tallies are counted."""

    def vacuum(self) -> None:
        """Called after commit."""


class PostgresWriter(Writer):
    """COPY in a background thread, so that PostgreSQL loads one chunk while the
    generator makes the next. The thread uses the same connection (and so the
    same transaction); the main thread does not touch the database meanwhile.

    The generator's thread turns each chunk into COPY text before queueing it (see
    ``write``): at 100,000 orders that moved the formatting out of the loading thread,
    where it held the GIL in 32 kB steps and PostgreSQL sat waiting for data 16 s of
    the load (sampled; 4 s after), and a run's peak memory went from 210 to 171 MB."""

    def __init__(self, *, skip_fk_triggers: bool = True) -> None:
        super().__init__()
        self.skip_fk_triggers = skip_fk_triggers
        self.freeze: set[str] = set()
        self.indexes: list[str] = []
        # Four chunks alive at most (one being made, two waiting as COPY text, one
        # being loaded): the peak memory of a run does not grow with its size.
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.extra_tables: tuple[str, ...] = ()
        self.constraints: list[tuple[str, str, str]] = []
        self.plans: Plans | None = None

    def _referencing_tables(self, cursor, tables: list[str]) -> list[str]:
        """Tables outside ``tables`` that refer to them by foreign key, directly or
        through one another (an alert refers to an order, its recipients to it)."""
        found: set[str] = set()
        frontier = list(tables)
        while frontier:
            cursor.execute(
                """
                SELECT DISTINCT c.conrelid::regclass::text
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])
                """,
                [frontier],
            )
            new = {row[0] for row in cursor.fetchall()} - found - set(tables)
            found |= new
            frontier = sorted(new)
        return sorted(found)

    def wipe(self) -> None:
        tables = _domain_tables() + [_db_table(label) for label in HISTORY_MODELS]
        with connection.cursor() as cursor:
            # CASCADE also empties whatever refers to orders, customers or products
            # (e.g. alerts about orders): --wipe means the whole order domain.
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        self.freeze = set(_domain_tables())

    def prepare(self, extra_tables: tuple[str, ...] = (), plans: Plans | None = None) -> None:
        self.extra_tables = tuple(extra_tables)
        self.plans = plans
        domain = _domain_tables()
        with connection.cursor() as cursor:
            if not self.freeze:
                # Empty already; truncating them here (in this transaction) is what
                # allows COPY FREEZE. Tables that refer to them must be truncated
                # with them, which is safe only when they are empty too.
                referencing = self._referencing_tables(cursor, domain)
                if all(not self._has_rows(cursor, table) for table in referencing):
                    cursor.execute(f"TRUNCATE {', '.join(domain + referencing)}")
                    self.freeze = set(domain)
            self.skip_fk_triggers = self.skip_fk_triggers and self._is_superuser(cursor)
            if self.skip_fk_triggers:
                cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                # Only a superuser may skip the triggers. Check each row at once
                # instead of queueing millions of deferred checks until commit:
                # every chunk loads parents before children (TABLES' order).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # The big tables only: the user tables are small, and may have pending
            # trigger events from --wipe's deletions (no CREATE INDEX then).
            loaded = [TABLES[key].db_table for key in DOMAIN_KEYS] + list(self.extra_tables)
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[])
                  AND NOT i.indisunique AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1
                """,
                [loaded],
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f"DROP INDEX {name}")
            self.indexes = [definition for _name, definition in found]
            # Unique constraints too (none that a foreign key relies on): added back
            # after the load, which checks the rows all at once.
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, quote_ident(c.conname),
                       pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype = 'u'
                  AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
                  )
                ORDER BY 1, 2
                """,
                [loaded],
            )
            self.constraints = cursor.fetchall()
            for table, name, _definition in self.constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")

    @staticmethod
    def _is_superuser(cursor) -> bool:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]

    @staticmethod
    def _has_rows(cursor, table: str) -> bool:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        return cursor.fetchone()[0]

    def write(self, rows: dict[str, list[tuple]]) -> None:
        """Turn a chunk's rows into COPY text here, in the generator's thread, and queue
        it for the loading thread: that thread then needs Python (and its GIL) only
        between statements and megabytes, so that PostgreSQL is never kept waiting for
        the generator to let it format the next rows."""
        if self.thread is None:
            connection.ensure_connection()
            self.raw = connection.connection
            self.transformer = Transformer(self.raw)
            self.thread = threading.Thread(target=self._drain, name="datagen-copy", daemon=True)
            # The loading thread takes the GIL back after each statement and each
            # megabyte sent; the generator's thread yields it after this many seconds
            # (0.005 by default), while PostgreSQL waits.
            self.switch_interval = sys.getswitchinterval()
            _big_buffers_mapped()
            sys.setswitchinterval(0.001)
            self.thread.start()
        self.raise_error()
        # Ids are the rows' first column, increasing within a chunk.
        orders, production_orders = rows["order"], rows["production_order"]
        ranges = None
        if orders:
            ranges = (
                (orders[0][0], orders[-1][0]),
                (
                    (production_orders[0][0], production_orders[-1][0])
                    if production_orders
                    else (0, -1)
                ),
            )
        del orders, production_orders
        texts = []
        # Each table's rows are let go of as soon as they are text (the caller keeps
        # no other reference): a chunk's tuples and its COPY text are not both held
        # whole, nor the tuples while this thread waits for room in the queue.
        for key in list(rows):
            batch = rows.pop(key)
            if batch:
                texts.append((TABLES[key], self._copy_text(batch)))
                self.counts[key] += len(batch)
            del batch
        started = time.monotonic()
        self.queue.put((texts, ranges))
        self.timings["waiting for the load"] += time.monotonic() - started

    def _copy_text(self, batch: list[tuple]) -> bytearray:
        """The rows as the text of COPY FROM STDIN, by psycopg's own formatter. (A
        Python loop, not one C call over the batch: the loading thread may take the GIL
        between two rows when it needs to send the next statement.)"""
        text = bytearray()
        transformer = self.transformer
        for row in batch:
            format_row_text(row, transformer, text)
        return text

    def _drain(self) -> None:
        while (chunk := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self._load_chunk(*chunk)
                except BaseException as exc:  # re-raised in the main thread
                    self.error = exc
            del chunk  # freed now, not when the next chunk arrives

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def _load_chunk(self, texts: list, ranges: tuple | None) -> None:
        started = time.monotonic()
        for table, text in texts:
            freeze = " (FREEZE)" if table.db_table in self.freeze else ""
            sql = f"COPY {table.db_table} ({', '.join(table.columns)}) FROM STDIN{freeze}"
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                copy.write(text)
        copied = time.monotonic()
        self.timings["COPY"] += copied - started
        if self.plans is not None and ranges is not None:
            with psycopg.ClientCursor(self.raw) as cursor:
                self.plans.add(cursor, orders=ranges[0], production_orders=ranges[1])
            self.timings["plans"] += time.monotonic() - copied

    def stop(self) -> None:
        """Wait for the last chunk to be loaded (also when the run failed)."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
            sys.setswitchinterval(self.switch_interval)

    def finish(self) -> None:
        self.stop()
        self.raise_error()
        with connection.cursor() as cursor:
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.constraints:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            for table in TABLES.values():
                name = table.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, "
                    f"false) FROM {name}",
                    [name],
                )
            if self.skip_fk_triggers:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            else:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def analyze(self, models: tuple[str, ...] = ()) -> None:
        tables = [_db_table(label) for label in models] or [
            *(t.db_table for t in TABLES.values()),
            *self.extra_tables,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")

    def vacuum(self) -> None:
        if connection.in_atomic_block:  # (inside a test's transaction)
            return
        with connection.cursor() as cursor:
            # The generated tables were analyzed in the transaction: no second ANALYZE.
            cursor.execute("VACUUM")


class SqliteWriter(Writer):
    """For small runs without PostgreSQL (tests, a laptop demo)."""

    def wipe(self) -> None:
        with connection.cursor() as cursor:
            for table in _domain_tables() + [_db_table(label) for label in HISTORY_MODELS]:
                cursor.execute(f"DELETE FROM {table}")  # foreign keys are checked at commit

    def load(self, table, batch: list[tuple]) -> None:
        placeholders = ", ".join(["%s"] * len(table.columns))
        sql = f"INSERT INTO {table.db_table} ({', '.join(table.columns)}) VALUES ({placeholders})"
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)

    def analyze(self, models: tuple[str, ...] = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def writer_for_connection(**options) -> Writer:
    return PostgresWriter(**options) if connection.vendor == "postgresql" else SqliteWriter()


def foreign_key_violations() -> list[str]:
    """Every foreign key of the generated tables whose value points nowhere, as
    "table.column -> table: n rows" (empty when the data is consistent)."""
    problems = []
    with connection.cursor() as cursor:
        for table in TABLES.values():
            model = apps.get_model(table.model)
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table.db_table} c "
                    f"LEFT JOIN {target.db_table} p ON p.{target.pk.column} = c.{field.column} "
                    f"WHERE c.{field.column} IS NOT NULL AND p.{target.pk.column} IS NULL"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    problems.append(
                        f"{table.db_table}.{field.column} -> {target.db_table}: {missing}"
                    )
    return problems
