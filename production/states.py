"""Production orders (生产通知单): statuses, named groups and the transition table.

A production order is issued for one revision of a customer order, started by
production planning (or by its first daily report), and completed once the
quantity is produced and the final inspection passed. Amending the order
supersedes it; cancelling the order recalls it. The services call
``PRODUCTION_ORDER_TRANSITIONS.ensure`` under the customer order's row lock.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gendan.transitions import Transitions


class ProductionOrderStatus(models.TextChoices):
    ISSUED = "issued", _("已下达")  # sent to production planning
    IN_PROGRESS = "in_progress", _("生产中")  # production accepted and started
    COMPLETED = "completed", _("已完成")  # quantity produced, final inspection passed
    SUPERSEDED = "superseded", _("已作废（改单）")  # replaced by a new revision's order
    RECALLED = "recalled", _("已回收")  # order cancelled; sheets and flow cards recalled


PO = ProductionOrderStatus

# Live on the floor: reports and inspections are filed against it.
ACTIVE_PRODUCTION_STATUSES = (PO.ISSUED, PO.IN_PROGRESS)
ACTIVE = frozenset(ACTIVE_PRODUCTION_STATUSES)

# action -> (statuses it may start from, status it leads to; None = status unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "start": (frozenset({PO.ISSUED}), PO.IN_PROGRESS),
    "complete": (ACTIVE, PO.COMPLETED),  # an issued one is started on the way
    "progress_report": (ACTIVE, None),  # the first report of an issued one starts it
    "inspection": (ACTIVE, None),
    "supersede": (ACTIVE, PO.SUPERSEDED),  # the order was amended
    "recall": (ACTIVE, PO.RECALLED),  # the order was cancelled
}

PRODUCTION_ORDER_TRANSITIONS = Transitions(ProductionOrderStatus, TRANSITIONS)
