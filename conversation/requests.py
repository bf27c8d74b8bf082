"""The kinds of request (申请) and what approving each one does.

Each kind names the role that decides it and the existing service that approving
runs, under the approver's name, in the decision's transaction. ``available``
says whether the order's state allows it now (the page offers only those, and the
service refuses a request the order cannot take).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from gendan.roles import Role
from orders import services as order_services
from orders.models import Order
from orders.states import PRODUCTION_STARTED, OrderStatus, can_transition
from production import services as production_services

from .models import RequestKind


@dataclass(frozen=True)
class Kind:
    """A kind of request: the role that decides it, the service approving runs (called
    with ``actor``, ``order_id``, ``reason`` and the request's ``params``) and whether
    the order's state allows it now."""

    name: str
    approver_role: str
    service: Callable[..., Any]
    available: Callable[[Order], bool]

    def approve(self, actor, request) -> Any:
        params = {
            name: PARAMS[name](value)
            for name, value in (request.params or {}).items()
            if name in PARAMS
        }
        return self.service(
            actor=actor, order_id=request.order_id, reason=_reason(request), **params
        )


def _reason(request) -> str:
    return str(_("申请 #%(id)s：%(reason)s")) % {"id": request.pk, "reason": request.reason}


def _date(value) -> dt.date | None:
    """A request's date parameter, None if it is not one."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


# A request's parameters as its service takes them (stored as text in ``params``; a
# discount's amount or percent is checked again by the service when approved).
PARAMS: dict[str, Callable[[Any], Any]] = {
    "contract_delivery_date": _date,
    "amount": str,
    "percent": str,
}


def _transition(action: str, *, unless: str = "") -> Callable[[Order], bool]:
    """The order's state allows ``action`` (and its flag ``unless`` is not set yet)."""
    return lambda order: (
        can_transition(order.status, action) and not (unless and getattr(order, unless))
    )


def _rush_available(order: Order) -> bool:
    # A production order is live only while its order is in production (issuing one
    # moves the order there; completing, superseding or recalling it takes it off the
    # floor): no query for an order in any other status (the order page's budget).
    if order.status != OrderStatus.IN_PRODUCTION:
        return False
    live = production_services.live_production_order(order)
    return live is not None and not live.rush


def _cancel_available(order: Order) -> bool:
    return order.status in PRODUCTION_STARTED and can_transition(order.status, "cancel")


def _discount_available(order: Order) -> bool:
    return can_transition(order.status, "discount") and order.balance_due > 0


def _write_off_available(order: Order) -> bool:
    return order_services.payment_to_write_off(order) is not None


K, SUP = RequestKind, Role.SUPERVISOR
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            K.DEPOSIT_WAIVER, SUP, order_services.order_waive_deposit, _transition("waive_deposit")
        ),
        Kind(
            K.RELEASE_ON_CREDIT,
            SUP,
            order_services.order_release_on_credit,
            _transition("release_on_credit", unless="credit_released"),
        ),
        Kind(
            K.PRODUCTION_SHORTFALL,
            SUP,
            production_services.production_accept_shortfall,
            _transition("accept_shortfall", unless="shortfall_accepted"),
        ),
        Kind(K.LATE_CANCELLATION, SUP, order_services.order_cancel, _cancel_available),
        Kind(
            K.CONTRACT_DATE_CHANGE,
            SUP,
            order_services.order_change_contract_date,
            _transition("amend"),
        ),
        Kind(K.DISCOUNT, SUP, order_services.order_apply_discount, _discount_available),
        Kind(K.WRITE_OFF, Role.FINANCE, order_services.payment_write_off, _write_off_available),
        Kind(K.RUSH, Role.PRODUCTION, production_services.production_order_rush, _rush_available),
    )
}


def decide_action(kind: str) -> str:
    """The policy action of deciding a request of ``kind``."""
    return f"request.decide.{KINDS[kind].approver_role}"


def kinds_available(order: Order) -> list[str]:
    return [name for name, kind in KINDS.items() if kind.available(order)]
