"""The Excel import's figure: ``python -m bench.imports [--orders 500] [--lines 10]``.

Builds a workbook of ``orders × lines`` order lines (5,000 lines for 500 orders by
default) from the downloaded template with openpyxl, then times, against the database
of DATABASE_URL (created and migrated if missing):

- ``import.check.seconds``: the upload and its dry run (read, check, every order
  through ``order_create`` in a transaction rolled back), target ≤ 30 s;
- ``import.apply.seconds``: the confirmed import (the same, committed): the import of
  issue 16, target ≤ 30 s;
- ``import.total.seconds``: both.

Both run as the Celery task runs them (``import_run``), in this process.
Everything is written inside a transaction that is rolled back at the end, so the
database is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
from io import BytesIO

TARGET_SECONDS = 30


def _workbook(customers, products, *, orders: int, lines: int) -> bytes:
    from openpyxl import load_workbook

    from orders import imports

    book = load_workbook(BytesIO(imports.template("orders")))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    keys = [column.key for column in imports.ORDER_COLUMNS]
    delivery = dt.date.today() + dt.timedelta(days=90)
    for o in range(orders):
        customer = customers[o % len(customers)]
        for n in range(lines):
            values = {
                "customer": customer.code,
                "customer_po": f"BENCH-{o:05d}",
                "contract_delivery_date": delivery,
                "quality_requirements": "AQL 2.5" if n == 0 else None,
                "product": products[(o + n) % len(products)].item_number,
                "colour": ("藏青", "白色", "红色")[n % 3],
                "size": ("S", "M", "L", "XL")[n % 4],
                "quantity": 100 + n,
                "unit_price": "12.50",
            }
            sheet.append([values.get(key) for key in keys])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--lines", type=int, default=10, help="lines per order (default 10)")
    options = parser.parse_args(argv)

    from .__main__ import _ensure_database, _environment

    _environment()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    _ensure_database(connection)
    call_command("migrate", verbosity=0, interactive=False)

    from gendan.models import User
    from gendan.roles import Role
    from orders.models import Customer, ImportBatch, Order, Product
    from orders.services import imports as import_services

    from .harness import Report, rolled_back, stopwatch

    report = Report()
    total_lines = options.orders * options.lines
    report.say(f"Excel import: {total_lines:,} lines for {options.orders:,} orders")
    # The Celery tasks' path, run here: a file this size is never checked in a request.
    settings.GENDAN_IMPORT_SYNC_ROWS = 0
    with rolled_back():
        user = User.objects.create(username="bench-import")
        user.groups.add(Group.objects.get_or_create(name=Role.MERCHANDISER.value)[0])
        customers = [
            Customer.objects.create(code=f"BENCH-C{i:03d}", name=f"Bench customer {i}")
            for i in range(50)
        ]
        products = [
            Product.objects.create(item_number=f"BENCH-P{i:03d}", name=f"Bench product {i}")
            for i in range(100)
        ]
        # Warm up (module imports, first queries), as a worker that has run before is.
        warm = _workbook(customers, products, orders=1, lines=1)
        import_services.import_upload(
            actor=user, kind="orders", upload=SimpleUploadedFile("warm.xlsx", warm)
        )
        content = _workbook(customers, products, orders=options.orders, lines=options.lines)
        report.add("import.file.kilobytes", len(content) / 1024, "kB")
        upload = SimpleUploadedFile("bench.xlsx", content)
        before = Order.objects.count()
        with stopwatch() as check:
            batch = import_services.import_upload(actor=user, kind="orders", upload=upload)
            batch = import_services.import_run(batch.pk)
        assert batch.status == ImportBatch.Status.CHECKED, batch.result.get("errors", [])[:5]
        with stopwatch() as apply:
            import_services.import_confirm(actor=user, batch_id=batch.pk)
            batch = import_services.import_run(batch.pk)
        assert batch.status == ImportBatch.Status.IMPORTED, batch.result.get("errors", [])[:5]
        assert Order.objects.count() == before + options.orders
        report.add("import.check.seconds", check(), "s", target=TARGET_SECONDS)
        report.add("import.apply.seconds", apply(), "s", target=TARGET_SECONDS)
        report.add("import.total.seconds", check() + apply(), "s")
        report.add("import.lines_per_second", total_lines / (check() + apply()), "rows")
    missed = report.missed()
    if missed:
        report.say("MISSED: " + ", ".join(f.name for f in missed))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
