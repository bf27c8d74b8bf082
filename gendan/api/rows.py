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
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, router
from django.db.models import DecimalField, Expression, F, Lookup, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf
from rest_framework.settings import api_settings

from gendan.db import CompiledQuery

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


def _is_plain_decimal(field: drf.Field) -> bool:
    """A DRF decimal whose output is the value at its places as text (``'12.50'``)."""
    return (
        type(field) is drf.DecimalField
        and field.decimal_places is not None
        and not field.localize
        and not getattr(field, "normalize_output", False)
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    )


def _decimal(field: drf.DecimalField) -> Callable[[Decimal], Any]:
    """DRF's decimal formatting; a value already at the field's places formats as
    ``'{:f}'`` (what DRF returns after quantizing it to those places)."""
    places = field.decimal_places
    slow = field.to_representation
    if not _is_plain_decimal(field):
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


def _iso_date(field: drf.DateField) -> Callable[[Any], Any]:
    """DRF's ISO 8601 rendering of a date (``value.isoformat()``)."""
    slow = field.to_representation

    def convert(value):
        return value.isoformat() if type(value) is dt.date else slow(value)

    return convert


def _converter(field: drf.Field) -> Converter:
    if isinstance(field, drf.DecimalField):
        return _decimal(field)
    if type(field) is drf.BigIntegerField and not getattr(
        field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING
    ):
        return None  # an int from the database, as IntegerField gives it
    if (
        type(field) is drf.DateField
        and str(getattr(field, "format", api_settings.DATE_FORMAT)).lower() == ISO_8601
    ):
        return _iso_date(field)
    if (
        type(field) in (drf.DateTimeField, DateTimeField)
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    ):
        return _Moment(field)
    if type(field) in _IDENTITY or isinstance(field, relations.PrimaryKeyRelatedField):
        return None
    return field.to_representation


def _column(model, path: list[str]):
    """The model field ``path`` (a serializer field's source) leads to, following
    foreign keys (``customer.name``), or None when it is not a column."""
    for i, name in enumerate(path):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if i < len(path) - 1:
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                return None
            model = field.related_model
        elif not field.concrete or field.many_to_many:
            return None
    return field


def _as_text(field: drf.Field, column) -> bool:
    """Whether PostgreSQL may give the output itself: a plain decimal at the column's
    own places (``numeric(14, 2)::text`` is ``'12.50'``, what DRF answers), so neither
    psycopg nor DRF has a ``Decimal`` to make and format."""
    return (
        isinstance(column, DecimalField)
        and _is_plain_decimal(field)
        and column.decimal_places == field.decimal_places
    )


# (columns: (name, values() key, converter), nested: name -> (foreign key, Rows), the
# keys PostgreSQL formats as text)
_Plan = tuple[list[tuple[str, str, Converter]], dict[str, tuple[str, "Rows"]], list[str]]

# How ``render`` treats a column's value (decided once, not per value).
_KEEP, _NESTED, _MOMENT, _CONVERT = range(4)


_IDS: list = []  # stands for the parents' ids in a compiled statement (found by identity)


class _AnyOf(Lookup):
    """``column = ANY(%s)``: one array parameter, whatever the number of values."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]


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
        self._plan: _Plan | None = None
        self._statements: dict[tuple[str, str], CompiledQuery] = {}

    # -- the plan, made once from the serializer's fields -----------------------

    def _make_plan(self):
        """(columns, nested, text): columns are (name, values() key, converter), text
        the keys PostgreSQL formats itself (``_as_text``)."""
        columns: list[tuple[str, str, Converter]] = []
        nested: dict[str, tuple[str, Rows]] = {}
        text: list[str] = []
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
            column = None
            if not isinstance(field, serializers.BaseSerializer) and field.source != "*":
                column = _column(self.model, field.source_attrs)
            if column is None:
                raise ImproperlyConfigured(
                    f"{self.serializer_class.__name__}.{name}: not a column; give an expression"
                )
            key = "__".join(field.source_attrs)
            columns.append((name, key, _converter(field)))
            if _as_text(field, column):
                text.append(key)
        return columns, nested, text

    @property
    def plan(self):
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    @cached_property
    def _text_aliases(self) -> dict[str, str]:
        """values() key -> the alias of its text on PostgreSQL."""
        return {key: f"_text_{i}" for i, key in enumerate(self.plan[2])}

    @property
    def keys(self) -> list[str]:
        """The ``values()`` keys of the plain columns (and the primary key)."""
        columns, _nested, _text = self.plan
        keys = [key for _name, key, _convert in columns if key and key not in self.expressions]
        pk = self.model._meta.pk.attname
        return keys if pk in keys else [*keys, pk]

    def _dispatch(self, records: list[dict[str, Any]]) -> list[tuple[str, str, int, Converter]]:
        """(name, key, how, converter) for each column of ``records``: the text of a
        decimal where the database gave it (``values`` on PostgreSQL)."""
        columns, _nested, _text = self.plan
        aliases = self._text_aliases if records and self._text_aliases else {}
        if aliases and next(iter(aliases.values())) not in records[0]:
            aliases = {}
        dispatch = []
        for name, key, convert in columns:
            if not key:
                dispatch.append((name, key, _NESTED, None))
            elif key in aliases:
                dispatch.append((name, aliases[key], _KEEP, None))
            elif convert is None:
                dispatch.append((name, key, _KEEP, None))
            elif isinstance(convert, _Moment):
                dispatch.append((name, key, _MOMENT, convert))
            else:
                dispatch.append((name, key, _CONVERT, convert))
        return dispatch

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
            queryset = self.values(manager.filter(_AnyOf(F(foreign_key), _IDS)), foreign_key)
            statement = self._statements[(foreign_key, alias)] = CompiledQuery(queryset, _IDS)
        return statement.run(list(ids))

    # -- use ---------------------------------------------------------------------

    def values(self, queryset: QuerySet, *more: str) -> QuerySet:
        """``queryset`` as dictionaries of what the rows need (no prefetching), and the
        ``more`` keys. On PostgreSQL the plain decimals come as their text (``_as_text``)."""
        queryset = queryset.prefetch_related(None)
        aliases = self._text_aliases if connections[queryset.db].vendor == "postgresql" else {}
        texts = {alias: Cast(F(key), TextField()) for key, alias in aliases.items()}
        keys = [key for key in self.keys if key not in aliases]
        return queryset.annotate(**self.expressions, **texts).values(
            *more, *keys, *self.expressions, *texts
        )

    def render(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The serializer's output for ``records`` (dictionaries from ``values()``):
        one more query per nested list, whatever the number of records."""
        records = list(records)
        _columns, nested, _text = self.plan
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
        dispatch = self._dispatch(records)
        result = []
        for record in records:
            row = {}
            for name, key, how, convert in dispatch:
                if how == _KEEP:
                    row[name] = record[key]
                elif how == _NESTED:
                    row[name] = children[name].get(record[pk], [])
                else:
                    value = record[key]
                    if value is None:
                        row[name] = None
                    elif how == _MOMENT:
                        row[name] = convert(value, zone)
                    else:
                        row[name] = convert(value)
            result.append(row)
        return result
