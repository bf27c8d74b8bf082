"""The conversation's alerts: a mention, a request waiting for its approver, a decision
for its requester (put in the inbox by ``alerts.receivers`` in the transaction of the
note or request), and the sweep that tells the approver's supervisor about a request
waiting too long (``approval_overdue``: exactly once per request).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from conversation.models import ApprovalRequest, ApprovalSettings, Note
from gendan.models import User
from gendan.roles import Role

from .models import Alert, AlertRecipient, AlertRule, AlertSettings

EXCERPT = 120


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _role_users(*roles: str) -> list[int]:
    return list(
        User.objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .values_list("pk", flat=True)
    )


def raise_alert(
    rule: str, subject, *, order, data: dict, user_ids: Iterable[int], now=None, email=True
) -> Alert | None:
    """One alert of ``rule`` about ``subject`` today, in the inboxes of ``user_ids``;
    None when it exists already today (unique per rule, day and object) or nobody is
    to be told. Its e-mail is queued after commit (``email``; a sweep queues its own)."""
    from .services import _queue_emails_on_commit

    users = sorted(set(user_ids))
    if not users:
        return None
    now = now or timezone.now()
    alert = Alert(
        rule=rule,
        day=timezone.localdate(now),
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        order=order,
        data=data,
        created_at=now,
    )
    Alert.objects.bulk_create([alert], ignore_conflicts=True)
    # Ours only if it carries this moment (one that existed today is left alone).
    alert = (
        Alert.objects.filter(
            rule=rule, day=alert.day, content_type=alert.content_type, object_id=subject.pk
        )
        .filter(created_at=now)
        .first()
    )
    if alert is None:
        return None
    AlertRecipient.objects.bulk_create(
        [AlertRecipient(alert=alert, user_id=pk) for pk in users], ignore_conflicts=True
    )
    if email and AlertSettings.load().send_email:
        _queue_emails_on_commit([alert.pk])
    return alert


def _request_data(request: ApprovalRequest, **extra) -> dict:
    return {
        "order_number": request.order.number,
        "who": str(request.requested_by),
        "kind": request.kind,
        "kind_label": str(request.get_kind_display()),
        **extra,
    }


def note_mentioned(note: Note, users: list) -> Alert | None:
    return raise_alert(
        AlertRule.MENTION,
        note,
        order=note.order,
        data={
            "order_number": note.order.number,
            "who": str(note.author),
            "text": _excerpt(note.body),
        },
        user_ids=[user.pk for user in users],
    )


def request_opened(request: ApprovalRequest) -> Alert | None:
    approvers = [pk for pk in _role_users(request.approver_role) if pk != request.requested_by_id]
    return raise_alert(
        AlertRule.APPROVAL_REQUESTED,
        request,
        order=request.order,
        data=_request_data(request, text=_excerpt(request.reason)),
        user_ids=approvers,
    )


def request_decided(request: ApprovalRequest) -> Alert | None:
    """The requester is told; the request leaves the approvers' open inbox items."""
    now = timezone.now()
    AlertRecipient.objects.filter(
        alert__rule__in=[AlertRule.APPROVAL_REQUESTED, AlertRule.APPROVAL_OVERDUE],
        alert__content_type=ContentType.objects.get_for_model(ApprovalRequest),
        alert__object_id=request.pk,
        acknowledged_at__isnull=True,
    ).update(acknowledged_at=now, read_at=Coalesce("read_at", now))
    return raise_alert(
        AlertRule.APPROVAL_DECIDED,
        request,
        order=request.order,
        data=_request_data(
            request,
            status_label=str(request.get_status_display()),
            text=_excerpt(request.decision_note),
        ),
        user_ids=[request.requested_by_id],
        now=now,
    )


def overdue_recipients(approver_role: str, settings: ApprovalSettings) -> list[int]:
    """The approver's supervisor: for finance's and production's requests the
    supervisors; for the supervisors' own, the people named in the approval settings
    (else the superusers)."""
    named = list(settings.escalate_to.filter(is_active=True).values_list("pk", flat=True))
    if approver_role != Role.SUPERVISOR:
        return _role_users(Role.SUPERVISOR) + named
    if named:
        return named
    return list(User.objects.filter(is_active=True, is_superuser=True).values_list("pk", flat=True))


def approval_overdue(*, today: dt.date, now: dt.datetime) -> list[int]:
    """approval_overdue: each request waiting longer than the approval settings allow,
    once (a request already alerted on any day is skipped)."""
    settings = ApprovalSettings.load()
    request_type = ContentType.objects.get_for_model(ApprovalRequest)
    alerted = Alert.objects.filter(
        rule=AlertRule.APPROVAL_OVERDUE, content_type=request_type, object_id=OuterRef("pk")
    )
    waiting = (
        ApprovalRequest.objects.filter(
            Q(status=ApprovalRequest.Status.PENDING),
            created_at__lte=now - dt.timedelta(hours=settings.overdue_hours),
        )
        .filter(~Exists(alerted))
        .select_related("order", "requested_by")
        .order_by("pk")
    )
    created = []
    for request in waiting:
        alert = raise_alert(
            AlertRule.APPROVAL_OVERDUE,
            request,
            order=request.order,
            data=_request_data(request, hours=settings.overdue_hours),
            user_ids=overdue_recipients(request.approver_role, settings),
            now=now,
            email=False,  # alert_sweep queues the e-mails of the alerts it returns
        )
        if alert is not None:
            created.append(alert.pk)
    return created
