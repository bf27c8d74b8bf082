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
from orders.states import PRODUCTION_STARTED, can_transition
from production import services as production_services

from .models import RequestKind


@dataclass(frozen=True)
class Kind:
    name: str
    approver_role: str
    approve: Callable[[Any, Any], Any]  # (approver, request) -> the service's result
    available: Callable[[Order], bool]
    # The parameters the request carries besides its reason: name -> label.
    params: tuple[str, ...] = ()


def _reason(request) -> str:
    return str(_("申请 #%(id)s：%(reason)s")) % {"id": request.pk, "reason": request.reason}


def _rush_available(order: Order) -> bool:
    live = production_services.live_production_order(order)
    return live is not None and not live.rush


def _cancel_available(order: Order) -> bool:
    return order.status in PRODUCTION_STARTED and can_transition(order.status, "cancel")


K = RequestKind
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            K.DEPOSIT_WAIVER,
            Role.SUPERVISOR,
            lambda actor, r: order_services.order_waive_deposit(
                actor=actor, order_id=r.order_id, reason=_reason(r)
            ),
            lambda order: can_transition(order.status, "waive_deposit"),
        ),
        Kind(
            K.RELEASE_ON_CREDIT,
            Role.SUPERVISOR,
            lambda actor, r: order_services.order_release_on_credit(
                actor=actor, order_id=r.order_id, reason=_reason(r)
            ),
            lambda order: (
                can_transition(order.status, "release_on_credit") and not order.credit_released
            ),
        ),
        Kind(
            K.PRODUCTION_SHORTFALL,
            Role.SUPERVISOR,
            lambda actor, r: production_services.production_accept_shortfall(
                actor=actor, order_id=r.order_id, reason=_reason(r)
            ),
            lambda order: (
                can_transition(order.status, "accept_shortfall") and not order.shortfall_accepted
            ),
        ),
        Kind(
            K.LATE_CANCELLATION,
            Role.SUPERVISOR,
            lambda actor, r: order_services.order_cancel(
                actor=actor, order_id=r.order_id, reason=_reason(r)
            ),
            _cancel_available,
        ),
        Kind(
            K.CONTRACT_DATE_CHANGE,
            Role.SUPERVISOR,
            lambda actor, r: order_services.order_change_contract_date(
                actor=actor,
                order_id=r.order_id,
                contract_delivery_date=_date(r.params.get("contract_delivery_date")),
                reason=_reason(r),
            ),
            lambda order: can_transition(order.status, "amend"),
            params=("contract_delivery_date",),
        ),
        Kind(
            K.WRITE_OFF,
            Role.FINANCE,
            lambda actor, r: order_services.payment_write_off(
                actor=actor, order_id=r.order_id, reason=_reason(r)
            ),
            lambda order: order_services.payment_to_write_off(order) is not None,
        ),
        Kind(
            K.RUSH,
            Role.PRODUCTION,
            lambda actor, r: production_services.production_order_rush(
                actor=actor, order_id=r.order_id, reason=_reason(r)
            ),
            _rush_available,
        ),
    )
}


def _date(value):
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def decide_action(kind: str) -> str:
    """The policy action of deciding a request of ``kind``."""
    return f"request.decide.{KINDS[kind].approver_role}"


def kinds_available(order: Order) -> list[str]:
    return [name for name, kind in KINDS.items() if kind.available(order)]
