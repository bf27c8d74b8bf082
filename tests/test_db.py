"""gendan.db.bulk_update: one UPDATE for many rows, the same result as Django's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from gendan.db import bulk_update
from orders.models import Order
from tests.factories import create_order

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
    """Server-side binding (on unless behind PgBouncer): the parameters travel apart from
    the SQL, so the list's statements keep one text and PostgreSQL plans them once."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL feature")
    if not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        pytest.skip(
            "server-side binding is off (DATABASE_PGBOUNCER or DATABASE_SERVER_SIDE_BINDING)"
        )
    for number in range(8):
        list(Order.objects.filter(number=f"SO-{number}").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "orders_order"' in text and "$1" in text for text in prepared), prepared
