"""Alerts' answers to the conversation's and the KPI's signals (connected when
``AlertsConfig.ready`` imports this module): the inbox item of a mention, of a request
for its approver, of a decision for its requester and of an assessment sent to its
person, written in the transaction of the note, request or assessment."""

from __future__ import annotations

from django.dispatch import receiver

from conversation import signals
from conversation.models import ApprovalRequest, Note
from kpi import signals as kpi_signals
from kpi.models import Assessment

from . import assessments, conversation


@receiver(signals.note_mentioned, sender=Note, dispatch_uid="alerts.mention")
def on_mention(sender, *, note, users, **kwargs):
    return conversation.note_mentioned(note, users)


@receiver(signals.request_opened, sender=ApprovalRequest, dispatch_uid="alerts.request_opened")
def on_request_opened(sender, *, request, **kwargs):
    return conversation.request_opened(request)


@receiver(signals.request_decided, sender=ApprovalRequest, dispatch_uid="alerts.request_decided")
def on_request_decided(sender, *, request, **kwargs):
    return conversation.request_decided(request)


@receiver(kpi_signals.assessment_moved, sender=Assessment, dispatch_uid="alerts.assessment")
def on_assessment_moved(sender, *, assessment, previous, actor=None, **kwargs):
    return assessments.assessment_moved(assessment, previous, actor)
