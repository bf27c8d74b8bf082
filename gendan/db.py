"""Database helpers the ORM lacks."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model


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
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
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
