"""Issue 17: every figure of the supervisor's dashboard and of a merchandiser's My work
is a link to the list it counts. In a real browser, for each figure link: its number
equals the total the list it opens shows and the number of data rows of that list's
Excel export (downloaded, read with openpyxl)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page

from orders import tallies
from orders.models import Order
from orders.states import OrderStatus as S
from tests.factories import Cast, create_order, order_in_status
from tests.test_list_filters import days

from .conftest import shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _due(order: Order, in_days: int) -> Order:
    Order.objects.filter(pk=order.pk).update(contract_delivery_date=days(in_days))
    # As if the order had always been due then: the tallies count it so (an order that
    # is shipped keeps its contract date; the services keep the tallies).
    tallies.rebuild()
    return order


def _world(cast: Cast) -> None:
    create_order(cast)
    _due(order_in_status(cast, S.CONFIRMED), 3)  # due soon
    _due(order_in_status(cast, S.CANCELLED), 3)  # due soon, but cancelled
    _due(order_in_status(cast, S.AWAITING_DEPOSIT), -5)  # overdue, a deposit owed
    order_in_status(cast, S.AWAITING_DEPOSIT, owner=cast.other_merchandiser)
    _due(order_in_status(cast, S.SHIPPED), 2)  # shipped on time, due soon: not counted
    _due(order_in_status(cast, S.SHIPPED), -2)  # shipped late


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.]", "", text))


def _links(page: Page) -> list[tuple[str, str, str]]:
    """(data-figure, shown text, href) of every figure link of the page, once each."""
    found = page.eval_on_selector_all(
        "a[data-figure]",
        "links => links.map(a => [a.dataset.figure, a.textContent.trim(), a.getAttribute('href'),"
        " a.getAttribute('title') || ''])",
    )
    seen, links = set(), []
    for figure, text, href, title in found:
        if (text, href) in seen:
            continue
        seen.add((text, href))
        if title and "%" in text:  # a rate: "a / b 单按期出货", a is the link's count
            text = title.split("/")[0]
        links.append((figure, text, href))
    return links


def _export_rows(page: Page, selector: str, tmp_path, skip: int) -> list[tuple]:
    with page.expect_download() as download:
        page.click(selector)
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    return list(sheet.iter_rows(values_only=True))[skip:]


def _check_order_list(page: Page, figure: str, shown: Decimal, href: str, tmp_path) -> None:
    page.goto(href)
    heading = page.locator("#order-table .card-head h2").inner_text()
    total = int(re.match(r"\s*(\d+)", heading).group(1))
    rows = _export_rows(page, "#export-xlsx", tmp_path, skip=1)
    assert shown == total == len(rows), f"{figure} {href}: {shown} / {total} / {len(rows)}"


def _check_receivables(page: Page, figure: str, shown: Decimal, href: str, tmp_path) -> None:
    page.goto(href)
    total = int(page.locator("#list-total").inner_text())
    rows = _export_rows(page, "#ageing-export", tmp_path, skip=2)  # a heading, the headers
    outstanding = sum((Decimal(str(row[8])) for row in rows), Decimal(0))
    assert total == len(rows) > 0, f"{figure} {href}"
    assert shown == outstanding, f"{figure} {href}: {shown} != {outstanding}"


def _check_every_figure(page: Page, tmp_path) -> int:
    links = _links(page)
    for figure, text, href in links:
        if figure == "owner" or not re.search(r"\d", text):
            # A merchandiser's name, "查看全部 ›": the number shown with the same link.
            text = next(t for f, t, h in links if h == href and f != "owner" and t != text)
        shown = _number(text)
        if href.startswith("/finance/receivables/"):
            _check_receivables(page, figure, shown, href, tmp_path)
        else:
            _check_order_list(page, figure, shown, href, tmp_path)
    return len(links)


def test_every_dashboard_figure_opens_the_rows_it_counts_and_exports_them(ui, tmp_path):
    cast = Cast.create()
    _world(cast)
    page = ui(cast.supervisor)
    page.goto("/dashboard/")
    shot(page, "dashboard-figures")
    figures = {figure for figure, _text, _href in _links(page)}
    assert {"open", "overdue", "due_soon", "on_time_this_month", "shipped_this_month"} <= figures
    assert {"receivables", "owner", "owner_open", "owner_overdue", "owner_shipped"} <= figures
    assert _check_every_figure(page, tmp_path) >= 12


def test_every_my_work_figure_opens_the_merchandisers_rows_and_exports_them(ui, tmp_path):
    cast = Cast.create()
    _world(cast)
    page = ui(cast.merchandiser)
    page.goto("/")
    shot(page, "my-work-figures")
    figures = {figure for figure, _text, _href in _links(page)}
    assert {"to_confirm", "to_request_deposit", "to_confirm_delivery"} <= figures
    assert _check_every_figure(page, tmp_path) >= 3
