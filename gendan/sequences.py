"""Gap-free document numbers (GD-2026-000123) without races."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Sequence


@transaction.atomic
def next_value(key: str) -> int:
    """Take the next value of the counter ``key``.

    The UPDATE locks the counter row until the caller's transaction commits, so
    concurrent callers queue behind it and never read the same value; a number
    taken by a transaction that rolls back is handed out again (no gaps).
    """
    if not Sequence.objects.filter(key=key).update(last=F("last") + 1):
        try:
            # Savepoint: a concurrent first creation of the same key must not
            # break the caller's transaction.
            with transaction.atomic():
                Sequence.objects.create(key=key, last=1)
            return 1
        except IntegrityError:
            Sequence.objects.filter(key=key).update(last=F("last") + 1)
    return Sequence.objects.filter(key=key).values_list("last", flat=True).get()


def next_number(prefix: str, *, width: int = 6) -> str:
    """``PREFIX-YYYY-NNNNNN``, counted per prefix and year (local time)."""
    year = timezone.localdate().year
    value = next_value(f"{prefix}-{year}")
    return f"{prefix}-{year}-{value:0{width}d}"
