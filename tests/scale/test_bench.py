"""The benchmark suite (``python -m bench``) runs end to end on a small generated
database and prints every figure; its raw-SQL baseline answers what the API
answers; jobs it times leave the data as they found it. (The figures themselves
are measured on a million orders, not here: see bench/README.md.)"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from alerts.models import SWEPT_RULES, Alert
from bench import growth, jobs, run, server
from bench.__main__ import main as bench_main
from bench.harness import Figure, Report, counting_queries, peak_memory, percentile
from kpi.models import Assessment, PaySchemeAssignment

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GROUPS = ["list", "detail", "dashboard", "finance", "sweeps", "alerts", "kpi"]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("generate_data", orders=150, seed=5, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def bench_settings(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000/minute", "anon": "100000/minute"},
    }


@pytest.mark.postgresql
def test_the_bench_prints_every_figure_and_leaves_the_data_as_it_was(
    generated, db, bench_settings, monkeypatch
):
    # The baseline reads through the test's own connection (its rows are uncommitted).
    connection.ensure_connection()
    monkeypatch.setattr("bench.rawsql.connect", lambda database: connection.connection)
    monkeypatch.setattr(connection.connection, "close", lambda: None, raising=False)
    alerts, assessments = Alert.objects.count(), Assessment.objects.count()
    assignments = PaySchemeAssignment.objects.count()
    lines: list[str] = []
    report = Report(echo=lines.append)

    assert run.measure(report, groups=GROUPS, requests=5, seconds=1) == 0

    names = {figure.name for figure in report.figures}
    for expected in (
        "list_api.inprocess.p50",
        "list_api.inprocess.p99",
        "list_rawsql.p50",
        "list_api.ratio_to_rawsql.p50",
        "list_api.merchandiser.p50",
        "detail_api.p50",
        "detail_page.p50",
        "detail_page.parts.p50",
        "dashboard.p50",
        "finance_queue.p50",
        "kpi.month.seconds",
    ):
        assert expected in names
    assert {f"sweep.{rule}" for rule in SWEPT_RULES} - {"sweep.daily_digest"} <= names
    assert "sweep.announced.max" in names
    assert {"alerts.per_person_day.max", "alerts.per_person_day.median"} <= names
    timings = [f for f in report.figures if f.unit in ("ms", "s")]
    assert all(f.value > 0 for f in timings)
    kpi_queries = next(f.value for f in report.figures if f.name == "kpi.month.queries")
    assert kpi_queries > 0
    # Queries per list request: the same for pages of 10, 50 and 200, first or later.
    queries = {f.name: f.value for f in report.figures if f.name.startswith("list_api.queries")}
    assert len(queries) >= 5 and set(queries.values()) == {3}  # token, orders, lines
    # One line per figure, and the verdict on the targets at the end.
    assert len([line for line in lines if not line.startswith("#")]) == len(report.figures)
    assert lines[-1].startswith(("# all targets hold", "# targets missed"))
    # Sweeps and the KPI month ran in transactions rolled back.
    assert (Alert.objects.count(), Assessment.objects.count()) == (alerts, assessments)
    assert PaySchemeAssignment.objects.count() == assignments


def test_a_figure_says_whether_its_target_holds():
    assert Figure("x", 12.5, "ms", 20).line().endswith("target <= 20 ok")
    assert Figure("x", 25, "ms", 20).line().endswith("target <= 20 MISSED")
    assert Figure("x", 25, "ms").holds is None
    assert Figure("x", 300, "req/s", 250, at_least=True).line().endswith("target >= 250 ok")
    assert Figure("x", 200, "req/s", 250, at_least=True).holds is False
    assert percentile([5, 1, 4, 2, 3], 50) == 3
    assert percentile(list(range(1, 201)), 99) == 198


WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:40123
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.51ms    5.02ms  80.11ms   90.00%
    Req/Sec   195.32     20.11   240.00     70.00%
  Latency Distribution
     50%   19.80ms
     75%   22.10ms
     90%   25.40ms
     99%    1.02s
  2931 requests in 15.01s, 150.12MB read
Requests/sec:    195.27
Transfer/sec:     10.00MB
"""


def test_the_wrk_report_is_read_in_milliseconds():
    figures = server.parse_wrk(WRK_OUTPUT)

    assert figures == {
        "p50": 19.8,
        "p99": 1020.0,
        "rps": 195.27,
        "errors": 0.0,
        "requests": 2931.0,
        "socket_errors": 0.0,
    }
    assert server.parse_wrk(WRK_OUTPUT + "  Non-2xx or 3xx responses: 12\n")["errors"] == 12
    socket = "  Socket errors: connect 0, read 3, write 0, timeout 2\n"
    assert server.parse_wrk(WRK_OUTPUT + socket)["socket_errors"] == 5


def test_the_peak_memory_of_a_block_counts_what_it_allocated_only():
    with peak_memory() as before:
        pass
    with peak_memory() as peak:
        block = bytearray(64 * 1024 * 1024)
        block[-1] = 1
        del block
    if peak() is None:
        pytest.skip("no /proc/self/clear_refs here")
    assert peak() - before() > 60
    with peak_memory() as after:
        pass
    assert after() < peak() - 60  # reset: the block above no longer counts


def _run_at(orders: int, **figures: float) -> Report:
    report = Report(echo=lambda line: None)
    report.add("data.orders", orders, "rows")
    for name, value in figures.items():
        report.add(name, value, "ms")
    return report


def test_the_growth_table_compares_a_million_orders_with_ten_thousand(tmp_path):
    growth.save(_run_at(10_000, **{"dashboard.p50": 20.0, "detail_api.p50": 10.0}), tmp_path)
    lines: list[str] = []
    only_small = Report(echo=lines.append)
    growth.table(only_small, tmp_path)
    assert not only_small.figures  # one size: nothing to compare yet
    assert any(line.startswith("# dashboard.p50") and "20.00" in line for line in lines)

    growth.save(_run_at(1_000_500, **{"dashboard.p50": 40.0, "detail_api.p50": 12.0}), tmp_path)
    growth.save(_run_at(3_000, **{"dashboard.p50": 1.0}), tmp_path)  # no size class: ignored
    both = Report(echo=lambda line: None)
    growth.table(both, tmp_path)
    verdicts = {f.name: (round(f.value, 2), f.holds) for f in both.figures}
    assert verdicts == {
        "growth.dashboard.p50": (2.0, False),
        "growth.detail_api.p50": (1.2, True),
    }


def test_the_growth_table_shows_each_run_s_department_and_says_when_they_differ(tmp_path):
    growth.save(_run_at(10_000, **{"data.merchandisers": 3, "dashboard.p50": 10.0}), tmp_path)
    growth.save(_run_at(1_000_000, **{"data.merchandisers": 300, "dashboard.p50": 16.0}), tmp_path)
    lines: list[str] = []
    growth.table(Report(echo=lines.append), tmp_path)
    people = next(line for line in lines if "(merchandisers)" in line)
    assert people.split()[2:] == ["3", "—", "300"]
    assert any("departments differ" in line for line in lines)

    same = tmp_path / "same"
    growth.save(_run_at(10_000, **{"data.merchandisers": 300, "dashboard.p50": 14.0}), same)
    growth.save(_run_at(1_000_000, **{"data.merchandisers": 300, "dashboard.p50": 16.0}), same)
    lines.clear()
    report = Report(echo=lines.append)
    growth.table(report, same)
    assert not any("departments differ" in line for line in lines)
    assert [(f.name, round(f.value, 2), f.holds) for f in report.figures] == [
        ("growth.dashboard.p50", 1.14, True)
    ]


def test_the_people_of_the_kpi_month_are_made_by_the_generator(monkeypatch, capsys):
    """``--merchandisers M`` (the KPI month for 3,000 people) goes to generate_data,
    which makes the people with the orders; without ``--generate`` it is refused."""
    assert bench_main(["--merchandisers", "3000"]) == 2
    assert "--generate" in capsys.readouterr().out
    commands = []

    def popen(command, **kwargs):
        commands.append(command)
        return SimpleNamespace(pid=0, returncode=0, poll=lambda: 0)

    monkeypatch.setattr(jobs.subprocess, "Popen", popen)
    jobs.generator(Report(echo=lambda line: None), orders=1000, seed=1, merchandisers=3000)
    jobs.generator(Report(echo=lambda line: None), orders=1000, seed=1)
    assert commands[0][-2:] == ["--merchandisers", "3000"]
    assert "--merchandisers" not in commands[1]


def test_the_generator_peak_is_its_own_not_the_bench_process(monkeypatch):
    """The generator's memory figure is the child's own peak (VmHWM), not its
    ``ru_maxrss``, which would carry this (bigger) process's resident memory over the
    fork and exec. The child here holds 40 MB for a moment."""
    child = [sys.executable, "-c", "import time; b = bytearray(40 << 20); time.sleep(1.5)"]
    real_popen = jobs.subprocess.Popen
    ballast = bytearray(150 << 20)  # this process is far bigger than the child
    ballast[::4096] = b"x" * len(ballast[::4096])
    monkeypatch.setattr(jobs.subprocess, "Popen", lambda command, **kw: real_popen(child, **kw))
    report = Report(echo=lambda line: None)

    jobs.generator(report, orders=10, seed=1)

    (memory,) = [f for f in report.figures if f.name == "memory.generator"]
    assert 40 <= memory.value < 120
    del ballast


@pytest.mark.django_db
def test_counting_queries_counts_every_statement_and_logs_none():
    """The KPI month's query count, taken without Django's query log (which writes out
    every statement and its parameters inside the timed block)."""
    with counting_queries() as queries:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.executemany("SELECT %s", [(1,), (2,)])
        Assessment.objects.count()

    assert queries() == 3
    assert not connection.queries_log
