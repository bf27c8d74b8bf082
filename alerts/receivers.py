"""Alerts' answers to the conversation's signals (connected when ``AlertsConfig.ready``
imports this module): the inbox item of a mention, of a request for its approver and
of a decision for its requester, written in the transaction of the note or request."""

from __future__ import annotations

from django.dispatch import receiver

from conversation import signals
from conversation.models import ApprovalRequest, Note

from . import conversation


@receiver(signals.note_mentioned, sender=Note, dispatch_uid="alerts.mention")
def on_mention(sender, *, note, users, **kwargs):
    return conversation.note_mentioned(note, users)


@receiver(signals.request_opened, sender=ApprovalRequest, dispatch_uid="alerts.request_opened")
def on_request_opened(sender, *, request, **kwargs):
    return conversation.request_opened(request)


@receiver(signals.request_decided, sender=ApprovalRequest, dispatch_uid="alerts.request_decided")
def on_request_decided(sender, *, request, **kwargs):
    return conversation.request_decided(request)
