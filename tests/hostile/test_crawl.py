"""Every page a demo user can reach answers without a server error (issue 12).

The demo company (``seed_demo``) plus orders a careless or hostile user could leave
behind, all of them valid: free-text lines (no product) in every stage up to delivery,
dates at the edges of a ±10-year horizon, quantities and amounts at the limits of their
columns, long texts, unicode, markup and spreadsheet formulas. Then, for each demo
user, the pages linked from the home page are followed (links and htmx GETs), breadth
first and bounded, and every answer must be below 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from demo.story import USERS
from gendan.models import User
from orders.models import Customer, Order
from orders.services import order_create
from orders.states import OrderStatus as S
from tests.factories import Cast, order_in_status

MAX_PAGES = 400  # per user
MAX_VARIANTS = 12  # query strings followed per path (filters, sorting)
MAX_PER_PATTERN = 30  # paths alike but for their numbers (the month before, and before…)
MAX_PAGE_NUMBER = 3  # ?page= beyond this is more of the same
SKIPPED = ("/accounts/logout/", "/admin/logout/", "/static/", "/media/", "/api/")

LINK = re.compile(r"""(?:href|hx-get)\s*=\s*["']([^"']+)["']""")
HORIZON = dt.timedelta(days=3650)  # ±10 years of today
MAX_INT = 2_147_483_647
LONG = "长文本·Ünïcödé·עברית·🧵·<b>&amp;</b>·" * 300


@pytest.fixture
def demo_world(db) -> list[Order]:
    """The demo company and the hostile orders (returned; owned by merch1)."""
    call_command("seed_demo", verbosity=0)
    users = {user.username: User.objects.get(username=user.username) for user in USERS}
    cast = Cast(
        merchandiser=users["merch1"],
        other_merchandiser=users["merch2"],
        supervisor=users["supervisor"],
        finance=users["finance"],
        production=users["production"],
        integration=users["erp"],
    )
    return [*_free_text_orders(cast), *_extreme_orders(cast)]


def _free_text_lines() -> list[dict]:
    return [
        {"description": "刺绣标志 embroidered logo 🧵", "quantity": 120, "unit_price": "1.50"},
        {
            "description": '=HYPERLINK("http://x","y")',
            "size": "XL",
            "quantity": 80,
            "unit_price": "0",
        },
    ]


def _free_text_orders(cast: Cast) -> list[Order]:
    """An order whose lines have no product, in every status: the shipment form and
    page of such orders answered 500 (issue 12, class 3)."""
    return [order_in_status(cast, status, lines=_free_text_lines()) for status in S.values]


def _extreme_orders(cast: Cast) -> list[Order]:
    today = timezone.localdate()
    customer = Customer.objects.create(
        code="X" * 32,
        name=("=cmd|' /C calc'!A0 <script>alert(1)</script> 客户" + LONG)[:200],
        contact_name="Ω" * 100,
        country="🇨🇳" * 16,
        owner=cast.merchandiser,
    )
    order = order_create(
        actor=cast.merchandiser,
        customer_id=customer.pk,
        contract_delivery_date=today + HORIZON,
        order_date=today,
        customer_po="=cmd|' /C calc'!A0"[:64],
        external_ref="+" + "9" * 63,
        quality_requirements=LONG[:10000],
        packing_requirements="\u202e" + LONG[:9999],
        lines=[
            # The largest total quantity an order holds, and a price that keeps the
            # order's total within its column.
            {"description": LONG[:200], "quantity": MAX_INT - 2, "unit_price": "0.01"},
            {"description": "¥" * 200, "quantity": 1, "unit_price": "999999999.99"},
            {"description": "零", "quantity": 1, "unit_price": "0.00"},
        ],
    )
    # The oldest order date of the horizon (set directly: it is a fact of the past).
    Order.objects.filter(pk=order.pk).update(order_date=today - HORIZON)
    assert Order.objects.get(pk=order.pk).total_amount > Decimal("1000000000")

    far = order_in_status(
        cast, S.IN_PRODUCTION, lines=_free_text_lines(), days_to_delivery=HORIZON.days
    )
    far.production_orders.update(planned_finish=today + HORIZON)
    return [order, far]


def crawl(client: Client, start: list[str]) -> tuple[Counter, list[tuple[str, int]], dict]:
    """Breadth first from the pages of ``start``: (statuses seen, [(url, status) of each
    5xx], the status of each page visited)."""
    queue, seen = deque(start), set(start)
    visited: dict[str, int] = {}
    variants: Counter = Counter()
    patterns: Counter = Counter()
    exports: set[str] = set()
    statuses: Counter = Counter()
    errors = []
    while queue and sum(statuses.values()) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        statuses[response.status_code] += 1
        visited[url] = response.status_code
        if response.status_code >= 500:
            errors.append((url, response.status_code))
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = _local(response["Location"], url)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode(errors="replace")):
            target = _local(unescape(link), url)
            if target is None or target in seen:
                continue
            path, _, query = target.partition("?")
            if path.endswith(".xlsx") or "format=xlsx" in query:
                if path in exports:
                    continue  # one download per export: its query is the list's
                exports.add(path)
            elif query:
                if variants[path] >= MAX_VARIANTS:
                    continue
                variants[path] += 1
            else:
                pattern = re.sub(r"\d+", "N", path)
                if patterns[pattern] >= MAX_PER_PATTERN:
                    continue
                patterns[pattern] += 1
            seen.add(target)
            queue.append(target)
    return statuses, errors, visited


def _local(link: str, base: str) -> str | None:
    """``link`` as a path and query on this site, or None (another site, a fragment,
    a page not crawled)."""
    if link.startswith(("mailto:", "tel:", "javascript:", "#", "data:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", link))
    if parts.netloc != "testserver" or parts.path.startswith(SKIPPED):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    for name, value in query:
        if name in ("page", "p") and (not value.isdigit() or int(value) > MAX_PAGE_NUMBER):
            return None
    return parts.path + (f"?{urlencode(sorted(query))}" if query else "")


def test_every_page_a_demo_user_reaches_answers_without_a_server_error(demo_world, report):
    hostile = [f"/orders/{order.pk}/" for order in demo_world]
    found: dict[str, list] = {}
    for demo in USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=demo.username))
        # From the home page, and from the hostile orders' pages (so that their links
        # are followed whatever the bound).
        statuses, errors, visited = crawl(client, ["/", *hostile])
        found[demo.username] = errors
        report(
            f"crawl as {demo.username}: {sum(statuses.values())} pages "
            f"({', '.join(f'{code}: {n}' for code, n in sorted(statuses.items()))})"
        )

        assert sum(statuses.values()) > 1, demo.username  # more than the home page
        if demo.username == "merch1":  # their owner: every page of them is open to them
            assert all(visited[url] == 200 for url in hostile)
            shipment_pages = [url for url in visited if re.fullmatch(r"/shipments/\d+/", url)]
            assert shipment_pages and all(visited[url] == 200 for url in shipment_pages)

    assert found == {demo.username: [] for demo in USERS}
