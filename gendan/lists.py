"""The page side of a list: its FilterSet (``gendan.filters``) bound to the page's query
string, its rows in pages, and its Excel export — the rows the API gives for the same
query string.

A list is described once (``ListPage``): its FilterSet, the selector of the user's
rows, the filters its page shows, its template (extending ``list.html``) and its
export's columns. ``ListPage.views()`` gives the page and the export views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .filters import ListFilterSet, parameters_of
from .web import page, xlsx_response

EXPORT_LIMIT = 10_000

# (header, the cell of a row)
Column = tuple[Any, Callable[[Any], Any]]


def sheet_of(title: Any, objects: Iterable[Any], columns: Sequence[Column]) -> tuple:
    """A sheet (``gendan.excel``) of ``objects``, a row each, in ``columns``."""
    headers = [header for header, _cell in columns]
    return (title, headers, ([cell(obj) for _header, cell in columns] for obj in objects))


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


def other_errors(filterset: ListFilterSet, shown: list[str]) -> list[tuple[str, str]]:
    """(parameter, message) of each invalid value of a filter the page does not show
    as a field (``status=bogus`` in a link, an unknown ``ordering``): said above the
    list, which is shown without that filter."""
    form = filterset.form
    found = []
    for name, errors in form.errors.items():
        if name in shown:
            continue
        field = form.fields.get(name)
        parameter = ", ".join(parameters_of(name, field)) if field is not None else name
        found += [(parameter, message) for message in errors]
    return found


def columns_of(model: type[Model], paths: str, headers: Mapping[str, Any]) -> list[Column]:
    """The export columns of ``paths`` (``number order.customer.name status``): headed by
    the field's name unless ``headers`` gives one (it must, for what is not a field),
    a choice shown by its label, a yes as 是."""
    columns = []
    for path in paths.split():
        model_field = _field(model, path.split("."))
        header = headers.get(path) or model_field.verbose_name
        columns.append((header, _cell(attrgetter(path), model_field)))
    return columns


def _field(model, names: list[str]):
    *relations, last = names
    for name in relations:
        model = model._meta.get_field(name).related_model
    try:
        return model._meta.get_field(last)
    except FieldDoesNotExist:
        return None  # an annotation or a property


def _cell(value: Callable[[Any], Any], model_field) -> Callable[[Any], Any]:
    labels = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else {}

    def cell(obj):
        found = value(obj)
        if isinstance(found, bool):
            return _("是") if found else ""
        return labels.get(found, found)

    return cell


@dataclass(frozen=True)
class ListPage:
    """A list page and its Excel export (a sheet named after the model).

    ``rows(user)`` is the user's rows (a selector); ``fields`` the filters the page
    shows (the search first); ``columns`` those of the export (``columns_of`` paths,
    or a function of the request giving them); ``extra(request, context)`` adds to the
    page's context; ``prepare(request, objects)`` runs once over the exported objects
    (a query for what every row needs)."""

    filterset: type[ListFilterSet]
    rows: Callable[[Any], QuerySet]
    access: str  # the page's name in gendan.policy.PAGES
    template: str
    fields: str
    export: str  # the export's URL name
    columns: str | Callable[[HttpRequest], str]
    headers: Mapping[str, Any] = field(default_factory=dict)
    per_page: int = 30
    extra: Callable[[HttpRequest, dict], None] | None = None
    prepare: Callable[[HttpRequest, list], Any] | None = None
    # The number of rows when it is known without counting them (a tally the services
    # keep), else None: ``count(request, filterset)``.
    count: Callable[[HttpRequest, ListFilterSet], int | None] | None = None

    def context(self, request: HttpRequest) -> dict[str, Any]:
        """``filters`` (the FilterSet), ``filter_fields`` (the form fields shown),
        ``filter_errors`` (of the filters not shown), ``page_obj`` and ``export_url``."""
        filterset = filter_page(self.filterset, request, self.rows(request.user))
        shown = self.fields.split()
        paginator = Paginator(filterset.qs, self.per_page)
        known = self.count(request, filterset) if self.count is not None else None
        if known is not None:
            paginator.count = known  # (a cached property: not counted again)
        context = {
            "filters": filterset,
            "filter_fields": [filterset.form[name] for name in shown],
            "filter_errors": other_errors(filterset, shown),
            "page_obj": paginator.get_page(request.GET.get("page")),
            "export_url": reverse(self.export),
        }
        if self.extra is not None:
            self.extra(request, context)
        return context

    def render(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, self.context(request))

    def download(self, request: HttpRequest) -> HttpResponse:
        """Every row the page would show (up to ``EXPORT_LIMIT``), in its order."""
        queryset = filter_page(self.filterset, request, self.rows(request.user)).qs
        objects = list(queryset[:EXPORT_LIMIT])
        if self.prepare is not None:
            self.prepare(request, objects)
        meta = queryset.model._meta
        paths = self.columns(request) if callable(self.columns) else self.columns
        columns = columns_of(queryset.model, paths, self.headers)
        filename = f"{meta.model_name}s-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(filename, [sheet_of(meta.verbose_name_plural, objects, columns)])

    def views(self) -> tuple[Callable, Callable]:
        """The page view and the export view: GET, for the roles of ``access``."""

        def guard(view):
            return require_GET(page(self.access)(view))

        return guard(self.render), guard(self.download)
