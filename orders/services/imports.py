"""Excel imports (orders.imports): upload and dry run, confirm, and the import itself.

A file of up to ``GENDAN_IMPORT_SYNC_ROWS`` rows is checked (and, once confirmed,
imported) within the request; a larger one by a Celery task (``orders.tasks``), its
progress kept in the cache (``import_progress``) for the page to show.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import policy
from gendan.exceptions import InvalidTransition, NotFound, ValidationFailed
from gendan.models import User

from .. import imports
from ..models import ImportBatch, ImportKind, ImportStatus

# The actions an import of each kind takes (gendan.policy).
ACTIONS = {
    ImportKind.ORDERS: ("order.create",),
    ImportKind.CUSTOMERS: ("customer.create", "customer.update"),
    ImportKind.PRODUCTS: ("product.create", "product.update"),
}
PROGRESS_SECONDS = 3600


def may_import(user: User, kind: str) -> bool:
    return all(policy.can(user, action) for action in ACTIONS[kind])


def _require(user: User, kind: str) -> None:
    for action in ACTIONS[kind]:
        policy.require(user, action)


def _progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def _record_progress(batch_id: int):
    cache = caches["api"]

    def record(done: int, total: int) -> None:
        cache.set(_progress_key(batch_id), [done, total], PROGRESS_SECONDS)

    return record


def import_progress(batch_id: int) -> tuple[int, int] | None:
    """(records done, records in all) of a running check or import, if known."""
    found = caches["api"].get(_progress_key(batch_id))
    return tuple(found) if found else None


def _lock(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(model="import", id=batch_id)
    return batch


def _sync(batch: ImportBatch) -> bool:
    return batch.row_count <= int(getattr(settings, "GENDAN_IMPORT_SYNC_ROWS", 500))


def _row_count(upload: UploadedFile) -> int:
    """The rows of the first sheet as the file declares them (cheap: its dimension)."""
    from openpyxl import load_workbook

    try:
        upload.seek(0)
        book = load_workbook(upload, read_only=True)
        try:
            return max((book.worksheets[0].max_row or 1) - 1, 0)
        finally:
            book.close()
    except Exception:  # a broken file: the dry run says so
        return 0
    finally:
        upload.seek(0)


@transaction.atomic
def import_upload(*, actor: User, kind: str, upload: UploadedFile) -> ImportBatch:
    """Keep an uploaded .xlsx file and check it (a dry run: nothing of it is written).
    A small file is checked now; a large one by a Celery task. Raises
    PermissionDenied, ValidationFailed (not an .xlsx, too large)."""
    if kind not in ImportKind.values:
        raise ValidationFailed(fields={"kind": [_("未知的导入类型。")]})
    _require(actor, kind)
    batch = ImportBatch(kind=kind, created_by=actor, status=ImportStatus.CHECKING)
    batch.attach(upload)
    batch.row_count = _row_count(upload)
    batch.save()
    _start(batch)
    return batch


def _table(batch: ImportBatch) -> imports.Table:
    with batch.file.open("rb") as handle:
        return imports.read(handle, batch.kind)


def _store(batch: ImportBatch, outcome: imports.Outcome, status: str, **fields: Any) -> None:
    batch.result = outcome.as_result()
    batch.error_count = len(outcome.problems)
    batch.row_count = len(batch.result["rows"]) or batch.row_count
    batch.status = ImportStatus.FAILED if outcome.problems else status
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save()


# What the running step of a file does, by its status: commit?, the status it ends in
# (unless errors were found), the moment it records.
STEPS = {
    ImportStatus.CHECKING: (False, ImportStatus.CHECKED, "checked_at"),
    ImportStatus.IMPORTING: (True, ImportStatus.IMPORTED, "imported_at"),
}


def _run(batch: ImportBatch) -> None:
    """The dry run (status checking) or the import (importing) of ``batch``."""
    commit, done, moment = STEPS[batch.status]
    actor = batch.confirmed_by if commit else batch.created_by
    progress = _record_progress(batch.pk)
    outcome = imports.run(_table(batch), actor, commit=commit, progress=progress)
    _store(batch, outcome, done, **{moment: timezone.now()})


@transaction.atomic
def import_run(batch_id: int) -> ImportBatch:
    """The dry run or the confirmed import of a large file, as its status says (its
    Celery task); a file no longer checking or importing is left as it is."""
    batch = _lock(batch_id)
    if batch.status in STEPS:
        _run(batch)
    return batch


def _start(batch: ImportBatch) -> None:
    """Run the step now for a small file, else hand it to the Celery task."""
    if _sync(batch):
        _run(batch)
    else:
        from ..tasks import import_run_task

        transaction.on_commit(lambda: import_run_task.delay(batch.pk))


@transaction.atomic
def import_confirm(*, actor: User, batch_id: int) -> ImportBatch:
    """Import a checked file: every record through its service in one transaction, all
    or nothing (a record refused now, e.g. a product deactivated since the dry run,
    leaves the batch failed with its errors and nothing written). A large file is
    imported by a Celery task. Raises NotFound, PermissionDenied, InvalidTransition."""
    batch = _lock(batch_id)
    if batch.created_by_id != actor.pk:
        raise NotFound(model="import", id=batch_id)
    _require(actor, batch.kind)
    if batch.status != ImportStatus.CHECKED or batch.error_count:
        raise InvalidTransition(_("只有检查通过、尚未导入的文件可以确认导入。"))
    batch.status = ImportStatus.IMPORTING
    batch.confirmed_by = actor
    batch.save(update_fields=["status", "confirmed_by", "updated_at"])
    _start(batch)
    return batch
