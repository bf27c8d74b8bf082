"""Gendan's benchmark suite: ``python -m bench [--generate N] [--only …]``.

Run against a PostgreSQL database filled by ``manage.py generate_data`` (or let
``--generate N`` fill it first, which is timed too). Prints one figure a line,
with the issue's target where there is one; see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

GROUPS = ("list", "server", "detail", "dashboard", "finance", "pages", "sweeps", "alerts", "kpi")


def _environment() -> None:
    """Production-like settings: DEBUG off (no query log), plain HTTP on loopback, and
    an API rate limit the bench cannot reach (the throttle itself still runs)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gendan.settings")
    os.environ["DEBUG"] = "false"
    os.environ["GENDAN_HTTPS"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["GENDAN_API_RATE_CLIENT"] = "1000000/minute"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="first wipe the order domain and generate N orders (timed)",
    )
    parser.add_argument(
        "--merchandisers",
        type=int,
        metavar="M",
        help="with --generate: M merchandisers share the orders (the generator's default: "
        "one per 3,333 orders, at most 300); the KPI month assesses every one of them "
        "(its target: 3 s for 300 people, 30 s for 3,000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--requests", type=int, default=300, help="timed requests per figure (default 300)"
    )
    parser.add_argument(
        "--seconds", type=int, default=30, help="wrk duration against gunicorn (default 30)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn sync workers for the wrk figure (default 2 per core + 1)",
    )
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"comma-separated groups to run (default all: {','.join(GROUPS)})",
    )
    return parser.parse_args(argv)


def _ensure_database(connection) -> None:
    """Create the PostgreSQL database named by DATABASE_URL when it does not exist yet
    (the bench fills a database of its own)."""
    from django.db.utils import OperationalError

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
        return
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    from psycopg import sql

    from .rawsql import connect

    settings = connection.settings_dict
    with connect(settings, dbname="postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
    print(f"# created database {settings['NAME']}")


def main(argv: list[str] | None = None) -> int:
    options = _arguments(argv)
    if options.merchandisers and not options.generate:
        print("--merchandisers needs --generate N (the people are made with the orders)")
        return 2
    groups = [group.strip() for group in options.only.split(",") if group.strip()]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        print(f"unknown group(s): {', '.join(unknown)}; known: {', '.join(GROUPS)}")
        return 2
    _environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    _ensure_database(connection)

    from . import growth, jobs, run
    from .harness import Report

    if connection.vendor != "postgresql":
        print("# warning: not PostgreSQL (set DATABASE_URL); figures will not be comparable")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # pages need the manifest
    report = Report()
    run.header(report)
    if options.generate:
        jobs.generator(
            report,
            orders=options.generate,
            seed=options.seed,
            merchandisers=options.merchandisers,
        )
    run.data(report)
    status = run.measure(
        report,
        groups=groups,
        requests=options.requests,
        seconds=options.seconds,
        workers=options.workers,
    )
    from django.conf import settings

    folder = Path(settings.VAR_DIR) / "bench"
    growth.save(report, folder)
    growth.table(report, folder)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
