"""Reads of orders scoped by the permission policy."""

from __future__ import annotations

from django.db.models import QuerySet

from gendan import policy
from gendan.models import User

from .models import Order
from .states import OPEN


def order_list_visible_to(user: User) -> QuerySet[Order]:
    """Every order ``user`` may see, with what a list row shows."""
    return policy.order_scope(user, Order.objects.select_related("customer", "owner"))


def order_list_open_for(user: User) -> QuerySet[Order]:
    """Visible orders still followed up, the nearest contract delivery date first."""
    return (
        order_list_visible_to(user).filter(status__in=OPEN).order_by("contract_delivery_date", "pk")
    )


def order_get_visible(user: User, order_id: int) -> Order | None:
    return order_list_visible_to(user).filter(pk=order_id).first()
