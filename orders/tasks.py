"""Celery tasks of the orders app: the check and the import of a large Excel file."""

from __future__ import annotations

from celery import shared_task


# 20,000 rows take well under the limits; the broker's visibility timeout
# (CELERY_VISIBILITY_TIMEOUT) must stay above the hard limit.
@shared_task(soft_time_limit=300, time_limit=360)
def import_run_task(batch_id: int) -> str:
    """The dry run, or once confirmed the import, of an uploaded file
    (orders.services.imports.import_run); returns the status it ends in."""
    from .services.imports import import_run

    return import_run(batch_id).status
