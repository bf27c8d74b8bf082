"""Sample requests (打样): statuses and the transition table (seed 001 §6.7–6.9).

A customer's request is written down as a detail sheet, made (after the supervisor
approved a new mould when one is needed), reviewed (photographed, a retained sample
kept, the fee decided), sent with the courier's tracking number, and answered by
the customer: approved, rejected, or to be revised (made again). An approved sample
may become an order.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gendan.transitions import Transitions


class SampleStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")  # the detail sheet is written
    IN_MAKING = "in_making", _("打样中")  # the factory is making it
    MADE = "made", _("已做好")  # made, waiting for the merchandiser's review
    REVIEWED = "reviewed", _("已审核")  # photographed, retained sample kept, fee decided
    SENT = "sent", _("已寄出")  # with the courier, tracking number registered
    APPROVED = "approved", _("客户确认")  # the customer approved it
    REJECTED = "rejected", _("客户拒绝")  # the customer turned it down
    REVISE = "revise", _("需修改")  # the customer asks for a revised sample


class MouldStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("不需开模")
    PENDING = "pending", _("待主管审批")
    APPROVED = "approved", _("已批准开模")
    REFUSED = "refused", _("不批准开模")


SS = SampleStatus

TRANSITIONS = {
    "start": ({SS.REQUESTED, SS.REVISE}, SS.IN_MAKING),
    "finish": ({SS.IN_MAKING}, SS.MADE),
    "review": ({SS.MADE}, SS.REVIEWED),
    "send": ({SS.REVIEWED}, SS.SENT),
    "verdict": ({SS.SENT}, None),  # approved, rejected or revise: the verdict says
    "approve_mould": ({SS.REQUESTED, SS.REVISE}, None),
    "purchase": ({SS.REQUESTED, SS.IN_MAKING, SS.REVISE}, None),
    "retain": ({SS.REVIEWED, SS.SENT, SS.APPROVED, SS.REJECTED, SS.REVISE}, None),
    "convert": ({SS.APPROVED}, None),
    "photo": (set(SS.values), None),
}

SAMPLE_TRANSITIONS = Transitions(SampleStatus, TRANSITIONS)
VERDICTS = (SS.APPROVED, SS.REJECTED, SS.REVISE)
