"""What every list's FilterSet is made of: one FilterSet per list serves its page, its
Excel export and the API, with one set of parameter names (conventions.md, filters.py).

A list's FilterSet (``ListFilterSet``) declares its filters, its ``search`` (the
fields searched, by DRF's rule: every word found in one of them) and its
``ordering`` (the names a caller may sort by, ``-`` for descending, several
separated by commas). The API applies it through ``gendan.api.views.ListFilterBackend``,
a page through ``gendan.lists``.

Pages and the API differ in one thing only: what an invalid value does. The API
answers 400 (``DjangoFilterBackend``); a page ignores that one filter and shows the
rest (``gendan.lists.filter_page``).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from functools import reduce

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, IsoDateTimeRangeField
from django_filters.widgets import DateRangeWidget
from rest_framework.filters import search_smart_split

from .api.fields import MAX_ID


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: PostgreSQL refuses offsets
    beyond ±15:59 that ISO 8601 (and Python) accept, which would be a 500."""

    def to_python(self, value):
        return _utc(super().to_python(value))


def _utc(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


class UtcIsoDateTimeRangeField(IsoDateTimeRangeField):
    def compress(self, data_list):
        return super().compress([_utc(value) for value in data_list or []] or data_list)


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class MomentRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    field_class = UtcIsoDateTimeRangeField


class IdFilter(filters.NumberFilter):
    """An id: a whole number (not the decimal of django-filter's NumberFilter)."""

    field_class = forms.IntegerField


def id_filter(field_name: str, label, **kwargs) -> IdFilter:
    return IdFilter(field_name=field_name, label=label, min_value=1, max_value=MAX_ID, **kwargs)


def date_range(label, help_text) -> filters.DateFromToRangeFilter:
    """``<name>_after`` / ``<name>_before`` (both inclusive), date pickers on a page."""
    return filters.DateFromToRangeFilter(
        label=label, help_text=help_text, widget=DateRangeWidget(attrs={"type": "date"})
    )


def choices(choices, label) -> filters.MultipleChoiceFilter:
    """One or more of ``choices`` (repeat the parameter: ``?status=a&status=b``), check
    boxes on a page."""
    return filters.MultipleChoiceFilter(
        choices=choices,
        label=label,
        help_text=format_lazy(_("{label}（可重复）"), label=label),
        widget=forms.CheckboxSelectMultiple,
    )


def yes_no(label, yes, no, **kwargs) -> filters.BooleanFilter:
    """``true`` / ``false`` (or ``1`` / ``0``); a select of "all", ``yes``, ``no`` on a
    page."""
    widget = forms.Select(choices=[("", _("全部")), ("true", yes), ("false", no)])
    return filters.BooleanFilter(label=label, widget=widget, **kwargs)


class SearchInput(forms.TextInput):
    input_type = "search"


# --------------------------------------------------------------------------
# Search and ordering: filters of the FilterSet like any other
# --------------------------------------------------------------------------


class SearchFilter(filters.CharFilter):
    """``?search=``: every word (or "quoted phrase") found, ignoring case, in at least
    one of ``fields`` — DRF's SearchFilter rule, so scripts written against it keep
    their meaning."""

    def __init__(self, *fields: str, help_text, **kwargs):
        kwargs.setdefault("label", _("搜索"))
        kwargs.setdefault("widget", SearchInput(attrs={"placeholder": help_text}))
        super().__init__(help_text=help_text, **kwargs)
        self.fields = fields

    def filter(self, qs: QuerySet, value) -> QuerySet:
        terms = search_smart_split(value or "")
        if not terms:
            return qs
        return qs.filter(
            reduce(
                operator.and_,
                (
                    reduce(
                        operator.or_, (Q(**{f"{name}__icontains": term}) for name in self.fields)
                    )
                    for term in terms
                ),
            )
        )


class OrderingField(forms.CharField):
    """The ``ordering`` text as given: a name the list does not know is left out, never
    an error (DRF's OrderingFilter did the same), a NUL byte included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class OrderingFilter(filters.CharFilter):
    """``?ordering=name,-other``: sort by the given ``names`` (model fields) and the
    names of ``paths`` (a name → the model path it sorts on, ``customer`` →
    ``customer__name``), always ending in the primary key so that no two rows tie.

    ``default`` is what a page shows without ``ordering`` (``gendan.lists``); the API's
    default is its view's ``ordering`` (newest first, what its cursor pages expect).
    Without a value the filter does nothing, so an empty query leaves the queryset
    untouched (the API skips the FilterSet then)."""

    field_class = OrderingField

    def __init__(self, *names: str, default: str, paths: Mapping[str, str] | None = None, **kw):
        self.fields = {name: name for name in names} | dict(paths or {})
        kw.setdefault("label", _("排序"))
        kw.setdefault(
            "help_text",
            format_lazy(
                "{}{}", _("排序字段（前加 - 为倒序，可用逗号组合）："), ", ".join(self.fields)
            ),
        )
        super().__init__(**kw)
        self.default = default

    def terms(self, value: str | None) -> list[str]:
        """The known names of ``value`` as given (``-number``), in order."""
        terms = [term.strip() for term in (value or "").split(",")]
        return [term for term in terms if term.removeprefix("-") in self.fields]

    def ordering_of(self, value: str | None, fallback: list[str] | None = None) -> list[str]:
        """The ``order_by`` of ``value``; without a known name in it, ``fallback`` (model
        paths: the API view's ``ordering``) or else this filter's default."""
        terms = self.terms(value)
        if not terms:
            if fallback is not None:
                return with_tiebreaker(list(fallback))
            terms = self.terms(self.default)
        paths = [
            f"-{self.fields[term[1:]]}" if term.startswith("-") else self.fields[term]
            for term in terms
        ]
        return with_tiebreaker(paths)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.order_by(*self.ordering_of(value))


def with_tiebreaker(ordering: list[str]) -> list[str]:
    """``ordering`` ending in the primary key, so that no two rows compare equal."""
    ordering = [field for field in ordering if field]
    if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
        descending = bool(ordering) and ordering[0].startswith("-")
        ordering.append("-pk" if descending else "pk")
    return ordering


class ListFilterSet(filters.FilterSet):
    """The FilterSet of a list: its filters, ``search`` (a ``SearchFilter``, if the list
    has one) and ``ordering`` (an ``OrderingFilter``). Its Meta names the model; the
    filters are those declared (``Meta.fields`` adds plain ones)."""

    @classmethod
    def get_fields(cls):
        if cls._meta.fields is None and cls._meta.exclude is None:
            return {}
        return super().get_fields()

    @classmethod
    def ordering_filter(cls) -> OrderingFilter | None:
        found = cls.base_filters.get("ordering")
        return found if isinstance(found, OrderingFilter) else None

    @classmethod
    def search_filter(cls) -> SearchFilter | None:
        found = cls.base_filters.get("search")
        return found if isinstance(found, SearchFilter) else None


class UpdatedAfterFilterSet(ListFilterSet):
    """Every list that has ``updated_at`` offers ``updated_after`` for ERP sync: rows
    changed at or after the given time (ask again from the latest ``updated_at`` seen)."""

    updated_after = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("只列出此时间（含）之后修改过的记录，ISO 8601。"),
    )
