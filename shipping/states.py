"""Shipments and after-sales cases: statuses, named groups and the transition tables.

The services call ``SHIPMENT_TRANSITIONS.ensure`` / ``AFTER_SALES_TRANSITIONS.ensure``
under the customer order's row lock; a repeated action that finds the work done
raises AlreadyDone before the table is asked.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gendan.transitions import Transitions


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")  # booked, not packed
    PACKED = "packed", _("已装箱")  # packed and ready
    SHIPPED = "shipped", _("已出货")  # left the factory
    DELIVERED = "delivered", _("已签收")  # customer received it
    CANCELLED = "cancelled", _("已取消")


SH = ShipmentStatus

# Shipments whose quantities count against the order's open quantity.
LIVE_SHIPMENT_STATUSES = (SH.PLANNED, SH.PACKED, SH.SHIPPED, SH.DELIVERED)
# Shipments that have left the factory.
GONE_SHIPMENT_STATUSES = (SH.SHIPPED, SH.DELIVERED)
# Not left yet: may still be packed, shipped or cancelled.
NOT_LEFT = frozenset({SH.PLANNED, SH.PACKED})

# action -> (statuses it may start from, status it leads to).
SHIPMENT_TABLE: dict[str, tuple[frozenset[str], str | None]] = {
    "pack": (frozenset({SH.PLANNED}), SH.PACKED),
    "ship": (NOT_LEFT, SH.SHIPPED),
    "deliver": (frozenset({SH.SHIPPED}), SH.DELIVERED),
    "cancel_shipment": (NOT_LEFT, SH.CANCELLED),
}
SHIPMENT_TRANSITIONS = Transitions(ShipmentStatus, SHIPMENT_TABLE)


class AfterSalesStatus(models.TextChoices):
    OPEN = "open", _("待处理")  # registered, nobody on it yet
    INVESTIGATING = "investigating", _("调查中")  # the cause is being looked for
    RESOLVED = "resolved", _("已解决")  # root cause, corrective action and cost recorded
    CLOSED = "closed", _("已关闭")  # the customer's satisfaction recorded


AS = AfterSalesStatus

# Cases still being worked on: they keep the order from being closed.
OPEN_AFTER_SALES_STATUSES = (AS.OPEN, AS.INVESTIGATING)

AFTER_SALES_TABLE: dict[str, tuple[frozenset[str], str | None]] = {
    "investigate": (frozenset({AS.OPEN}), AS.INVESTIGATING),
    "resolve": (frozenset(OPEN_AFTER_SALES_STATUSES), AS.RESOLVED),
    "close": (frozenset({AS.RESOLVED}), AS.CLOSED),
}
AFTER_SALES_TRANSITIONS = Transitions(AfterSalesStatus, AFTER_SALES_TABLE)
