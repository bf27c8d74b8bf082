"""What every list's FilterSet is made of: one FilterSet per list serves its page, its
Excel export and the API, with one set of parameter names (conventions.md, filters.py).

A list's FilterSet (``ListFilterSet``) declares its filters, its ``search`` (the
fields searched, by DRF's rule: every word found in one of them) and its
``ordering`` (the names a caller may sort by, ``-`` for descending, several
separated by commas). The API applies it through ``gendan.api.views.ListFilterBackend``,
a page through ``gendan.lists``.

Every value is checked, never silently ignored: a choice, a name to sort by, an id, a
yes/no, a date within ``EARLIEST_DATE``…``LATEST_DATE``, and no NUL byte in any
parameter. Pages and the API differ in one thing only: what an invalid value does.
The API answers 400 naming the parameter (``parameter_errors``); a page shows the
error at its field, leaves that one filter out and applies the rest (an invalid
``ordering``: the list's default order) — ``gendan.lists.filter_page``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from functools import reduce

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import DateRangeField, IsoDateTimeField, RangeField
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.widgets import DateRangeWidget, SuffixedMultiWidget
from rest_framework.filters import search_smart_split

from .api.fields import MAX_ID

# The dates a filter value may name. Wider than any date the application keeps (its
# services bound what is entered), narrow enough that no conversion of a value (to
# UTC, a date to a moment) overflows: 0001-01-01T00:00:00+14:00 is year 0 in UTC.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)

NUL = "\x00"


def _date_out_of_range() -> ValidationError:
    return ValidationError(
        _("日期须在 %(earliest)s 至 %(latest)s 之间。"),
        code="date_out_of_range",
        params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
    )


def check_date_range(value: dt.date | dt.datetime | None) -> None:
    """Refuse a date (or a moment, by its own calendar date) outside
    ``EARLIEST_DATE``…``LATEST_DATE``."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise _date_out_of_range()


class BoundedDateField(forms.DateField):
    """A date within ``EARLIEST_DATE``…``LATEST_DATE``."""

    def to_python(self, value):
        value = super().to_python(value)
        check_date_range(value)
        return value


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment within the date bounds, handed to the database in UTC:
    PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 (and Python) accept, which
    would be a 500."""

    def to_python(self, value):
        value = super().to_python(value)
        check_date_range(value)  # before converting: year 1 at +14:00 is year 0 in UTC
        return _utc(value)


def _utc(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


class BoundedDateRangeField(DateRangeField):
    """``<name>_after`` / ``<name>_before``: two dates within the bounds."""

    def __init__(self, *args, **kwargs):
        RangeField.__init__(self, (BoundedDateField(), BoundedDateField()), *args, **kwargs)


class UtcIsoDateTimeRangeField(RangeField):
    """``<name>_after`` / ``<name>_before``: two moments within the bounds, in UTC."""

    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((UtcIsoDateTimeField(), UtcIsoDateTimeField()), *args, **kwargs)


class DateFilter(filters.DateFilter):
    field_class = BoundedDateField


class DateRangeFilter(filters.DateFromToRangeFilter):
    field_class = BoundedDateRangeField


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class MomentRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    field_class = UtcIsoDateTimeRangeField


class YesNoField(forms.NullBooleanField):
    """``true`` / ``false`` (or ``1`` / ``0``, any case), or nothing for "all": any
    other value is invalid — Django's NullBooleanField would read it as "all"."""

    default_error_messages = {"invalid": _("须为 true 或 false。")}

    def to_python(self, value):
        if value is True or value is False or value is None:
            return value
        text = str(value).strip().lower()
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        pass


class YesNoWidget(forms.Select):
    """A select of "all", yes and no that hands the value as given to ``YesNoField``
    (django-filter's BooleanWidget turns an unknown value into "all")."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices or [("", _("全部")), ("true", _("是")), ("false", _("否"))])


class BooleanFilter(filters.BooleanFilter):
    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoWidget)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """An id: a whole number (not the decimal of django-filter's NumberFilter)."""

    field_class = forms.IntegerField


def id_filter(field_name: str, label, **kwargs) -> IdFilter:
    return IdFilter(field_name=field_name, label=label, min_value=1, max_value=MAX_ID, **kwargs)


def date_range(label, help_text) -> DateRangeFilter:
    """``<name>_after`` / ``<name>_before`` (both inclusive), date pickers on a page."""
    return DateRangeFilter(
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


def yes_no(label, yes, no, **kwargs) -> BooleanFilter:
    """``true`` / ``false`` (or ``1`` / ``0``); a select of "all", ``yes``, ``no`` on a
    page."""
    widget = forms.Select(choices=[("", _("全部")), ("true", yes), ("false", no)])
    return BooleanFilter(label=label, widget=widget, **kwargs)


def has_value(field_name: str, yes, no) -> BooleanFilter:
    """``yes_no`` of whether ``field_name`` is filled in (a milestone done: its actual
    date set; materials received: their date set), labelled ``yes``."""
    return yes_no(yes, yes, no, field_name=field_name, lookup_expr="isnull", exclude=True)


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

    @staticmethod
    def any_of(term: str, fields: Iterable[str]) -> Q:
        """``term`` found, ignoring case, in one of ``fields``."""
        return reduce(operator.or_, (Q(**{f"{name}__icontains": term}) for name in fields))

    def term_q(self, term: str) -> Q:
        """Where one word of the search must be found (a subclass may look further)."""
        return self.any_of(term, self.fields)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        terms = search_smart_split(value or "")
        if not terms:
            return qs
        return qs.filter(reduce(operator.and_, (self.term_q(term) for term in terms)))


class OrderingField(forms.CharField):
    """``name,-other``: names the list may be sorted by (``names``), each with an
    optional ``-``; spaces and empty items are ignored, any other name is invalid."""

    default_error_messages = {
        "invalid_ordering": _("无法按 %(value)s 排序；可用：%(names)s。"),
    }

    def __init__(self, *args, names: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.names = tuple(names)

    def to_python(self, value):
        terms = [term.strip() for term in super().to_python(value).split(",")]
        return ",".join(term for term in terms if term)

    def validate(self, value):
        super().validate(value)
        unknown = [
            term for term in value.split(",") if term and term.removeprefix("-") not in self.names
        ]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_ordering"],
                code="invalid_ordering",
                params={"value": ", ".join(unknown), "names": ", ".join(self.names)},
            )


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
        super().__init__(names=tuple(self.fields), **kw)
        self.default = default

    def pattern(self) -> str:
        """The values this filter takes, as a regular expression (for the schema)."""
        name = "-?(?:{})".format("|".join(sorted(self.fields, key=len, reverse=True)))
        return f"^{name}(?:,{name})*$"

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


def parameters_of(name: str, field: forms.Field) -> list[str]:
    """The query parameters of the form field ``name``: ``<name>_after`` and
    ``<name>_before`` for a range, else ``name``."""
    widget = field.widget
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    return [name]


def _values(data, parameter: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(parameter)
    value = data.get(parameter)
    return value if isinstance(value, list | tuple) else [value]


def _nul_error(parameter: str) -> ValidationError:
    return ValidationError(
        _("%(parameter)s 不能包含空字符（NUL）。"),
        code="null_characters_not_allowed",
        params={"parameter": parameter},
    )


def _has_nul(data, parameter: str) -> bool:
    return any(isinstance(value, str) and NUL in value for value in _values(data, parameter))


class ListFilterForm(forms.Form):
    """The form of a ``ListFilterSet``: a value with a NUL byte is invalid whatever the
    field (the database refuses NUL in text; no filter should see one)."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            bad = [p for p in parameters_of(name, field) if _has_nul(self.data, p)]
            if bad:
                self._errors[name] = self.error_class([_nul_error(p) for p in bad])
                self.cleaned_data.pop(name, None)


def parameter_errors(filterset: filters.FilterSet) -> dict[str, list[ValidationError]]:
    """The errors of a bound FilterSet by query parameter: a range's error goes to
    ``<name>_after`` and/or ``<name>_before``, whichever is wrong (both when only the
    pair is)."""
    form = filterset.form
    found: dict[str, list[ValidationError]] = {}
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        if name == NON_FIELD_ERRORS or field is None:
            found[name] = errors
            continue
        parameters = parameters_of(name, field)
        if len(parameters) == 1:
            found[parameters[0]] = errors
            continue
        each: dict[str, list[ValidationError]] = {}
        for parameter, subfield in zip(parameters, field.fields, strict=True):
            if _has_nul(form.data, parameter):
                each[parameter] = [_nul_error(parameter)]
                continue
            try:
                subfield.clean(form.data.get(parameter))
            except ValidationError as error:
                each[parameter] = error.error_list
        found.update(each or dict.fromkeys(parameters, errors))
    return found


class ListFilterSet(filters.FilterSet):
    """The FilterSet of a list: its filters, ``search`` (a ``SearchFilter``, if the list
    has one) and ``ordering`` (an ``OrderingFilter``). Its Meta names the model; the
    filters are those declared (``Meta.fields`` adds plain ones, with the strict
    filters above for dates, moments and yes/no).

    Bound to a page's query string, an invalid value is an error of its field and its
    filter is left out; an invalid ordering gives the list's default order."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.DateField: {"filter_class": DateFilter},
        models.DateTimeField: {"filter_class": MomentFilter},
        models.BooleanField: {"filter_class": BooleanFilter},
    }

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (ListFilterForm, form_class), {})

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        ordering = self.ordering_filter()
        if ordering is not None and "ordering" in self.form.errors:
            queryset = queryset.order_by(*ordering.ordering_of(ordering.default))
        return queryset

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
