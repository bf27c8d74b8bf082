"""The figures of the dashboard and of my work (orders.figures): each counts the rows of
the order list its link opens — the same FilterSet on the page, in its export and in
the API — and the order filters they need (status_group, due_within, next_step,
fully_shipped, on_time), the search in the order's lines, and money in alert texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.messages import alert_message
from alerts.models import Alert, AlertRule
from orders import figures, tallies
from orders.models import Order
from orders.states import OrderStatus as S
from tests.api.conftest import bearer
from tests.factories import Cast, ProductFactory, create_order, order_in_status
from tests.pages.conftest import client_for
from tests.test_list_filters import Surfaces, days


@pytest.fixture(autouse=True)
def _api_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figs"},
    }


def _due(order: Order, in_days: int) -> Order:
    Order.objects.filter(pk=order.pk).update(contract_delivery_date=days(in_days))
    # As if the order had always been due then: the tallies count it so (an order that
    # is shipped keeps its contract date; the services keep the tallies).
    tallies.rebuild()
    return order


def _orders(user) -> Surfaces:
    return Surfaces(
        user,
        "orders:list",
        "orders:export",
        "/api/v1/orders/",
        Order,
        key=lambda order: order.number,
        cell=lambda row: row[0],
    )


def _query(figure: figures.Figure) -> dict:
    return parse_qs(urlsplit(figure.url()).query)


@pytest.fixture
def world(cast: Cast) -> dict[str, Order]:
    return {
        "draft": create_order(cast),
        "soon": _due(order_in_status(cast, S.CONFIRMED), 3),
        "later": _due(order_in_status(cast, S.CONFIRMED), 10),
        "cancelled_soon": _due(order_in_status(cast, S.CANCELLED), 3),
        "late": _due(order_in_status(cast, S.AWAITING_DEPOSIT), -5),
        # Fully shipped today: on time (due in 3 days) and late (due 3 days ago).
        "shipped_soon": _due(order_in_status(cast, S.SHIPPED), 3),
        "shipped_late": _due(order_in_status(cast, S.SHIPPED), -3),
        "theirs": _due(order_in_status(cast, S.CONFIRMED, owner=cast.other_merchandiser), 2),
    }


def _numbers(world, *names) -> set[str]:
    return {world[name].number for name in names}


def test_each_dashboard_figure_counts_the_rows_of_its_list_and_its_export(cast, world):
    shown = figures.dashboard_figures()
    expected = {
        "open": set(world) - {"cancelled_soon"},
        "overdue": {"late"},
        "due_soon": {"soon", "theirs"},  # neither cancelled nor shipped
        "shipped_this_month": {"shipped_soon", "shipped_late"},
        "on_time_this_month": {"shipped_soon"},
        "shipped_in_a_year": {"shipped_soon", "shipped_late"},
        "on_time_in_a_year": {"shipped_soon"},
    }
    lists = _orders(cast.supervisor)
    for key, names in expected.items():
        figure = shown[key]
        query = _query(figure)
        page_rows, export_rows = lists.page_rows(query), lists.export_rows(query)
        assert set(page_rows) == _numbers(world, *names), key
        assert figure.count(cast.supervisor) == len(page_rows) == len(export_rows), key
        assert sorted(export_rows) == sorted(lists.api_rows(query)) == sorted(page_rows), key


def test_the_workload_row_of_a_merchandiser_links_to_their_orders(cast, world):
    rows = {
        row["owner"]: row for row in figures.workload(cast.supervisor, figures.dashboard_figures())
    }
    mine, theirs = rows[cast.merchandiser], rows[cast.other_merchandiser]
    assert (mine["open"].count, mine["overdue"].count, mine["shipped_in_a_year"].count) == (6, 1, 2)
    assert mine["rate"] == Decimal("0.5")
    assert theirs["open"].count == 1 and theirs["rate"] is None
    lists = _orders(cast.supervisor)
    for row in (mine, theirs):
        for key in ("open", "overdue", "shipped_in_a_year", "on_time_in_a_year"):
            query = _query(row[key].figure)
            assert query["owner"] == [str(row["owner"].pk)]
            assert len(lists.page_rows(query)) == row[key].count, key
            assert len(lists.export_rows(query)) == row[key].count, key


def test_the_dashboard_shows_every_figure_as_a_link_to_its_list(cast, world):
    html = client_for(cast.supervisor).get(reverse("orders:dashboard")).content.decode()
    shown = figures.dashboard_figures()
    for key in ("open", "overdue", "due_soon", "on_time_this_month", "shipped_this_month"):
        href = shown[key].url().replace("&", "&amp;")
        assert f'data-figure="{key}" href="{href}"' in html, key
    # The old "查看全部" of the due-soon card listed cancelled and shipped orders too.
    assert "contract_delivery_date_after=" not in html


def _every_figure(cast) -> list[figures.Figure]:
    shown = figures.dashboard_figures()
    return [
        *shown.values(),
        *(figure.with_params(owner=cast.merchandiser.pk) for figure in shown.values()),
        *figures.next_step_figures(cast.merchandiser),
        *figures.next_step_figures(cast.supervisor),
        *(figure for _currency, figure in figures.receivable_figures(cast.supervisor)),
        figures.receivable_figure("USD"),
    ]


def test_a_figure_with_more_parameters_links_to_the_list_of_all_of_them():
    # with_params writes the new query string from the figure's own: the same URL as a
    # figure made with every parameter at once.
    for figure in figures.dashboard_figures().values():
        for more in ({"owner": 7}, {"owner": 7, "search": "a b&c"}, {"ordering": "number"}):
            made = figures.Figure(figure.key, figure.label, {**figure.params, **more})
            assert figure.with_params(**more).url() == made.url(), (figure.key, more)
    bare = figures.Figure("all", "all")
    assert bare.with_params(owner=3).url() == f"{reverse('orders:list')}?owner=3"
    assert bare.with_params(status=[]).url() == reverse("orders:list")


def test_a_figure_filters_its_rows_as_its_list_with_every_filter(cast, world):
    # A figure's FilterSet has only the filters of its own parameters: the rows are
    # those of the list's whole FilterSet all the same (the same SQL).
    for user in (cast.supervisor, cast.merchandiser):
        for figure in _every_figure(cast):
            target = figures.LISTS[figure.list]
            full = target.filterset(
                figures._query_dict(figure.params), queryset=target.rows(user), request=None
            )
            assert full.is_valid(), figure.key
            assert str(figure.queryset(user).query) == str(full.qs.query), figure.key
            assert figure.count(user) == full.qs.count(), figure.key


def test_my_work_counts_are_the_order_lists_they_link_to(cast, world):
    merchandiser_groups = {g.key: g for g in _my_work(cast.merchandiser) if g.kind == "order"}
    assert set(merchandiser_groups) == {"to_confirm", "to_request_deposit", "to_confirm_delivery"}
    assert merchandiser_groups["to_request_deposit"].count == 2  # soon, later (not theirs)
    for user in (cast.merchandiser, cast.supervisor):
        lists = _orders(user)
        for group in _my_work(user):
            if group.kind != "order":
                continue
            query = parse_qs(group.link.lstrip("?"))
            assert query["next_step"] == [group.key]
            assert len(lists.page_rows(query)) == group.count, group.key
            assert len(lists.export_rows(query)) == group.count, group.key
    html = client_for(cast.merchandiser).get(reverse("home")).content.decode()
    link = merchandiser_groups["to_confirm"].link.replace("&", "&amp;")
    assert f'data-figure="to_confirm" href="{reverse("orders:list")}{link}"' in html


def _my_work(user):
    from orders import selectors

    return selectors.my_work(user)


def test_the_status_group_and_due_within_filters(cast, world):
    lists = _orders(cast.supervisor)
    assert set(lists.api_rows({"status_group": "not_shipped"})) == _numbers(
        world, "draft", "soon", "later", "late", "theirs"
    )
    assert set(lists.api_rows({"due_within": 0})) == set()
    assert set(lists.api_rows({"due_within": 2})) == _numbers(world, "theirs")
    assert set(lists.api_rows({"due_within": 10})) == _numbers(world, "soon", "later", "theirs")
    assert set(lists.api_rows({"on_time": "false", "status": S.SHIPPED})) == _numbers(
        world, "shipped_late"
    )


def test_the_next_step_filter_is_my_works_group(cast, world):
    lists = _orders(cast.merchandiser)
    query = {"next_step": "to_request_deposit", "owner": cast.merchandiser.pk}
    assert set(lists.api_rows(query)) == _numbers(world, "soon", "later")
    assert set(lists.api_rows({"next_step": "to_confirm"})) == _numbers(world, "draft")


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("due_within", "-1"),
        ("due_within", "367"),
        ("due_within", "seven"),
        ("next_step", "to_dance"),
        ("status_group", "all"),
        ("on_time", "maybe"),
        ("fully_shipped_after", "1066-10-14"),
        ("due_within", "7\x00"),
    ],
)
def test_a_bad_figure_filter_is_refused_by_name(cast, world, parameter, value):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(cast.supervisor)}")
    response = client.get("/api/v1/orders/", {parameter: value})
    assert response.status_code == 400
    assert parameter in str(response.json())
    # The page says so at the list, leaves that one filter out and lists the rest.
    page = client_for(cast.supervisor).get(reverse("orders:list"), {parameter: value})
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == Order.objects.count()
    assert Order.objects.count() == len(world)  # nothing written


def test_the_order_search_finds_the_product_name_code_colour_and_customer_po(cast):
    hoodie = ProductFactory(item_number="HX-7781", name="Fleece Hoodie")
    cap = ProductFactory(item_number="CP-1", name="Cap")
    order = create_order(
        cast,
        lines=[
            {"product": hoodie.pk, "quantity": 10, "unit_price": "9.00", "colour": "Navy"},
            {"product": hoodie.pk, "quantity": 20, "unit_price": "9.00", "colour": "Navy Blue"},
        ],
    )
    Order.objects.filter(pk=order.pk).update(customer_po="PO-DE-4471")
    other = create_order(
        cast, lines=[{"product": cap.pk, "quantity": 5, "unit_price": "1.00", "colour": "Red"}]
    )
    lists = _orders(cast.supervisor)
    for term in ("fleece", "hx-7781", "navy", "po-de-4471", "hoodie navy"):
        # Once, although both lines match.
        assert lists.api_rows({"search": term}) == [order.number], term
        assert lists.page_rows({"search": term}) == [order.number], term
        assert lists.export_rows({"search": term}) == [order.number], term
    assert lists.api_rows({"search": "red"}) == [other.number]
    assert lists.api_rows({"search": "hoodie red"}) == []


def test_an_alert_states_the_amount_with_thousands_and_the_currency(cast):
    order = create_order(cast)
    alert = Alert(
        rule=AlertRule.BALANCE_OVERDUE,
        day=timezone.localdate(),
        order=order,
        data={
            "order_number": "GD-1",
            "days_overdue": 3,
            "due_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "currency": "USD",
            "amount_due": "7040.00",
            "amount_received": "0",
        },
    )
    assert "USD 7,040.00" in alert_message(alert)
    alert.rule = AlertRule.DEPOSIT_OVERDUE
    alert.data |= {"days_since_request": 8, "amount_due": "1234567.5", "amount_received": "0.5"}
    assert "USD 1,234,567.00" in alert_message(alert)


def test_productions_missing_reports_figure_is_the_production_list_it_links_to(cast):
    from production.models import ProductionOrder

    stale = [order_in_status(cast, S.IN_PRODUCTION) for _ in range(2)]
    order_in_status(cast, S.IN_PRODUCTION)  # issued today: not yet missing a report
    ProductionOrder.objects.filter(order__in=stale).update(
        issued_at=timezone.now() - dt.timedelta(days=10)
    )
    (group,) = [g for g in _my_work(cast.production) if g.kind == "production_order"]
    assert group.count == 2
    lists = Surfaces(
        cast.production,
        "production:list",
        "production:export",
        "/api/v1/production-orders/",
        ProductionOrder,
        key=lambda po: po.number,
        cell=lambda row: row[0],
    )
    query = parse_qs(group.link.lstrip("?"))
    expected = sorted(po.number for po in ProductionOrder.objects.filter(order__in=stale))
    assert sorted(lists.page_rows(query)) == sorted(lists.export_rows(query)) == expected
    html = client_for(cast.production).get(reverse("home")).content.decode()
    href = (reverse("production:list") + group.link).replace("&", "&amp;")
    assert f'data-figure="production_progress_missing" href="{href}">2<' in html
