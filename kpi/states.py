"""The monthly assessment workflow of kpi-and-pay.md §3: statuses and the transition table.

draft → sent → confirmed | disputed → finalized → exported; a disputed
assessment is re-confirmed by the supervisor; a finalised or exported one is
read-only until a correction reopens it (back to draft, with a reason).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gendan.transitions import Transitions


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # computed; supervisor enters teamwork and attitude
    SENT = "sent", _("已发送")  # sent to the person for confirmation
    CONFIRMED = "confirmed", _("已确认")  # the person (or the supervisor after a dispute) agreed
    DISPUTED = "disputed", _("有异议")  # the person disputed it with a reason
    FINALIZED = "finalized", _("已定稿")  # the supervisor finalised it: read-only
    EXPORTED = "exported", _("已导出")  # finance exported the pay sheet: read-only


A = AssessmentStatus

# Before finalisation: figures may still be recomputed and inputs changed.
OPEN = frozenset({A.DRAFT, A.SENT, A.CONFIRMED, A.DISPUTED})
# Read-only until reopened.
LOCKED = frozenset({A.FINALIZED, A.EXPORTED})

# action -> (statuses it may start from, status it leads to; None = unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "compute": (OPEN, None),
    "enter": (frozenset({A.DRAFT, A.DISPUTED}), None),
    "send": (frozenset({A.DRAFT}), A.SENT),
    "confirm": (frozenset({A.SENT}), A.CONFIRMED),
    "dispute": (frozenset({A.SENT}), A.DISPUTED),
    "reconfirm": (frozenset({A.DISPUTED}), A.CONFIRMED),
    # A sent assessment the person left unanswered past the confirmation deadline
    # may be finalised too (a guard in the service checks the date).
    "finalize": (frozenset({A.CONFIRMED, A.SENT}), A.FINALIZED),
    "export": (frozenset({A.FINALIZED}), A.EXPORTED),
    "reopen": (LOCKED, A.DRAFT),
    "change_inputs": (OPEN, None),  # penalties, faults, hours of the person's month
}


# What each action is called on the pages and in error messages.
ACTION_LABELS = {
    "compute": _("计算"),
    "enter": _("主管评分"),
    "send": _("发送"),
    "confirm": _("确认"),
    "dispute": _("提出异议"),
    "reconfirm": _("复核确认"),
    "finalize": _("定稿"),
    "export": _("导出工资表"),
    "reopen": _("重新打开"),
    "change_inputs": _("修改扣款、工时或差错"),
}


def _describe(assessment, action: str) -> str:
    return _("考核处于“%(status)s”状态，不能执行“%(action)s”。") % {
        "status": AssessmentStatus(assessment.status).label,
        "action": ACTION_LABELS[action],
    }


ASSESSMENT_TRANSITIONS = Transitions(AssessmentStatus, TRANSITIONS, describe=_describe)
can_transition = ASSESSMENT_TRANSITIONS.can


def ensure_transition(assessment, action: str) -> str | None:
    """Raise InvalidTransition unless ``action`` may start from the assessment's status."""
    return ASSESSMENT_TRANSITIONS.ensure(assessment, action)
