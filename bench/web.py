"""Request figures, in-process through Django's test client (the whole middleware
stack, authentication, throttling and rendering; no network): the orders list API
and its raw-SQL baseline, the order detail API and page, the supervisor
dashboard, the finance queue, and the SQL queries a list request issues."""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gendan.models import User
from orders.models import Order

from . import rawsql, targets
from .harness import Report, percentile, report_latency, sample, sample_together

LIST_URL = "/api/v1/orders/"
PAGES_PER_WALK = 20  # a walk: the first page, then the next 19 by cursor, then again


@dataclass
class Actors:
    api_token: str
    supervisor: User
    finance: User
    merchandiser: User


def client_for(user: User | None = None, token: str | None = None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    if token is not None:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _get(client: Client, url: str, expect: int = 200):
    response = client.get(url)
    if response.status_code != expect:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.content[:300]!r}")
    return response


def _path(link: str | None) -> str | None:
    if not link:
        return None
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _pager(client: Client):
    """GET a list page with ``client``; returns the path of the next page (or None)."""
    return lambda url: _path(json.loads(_get(client, url).content)["next"])


def _walk(fetch_page, *, first):
    """A function of the request number that walks pages: the first page every
    ``PAGES_PER_WALK`` requests, else the page after the previous one."""
    state = {"next": first}

    def call(i: int):
        position = first if i % PAGES_PER_WALK == 0 or state["next"] is None else state["next"]
        state["next"] = fetch_page(position)

    return call


def list_api(report: Report, actors: Actors, *, requests: int, raw=None) -> None:
    """Orders list API, page of 50, as an ERP client (Bearer token, sees every order),
    and the raw-SQL baseline over the same pages in the same run (on its own psycopg
    connection unless ``raw`` lends one)."""
    client = client_for(token=actors.api_token)
    first = f"{LIST_URL}?page_size=50"
    api_page = _pager(client)

    zone = ZoneInfo(settings.TIME_ZONE)
    own = raw is None
    raw = rawsql.connect(connection.settings_dict) if own else raw
    try:
        _check_baseline(client, raw, zone)

        def raw_page(after_id):
            return json.loads(rawsql.page_json(raw, after_id=after_id, zone=zone))["next"]

        # In turns, the same pages: the API's page i, then the baseline's page i.
        api_times, raw_times = sample_together(
            _walk(api_page, first=first), _walk(raw_page, first=None), requests=requests
        )
    finally:
        if own:
            raw.close()
    api_p50, _api_p99 = report_latency(
        report, "list_api.inprocess", api_times, p50=targets.LIST_P50_MS, p99=targets.LIST_P99_MS
    )
    raw_p50, _raw_p99 = report_latency(report, "list_rawsql", raw_times)
    report.add("list_api.ratio_to_rawsql.p50", api_p50 / raw_p50, "x", targets.LIST_RATIO_TO_RAWSQL)
    report.add(
        "list_api.ratio_to_rawsql.mean",
        sum(api_times) / sum(raw_times),
        "x",
        note="total time of all requests",
    )


def list_api_merchandiser(report: Report, actors: Actors, *, requests: int) -> None:
    """The same list as a merchandiser (session; own and shared orders only)."""
    client = client_for(user=actors.merchandiser)
    times = sample(_walk(_pager(client), first=f"{LIST_URL}?page_size=50"), requests=requests)
    report_latency(report, "list_api.merchandiser", times)


def list_queries(report: Report, actors: Actors) -> None:
    """SQL queries of one list request, at three page sizes, first and later pages."""
    client = client_for(token=actors.api_token)
    for size in (10, 50, 200):
        url = f"{LIST_URL}?page_size={size}"
        _get(client, url)  # settle per-connection state (e.g. the session time zone)
        with CaptureQueriesContext(connection) as first:
            response = _get(client, url)
        report.add(f"list_api.queries.page{size}", len(first), "queries")
        following = _path(json.loads(response.content)["next"])
        if following:  # (a small database has no second page of 200)
            with CaptureQueriesContext(connection) as later:
                _get(client, following)
            report.add(f"list_api.queries.page{size}.next", len(later), "queries")


def _check_baseline(client: Client, raw, zone: ZoneInfo) -> None:
    """The baseline must answer what the API answers, or the ratio means nothing."""
    api = json.loads(_get(client, f"{LIST_URL}?page_size=50").content)["results"]
    baseline = json.loads(rawsql.page_json(raw, after_id=None, zone=zone))["results"]
    if api != baseline:
        differences = [
            (a["id"], key)
            for a, b in zip(api, baseline, strict=False)
            for key in a
            if a.get(key) != b.get(key)
        ]
        raise RuntimeError(f"raw-SQL baseline differs from the API: {differences[:5]}")


def sample_order_ids(count: int, seed: int = 7) -> list[int]:
    """``count`` order ids spread over the whole table (same seed, same ids)."""
    bounds = Order.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    if low is None:
        raise RuntimeError("no orders: fill the database with manage.py generate_data")
    rng = random.Random(seed)
    candidates = [rng.randint(low, high) for _ in range(count * 3)]
    found = set(Order.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    ids = [pk for pk in candidates if pk in found][:count]
    return ids * (count // max(len(ids), 1) + 1)


def order_detail(report: Report, actors: Actors, *, requests: int) -> None:
    ids = sample_order_ids(requests + 10)
    api = client_for(token=actors.api_token)
    times = sample(lambda i: _get(api, f"/api/v1/orders/{ids[i]}/"), requests=requests)
    report_latency(report, "detail_api", times)
    ids = ids[::-1]
    browser = client_for(user=actors.supervisor)
    # First visits read each order's rows from disk (on a small buffer pool); the
    # second visit of the same orders is the page's own cost.
    first = sample(lambda i: _get(browser, f"/orders/{ids[i]}/"), requests=requests)
    report_latency(
        report, "detail_page.first_visit", first, p99=targets.DETAIL_PAGE_FIRST_VISIT_P99_MS
    )
    times = sample(lambda i: _get(browser, f"/orders/{ids[i]}/"), requests=requests, warmup=0)
    report_latency(report, "detail_page", times, p50=targets.DETAIL_PAGE_P50_MS)
    with CaptureQueriesContext(connection) as queries:
        page = _get(browser, f"/orders/{ids[0]}/")
    report.add("detail_page.queries", len(queries), "queries", targets.DETAIL_PAGE_QUERIES)
    # The parts the page loads on demand as soon as it has loaded (htmx): all of one
    # page's, one after the other (a browser asks for them at once).
    parts = _part_urls(page)
    fragment = {"HTTP_HX_REQUEST": "true"}

    def all_parts(i: int) -> None:
        for url in _part_urls_of(parts, ids[0], ids[i]):
            if browser.get(url, **fragment).status_code != 200:
                raise RuntimeError(f"GET {url}: not 200")

    times = sample(all_parts, requests=requests, warmup=0)
    report_latency(report, "detail_page.parts", times)
    report.add("detail_page.parts.count", len(parts), "", note="requests after the page")


def _part_urls(response) -> list[str]:
    """The URLs of the parts of the order page that load on demand (hx-get, on load)."""
    found = re.findall(r'data-lazy-part hx-get="([^"]+)"', response.content.decode())
    return [html.unescape(url) for url in found]


def _part_urls_of(parts: list[str], seen: int, order_id: int) -> list[str]:
    """The part URLs of order ``seen``'s page for order ``order_id`` (the same paths)."""
    return [url.replace(f"/orders/{seen}/", f"/orders/{order_id}/", 1) for url in parts]


def dashboard(report: Report, actors: Actors, *, requests: int) -> None:
    client = client_for(user=actors.supervisor)
    times = sample(lambda i: _get(client, "/dashboard/"), requests=requests, warmup=3)
    report_latency(report, "dashboard", times, p50=targets.DASHBOARD_P50_MS)
    with CaptureQueriesContext(connection) as queries:
        _get(client, "/dashboard/")
    report.add("dashboard.queries", len(queries), "queries")


def pages(report: Report, actors: Actors, *, requests: int) -> None:
    """Pages whose cost grows with the reference data rather than with the orders: the
    order list as a supervisor (its count, the customer and merchandiser choices of its
    filters) and the new order form as a merchandiser (every customer, every product
    in each line's choice)."""
    supervisor = client_for(user=actors.supervisor)
    times = sample(lambda i: _get(supervisor, "/orders/"), requests=requests, warmup=3)
    report_latency(report, "order_list_page", times)
    merchandiser = client_for(user=actors.merchandiser)
    times = sample(lambda i: _get(merchandiser, "/orders/new/"), requests=requests, warmup=3)
    report_latency(report, "order_form_page", times)


def finance_queue(report: Report, actors: Actors, *, requests: int) -> None:
    client = client_for(user=actors.finance)
    times = sample(lambda i: _get(client, "/finance/"), requests=requests, warmup=3)
    report_latency(report, "finance_queue", times, p50=targets.FINANCE_QUEUE_P50_MS)
    later = sample(lambda i: _get(client, f"/finance/?page={2 + i % 5}"), requests=requests)
    report.add("finance_queue.later_pages.p50", percentile(later, 50), "ms")
