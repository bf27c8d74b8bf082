"""The order lifecycle of product.md §2: statuses, named groups and the transition table.

A plain table a reviewer can hold against the spec at a glance. Every service
that moves an order calls ``ensure_transition`` under the order's row lock (the table
is a ``gendan.transitions.Transitions``, the kit every app's states.py uses).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gendan.transitions import Transitions


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # recorded, not yet confirmed; lines editable
    CONFIRMED = "confirmed", _("已确认")  # customer confirmed in writing and by phone
    AWAITING_DEPOSIT = "awaiting_deposit", _("待付订金")  # customer told the deposit to pay
    DEPOSIT_PAID = "deposit_paid", _("订金已到账")  # deposit confirmed (or waived)
    IN_PRODUCTION = "in_production", _("生产中")  # a production order is out
    PRODUCED = "produced", _("生产完成")  # quantity produced, final inspection passed
    AWAITING_BALANCE = "awaiting_balance", _("待付尾款")  # customer told to pay the balance
    PAID = "paid", _("全款已到账")  # full payment confirmed; shipment may leave
    PARTIALLY_SHIPPED = "partially_shipped", _("部分出货")  # part of the quantity has left
    SHIPPED = "shipped", _("已出货")  # all quantity has left
    DELIVERED = "delivered", _("已签收")  # customer received the goods
    CLOSED = "closed", _("已结案")  # archived
    CANCELLED = "cancelled", _("已取消")  # cancelled with a reason


S = OrderStatus

# The main path through the lifecycle, each status reached from the one before.
HAPPY_PATH = (
    S.DRAFT,
    S.CONFIRMED,
    S.AWAITING_DEPOSIT,
    S.DEPOSIT_PAID,
    S.IN_PRODUCTION,
    S.PRODUCED,
    S.AWAITING_BALANCE,
    S.PAID,
    S.PARTIALLY_SHIPPED,
    S.SHIPPED,
    S.DELIVERED,
    S.CLOSED,
)
# Statuses before any goods left the factory (draft … paid): cancellation is still possible.
BEFORE_SHIPMENT = frozenset(HAPPY_PATH[: HAPPY_PATH.index(S.PARTIALLY_SHIPPED)])
# Statuses after production started: cancelling needs a supervisor.
PRODUCTION_STARTED = frozenset({S.IN_PRODUCTION, S.PRODUCED, S.AWAITING_BALANCE, S.PAID})
# Statuses in which the order is still followed up (not archived, not cancelled).
OPEN = frozenset(set(S) - {S.CLOSED, S.CANCELLED})
# Not fully shipped yet: delivery-date alerts apply.
NOT_FULLY_SHIPPED = BEFORE_SHIPMENT | {S.PARTIALLY_SHIPPED}
# Goods have left: after-sales cases may be opened.
GOODS_OUT = frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED})
# Production may be completed only once the production order is out.
AMENDABLE = frozenset({S.CONFIRMED, S.AWAITING_DEPOSIT, S.DEPOSIT_PAID, S.IN_PRODUCTION})
# Statuses in which the price may still change by a discount: confirmed, and money is
# still to come (after full payment a lower price would be a refund, not a discount).
DISCOUNTABLE = AMENDABLE | {S.PRODUCED, S.AWAITING_BALANCE} | GOODS_OUT
# Statuses from which a shipment may leave (produced/awaiting_balance only with credit release).
SHIPPABLE = frozenset({S.PRODUCED, S.AWAITING_BALANCE, S.PAID, S.PARTIALLY_SHIPPED})


# action -> (statuses it may start from, status it leads to; None = status unchanged
# or decided by the service, e.g. ship -> partially_shipped | shipped).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "confirm": (frozenset({S.DRAFT}), S.CONFIRMED),
    "update_draft": (frozenset({S.DRAFT}), None),
    "request_deposit": (frozenset({S.CONFIRMED}), S.AWAITING_DEPOSIT),
    "skip_deposit": (frozenset({S.CONFIRMED}), S.DEPOSIT_PAID),  # deposit ratio 0
    "deposit_received": (frozenset({S.AWAITING_DEPOSIT}), S.DEPOSIT_PAID),
    "waive_deposit": (frozenset({S.CONFIRMED, S.AWAITING_DEPOSIT}), S.DEPOSIT_PAID),
    "issue_production": (frozenset({S.DEPOSIT_PAID}), S.IN_PRODUCTION),
    "accept_shortfall": (frozenset({S.IN_PRODUCTION}), None),
    "complete_production": (frozenset({S.IN_PRODUCTION}), S.PRODUCED),
    "request_balance": (frozenset({S.PRODUCED}), S.AWAITING_BALANCE),
    "balance_received": (frozenset({S.AWAITING_BALANCE}), S.PAID),
    "release_on_credit": (frozenset({S.PRODUCED, S.AWAITING_BALANCE}), None),
    "create_shipment": (SHIPPABLE, None),
    "ship": (SHIPPABLE, None),
    "confirm_delivery": (frozenset({S.SHIPPED}), S.DELIVERED),
    "close": (frozenset({S.DELIVERED}), S.CLOSED),
    "cancel": (BEFORE_SHIPMENT, S.CANCELLED),
    "amend": (AMENDABLE, None),
    "discount": (DISCOUNTABLE, None),
    "reassign": (OPEN, None),
    "open_after_sales": (GOODS_OUT, None),
}


def _describe(order, action: str) -> str:
    return _("订单 %(number)s 处于“%(status)s”状态，不能执行“%(action)s”。") % {
        "number": order.number,
        "status": OrderStatus(order.status).label,
        "action": action,
    }


ORDER_TRANSITIONS = Transitions(OrderStatus, TRANSITIONS, describe=_describe)
allowed_from = ORDER_TRANSITIONS.allowed_from
can_transition = ORDER_TRANSITIONS.can


def ensure_transition(order, action: str) -> str | None:
    """Raise InvalidTransition unless ``action`` may start from the order's status.

    Returns the target status of the table (None when the service decides).
    """
    return ORDER_TRANSITIONS.ensure(order, action)
