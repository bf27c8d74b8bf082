"""The figures of the dashboard and of my work: each one a label and the query string of
the list it counts. Its number is that list's FilterSet applied to the list's rows, so
the number, the list a click on it opens and that list's Excel export (the same query
string) are the same rows — they cannot drift apart.

A ``Figure`` is (key, label, params, list): ``params`` the list's query parameters
(``{"status_group": "open", "owner": 7}``), ``list`` the name of its list page in
``LISTS`` (its URL, its FilterSet and the selector of a user's rows).

A figure may also name its ``Tally``: the order tallies (``orders.tallies``, kept by
the services in the transaction of each change) hold its count per merchandiser, so
that for a user who sees every order it is read from a few hundred rows instead of
counted from a million orders. The tallies count the same rows as the list's
FilterSet (``tests/orders/test_figures.py`` holds them to it)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gendan import policy
from gendan.db import CompiledQuery
from gendan.filters import ListFilterSet
from gendan.models import User
from gendan.roles import Role, roles_of

from . import selectors
from .filters import STATUS_GROUPS, OrderFilterSet, PaymentFilterSet
from .models import DeliveryTally, StatusTally


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


def _pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, value) for each value of each parameter (a list gives several)."""
    return [
        (name, str(v))
        for name, value in params.items()
        for v in (value if isinstance(value, list | tuple) else [value])
    ]


def _query_dict(params: Mapping[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in _pairs(params):
        data.appendlist(name, value)
    return data


@dataclass(frozen=True)
class Tally:
    """Where the tallies hold a figure's counts: the orders in ``statuses``
    (``StatusTally``), or the ``column`` ("shipped", "on_time") of the months from
    ``since`` on (``DeliveryTally``)."""

    statuses: frozenset[str] = frozenset()
    column: str = ""
    since: dt.date | None = None

    def by_owner(self) -> dict[int, int]:
        """{merchandiser id: count} (one query)."""
        return self.columns_by_owner()[self.column or "orders"]

    @property
    def rows_key(self) -> tuple:
        """The tally rows this tally sums: tallies of the same rows and different
        columns are read by one query (``Counts``)."""
        return (self.statuses,) if self.statuses else ("delivery", self.since)

    def columns_by_owner(self) -> dict[str, dict[int, int]]:
        """{column: {merchandiser id: count}} of every column of this tally's rows (one
        query): "orders" of the status tally, "shipped" and "on_time" of the delivery
        tally."""
        if self.statuses:
            rows = StatusTally.objects.filter(status__in=sorted(self.statuses))
            sums = {"orders": Sum("orders")}
        else:
            rows = DeliveryTally.objects.filter(month__gte=self.since)
            sums = {"shipped": Sum("shipped"), "on_time": Sum("on_time")}
        found: dict[str, dict[int, int]] = {column: {} for column in sums}
        for row in rows.order_by().values("owner_id").annotate(**sums):
            for column in sums:
                if row[column]:
                    found[column][row["owner_id"]] = row[column]
        return found


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    params: Mapping[str, Any] = field(default_factory=dict)
    list: str = "orders"
    tally: Tally | None = field(default=None, compare=False)

    def with_params(self, **more: Any) -> Figure:
        # The tallies are per merchandiser: an added owner keeps them, anything else not.
        tally = self.tally if set(more) <= {"owner"} else None
        figure = Figure(self.key, self.label, {**self.params, **more}, self.list, tally)
        # The same list: its path, reversed once; new parameters come last, so their
        # query string is this one's with theirs added (a dashboard's workload table
        # shows a hundred figures of four).
        figure.__dict__["path"] = self.path
        if not set(more) & set(self.params):
            added = urlencode(_pairs(more))
            figure.__dict__["query"] = (
                f"{self.query}{'&' if self.query else '?'}{added}" if added else self.query
            )
        return figure

    def _tallied(self, user: User) -> bool:
        return self.tally is not None and policy.sees_all(user)

    @functools.cached_property
    def query(self) -> str:
        """``?a=1&b=2`` (empty without parameters); made once per figure (a dashboard
        shows hundreds)."""
        pairs = _pairs(self.params)
        return f"?{urlencode(pairs)}" if pairs else ""

    @functools.cached_property
    def path(self) -> str:
        """The path of the figure's list, whatever its parameters (a dashboard's
        workload table shows a hundred figures of four lists)."""
        return reverse(LISTS[self.list].url_name)

    def url(self) -> str:
        return self.path + self.query

    def queryset(self, user: User) -> QuerySet:
        """The rows of the list this figure links to, as ``user`` sees them."""
        target = LISTS[self.list]
        filterset = _filters_of(target.filterset, frozenset(self.params))(
            _query_dict(self.params), queryset=target.rows(user), request=None
        )
        if not filterset.is_valid():  # a figure's own parameters: a bug, not input
            raise ValueError(f"{self.key}: {filterset.errors.as_json()}")
        return filterset.qs

    def count(self, user: User) -> int:
        if self._tallied(user):
            counts = self.tally.by_owner()
            if "owner" in self.params:
                return counts.get(int(self.params["owner"]), 0)
            return sum(counts.values())
        return self.queryset(user).count()

    def count_by(self, user: User, path: str) -> dict[Any, int]:
        """{value of ``path``: count} in one query: the counts of this figure with
        ``path``'s filter added (``owner_id`` → the figure with ``owner=<id>``)."""
        if path == "owner_id" and "owner" not in self.params and self._tallied(user):
            return self.tally.by_owner()
        return _count_by(self.queryset(user), path)


@functools.cache
def _filters_of(filterset: type[ListFilterSet], parameters: frozenset[str]) -> type[ListFilterSet]:
    """``filterset`` with only the filters of ``parameters`` (``name`` for ``name``,
    ``name_after``…): a filter whose parameter is absent filters nothing, and a
    figure's FilterSet with every filter of its list copied and its form built and
    validated cost more than its count (two per dashboard). The figures' rows are the
    list's rows all the same (``tests/orders/test_figures.py`` compares the SQL)."""

    def given(name: str) -> bool:
        return any(p == name or p.startswith(f"{name}_") for p in parameters)

    restricted = type(filterset.__name__, (filterset,), {"__module__": filterset.__module__})
    restricted.base_filters = {
        name: found for name, found in filterset.base_filters.items() if given(name)
    }
    return restricted


def _count_by(queryset: QuerySet, path: str) -> dict[Any, int]:
    rows = queryset.order_by().values(path).annotate(n=Count("pk"))
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


class Counts:
    """The counts of a page's figures for one user, each query read once: a figure and
    its split by merchandiser (the dashboard's "open" and its workload column), or two
    columns of the same tally rows, cost one query."""

    def __init__(self, user: User, tallies: Mapping[tuple, Any] | None = None):
        self.user = user
        # ``tallies``: tally rows already read ({Tally.rows_key: columns_by_owner()},
        # ``dashboard_tallies``).
        self._read: dict[Any, Any] = dict(tallies or {})

    def _once(self, key: Any, read: Callable[[], Any]) -> Any:
        if key not in self._read:
            self._read[key] = read()
        return self._read[key]

    def queryset(self, figure: Figure) -> QuerySet:
        """``figure.queryset(user)``, built once (its FilterSet copies every filter and
        form field)."""
        return self._once(("rows", self._key(figure)), lambda: figure.queryset(self.user))

    def by_owner(self, figure: Figure) -> dict[int, int]:
        """``figure.count_by(user, "owner_id")``."""
        if figure._tallied(self.user) and "owner" not in figure.params:
            tally = figure.tally
            columns = self._once(tally.rows_key, tally.columns_by_owner)
            return columns[tally.column or "orders"]
        return self._once(self._key(figure), lambda: _count_by(self.queryset(figure), "owner_id"))

    def show(self, figure: Figure) -> Shown:
        """The figure and its count: the sum of its counts by merchandiser (every order
        has one) when they are read (a tally's always are), else counted."""
        if "owner" in figure.params:
            return show(figure, self.user)
        if figure._tallied(self.user) or self._key(figure) in self._read:
            return Shown(figure, sum(self.by_owner(figure).values()))
        return Shown(figure, self.queryset(figure).count())

    @staticmethod
    def _key(figure: Figure) -> tuple:
        return (figure.list, tuple(_pairs(figure.params)))


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
    month, year = _month_start(today), _month_start(today, WORKLOAD_MONTHS - 1)
    by_date = {"ordering": "contract_delivery_date"}

    figures = {
        "open": Figure(
            "open",
            _("跟进中订单"),
            {"status_group": "open"},
            tally=Tally(statuses=frozenset(STATUS_GROUPS["open"])),
        ),
        "overdue": Figure("overdue", _("逾期未出货"), {"overdue": "true", **by_date}),
        "due_soon": Figure("due_soon", _("7 天内到期"), {"due_within": DUE_SOON_DAYS, **by_date}),
    }
    # The orders fully shipped since the month's (the year's) start, and those of them
    # shipped on time: "shipped_this_month" … "on_time_in_a_year", each counted in its
    # column of the delivery tallies.
    for period, since, shipped, on_time in (
        ("this_month", month, _("本月全部出货"), _("本月按期出货")),
        ("in_a_year", year, _("近 12 个月出货订单"), _("近 12 个月按期出货")),
    ):
        after = {"fully_shipped_after": since.isoformat()}
        for column, label, params in (
            ("shipped", shipped, after),
            ("on_time", on_time, {**after, "on_time": "true"}),
        ):
            key = f"{column}_{period}"
            figures[key] = Figure(key, label, params, tally=Tally(column=column, since=since))
    return figures


@dataclass(frozen=True)
class DashboardTallies:
    """What the dashboard reads of the order tallies, read by two queries (a table
    each) instead of five: the orders per status (its chart), the on-time deliveries per
    month (its chart) and the tallied figures' counts per merchandiser (``Counts``)."""

    by_status: dict[str, int]
    by_month: list[dict[str, Any]]  # {"month", "shipped", "on_time"}, months from ``since``
    columns: dict[tuple, dict[str, dict[int, int]]]  # {Tally.rows_key: columns_by_owner()}


def dashboard_tallies(figures: Mapping[str, Figure]) -> DashboardTallies | None:
    """The tallies of ``dashboard_figures`` (whose open orders' statuses and delivery
    months it reads), for a user who sees every order (``policy.sees_all``): the same
    sums as ``Tally.columns_by_owner`` and the selectors' ``order_counts_by_status`` and
    ``on_time_delivery_by_month`` (from the year's start), each table read once with
    GROUPING SETS (PostgreSQL's; None elsewhere: each read on its own)."""
    alias = router.db_for_read(StatusTally)
    if connections[alias].vendor != "postgresql":
        return None
    open_tally = figures["open"].tally
    year, month = figures["shipped_in_a_year"].tally, figures["shipped_this_month"].tally
    if open_tally is None or year is None or month is None or month.since < year.since:
        raise ValueError("not the dashboard's figures")
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT GROUPING(owner_id), status, owner_id, SUM(orders),"
            f" SUM(orders) FILTER (WHERE status = ANY(%s))"
            f" FROM {StatusTally._meta.db_table} GROUP BY GROUPING SETS ((status), (owner_id))",
            [sorted(open_tally.statuses)],
        )
        statuses = cursor.fetchall()
        cursor.execute(
            f"SELECT GROUPING(owner_id), month, owner_id, SUM(shipped), SUM(on_time),"
            f" SUM(shipped) FILTER (WHERE month >= %s), SUM(on_time) FILTER (WHERE month >= %s)"
            f" FROM {DeliveryTally._meta.db_table} WHERE month >= %s"
            f" GROUP BY GROUPING SETS ((month), (owner_id))",
            [month.since, month.since, year.since],
        )
        deliveries = cursor.fetchall()
    by_status, open_orders = {}, {}
    for per_status, status, owner_id, orders, open_count in statuses:
        if per_status:
            by_status[status] = orders or 0
        elif open_count:
            open_orders[owner_id] = open_count
    by_month = []
    in_year: dict[str, dict[int, int]] = {"shipped": {}, "on_time": {}}
    in_month: dict[str, dict[int, int]] = {"shipped": {}, "on_time": {}}
    for per_month, when, owner_id, shipped, on_time, shipped_now, on_time_now in deliveries:
        if per_month:
            by_month.append({"month": when, "shipped": shipped, "on_time": on_time})
            continue
        for found, column, value in (
            (in_year, "shipped", shipped),
            (in_year, "on_time", on_time),
            (in_month, "shipped", shipped_now),
            (in_month, "on_time", on_time_now),
        ):
            if value:
                found[column][owner_id] = value
    columns = {
        open_tally.rows_key: {"orders": open_orders},
        year.rows_key: in_year,
        month.rows_key: in_month,
    }
    return DashboardTallies(by_status, by_month, columns)


def receivable_figure(currency: str) -> Figure:
    """The open receivables owed in ``currency``."""
    return Figure(f"receivables_{currency}", currency, {"currency": currency}, "receivables")


def receivable_figures(user: User) -> list[tuple[str, Figure]]:
    """(currency, the figure of the open receivables in it) for each currency owed."""
    currencies = (
        selectors.receivable_requests(user)
        .order_by("order__currency")
        .values_list("order__currency", flat=True)
        .distinct()
    )
    return [(currency, receivable_figure(currency)) for currency in currencies]


def rate(on_time: int, shipped: int) -> Decimal | None:
    return (Decimal(on_time) / Decimal(shipped)) if shipped else None


WORKLOAD_COLUMNS = ("open", "overdue", "shipped_in_a_year", "on_time_in_a_year")


def workload(
    user: User,
    figures: Mapping[str, Figure],
    *,
    counts: Counts | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Per merchandiser (and every owner of a counted order): the dashboard's order
    figures of their orders, each with ``owner=<id>`` added (one query per figure,
    fewer with the page's ``counts``), those with the most overdue orders first, then
    the most open ones; the first ``limit`` of them (all without)."""
    counts = counts or Counts(user)
    by_owner = {key: counts.by_owner(figures[key]) for key in WORKLOAD_COLUMNS}
    overdue, open_orders = by_owner["overdue"], by_owner["open"]
    owners = {pk for counted in (open_orders, overdue) for pk, n in counted.items() if n}
    # Every user's name and whether a merchandiser: a few hundred short rows (not every
    # column of each, and no list of the owners' ids in the statement); the people
    # ranked, and made users, from them.
    names = _people_query()
    ranked = sorted(
        (-overdue.get(pk, 0), -open_orders.get(pk, 0), User.label(*name), pk, name)
        for pk, merchandiser, *name in (
            (row["pk"], row["merchandiser"], *(row[f] for f in User.LABEL_FIELDS))
            for row in names.run(Role.MERCHANDISER)
        )
        if merchandiser or pk in owners
    )
    bases = {key: figures[key] for key in WORKLOAD_COLUMNS}
    rows = []
    for *_rank, pk, name in ranked[:limit]:
        row: dict[str, Any] = {"owner": User.of_names(names.alias, pk, name)}
        for key, figure in bases.items():
            row[key] = Shown(figure.with_params(owner=pk), by_owner[key].get(pk, 0))
        row["rate"] = rate(row["on_time_in_a_year"].count, row["shipped_in_a_year"].count)
        row["owner_url"] = row["open"].url
        rows.append(row)
    return rows


# The workload's query of every user's name and whether a merchandiser, compiled once
# per database (building its EXISTS took longer than running it).
_people: dict[str, CompiledQuery] = {}


def _people_query() -> CompiledQuery:
    """Every user's id, whether an active merchandiser and ``User.LABEL_FIELDS``, with
    the merchandisers' group name to fill in (``Role.MERCHANDISER``)."""
    alias = router.db_for_read(User)
    query = _people.get(alias)
    if query is None:
        merchandisers = User.objects.using(alias).filter(
            groups__name=Role.MERCHANDISER, is_active=True
        )
        names = (
            User.objects.using(alias)
            .annotate(merchandiser=Exists(merchandisers.filter(pk=OuterRef("pk"))))
            .values("pk", "merchandiser", *User.LABEL_FIELDS)
        )
        query = _people[alias] = CompiledQuery(names, Role.MERCHANDISER)
    return query


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
