"""Database helpers the ORM lacks."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Lookup, Model, QuerySet


def _written_to(objs: Sequence[Model]) -> tuple[type[Model], str, BaseDatabaseWrapper]:
    """The model of ``objs`` (all of one model), the database they are written to and
    its connection."""
    model = type(objs[0])
    alias = router.db_for_write(model)
    return model, alias, connections[alias]


def bulk_update(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """``QuerySet.bulk_update(objs, fields)`` in one ``UPDATE … FROM unnest(…)`` on
    PostgreSQL: one array per column, whatever the number of rows.

    Django's ``bulk_update`` writes a ``CASE WHEN pk = … THEN …`` per row and field
    and resolves every branch in Python: for 300 assessments of 30 fields that is
    about two seconds before the query leaves. Other databases get Django's own.
    Returns the number of rows updated.
    """
    if not objs:
        return 0
    model, alias, connection = _written_to(objs)
    if connection.vendor != "postgresql":
        return model._default_manager.using(alias).bulk_update(objs, fields)
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    arrays = [[pk.get_db_prep_value(obj.pk, connection) for obj in objs]]
    arrays += [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
        for field in columns
    ]
    casts = [f"%s::{pk.rel_db_type(connection)}[]"]
    casts += [f"%s::{field.db_type(connection)}[]" for field in columns]
    names = ["pk", *(f"c{i}" for i in range(len(columns)))]
    assignments = ", ".join(f"{quote(field.column)} = v.c{i}" for i, field in enumerate(columns))
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({', '.join(casts)}) AS v({', '.join(names)}) "
        f"WHERE t.{quote(pk.column)} = v.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return cursor.rowcount


_CONSTANT = re.compile(r"[A-Za-z0-9_]+")


class InConstants(Lookup):
    """``column IN ('a', 'b')`` with the values written into the statement rather than
    sent as parameters: for a fixed set of the code's own constants (statuses), never
    input. PostgreSQL proves a partial index's condition (``WHERE status IN (…)``) only
    from constants: with prepared statements, after a few runs PostgreSQL may keep a
    generic plan, planned without the parameters' values, which cannot use such an
    index and reads the whole table instead (the overdue orders: 1.2 s instead of
    1 ms at a million orders)."""

    lookup_name = "in_constants"
    prepare_rhs = False

    def __init__(self, lhs: Any, rhs: Any) -> None:
        values = sorted(str(value) for value in rhs)
        if not values or not all(_CONSTANT.fullmatch(value) for value in values):
            raise ValueError(f"not a set of constants: {values!r}")
        super().__init__(lhs, tuple(values))

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        constants = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({constants})", list(lhs_params)


def in_constants(field: str, values: Any) -> InConstants:
    """``field__in=values`` (``values`` the code's constants) as ``InConstants``."""
    return InConstants(F(field), values)


def _json_default(value: Any) -> str:
    """Values json cannot write: Decimal, date, time and datetime, as PostgreSQL reads them."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def bulk_insert(objs: Sequence[Model]) -> int:
    """Insert the unsaved ``objs`` of one model with an automatic primary key, in one
    ``INSERT … SELECT … FROM jsonb_to_recordset(…)`` on PostgreSQL: the rows travel
    as one JSON document. Their primary keys are not read back.

    ``bulk_create`` sends one array per column, and psycopg writes an array in Python,
    escaping every double quote of every element with a regular expression: for rows
    that carry JSON documents of their own (a pay statement's lines list the month's
    orders) that costs more than the insert. One document is written and quoted in C.
    JSON fields go in as they are (values ``json`` can write, and Decimal and dates as
    text). Other databases get ``bulk_create``. Returns the number of rows inserted.
    """
    if not objs:
        return 0
    model, alias, connection = _written_to(objs)
    if connection.vendor != "postgresql":
        return len(model._default_manager.using(alias).bulk_create(objs))
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if not field.primary_key]
    rows = []
    for obj in objs:
        row = {}
        for field in fields:
            value = field.pre_save(obj, add=True)
            if field.get_internal_type() != "JSONField":
                value = field.get_db_prep_save(value, connection)
            row[field.column] = value
        rows.append(row)
    document = json.dumps(rows, default=_json_default, ensure_ascii=False, separators=(",", ":"))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    types = ", ".join(f"{quote(field.column)} {field.db_type(connection)}" for field in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS v({types})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])
        return cursor.rowcount


# CompiledQuery without a parameter that changes.
NO_SLOT = object()


class CompiledQuery:
    """A ``values()`` query compiled once and run again with another value in one
    place: Django's SQL and converters, without building and compiling the query for
    each request (a third of a millisecond for a query of a few joins).

    ``slot`` is the parameter that changes, given as it stands in the queryset's
    parameters (found by identity, in every place it stands, or else by equality for a
    string, in one place); ``run(value)`` returns
    the rows as ``values()`` dictionaries. Without a slot, ``run()`` runs the statement
    as it was compiled. The statement text never changes, so with
    prepared statements PostgreSQL plans it once per connection too.
    """

    def __init__(self, queryset: QuerySet, slot: Any = NO_SLOT) -> None:
        query = queryset.query
        self.alias = queryset.db
        self.compiler = query.get_compiler(self.alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots: list[int] = []
        if slot is not NO_SLOT:
            # Every place of the very object (a subquery may repeat it); else the one
            # parameter equal to it.
            found = [i for i, value in enumerate(self.params) if value is slot]
            if not found:
                found = [i for i, value in enumerate(self.params) if value == slot]
                if len(found) != 1:
                    raise ValueError(f"the slot stands {len(found)} times in the parameters")
            self.slots = found
        # The columns' names in the statement's order (Django 5.2 keeps it in
        # ``selected``, which a values() naming an annotation between fields needs).
        selected = getattr(query, "selected", None)
        self.names = (
            list(selected)
            if selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        selected = [column for column, _sql, _alias in self.compiler.select]
        self.converters = self.compiler.get_converters(selected)

    def _fetch(self, value: Any) -> list[tuple]:
        """The statement's rows, ``value`` in the slot (if it has one)."""
        params = list(self.params)
        for slot in self.slots:
            params[slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()

    def run(self, value: Any = None) -> list[dict[str, Any]]:
        rows = self._fetch(value)
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [dict(zip(self.names, row, strict=True)) for row in rows]


class CompiledCount(CompiledQuery):
    """The number of rows of a queryset, compiled once (``CompiledQuery``) and counted
    again with another value in one place: ``count()`` building and compiling its query
    took half a millisecond, five times what the database takes to count a user's few
    rows (the menu's counts, on every page)."""

    def __init__(self, queryset: QuerySet, slot: Any) -> None:
        super().__init__(queryset.order_by().values("pk"), slot)
        self.sql = f"SELECT COUNT(*) FROM ({self.sql}) counted"

    def count(self, value: Any) -> int:
        return self._fetch(value)[0][0]


def use_fast_timestamps(sender=None, connection=None, **kwargs) -> bool:
    """``connection_created``: read ``timestamptz`` columns with psycopg's C loader.

    Django registers a loader of its own on every psycopg connection: psycopg's
    pure-Python parser, then ``replace(tzinfo=connection.timezone)``. That is some 7 µs
    a value, a tenth of the orders list API's time (a page of 50 orders with their lines
    reads about 120 moments). psycopg's C loader gives the same values (aware, in the
    session's time zone) in about a microsecond. It is used only where the two agree:
    the session's time zone is the connection's (UTC, as Django sets it) and the C loader
    answers with that very ``tzinfo``; anything else keeps Django's. Returns whether it
    was installed."""
    if connection is None or connection.vendor != "postgresql" or connection.timezone is None:
        return False
    try:
        import psycopg
        from psycopg.adapt import Loader
    except ImportError:  # psycopg2
        return False
    raw = connection.connection
    oid = psycopg.postgres.types["timestamptz"].oid
    fast = psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
    if fast is None or fast.__module__.startswith("psycopg."):  # no C implementation
        return False
    try:
        probe = fast(oid, raw).load(b"2000-01-02 03:04:05.5+00")
    except Exception:  # any doubt keeps Django's loader
        return False
    expected = dt.datetime(2000, 1, 2, 3, 4, 5, 500000, tzinfo=connection.timezone)
    if probe != expected or probe.tzinfo is not connection.timezone:
        return False

    class FastTimestamptzLoader(Loader):
        # Django's cursor compares this with the connection's (create_cursor).
        timezone = connection.timezone

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self.fast = fast(oid, context)
            # psycopg calls the instance's ``load``: the C loader's own bound method.
            self.load = self.fast.load

        def load(self, data):  # what the instance's attribute above stands for
            return self.fast.load(data)

    raw.adapters.register_loader(oid, FastTimestamptzLoader)
    return True


def work_mem_for_transaction(size: str, using: str = "default") -> None:
    """``SET LOCAL work_mem``: the memory each sort or hash of this transaction's
    statements may take before it spills to temporary files (PostgreSQL; elsewhere
    nothing). For a job that joins a year of rows once (the KPI month), not for requests:
    it ends with the transaction, whatever happens. ``size`` as PostgreSQL writes it."""
    if not re.fullmatch(r"\d+(kB|MB|GB)", size):
        raise ValueError(f"not a memory size: {size!r}")
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{size}'")


class Statements:
    """Compiled statements (``CompiledQuery``) by key, the ``size`` most recently used:
    a process keeps at most that many, whatever the number of keys it meets. Safe to
    share between threads: a statement is compiled before it is kept and never changes
    after."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, CompiledQuery] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> CompiledQuery | None:
        with self._lock:
            statement = self._kept.get(key)
            if statement is not None:
                self._kept.move_to_end(key)
            return statement

    def keep(self, key: Hashable, statement: CompiledQuery) -> CompiledQuery:
        with self._lock:
            self._kept[key] = statement
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return statement

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
