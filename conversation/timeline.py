"""The order's timeline with its conversation: the order's events (``OrderEvent``) beside
its notes, contact records, attachments and requests, oldest first; filterable by
category; the day's production progress reports folded into one line per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import EventType, Order

from .models import ApprovalRequest, Attachment, Note, RequestStatus

NOTES, LIFECYCLE, PRODUCTION, MONEY, DOCUMENTS = (
    "notes",
    "lifecycle",
    "production",
    "money",
    "documents",
)
CATEGORIES = {
    NOTES: _("跟进"),
    LIFECYCLE: _("订单流程"),
    PRODUCTION: _("生产"),
    MONEY: _("收付款"),
    DOCUMENTS: _("附件"),
}

E = EventType
EVENT_CATEGORIES = {
    **dict.fromkeys(
        (
            E.PRODUCTION_ISSUED,
            E.PRODUCTION_STARTED,
            E.PRODUCTION_SUPERSEDED,
            E.PRODUCTION_RECALLED,
            E.PROGRESS_REPORTED,
            E.PROGRESS_CORRECTED,
            E.PROGRESS_WITHDRAWN,
            E.INSPECTION_RECORDED,
            E.INCIDENT_OPENED,
            E.INCIDENT_RESOLVED,
        ),
        PRODUCTION,
    ),
    **dict.fromkeys(
        (
            E.PAYMENT_REQUESTED,
            E.PAYMENT_ADJUSTED,
            E.PAYMENT_RECEIVED,
            E.PAYMENT_VOIDED,
            E.REFUND_FLAGGED,
            E.DISCOUNTED,
        ),
        MONEY,
    ),
}


@dataclass
class Entry:
    """One line of the timeline: ``kind`` says how it is shown ("event", "note",
    "attachment", "request", "decision", "progress_day")."""

    kind: str
    category: str
    when: dt.datetime
    actor: Any = None
    obj: Any = None
    items: list = field(default_factory=list)  # progress_day: the day's report events
    day: dt.date | None = None


def _progress_day(event) -> dt.date:
    try:
        return dt.date.fromisoformat(str((event.data or {}).get("date")))
    except ValueError:
        return timezone.localdate(event.created_at)


def _event_entries(order: Order) -> list[Entry]:
    entries: list[Entry] = []
    days: dict[dt.date, Entry] = {}
    for event in order.events.select_related("actor"):
        category = EVENT_CATEGORIES.get(event.type, LIFECYCLE)
        if event.type != E.PROGRESS_REPORTED:
            entries.append(Entry("event", category, event.created_at, event.actor, event))
            continue
        day = _progress_day(event)
        folded = days.get(day)
        if folded is None:
            folded = days[day] = Entry("progress_day", PRODUCTION, event.created_at, day=day)
            entries.append(folded)
        folded.items.append(event)
        folded.when = max(folded.when, event.created_at)
    return entries


def order_timeline(order: Order, *, category: str = "") -> list[Entry]:
    """The entries of ``order``'s timeline, oldest first; only ``category`` when it is
    one of ``CATEGORIES``."""
    entries = _event_entries(order)
    notes = Note.objects.filter(order=order).select_related(
        "author", "inspection", "case", "shipment"
    )
    files = {}
    for attachment in Attachment.objects.filter(order=order).select_related(
        "uploaded_by", *Attachment.ABOUT_FIELDS
    ):
        files.setdefault(("note", attachment.note_id), []).append(attachment)
        files.setdefault(("request", attachment.request_id), []).append(attachment)
        if attachment.note_id is None and attachment.request_id is None:
            entries.append(
                Entry(
                    "attachment",
                    DOCUMENTS,
                    attachment.created_at,
                    attachment.uploaded_by,
                    attachment,
                )
            )
    for note in notes.prefetch_related("mentions"):
        note.attached = files.get(("note", note.pk), [])
        entries.append(Entry("note", NOTES, note.created_at, note.author, note))
    requests = ApprovalRequest.objects.filter(order=order).select_related(
        "requested_by", "decided_by"
    )
    for request in requests:
        request.attached = files.get(("request", request.pk), [])
        entries.append(
            Entry("request", LIFECYCLE, request.created_at, request.requested_by, request)
        )
        if request.status != RequestStatus.PENDING and request.decided_at:
            entries.append(
                Entry("decision", LIFECYCLE, request.decided_at, request.decided_by, request)
            )
    if category in CATEGORIES:
        entries = [entry for entry in entries if entry.category == category]
    # Stable: an event and the request decision of the same moment keep their order.
    entries.sort(key=lambda entry: entry.when)
    return entries
