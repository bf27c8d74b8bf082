"""The order page: one visible order with everything it shows, and its timeline."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from gendan.models import User

from ..models import Approval, Order, OrderEvent, OrderLine, OrderRevision, Payment, PaymentReceipt
from .lists import order_list_visible_to, with_overdue


def order_get_detail(user: User, order_id: int) -> Order | None:
    """One visible order with everything its page shows, prefetched."""
    from production.models import Incident, ProductionOrder, ProgressReport, QualityInspection
    from shipping.models import AfterSalesCase, Shipment, ShipmentLine

    # Each related row with its own foreign keys joined (select_related), so that a
    # relation costs one query, not two.

    return (
        with_overdue(order_list_visible_to(user), timezone.localdate())
        .select_related("client")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related("confirmed_by", "requested_by")
                .prefetch_related(
                    Prefetch(
                        "receipts",
                        queryset=PaymentReceipt.objects.select_related("confirmed_by"),
                    )
                )
                .order_by("requested_at", "pk"),
            ),
            Prefetch(
                "events",
                queryset=OrderEvent.objects.select_related("actor").order_by("-created_at", "-pk"),
            ),
            Prefetch(
                "production_orders",
                queryset=ProductionOrder.objects.select_related("issued_by")
                .prefetch_related(
                    "milestones",
                    Prefetch(
                        "inspections",
                        queryset=QualityInspection.objects.select_related("inspector"),
                    ),
                    Prefetch(
                        "progress_reports",
                        queryset=ProgressReport.objects.select_related(
                            "stage", "reported_by"
                        ).order_by("-date", "-stage__position"),
                    ),
                )
                .order_by("issued_at", "pk"),
            ),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.prefetch_related(
                    Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line"))
                ).order_by("pk"),
            ),
            Prefetch(
                "after_sales_cases",
                queryset=AfterSalesCase.objects.select_related("opened_by").order_by(
                    "-received_at"
                ),
            ),
            Prefetch("incidents", queryset=Incident.objects.select_related("production_order")),
            Prefetch("approvals", queryset=Approval.objects.select_related("approved_by")),
            Prefetch("revisions", queryset=OrderRevision.objects.select_related("created_by")),
            "shared_with",
        )
        .filter(pk=order_id)
        .first()
    )


def order_events(order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline, oldest first."""
    return order.events.select_related("actor").order_by("created_at", "pk")
