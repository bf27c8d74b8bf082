"""The event history kit: what an aggregate's timeline row is and how it is written.

Each aggregate keeps its own table (``orders.OrderEvent``, ``kpi.AssessmentEvent``)
on the abstract ``TimelineEvent``: the subject (a foreign key named by
``subject_field``), the kind of step (``kind_field``), then who, from which status to
which, a note and a JSON payload, and when. The apps' ``events`` modules are the
only writers; they call ``build`` inside the service's transaction.

Every entry written is announced by the ``recorded`` signal, in the same transaction
(``record`` and ``record_many`` send it): the notifications outbox (``notify``)
answers it with its row, so an event and its notification commit or roll back
together.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, Self

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from .fields import user_ref

# Sent with ``events`` (a list of saved entries of one class) inside the transaction
# that wrote them.
recorded = Signal()


# Written as text by ``jsonable`` (checked by identity before anything else is tried).
_AS_TEXT = frozenset({Decimal, dt.date, dt.datetime, dt.time})


def jsonable(value: Any) -> Any:
    """Decimals and dates as strings, so a JSON field stores them exactly."""
    # The exact built-in types first, by identity: a month's pay statement lines list
    # tens of thousands of orders, and this runs for each of their values.
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {k: jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if kind in _AS_TEXT:
        return str(value)
    # Subclasses (lazy and safe strings, choices, OrderedDict) as before.
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def status_fields(choices, *, max_length: int) -> tuple[models.CharField, models.CharField]:
    """The (from_status, to_status) pair of a timeline, over the aggregate's statuses."""
    return (
        models.CharField(_("原状态"), max_length=max_length, choices=choices, blank=True),
        models.CharField(_("新状态"), max_length=max_length, choices=choices, blank=True),
    )


class TimelineEvent(models.Model):
    """One step in an aggregate's history. A concrete subclass adds the subject
    foreign key, the kind field and ``from_status, to_status = status_fields(...)``."""

    subject_field: ClassVar[str]  # "order", "assessment"
    kind_field: ClassVar[str]  # "type", "action"

    actor = user_ref(_("操作人"), optional=True, related_name="+")
    note = models.TextField(_("备注"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        subject_id = getattr(self, f"{self.subject_field}_id")
        kind = getattr(self, self.kind_field)
        return f"{subject_id} {kind} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def build(
        cls,
        subject: models.Model,
        kind: str,
        /,
        *,
        actor,
        from_status: str = "",
        to_status: str = "",
        note: str = "",
        **data: Any,
    ) -> Self:
        """An unsaved entry: ``data`` (keyword arguments) stored as JSON."""
        return cls(
            **{cls.subject_field: subject, cls.kind_field: kind},
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            note=note or "",
            data=jsonable(data),
        )

    @classmethod
    def record(cls, subject: models.Model, kind: str, /, **kwargs: Any) -> Self:
        """Write one entry (``build``'s arguments)."""
        event = cls.build(subject, kind, **kwargs)
        event.save(force_insert=True)
        recorded.send(sender=cls, events=[event])
        return event

    @classmethod
    def record_many(cls, events: list[Self]) -> list[Self]:
        """Write the unsaved entries ``events`` (from ``build``) with one INSERT."""
        saved = cls.objects.bulk_create(events)
        if saved:
            recorded.send(sender=cls, events=saved)
        return saved
