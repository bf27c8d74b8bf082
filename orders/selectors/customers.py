"""Customers (客户档案): their order counts and open amounts, their orders."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gendan.models import User

from ..models import Customer, Order
from ..states import OPEN, OrderStatus
from .lists import customer_list_visible_to, order_list_visible_to, with_overdue


def customer_list(user: User) -> QuerySet[Customer]:
    """The customers ``user`` may see, with their merchandiser: the rows of the customer
    page and its export (filtered by ``orders.filters.CustomerFilterSet``)."""
    return customer_list_visible_to(user).select_related("owner")


def customer_totals(user: User, customer_ids) -> dict[int, dict[str, Any]]:
    """{customer id: {orders, open_orders, amounts: [(currency, total, received, outstanding)]}}
    over the orders ``user`` may see (drafts and cancelled orders left out)."""
    rows = (
        order_list_visible_to(user)
        .filter(customer_id__in=list(customer_ids))
        .exclude(status__in=(OrderStatus.DRAFT, OrderStatus.CANCELLED))
        .order_by()
        .values("customer_id", "currency")
        .annotate(
            orders=Count("pk"),
            open_orders=Count("pk", filter=Q(status__in=OPEN)),
            total=Sum("total_amount"),
            received=Sum("amount_received"),
        )
    )
    totals: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = totals.setdefault(
            row["customer_id"], {"orders": 0, "open_orders": 0, "amounts": []}
        )
        entry["orders"] += row["orders"]
        entry["open_orders"] += row["open_orders"]
        entry["amounts"].append(
            {
                "currency": row["currency"],
                "total": row["total"],
                "received": row["received"],
                "outstanding": row["total"] - row["received"],
            }
        )
    return totals


def customer_orders(user: User, customer_id: int) -> QuerySet[Order]:
    return with_overdue(
        order_list_visible_to(user).filter(customer_id=customer_id), timezone.localdate()
    ).order_by("-order_date", "-pk")
