"""Celery tasks of the orders app: the check and the import of a large Excel file."""

from __future__ import annotations

from celery import shared_task

# 20,000 rows take well under the limits; the broker's visibility timeout
# (CELERY_VISIBILITY_TIMEOUT) must stay above the hard limit.
LIMITS = {"soft_time_limit": 300, "time_limit": 360}


@shared_task(**LIMITS)
def import_check_task(batch_id: int) -> str:
    """The dry run of an uploaded file (orders.services.imports.import_check)."""
    from .services.imports import import_check

    return import_check(batch_id).status


@shared_task(**LIMITS)
def import_apply_task(batch_id: int) -> str:
    """The confirmed import of a file (orders.services.imports.import_apply)."""
    from .services.imports import import_apply

    return import_apply(batch_id).status
