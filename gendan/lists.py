"""The page side of a list: its FilterSet (``gendan.filters``) bound to the page's query
string, its rows in pages, and its Excel export — the rows the API gives for the same
query string.

A list page renders ``includes/list_filters.html`` (the filters of ``fields``, the
buttons and the export link) over the context of ``list_page``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from .filters import ListFilterSet
from .web import xlsx_response

EXPORT_LIMIT = 10_000

# (header, the cell of a row)
Column = tuple[Any, Callable[[Any], Any]]


def filter_page(
    filterset_class: type[ListFilterSet], request: HttpRequest, queryset: QuerySet
) -> ListFilterSet:
    """``filterset_class`` over ``queryset``, bound to the query string of ``request``:
    without ``ordering``, the list's default one. Its ``qs`` leaves out a filter whose
    value is invalid (its form field says why) and applies the others — where the API
    answers 400."""
    data = request.GET.copy()
    ordering = filterset_class.ordering_filter()
    if ordering is not None and not data.get("ordering"):
        data["ordering"] = ordering.default
    return filterset_class(data, queryset=queryset, request=request)


def list_page(
    request: HttpRequest,
    filterset_class: type[ListFilterSet],
    queryset: QuerySet,
    *,
    fields: Sequence[str],
    per_page: int,
    export: str = "",
) -> dict[str, Any]:
    """The context of a list page: ``filters`` (the FilterSet), ``filter_fields`` (the
    form fields of ``fields``, the search first), ``page_obj`` and ``export_url`` (the
    URL name ``export``, if the list has an export)."""
    filterset = filter_page(filterset_class, request, queryset)
    form = filterset.form
    return {
        "filters": filterset,
        "filter_fields": [form[name] for name in fields],
        "page_obj": Paginator(filterset.qs, per_page).get_page(request.GET.get("page")),
        "export_url": reverse(export) if export else "",
    }


def list_export(
    request: HttpRequest,
    filterset_class: type[ListFilterSet],
    queryset: QuerySet,
    *,
    name: str,
    title: Any,
    columns: Sequence[Column],
    rows: Callable[[list], Iterable[Any]] = list,
) -> HttpResponse:
    """The filtered list as an Excel file: every row the page would show (up to
    ``EXPORT_LIMIT``), in its order, one column per ``columns``. ``rows`` may prepare
    the objects first (one query for what every row needs)."""
    objects = rows(list(filter_page(filterset_class, request, queryset).qs[:EXPORT_LIMIT]))
    headers = [header for header, _cell in columns]
    table = ([cell(obj) for _header, cell in columns] for obj in objects)
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, [(title, headers, table)])
