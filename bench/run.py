"""The bench's groups, run in order against the configured database."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import time
from pathlib import Path

from django.db import connection
from django.db.models import Count

from gendan.api.services import api_client_create, api_client_new_token, api_client_revoke
from gendan.models import ApiClient, User
from gendan.roles import Role
from orders.models import Order, OrderLine

from . import jobs, server, targets, web
from .harness import Report, peak_memory

# One API client per bench process: a run revokes its own client when it ends, never the
# token of another run measuring the same database at the same time.
BENCH_CLIENT = f"bench-erp-{os.getpid()}"


def header(report: Report) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        version = str(cursor.fetchone()[0]).split(",")[0]
    cpu = "?"
    with contextlib.suppress(OSError):
        models = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    report.say(f"gendan bench, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    report.say(
        f"machine: {platform.node()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}"
    )
    report.say(f"database: {version}, {connection.settings_dict['NAME']}")
    calibrate(report)


def calibrate(report: Report, repeat: int = 5) -> None:
    """The speed of this machine, so that figures taken on different machines of the
    same kind can be compared: a fixed pure-Python loop and a fixed PostgreSQL query,
    best of ``repeat``. (The same VM kind has read 2x apart from one session to another.)"""

    def python_loop() -> None:
        total = 0
        for i in range(1_000_000):
            total += i

    def best(run) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        return min(times)

    report.add("machine.python_loop", best(python_loop), "ms", note="1,000,000 additions")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            query = "SELECT sum(i) FROM generate_series(1, 1000000) AS i"
            report.add(
                "machine.postgres_loop",
                best(lambda: cursor.execute(query)),
                "ms",
                note="sum over generate_series(1, 1000000)",
            )


def data(report: Report) -> None:
    report.add("data.orders", Order.objects.count(), "rows")
    report.add("data.order_lines", OrderLine.objects.count(), "rows")
    # The department's size: the generator makes one merchandiser per 3,333 orders (at
    # most 300) unless --merchandisers says otherwise, and the dashboard ranks them all.
    merchandisers = User.objects.filter(groups__name=Role.MERCHANDISER, is_active=True)
    report.add("data.merchandisers", merchandisers.count(), "people")


def _member(role: str) -> User:
    """The first active user of ``role``, the generated ones (``gen-…``) first: the
    busiest realistic caller."""
    people = User.objects.filter(groups__name=role, is_active=True)
    user = people.filter(username__startswith="gen-").order_by("pk").first()
    user = user or people.order_by("pk").first()
    if user is None:
        raise RuntimeError(f"no active {role} user: fill the database with generate_data")
    return user


def actors() -> web.Actors:
    if ApiClient.objects.filter(name=BENCH_CLIENT).exists():
        token = api_client_new_token(name=BENCH_CLIENT, expires_in=dt.timedelta(hours=2))
    else:
        _client, token = api_client_create(
            name=BENCH_CLIENT, scopes=["orders:read"], expires_in=dt.timedelta(hours=2)
        )
    busiest = (
        Order.objects.filter(owner__username__startswith="gen-")
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    merchandiser = User.objects.get(pk=busiest["owner"]) if busiest else _member(Role.MERCHANDISER)
    return web.Actors(
        api_token=token,
        supervisor=_member(Role.SUPERVISOR),
        finance=_member(Role.FINANCE),
        merchandiser=merchandiser,
    )


def _list_paths(token: str, pages: int = web.PAGES_PER_WALK) -> list[str]:
    """The first ``pages`` list pages of 50, as the in-process walk visits them."""
    client = web.client_for(token=token)
    paths, url = [], f"{web.LIST_URL}?page_size=50"
    while url and len(paths) < pages:
        paths.append(url)
        url = web._path(json.loads(client.get(url).content)["next"])
    return paths


def measure(
    report: Report, *, groups: list[str], requests: int, seconds: int, workers: int = 0
) -> int:
    people = actors()
    try:
        if "list" in groups:
            web.list_api(report, people, requests=requests)
            web.list_queries(report, people)
            web.list_api_merchandiser(report, people, requests=requests)
        if "server" in groups:
            server.list_api_gunicorn(
                report,
                paths=_list_paths(people.api_token),
                token=people.api_token,
                seconds=seconds,
                workers=workers or server.default_workers(),
            )
        if "detail" in groups:
            web.order_detail(report, people, requests=requests)
        if "dashboard" in groups:
            web.dashboard(report, people, requests=max(requests // 10, 20))
        if "finance" in groups:
            web.finance_queue(report, people, requests=max(requests // 3, 50))
        if "pages" in groups:
            web.pages(report, people, requests=max(requests // 10, 20))
        with peak_memory() as peak:
            if "sweeps" in groups:
                jobs.sweeps(report)
            if "alerts" in groups:
                jobs.alert_load(report)
            if "kpi" in groups:
                jobs.kpi_month(report, finance=people.finance)
        if {"sweeps", "kpi"} <= set(groups) and peak() is not None:
            report.add(
                "memory.kpi_and_sweeps",
                peak(),
                "MB",
                targets.PEAK_MEMORY_MB,
                note="peak resident of this process while they ran",
            )
    finally:
        api_client_revoke(name=BENCH_CLIENT)
    missed = report.missed()
    report.say(
        "all targets hold"
        if not missed
        else "targets missed: " + ", ".join(f"{f.name} {f.value:,.2f} {f.unit}" for f in missed)
    )
    return 0
