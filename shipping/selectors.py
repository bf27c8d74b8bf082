"""Reads of shipping data: open and shipped quantities per order line."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from gendan import policy
from gendan.models import User
from gendan.uploads import StoredFile
from orders.models import Order

from . import signals
from .models import (
    GONE_SHIPMENT_STATUSES,
    LIVE_SHIPMENT_STATUSES,
    OPEN_AFTER_SALES_STATUSES,
    AfterSalesCase,
    Shipment,
    ShipmentDocument,
    ShipmentLine,
)


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


# ==========================================================================
# Browser pages (issue #4): shipment and after-sales lists and pages.
# ==========================================================================


def first_ship_date(order: Order) -> dt.date | None:
    """The day the order's first goods left the factory (None before any left)."""
    return order.shipments.filter(status__in=GONE_SHIPMENT_STATUSES).aggregate(
        first=Min("actual_ship_date")
    )["first"]


def _visible(user: User, queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` whose order ``user`` may see."""
    return policy.related_scope(user, queryset)


def shipment_list_visible_to(user: User) -> QuerySet[Shipment]:
    """Shipments of the orders ``user`` may see, each with its total ``quantity``, the
    latest planned first: the rows of the shipment page and its export (filtered by
    ``shipping.filters.ShipmentFilterSet``)."""
    return (
        _visible(user, Shipment.objects.select_related("order", "order__customer", "order__owner"))
        .annotate(quantity=Coalesce(Sum("lines__quantity"), 0))
        .order_by("-planned_ship_date", "-pk")
    )


def shipment_get_detail(user: User, shipment_id: int) -> Shipment | None:
    return (
        _visible(user, Shipment.objects.select_related("order", "order__customer", "order__owner"))
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ShipmentLine.objects.select_related("order_line__product").order_by(
                    "order_line__position"
                ),
            ),
            Prefetch("documents", queryset=ShipmentDocument.objects.select_related("updated_by")),
        )
        .filter(pk=shipment_id)
        .first()
    )


def shipment_get_priced(user: User, shipment_id: int) -> Shipment | None:
    """A visible shipment whose money ``user`` may see (its commercial invoice), else None."""
    shipment = shipment_get_detail(user, shipment_id)
    if shipment is None or not policy.can(user, "payment.view", shipment.order):
        return None
    return shipment


def document_get_visible(user: User, document_id: int) -> ShipmentDocument | None:
    """A shipment document ``user`` may see (its shipment's order is visible), else
    None: the pages answer 404 alike for a document that is not there."""
    return (
        ShipmentDocument.objects.filter(
            pk=document_id,
            shipment__in=shipment_list_visible_to(user).values("pk"),
        )
        .select_related("shipment", "shipment__order")
        .first()
    )


def document_files(documents) -> dict[int, StoredFile]:
    """The files of the checklist items ``documents`` ({document id: stored file}, for
    those that have one), from the app that keeps them (``signals.document_files``)."""
    documents = list(documents)
    files: dict[int, StoredFile] = {}
    if documents:
        for _receiver, answer in signals.document_files.send(
            sender=ShipmentDocument, documents=documents
        ):
            files.update(answer or {})
    return files


def with_files(documents) -> list[ShipmentDocument]:
    """``documents``, each with ``stored``: its file (None without one)."""
    documents = list(documents)
    files = document_files(documents)
    for document in documents:
        document.stored = files.get(document.pk)
    return documents


def order_lines_with_open_quantities(order: Order) -> list:
    """The order's lines, each with ``open_quantity`` (not yet in a live shipment)."""
    open_by_line = open_quantities(order)
    lines = list(order.lines.select_related("product").order_by("position", "pk"))
    for line in lines:
        line.open_quantity = open_by_line.get(line.pk, 0)
    return lines


def case_list_visible_to(user: User) -> QuerySet[AfterSalesCase]:
    """After-sales cases of the orders ``user`` may see, the latest first: the rows of
    the after-sales page, its export and the API (``shipping.filters``)."""
    cases = AfterSalesCase.objects.select_related(
        "order", "order__customer", "order__owner", "opened_by"
    )
    return _visible(user, cases).order_by("-received_at", "-pk")


def case_get_detail(user: User, case_id: int) -> AfterSalesCase | None:
    return case_list_visible_to(user).filter(pk=case_id).first()


# ==========================================================================
# REST API (issue #3): lists whose queries do not depend on their length.
# ==========================================================================


def shipment_list_with_lines_visible_to(user: User) -> QuerySet[Shipment]:
    """Shipments of the orders ``user`` may see, with their lines and documents."""
    shipments = Shipment.objects.select_related("order").prefetch_related("lines", "documents")
    return _visible(user, shipments)


# --------------------------------------------------------------------------
# For orders' pages and reports (handed over through orders.signals)
# --------------------------------------------------------------------------


def order_page_prefetches() -> list[Prefetch]:
    """What the order page shows of shipping: the shipments with their lines (the
    after-sales cases are a part of their own: ``order_after_sales``)."""
    return [
        Prefetch("shipments", queryset=Shipment.objects.prefetch_related("lines").order_by("pk"))
    ]


def shipped_by_line(shipments) -> dict[int, int]:
    """{order line id: quantity that has left the factory} of ``shipments`` (the order's
    shipments with their lines prefetched: ``shipped_quantities`` without a query)."""
    shipped: dict[int, int] = {}
    for shipment in shipments:
        if shipment.status in GONE_SHIPMENT_STATUSES:
            for line in shipment.lines.all():
                shipped[line.order_line_id] = shipped.get(line.order_line_id, 0) + line.quantity
    return shipped


def order_after_sales(order: Order) -> list[AfterSalesCase]:
    """The order's after-sales cases, the latest first (the order page's part)."""
    cases = AfterSalesCase.objects.filter(order=order).select_related("opened_by")
    return list(cases.order_by("-received_at"))


def open_after_sales() -> Exists:
    """A condition on orders: an after-sales case of the order is still open."""
    return Exists(
        AfterSalesCase.objects.filter(order_id=OuterRef("pk"), status__in=OPEN_AFTER_SALES_STATUSES)
    )


def daily_report_part(order_ids, *, day: dt.date) -> dict[str, list]:
    """The daily report's shipments that left on ``day`` and complaints received that
    day, of the orders ``order_ids`` (a queryset of the report's visible orders)."""
    shipments = list(
        Shipment.objects.filter(order_id__in=order_ids, actual_ship_date=day)
        .select_related("order", "order__customer")
        .annotate(quantity=Coalesce(Sum("lines__quantity"), 0))
        .order_by("number")
    )
    complaints = list(
        AfterSalesCase.objects.filter(order_id__in=order_ids, received_at__date=day)
        .select_related("order", "order__customer")
        .order_by("received_at", "pk")
    )
    return {"shipments": shipments, "complaints": complaints}
