"""Reads of shipping data: open and shipped quantities per order line."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from gendan import policy
from gendan.models import User
from orders.models import Order

from .models import GONE_SHIPMENT_STATUSES, LIVE_SHIPMENT_STATUSES, AfterSalesCase, Shipment


def _line_quantities(order: Order, statuses) -> dict[int, tuple[int, int]]:
    """{order line id: (ordered, quantity in shipments of ``statuses``)} in one query."""
    rows = order.lines.annotate(
        taken=Coalesce(
            Sum(
                "shipment_lines__quantity", filter=Q(shipment_lines__shipment__status__in=statuses)
            ),
            0,
        )
    ).values_list("pk", "quantity", "taken")
    return {pk: (quantity, taken) for pk, quantity, taken in rows}


def open_quantities(order: Order) -> dict[int, int]:
    """Quantity of each line not yet in a live (not cancelled) shipment."""
    return {
        pk: max(quantity - taken, 0)
        for pk, (quantity, taken) in _line_quantities(order, LIVE_SHIPMENT_STATUSES).items()
    }


def shipped_quantities(order: Order) -> dict[int, int]:
    """Quantity of each line that has left the factory."""
    return {pk: taken for pk, (_, taken) in _line_quantities(order, GONE_SHIPMENT_STATUSES).items()}


def all_quantity_gone(order: Order) -> bool:
    """Whether every line's ordered quantity has left the factory."""
    quantities = _line_quantities(order, GONE_SHIPMENT_STATUSES)
    return bool(quantities) and all(taken >= qty for qty, taken in quantities.values())


# --- reads of the REST API (each list's queries do not depend on its length) ------------


def shipment_list_visible_to(user: User) -> QuerySet[Shipment]:
    """Shipments of the orders ``user`` may see, with their lines and documents."""
    shipments = Shipment.objects.select_related("order").prefetch_related("lines", "documents")
    return policy.related_scope(user, shipments, "order", "order.view")


def after_sales_case_list_visible_to(user: User) -> QuerySet[AfterSalesCase]:
    cases = AfterSalesCase.objects.select_related("order")
    return policy.related_scope(user, cases, "order", "order.view")
