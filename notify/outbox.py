"""Writing the outbox: one row per domain event, in the transaction of the change.

``publish`` is called inside the service's transaction (by the receiver of
``gendan.timeline.recorded`` for every timeline entry, by the alert sweep for its new
alerts); when that transaction rolls back the row goes with it, so an event is
never announced for a change that did not happen. Once it commits, the dispatcher
task is kicked (``transaction.on_commit``, once per transaction); beat's sweep
catches what a kick missed (the broker down at that moment).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gendan.timeline import TimelineEvent, jsonable

from .channels import any_active
from .models import OutboxEvent

logger = logging.getLogger(__name__)


@dataclass
class Notice:
    """An event to announce: ``topic`` ("order.status_changed"), its subject, a title
    and text in Chinese, a link path and the JSON payload an ERP receives."""

    topic: str
    subject_type: str
    subject_id: int
    title: str
    text: str = ""
    subject_label: str = ""
    owner_id: int | None = None
    path: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: Any = None


def publish(notices: Iterable[Notice], *, using: str = "default") -> list[OutboxEvent]:
    """Write ``notices`` to the outbox (one INSERT) and kick the dispatcher after commit."""
    now = timezone.now()
    rows = [
        OutboxEvent(
            topic=n.topic[:64],
            subject_type=n.subject_type,
            subject_id=n.subject_id,
            subject_label=str(n.subject_label)[:100],
            owner_id=n.owner_id,
            title=str(n.title)[:200],
            text=str(n.text),
            path=n.path[:200],
            payload=jsonable(n.payload),
            created_at=n.created_at or now,
        )
        for n in notices
    ]
    if not rows:
        return []
    saved = OutboxEvent.objects.using(using).bulk_create(rows)
    kick_on_commit(using=using)
    return saved


def kick_on_commit(*, using: str = "default") -> None:
    """Queue the dispatcher once the transaction commits (once per transaction, and
    only when a channel has a target: otherwise beat's sweep marks the rows)."""
    connection = connections[using]
    if connection.in_atomic_block and any(
        getattr(func, "__name__", "") == "kick_dispatcher"
        for _sids, func, _robust in connection.run_on_commit
    ):
        return

    def kick_dispatcher() -> None:
        from .tasks import dispatch_task

        if not any_active():
            return
        # No publish retries: a broker that is down fails fast, beat's sweep delivers.
        dispatch_task.apply_async(retry=False)

    # robust: a broker that is down must not fail the committed change; beat's sweep
    # delivers the rows later.
    transaction.on_commit(kick_dispatcher, using=using, robust=True)


# --------------------------------------------------------------------------
# Timeline entries (orders.OrderEvent, kpi.AssessmentEvent, …)
# --------------------------------------------------------------------------


def _display(entry: TimelineEvent, name: str) -> str:
    getter = getattr(entry, f"get_{name}_display", None)
    return str(getter()) if getter and getattr(entry, name) else ""


def timeline_notice(entry: TimelineEvent) -> Notice:
    """The notice of one timeline entry: topic ``<subject>.<kind>``, a title in Chinese
    ("订单 GD-2026-000001：状态变更 已确认 → 已付订金"), the entry as payload."""
    subject = getattr(entry, entry.subject_field)
    kind = getattr(entry, entry.kind_field)
    label = str(subject)
    title = _("%(model)s %(label)s：%(kind)s") % {
        "model": subject._meta.verbose_name,
        "label": label,
        "kind": _display(entry, entry.kind_field),
    }
    if entry.to_status:
        title += f" {_display(entry, 'from_status') or '—'} → {_display(entry, 'to_status')}"
    actor = entry.actor
    lines = []
    if actor is not None:
        lines.append(_("操作人：%(name)s") % {"name": actor.get_full_name() or actor.username})
    if entry.note:
        lines.append(_("备注：%(note)s") % {"note": entry.note})
    owner_id = getattr(subject, "owner_id", None) or getattr(subject, "person_id", None)
    path = subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else ""
    return Notice(
        topic=f"{entry.subject_field}.{kind}",
        subject_type=entry.subject_field,
        subject_id=subject.pk,
        subject_label=label,
        owner_id=owner_id,
        title=title,
        text="\n".join(lines),
        path=path,
        created_at=entry.created_at,
        payload={
            "entry_id": entry.pk,
            "kind": kind,
            "from_status": entry.from_status,
            "to_status": entry.to_status,
            "actor": actor.username if actor is not None else None,
            "note": entry.note,
            "data": entry.data,
        },
    )


def on_timeline_recorded(sender, events: list[TimelineEvent], **kwargs) -> None:
    """Answer ``gendan.timeline.recorded``: the entries' notices, in their transaction."""
    if not settings.GENDAN_NOTIFY_ENABLED:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notices = [timeline_notice(entry) for entry in events]
    publish(notices, using=events[0]._state.db or "default")
