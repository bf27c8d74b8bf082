"""Fast read rows for lists: what a read serializer outputs, built from ``values()``.

A page of 50 orders with their lines is some 2,000 values. Building a model
instance for each row and running DRF's per-field machinery over them costs
several times the query itself. ``Rows`` takes its fields, their sources and
their formatting from the serializer (one definition, the schema unchanged),
fetches plain values with one query per level (the rows, then each nested list
grouped by its foreign key) and formats them with the serializer's own fields,
with a shortcut where the formatting is provably the identity (text, numbers,
ids) or a plain ``format`` (decimals already at their places).

``tests/api/test_rows.py`` checks that the rows equal the serializer's output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, router
from django.db.models import Expression, F, Lookup, QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf
from rest_framework.settings import api_settings

from .fields import DateTimeField, moment_text

# Fields whose to_representation returns a database value unchanged.
_IDENTITY = (
    drf.BooleanField,
    drf.CharField,
    drf.ChoiceField,
    drf.IntegerField,
    relations.PrimaryKeyRelatedField,
)
Converter = Callable[[Any], Any] | None


def _decimal(field: drf.DecimalField) -> Callable[[Decimal], Any]:
    """DRF's decimal formatting; a value already at the field's places formats as
    ``'{:f}'`` (what DRF returns after quantizing it to those places)."""
    places = field.decimal_places
    slow = field.to_representation
    plain = (
        type(field) is drf.DecimalField
        and places is not None
        and not field.localize
        and not getattr(field, "normalize_output", False)
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    )
    if not plain:
        return slow

    def convert(value):
        if isinstance(value, Decimal):
            text = f"{value:f}"
            dot = text.find(".")
            if (len(text) - dot - 1 if dot >= 0 else 0) == places:
                return text
        return slow(value)

    return convert


class _Moment:
    """DRF's ISO 8601 rendering of an aware moment, in the current time zone (looked
    up once per ``render``, not once per value as ``DateTimeField`` does)."""

    def __init__(self, field: drf.DateTimeField) -> None:
        self.slow = field.to_representation

    def __call__(self, value, zone):
        if isinstance(value, dt.datetime) and value.tzinfo is not None and zone is not None:
            try:
                local = value.astimezone(zone)
            except OverflowError:
                return moment_text(value, zone)
            offset = local.utcoffset()
            if offset is not None and (offset.seconds % 60 or offset.microseconds):
                return moment_text(value, zone)  # RFC 3339 has whole-minute offsets only
            text = local.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return self.slow(value)


def _converter(field: drf.Field) -> Converter:
    if isinstance(field, drf.DecimalField):
        return _decimal(field)
    if (
        type(field) in (drf.DateTimeField, DateTimeField)
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    ):
        return _Moment(field)
    if type(field) in _IDENTITY or isinstance(field, relations.PrimaryKeyRelatedField):
        return None
    return field.to_representation


def _is_column(model, path: list[str]) -> bool:
    """Whether ``path`` (a serializer field's source) leads to a column, following
    foreign keys (``customer.name``)."""
    for i, name in enumerate(path):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if i < len(path) - 1:
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                return False
            model = field.related_model
        elif not field.concrete or field.many_to_many:
            return False
    return True


_IDS: list = []  # stands for the parents' ids in a compiled statement (found by identity)


class _AnyOf(Lookup):
    """``column = ANY(%s)``: one array parameter, whatever the number of values."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]


class _Statement:
    """A ``values()`` query compiled once and run again with other ids: Django's SQL
    and converters, without building and compiling the query for each page."""

    def __init__(self, queryset: QuerySet) -> None:
        compiler = queryset.query.get_compiler(queryset.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slot = next(i for i, value in enumerate(self.params) if value is _IDS)
        self.alias = queryset.db
        self.names = list(queryset.query.values_select)
        self.converters = compiler.get_converters(
            [column for column, _sql, _alias in compiler.select]
        )
        self.compiler = compiler

    def run(self, ids: list) -> list[dict[str, Any]]:
        params = list(self.params)
        params[self.slot] = list(ids)
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in rows]


class Rows:
    """The rows ``serializer_class`` would output for a queryset, from ``values()``.

    ``expressions`` give the values of fields that are not columns (a model
    property such as ``balance_due``); nested list serializers (``lines``) are
    fetched from the reverse relation of the same name, in the related model's
    default ordering, with their own ``Rows``.
    """

    def __init__(
        self,
        serializer_class: type[serializers.ModelSerializer],
        *,
        expressions: dict[str, Expression] | None = None,
    ) -> None:
        self.serializer_class = serializer_class
        self.model = serializer_class.Meta.model
        self.expressions = dict(expressions or {})
        self._plan: tuple[list[tuple[str, str, Converter]], dict[str, tuple[str, Rows]]] | None
        self._plan = None
        self._statements: dict[tuple[str, str], _Statement] = {}

    # -- the plan, made once from the serializer's fields -----------------------

    def _make_plan(self):
        columns: list[tuple[str, str, Converter]] = []
        nested: dict[str, tuple[str, Rows]] = {}
        for name, field in self.serializer_class().fields.items():
            if field.write_only:
                continue
            if isinstance(field, serializers.ListSerializer):
                relation = self.model._meta.get_field(field.source)
                child = Rows(type(field.child))
                nested[name] = (relation.field.attname, child)
                columns.append((name, "", None))
                continue
            if name in self.expressions:
                columns.append((name, name, _converter(field)))
                continue
            if (
                isinstance(field, serializers.BaseSerializer)
                or field.source == "*"
                or not _is_column(self.model, field.source_attrs)
            ):
                raise ImproperlyConfigured(
                    f"{self.serializer_class.__name__}.{name}: not a column; give an expression"
                )
            columns.append((name, "__".join(field.source_attrs), _converter(field)))
        return columns, nested

    @property
    def plan(self):
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    @property
    def keys(self) -> list[str]:
        """The ``values()`` keys of the plain columns (and the primary key)."""
        columns, _nested = self.plan
        keys = [key for _name, key, _convert in columns if key and key not in self.expressions]
        pk = self.model._meta.pk.attname
        return keys if pk in keys else [*keys, pk]

    def children_of(self, foreign_key: str, ids: list) -> list[dict[str, Any]]:
        """The ``values()`` of this model's rows whose ``foreign_key`` is in ``ids``, in
        its default ordering. On PostgreSQL the query is compiled once per database and
        takes the ids as one array, so every page runs the same statement text (prepared
        by PostgreSQL from its fifth run); elsewhere it is Django's ``__in``."""
        alias = router.db_for_read(self.model)
        manager = self.model._default_manager.using(alias)
        if connections[alias].vendor != "postgresql":
            return list(
                manager.filter(**{f"{foreign_key}__in": ids}).values(foreign_key, *self.keys)
            )
        statement = self._statements.get((foreign_key, alias))
        if statement is None:
            queryset = manager.filter(_AnyOf(F(foreign_key), _IDS)).values(foreign_key, *self.keys)
            statement = self._statements[(foreign_key, alias)] = _Statement(queryset)
        return statement.run(ids)

    # -- use ---------------------------------------------------------------------

    def values(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` as dictionaries of what the rows need (no prefetching)."""
        return (
            queryset.prefetch_related(None)
            .annotate(**self.expressions)
            .values(*self.keys, *self.expressions)
        )

    def render(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The serializer's output for ``records`` (dictionaries from ``values()``):
        one more query per nested list, whatever the number of records."""
        records = list(records)
        columns, nested = self.plan
        children: dict[str, dict[Any, list]] = {}
        pk = self.model._meta.pk.attname
        ids = [record[pk] for record in records]
        for name, (foreign_key, child) in nested.items():
            grouped: dict[Any, list] = {}
            if ids:
                rows = child.children_of(foreign_key, ids)
                for row, output in zip(rows, child.render(rows), strict=True):
                    grouped.setdefault(row[foreign_key], []).append(output)
            children[name] = grouped
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        result = []
        for record in records:
            row = {}
            for name, key, convert in columns:
                if not key:
                    row[name] = children[name].get(record[pk], [])
                    continue
                value = record[key]
                if convert is None or value is None:
                    row[name] = value
                elif isinstance(convert, _Moment):
                    row[name] = convert(value, zone)
                else:
                    row[name] = convert(value)
            result.append(row)
        return result
