"""The PRODUCTION scope of the permission policy (gendan.policy): orders that have a
production order. Registered by ``ProductionConfig.ready()``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from gendan import policy
from gendan.models import User
from orders.models import Order

from .models import ProductionOrder


def _has_production(user: User, order: Order) -> bool:
    return order.production_orders.exists()


def _with_production(user: User, prefix: str) -> Q:
    has_po = ProductionOrder.objects.filter(order_id=OuterRef(f"{prefix}pk"))
    return Q(Exists(has_po))


def register() -> None:
    # No sources (policy.order_scope_sources): an order may have several production
    # orders, and most orders have one, so a list walks them by id as it is.
    policy.register_scope(policy.PRODUCTION, holds=_has_production, condition=_with_production)
