"""Cursor pagination over a total ordering (keyset pagination).

DRF's ``CursorPagination`` positions its cursor on the first ordering field only
and counts an offset through ties, which loses rows when many share a value (say
one contract delivery date). Here every ordering ends in the primary key, the
cursor carries the whole key of the row it points after, and the next page is
``WHERE (f1, …, pk) > (v1, …, vpk)`` written out per field and direction. A page
is one query whatever its size. An ordering field may follow a foreign key
(``customer__name``): the cursor carries the related value like any other.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, router
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from gendan.db import NO_SLOT, CompiledQuery, Statements
from gendan.filters import NUL, check_date_range, with_tiebreaker

MAX_PAGE_SIZE = 200


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` over the view's ``ordering_fields``, always ending in the primary key."""

    def get_ordering(self, request, queryset, view) -> list[str]:
        return with_tiebreaker(list(super().get_ordering(request, queryset, view) or []))


def _slot(pk, model) -> int:
    """The cursor's position while a page's statement is compiled: a primary key in the
    field's range that no table reaches, as an object of its own (found by identity
    among the statement's parameters)."""
    connection = connections[router.db_for_read(model)]
    highest = connection.ops.integer_field_range(pk.get_internal_type())[1] or 2**31 - 1
    return int(str(highest - 1))


def _reverse(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(field[1:] if field.startswith("-") else f"-{field}" for field in ordering)


def _attribute(row: Model, path: str) -> Any:
    """``row.customer.name`` for ``customer__name``."""
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class KeysetCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = _("每页条数（最多 200）。")
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-pk",)
    invalid_cursor_message = _("分页游标无效。")
    invalid_page_size_message = _("每页条数须为 1 到 %(max)s 的整数（更大的值按 %(max)s 计）。")

    def get_page_size(self, request) -> int:
        """``page_size``: a whole number from 1 (more than 200 is 200); anything else is a
        400, never silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            message = self.invalid_page_size_message % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]}, code="invalid")
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        for backend in getattr(view, "filter_backends", []):
            if hasattr(backend, "get_ordering"):
                ordering = backend().get_ordering(request, queryset, view)
                break
        else:
            ordering = getattr(view, "ordering", None) or self.ordering
        if isinstance(ordering, str):
            ordering = [ordering]
        return tuple(with_tiebreaker(list(ordering)))

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.model = queryset.model
        position, reverse = self._decode(request)
        return self._page(list(self._page_queryset(queryset, position, reverse)), position, reverse)

    def paginate_compiled(
        self,
        request,
        view,
        statements: Statements,
        key: Hashable,
        build: Callable[[], QuerySet],
        sources: Callable[[], list[tuple[QuerySet, str]] | None] = lambda: None,
    ):
        """``paginate_queryset(build(), …)`` without building the queryset or compiling
        its SQL when ``statements`` holds the statement of this page's shape already:
        ``key`` (the caller's) and the page's size, direction and ordering. Only for a
        ``values()`` queryset (``gendan.api.rows``) whose SQL, given ``key``, changes
        with nothing but the cursor's position, ordered by its integer primary key
        alone; any other ordering takes ``paginate_queryset``.

        The position takes a parameter of its own in the statement: the page is one
        statement text, which PostgreSQL prepares once per connection.

        ``sources`` (called when a statement is compiled, so given ``key`` too): the
        rows of ``build()`` as a few querysets of their ids (``policy.order_scope_sources``),
        or None. The page's rows are then looked for among the page's first rows of
        each source, which an index on the source's id gives (``_candidates``): a
        person's own and shared orders cost a page, however many orders others have.
        Only where ``build()`` filters nothing but what the sources list."""
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, None, view)
        self.model = model = view.list_rows.model
        pk = model._meta.pk
        if [field.lstrip("-") for field in self.ordering] not in (["pk"], [pk.attname]) or (
            pk.get_internal_type() not in ("AutoField", "BigAutoField")
        ):
            return self.paginate_queryset(build(), request, view)
        position, reverse = self._decode(request)
        shape = (key, type(view), tuple(self.ordering), self.page_size, reverse, position is None)
        statement = statements.get(shape)
        if statement is None:
            slot = NO_SLOT if position is None else _slot(pk, view.list_rows.model)
            slot_position = None if slot is NO_SLOT else [slot]
            queryset = build()
            found = sources()
            if found is not None and (
                len(found) == 1
                or connections[queryset.db].features.supports_slicing_ordering_in_compound
            ):  # (SQLite allows no LIMIT in a UNION's parts: it walks the ids as before)
                candidates = self._candidates(found, slot_position, reverse)
                queryset = queryset.filter(pk__in=candidates)
            queryset = self._page_queryset(queryset, slot_position, reverse)
            try:
                statement = statements.keep(shape, CompiledQuery(queryset, slot))
            except EmptyResultSet:  # nothing can be seen: no statement to keep
                return self._page([], position, reverse)
            except ValueError:  # the position is not one parameter of the SQL
                return self.paginate_queryset(build(), request, view)
        rows = statement.run(None if position is None else position[0])
        return self._page(rows, position, reverse)

    def _page_queryset(self, queryset: QuerySet, position, reverse: bool) -> QuerySet:
        """One row more than the page (it tells whether another page follows)."""
        ordering = _reverse(self.ordering) if reverse else self.ordering
        queryset = self._with_ordering_values(queryset).order_by(*ordering)
        if position is not None:
            queryset = queryset.filter(self._after(ordering, position))
        return queryset[: self.page_size + 1]

    def _candidates(self, sources: list[tuple[QuerySet, str]], position, reverse: bool) -> QuerySet:
        """The ids that may be on the page of an ordering by primary key alone: from
        each source, its first page-and-one ids after ``position``. The page's rows
        (the first of the sources' union) are among them, since each source lists an
        id at most once."""
        descending = self.ordering[0].startswith("-") != reverse
        parts = []
        for queryset, field in sources:
            part = queryset
            if position is not None:
                part = part.filter(**{f"{field}__{'lt' if descending else 'gt'}": position[0]})
            ordered = part.order_by(f"-{field}" if descending else field)
            parts.append(ordered.values_list(field, flat=True)[: self.page_size + 1])
        first, *rest = parts
        return first.union(*rest, all=True) if rest else first

    def _page(self, rows: list, position, reverse: bool) -> list:
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()
            self.has_previous, self.has_next = more, bool(page)
        else:
            self.has_previous, self.has_next = position is not None, more
        self.page = page
        self.display_page_controls = self.has_previous or self.has_next
        return page

    def _with_ordering_values(self, queryset: QuerySet) -> QuerySet:
        """Rows from ``values()`` (``gendan.api.rows``) with every value the cursor needs
        (an ordering on a related field is not among the serializer's columns)."""
        fields = getattr(queryset, "_fields", None)
        if not fields:
            return queryset
        missing = [
            name
            for name in (field.lstrip("-") for field in self.ordering)
            if name != "pk" and name not in fields
        ]
        return queryset.values(*fields, *missing) if missing else queryset

    # -- the cursor ----------------------------------------------------------

    @staticmethod
    def _after(ordering: tuple[str, ...], position: list[Any]) -> Q:
        """Rows after ``position`` in ``ordering``: (a > x) OR (a = x AND b > y) OR …"""
        condition = Q(pk__in=[])
        for i, field in enumerate(ordering):
            name = field.lstrip("-")
            step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": position[i]})
            for previous, value in zip(ordering[:i], position[:i], strict=True):
                step &= Q(**{previous.lstrip("-"): value})
            condition |= step
        return condition

    def _position_of(self, row: Model | dict[str, Any]) -> list[Any]:
        """The cursor values of ``row``: a model instance, or a dictionary from
        ``values()`` (the fast list rows of ``gendan.api.rows``)."""
        names = [field.lstrip("-") for field in self.ordering]
        if isinstance(row, dict):
            pk = self.model._meta.pk.attname
            return [_encode_value(row[pk if name == "pk" else name]) for name in names]
        return [_encode_value(_attribute(row, name)) for name in names]

    def _field(self, name: str):
        if name == "pk":
            return self.model._meta.pk
        model, *path, last = [self.model, *name.split("__")]
        for step in path:
            model = model._meta.get_field(step).related_model
        return model._meta.get_field(last)

    def _decode(self, request) -> tuple[list[Any] | None, bool]:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None, False
        try:
            raw = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")).decode("utf-8"))
            position, reverse, ordering = raw["p"], bool(raw["r"]), raw["o"]
            if list(ordering) != list(self.ordering) or len(position) != len(self.ordering):
                raise ValueError("cursor of another ordering")
            # Parse each value as its field would, so a forged cursor is a 400, not a 500.
            position = [
                self._field(field.lstrip("-")).to_python(value)
                for field, value in zip(self.ordering, position, strict=True)
            ]
            if any(value is None for value in position):
                raise ValueError("null in cursor")
            for value in position:
                # A forged cursor: what the database refuses (NUL) or cannot convert.
                if isinstance(value, str) and NUL in value:
                    raise ValueError("NUL in cursor")
                if isinstance(value, dt.date):
                    check_date_range(value)
        except (
            ValueError,
            RecursionError,
            TypeError,
            KeyError,
            UnicodeError,
            binascii.Error,
            FieldDoesNotExist,
            DjangoValidationError,
        ):
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}, code="invalid_cursor"
            ) from None
        return position, reverse

    def _link(self, position: list[Any], reverse: bool) -> str:
        payload = {"p": position, "r": int(reverse), "o": list(self.ordering)}
        encoded = base64.urlsafe_b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self._link(self._position_of(self.page[-1]), reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(self._position_of(self.page[0]), reverse=True)

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}
