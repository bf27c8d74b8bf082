"""The figures of the dashboard and of my work: each one a label and the query string of
the list it counts. Its number is that list's FilterSet applied to the list's rows, so
the number, the list a click on it opens and that list's Excel export (the same query
string) are the same rows — they cannot drift apart.

A ``Figure`` is (key, label, params, list): ``params`` the list's query parameters
(``{"status_group": "open", "owner": 7}``), ``list`` the name of its list page in
``LISTS`` (its URL, its FilterSet and the selector of a user's rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.filters import ListFilterSet
from gendan.models import User
from gendan.roles import Role, roles_of

from . import selectors
from .filters import OrderFilterSet, PaymentFilterSet


@dataclass(frozen=True)
class ListOf:
    """A list page a figure links to: its URL name, FilterSet and a user's rows."""

    url_name: str
    filterset: type[ListFilterSet]
    rows: Callable[[User], QuerySet]


LISTS: dict[str, ListOf] = {
    "orders": ListOf("orders:list", OrderFilterSet, selectors.order_list_with_overdue),
    "receivables": ListOf("orders:receivables", PaymentFilterSet, selectors.receivable_requests),
    "finance": ListOf("orders:finance_queue", PaymentFilterSet, selectors.payment_list_to_confirm),
}


def _query_dict(params: Mapping[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        data.setlist(name, [str(v) for v in values])
    return data


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    params: Mapping[str, Any] = field(default_factory=dict)
    list: str = "orders"

    def with_params(self, **more: Any) -> Figure:
        return Figure(self.key, self.label, {**self.params, **more}, self.list)

    def query(self) -> str:
        """``?a=1&b=2`` (empty without parameters)."""
        encoded = _query_dict(self.params).urlencode()
        return f"?{encoded}" if encoded else ""

    def url(self) -> str:
        return reverse(LISTS[self.list].url_name) + self.query()

    def queryset(self, user: User) -> QuerySet:
        """The rows of the list this figure links to, as ``user`` sees them."""
        target = LISTS[self.list]
        filterset = target.filterset(
            _query_dict(self.params), queryset=target.rows(user), request=None
        )
        if not filterset.is_valid():  # a figure's own parameters: a bug, not input
            raise ValueError(f"{self.key}: {filterset.errors.as_json()}")
        return filterset.qs

    def count(self, user: User) -> int:
        return self.queryset(user).count()

    def count_by(self, user: User, path: str) -> dict[Any, int]:
        """{value of ``path``: count} in one query: the counts of this figure with
        ``path``'s filter added (``owner_id`` → the figure with ``owner=<id>``)."""
        rows = self.queryset(user).order_by().values(path).annotate(n=Count("pk"))
        return {row[path]: row["n"] for row in rows}


@dataclass(frozen=True)
class Shown:
    """A figure as a page shows it: its number and the URL of its list."""

    figure: Figure
    count: int

    @property
    def url(self) -> str:
        return self.figure.url()

    @property
    def label(self) -> Any:
        return self.figure.label


def show(figure: Figure, user: User) -> Shown:
    return Shown(figure, figure.count(user))


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - back
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


# --------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------

DUE_SOON_DAYS = 7
WORKLOAD_MONTHS = 12


def dashboard_figures(today: dt.date | None = None) -> dict[str, Figure]:
    """The dashboard's order figures."""
    today = today or timezone.localdate()
    month = _month_start(today).isoformat()
    year = _month_start(today, WORKLOAD_MONTHS - 1).isoformat()
    by_date = {"ordering": "contract_delivery_date"}
    figures = {
        "open": Figure("open", _("跟进中订单"), {"status_group": "open"}),
        "overdue": Figure("overdue", _("逾期未出货"), {"overdue": "true", **by_date}),
        "due_soon": Figure("due_soon", _("7 天内到期"), {"due_within": DUE_SOON_DAYS, **by_date}),
    }
    # The orders fully shipped since a day, and those of them shipped on time.
    for period, since, shipped, on_time in (
        ("this_month", month, _("本月全部出货"), _("本月按期出货")),
        ("in_a_year", year, _("近 12 个月出货订单"), _("近 12 个月按期出货")),
    ):
        after = {"fully_shipped_after": since}
        figures[f"shipped_{period}"] = Figure(f"shipped_{period}", shipped, after)
        figures[f"on_time_{period}"] = Figure(
            f"on_time_{period}", on_time, {**after, "on_time": "true"}
        )
    return figures


def receivable_figures(user: User) -> list[tuple[str, Figure]]:
    """(currency, the figure of the open receivables in it) for each currency owed."""
    currencies = (
        selectors.receivable_requests(user)
        .order_by("order__currency")
        .values_list("order__currency", flat=True)
        .distinct()
    )
    return [
        (
            currency,
            Figure(f"receivables_{currency}", currency, {"currency": currency}, "receivables"),
        )
        for currency in currencies
    ]


def rate(on_time: int, shipped: int) -> Decimal | None:
    return (Decimal(on_time) / Decimal(shipped)) if shipped else None


def workload(user: User, figures: Mapping[str, Figure]) -> list[dict[str, Any]]:
    """Per merchandiser (and every owner of a counted order): the dashboard's order
    figures of their orders, each with ``owner=<id>`` added (one query per figure)."""
    columns = ("open", "overdue", "shipped_in_a_year", "on_time_in_a_year")
    counts = {key: figures[key].count_by(user, "owner_id") for key in columns}
    owners = {pk for key in ("open", "overdue") for pk, n in counts[key].items() if n}
    people = User.objects.filter(pk__in=sorted(owners)) | User.objects.filter(
        groups__name=Role.MERCHANDISER, is_active=True
    )
    rows = []
    for person in people.distinct():
        row: dict[str, Any] = {"owner": person, "owner_url": ""}
        for key in columns:
            figure = figures[key].with_params(owner=person.pk)
            row[key] = Shown(figure, counts[key].get(person.pk, 0))
        row["rate"] = rate(row["on_time_in_a_year"].count, row["shipped_in_a_year"].count)
        row["owner_url"] = row["open"].url
        rows.append(row)
    rows.sort(key=lambda row: (-row["open"].count, str(row["owner"])))
    return rows


# --------------------------------------------------------------------------
# My work
# --------------------------------------------------------------------------


def next_step_figures(user: User) -> list[Figure]:
    """My work's order groups: a merchandiser's own orders (``owner``), a supervisor's
    every visible order, by the next step."""
    roles = roles_of(user)
    mine = {}
    if Role.MERCHANDISER in roles and not (user.is_superuser or Role.SUPERVISOR in roles):
        mine = {"owner": user.pk}
    return [
        Figure(key, label, {**mine, "next_step": key, "ordering": "contract_delivery_date"})
        for key, label in selectors.NEXT_STEPS
    ]


def work_figures(user: User) -> list[tuple[Figure, QuerySet, int]]:
    """(figure, its rows, their count) of each next step of my work."""
    found = []
    for figure in next_step_figures(user):
        queryset = figure.queryset(user)
        found.append((figure, queryset, queryset.count()))
    return found
