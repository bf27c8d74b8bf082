"""gendan.db.bulk_update: one UPDATE for many rows, the same result as Django's.
gendan.db.bulk_insert: one INSERT for many rows, stored as they were given.
gendan.db.InConstants: a set of statuses written into the statement.
gendan.db.use_fast_timestamps: moments read by psycopg's C loader, the same values.
gendan.db.CompiledQuery: a slot filled in every place it stands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from gendan.db import (
    CompiledQuery,
    bulk_insert,
    bulk_update,
    in_constants,
    use_fast_timestamps,
    work_mem_for_transaction,
)
from kpi.models import PayStatementLine, PenaltyRecord
from orders.models import Order
from tests.factories import create_order
from tests.kpi.helpers import PRODUCTION, D, compute, rule

FIELDS = ["status", "total_amount", "confirmed_at", "owner", "deposit_waived", "cancel_reason"]


def test_many_rows_of_every_kind_of_column_are_updated_in_one_query(
    cast, django_assert_num_queries
):
    orders = [create_order(cast) for _ in range(3)]
    moment = timezone.now().replace(microsecond=123456) - dt.timedelta(days=2)
    for i, order in enumerate(orders):
        order.status = ["confirmed", "cancelled", "draft"][i]
        order.total_amount = order.deposit_due + Decimal("1234.50") + i
        order.confirmed_at = None if i == 2 else moment + dt.timedelta(hours=i)
        order.owner = cast.other_merchandiser if i else cast.merchandiser
        order.deposit_waived = i == 1
        order.cancel_reason = "客户取消" if i == 1 else ""
    untouched = create_order(cast)

    with django_assert_num_queries(1):
        assert bulk_update(orders, FIELDS) == 3

    for order in orders:
        stored = Order.objects.get(pk=order.pk)
        assert [getattr(stored, f) for f in FIELDS] == [getattr(order, f) for f in FIELDS]
    stored = Order.objects.get(pk=untouched.pk)
    assert (stored.status, stored.total_amount) == (untouched.status, untouched.total_amount)
    assert bulk_update([], FIELDS) == 0


@pytest.mark.postgresql
def test_a_new_postgresql_session_of_the_database_has_jit_off(db):
    """The migration sets the database's jit off: every connection, pooled or not,
    gets it (compiling Gendan's million-row statements cost more than it saved)."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        assert other.execute("SHOW jit").fetchone()[0] == "off"


@pytest.mark.postgresql
def test_a_statement_run_again_is_prepared_by_postgresql(db):
    """Prepared statements (on unless behind PgBouncer): the parameters travel apart from
    the SQL, so a statement keeps one text, and from its fifth run PostgreSQL plans it no
    more."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL feature")
    if not connection.settings_dict["OPTIONS"].get("prepare_threshold"):
        pytest.skip(
            "prepared statements are off (DATABASE_PGBOUNCER or DATABASE_PREPARED_STATEMENTS)"
        )
    for number in range(8):
        list(Order.objects.filter(number=f"SO-{number}").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "orders_order"' in text and "$1" in text for text in prepared), prepared


@pytest.mark.postgresql
def test_moments_are_read_by_the_c_loader_with_the_values_django_reads(db):
    """Every PostgreSQL connection reads timestamptz with psycopg's C loader (Django's own
    parses in Python), and gets the same aware values in the connection's time zone."""
    if connection.vendor != "postgresql":
        pytest.skip("a psycopg loader")
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    connection.ensure_connection()
    oid = psycopg.postgres.types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
    assert loader.__name__ == "FastTimestamptzLoader"
    sql = (
        "SELECT v::timestamptz FROM unnest(ARRAY['2026-03-01 08:30:00+08', "
        "'1999-12-31 23:59:59.000001+00', '2026-12-07 00:00:00.5-05:30', NULL]) AS v"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        fast = [row[0] for row in cursor.fetchall()]
        register_tzloader(connection.timezone, cursor.cursor)  # Django's, on this cursor
        cursor.execute(sql)
        django_read = [row[0] for row in cursor.fetchall()]
    assert fast == django_read
    assert fast[0] == dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)
    assert fast[2].microsecond == 500000
    assert fast[3] is None
    assert all(value.tzinfo is connection.timezone for value in fast[:3])
    assert [value.tzinfo for value in django_read[:3]] == [connection.timezone] * 3
    # And through the ORM: an order's moment comes back as it was saved.
    moment = dt.datetime(2026, 5, 4, 3, 2, 1, 654321, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [moment])
        assert cursor.fetchone()[0] == moment


@pytest.mark.postgresql
def test_work_mem_is_raised_for_the_transaction_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")

    def work_mem():
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    before = work_mem()
    with transaction.atomic():
        work_mem_for_transaction("48MB")
        assert work_mem() == "48MB"
    assert work_mem() == before
    work_mem_for_transaction("48MB")  # outside a transaction: nothing to scope it to
    assert work_mem() == before


@pytest.mark.parametrize("size", ["64", "1 GB", "64MB'; DROP TABLE x; --", ""])
def test_a_work_mem_that_is_no_size_is_refused(size):
    with pytest.raises(ValueError, match="not a memory size"):
        work_mem_for_transaction(size)


def test_fast_moments_are_left_out_where_they_would_differ():
    """Not PostgreSQL, or a connection whose moments are naive: Django's loader stays."""

    class Other:
        vendor = "sqlite"
        timezone = dt.UTC

    class Naive:
        vendor = "postgresql"
        timezone = None

    assert use_fast_timestamps(connection=Other()) is False
    assert use_fast_timestamps(connection=Naive()) is False


LINE_FIELDS = ["statement_id", "position", "kind", "label", "effect", "amount", "explanation"]


def test_many_rows_with_json_quotes_and_nulls_are_inserted_in_one_query(
    cast, django_assert_num_queries
):
    statement = compute(cast.merchandiser, D(2026, 9, 1)).pay_statement
    detail = {
        "orders": [{"number": 'GD-"1"\\2', "total": "12.30"}, {"number": "单号\n", "total": None}],
        "flags": [True, False, None, 3, 1.5],
        "empty": {},
    }
    lines = [
        PayStatementLine(
            statement=statement,
            position=100 + i,
            kind="commission",
            label=f'提成 "{i}" \\ {{}}',
            effect="add",
            amount=Decimal("1234.56") + i,
            explanation='it\'s, "quoted"' if i else "",
            detail=detail if i else {},
        )
        for i in range(3)
    ]
    person, occurred = cast.merchandiser, D(2026, 9, 3)
    penalty = PenaltyRecord(
        person=person,
        period=D(2026, 9, 1),
        rule=rule(PRODUCTION, "insubordination"),
        occurred_on=occurred,
        amount=Decimal("50.00"),
        note="迟到",
        created_by=cast.supervisor,
    )
    before = timezone.now()

    with django_assert_num_queries(1):
        assert bulk_insert(lines) == 3
    with django_assert_num_queries(1):
        assert bulk_insert([penalty]) == 1

    stored = PayStatementLine.objects.filter(statement=statement, position__gte=100)
    assert [
        [getattr(line, f) for f in [*LINE_FIELDS, "detail"]] for line in stored.order_by("position")
    ] == [[getattr(line, f) for f in [*LINE_FIELDS, "detail"]] for line in lines]
    record = PenaltyRecord.objects.get(person=person, occurred_on=occurred)
    assert (record.order_id, record.chosen_amount, record.loss_amount, record.flag) == (
        None,
        None,
        Decimal("0.00"),
        "",
    )
    assert record.created_at >= before  # auto_now_add, as save() would set it
    assert bulk_insert([]) == 0


def test_a_status_set_is_written_into_the_statement_as_constants(db):
    """gendan.db.InConstants: the overdue orders' statuses stand in the SQL itself, so
    that a prepared statement's generic plan can still read the partial index
    order_to_ship_due_idx (its condition is proved from constants only); anything but
    the code's plain constants is refused."""
    from orders.selectors import overdue_q
    from orders.states import NOT_FULLY_SHIPPED

    sql, params = Order.objects.filter(overdue_q(dt.date(2026, 1, 2))).query.sql_with_params()
    for status in NOT_FULLY_SHIPPED:
        assert f"'{status}'" in sql
        assert status not in params
    assert len(Order.objects.filter(overdue_q(dt.date(2026, 1, 2)))) == 0
    for bad in (["draft", "x') OR ('1'='1"], [], ["a b"]):
        with pytest.raises(ValueError):
            in_constants("status", bad)


def test_a_url_of_a_key_is_the_reversed_url():
    from django.urls import reverse

    from gendan.web import pk_urls

    detail = pk_urls("orders:detail")
    for pk in (1, 42, 9876543210, 10**12):
        assert detail(pk) == reverse("orders:detail", args=[pk])


def test_a_compiled_slot_is_filled_in_every_place_it_stands(cast):
    orders = [create_order(cast) for _ in range(4)]
    slot = int(str(2**31 - 2))  # an object of its own, as the cursor's slot is
    newest = Order.objects.filter(pk__lt=slot).order_by("-pk").values("pk")[:2]
    query = CompiledQuery(
        Order.objects.filter(pk__lt=slot, pk__in=newest).order_by("pk").values("pk"), slot
    )

    assert len(query.slots) == 2
    assert query.run(orders[2].pk) == [{"pk": orders[0].pk}, {"pk": orders[1].pk}]
    assert query.run(orders[1].pk) == [{"pk": orders[0].pk}]


def test_a_slot_found_only_by_value_must_stand_once(cast):
    def marker() -> str:  # equal strings, each an object of its own
        return "".join(["\x00", "n", "\x00"])

    twice = Order.objects.filter(number=marker(), customer_po=marker()).values("pk")
    with pytest.raises(ValueError, match="2 times"):
        CompiledQuery(twice, marker())
