"""The order page: one visible order with everything it shows, and its timeline."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from gendan.models import User

from ..models import Order, OrderEvent, OrderLine, Payment
from .lists import order_list_visible_to, with_overdue


def order_get_detail(user: User, order_id: int) -> Order | None:
    """One visible order with what of orders the top of its page shows, prefetched: its
    lines and payments (shipping prefetches its shipments when it adds them; the parts
    below load on demand: orders.views.parts)."""
    # The lines with their products joined (a relation costs one query, not two); the
    # payments and their receipts without the people who asked and confirmed (the page
    # shows none of them, nor the order's API client).
    return (
        with_overdue(order_list_visible_to(user), timezone.localdate())
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
            Prefetch(
                "payments",
                queryset=Payment.objects.prefetch_related("receipts").order_by(
                    "requested_at", "pk"
                ),
            ),
        )
        .filter(pk=order_id)
        .first()
    )


def order_events(order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline, oldest first."""
    return order.events.select_related("actor").order_by("created_at", "pk")
