"""Shipment and after-sales pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import policy
from gendan.documents import document_view
from gendan.lists import ListPage
from gendan.uploads import download_response
from gendan.web import detail_page, form_action, form_page, page, visible_or_404
from orders import selectors as order_selectors
from orders.states import can_transition
from orders.views.parts import lazy_part, order_part_view

from . import selectors
from .documents import commercial_invoice, packing_list
from .filters import AfterSalesCaseFilterSet, ShipmentFilterSet
from .forms import CASE_ACTIONS, SHIPMENT_ACTIONS, DocumentForm, ShipmentCreateForm
from .models import AfterSalesKind, AfterSalesStatus, ShipmentDocument, ShipmentStatus

SHIPMENTS = ListPage(
    ShipmentFilterSet,
    selectors.shipment_list_visible_to,
    access="shipments",
    template="shipping/shipment_list.html",
    fields="search status",
    export="shipping:shipment_export",
    columns="number order.number order.customer.name status planned_ship_date actual_ship_date "
    "mode tracking_number quantity",
    headers={"quantity": gettext_lazy("数量")},
)
shipment_list, shipment_export = SHIPMENTS.views()


@page("shipments")
def shipment_create(request: HttpRequest, order_pk: int) -> HttpResponse:
    """Plan a shipment from the order's open quantities."""
    order = visible_or_404(order_selectors.order_get_visible, request.user, order_pk)
    if not policy.can(request.user, "shipment.create", order):
        raise PermissionDenied
    if not can_transition(order.status, "create_shipment"):
        messages.error(request, _("订单当前状态不能安排出货。"))
        return redirect("orders:detail", pk=order.pk)
    lines = selectors.order_lines_with_open_quantities(order)
    form = ShipmentCreateForm(request.POST or None, lines=lines)

    def again(form) -> HttpResponse:
        return render(request, "shipping/shipment_form.html", {"form": form, "order": order})

    return form_page(
        request,
        form,
        again=again,
        call=lambda: form.submit(actor=request.user, order=order),
        place=form.place,
        success=lambda shipment: _("出货 %(n)s 已安排。") % {"n": shipment.number},
        done=lambda shipment: reverse("shipping:shipment_detail", args=[shipment.pk]),
    )


def _shipment_context(request: HttpRequest, shipment) -> dict:
    can_update = policy.can(request.user, "shipment.update", shipment) and shipment.status in (
        ShipmentStatus.PLANNED,
        ShipmentStatus.PACKED,
        ShipmentStatus.SHIPPED,
    )
    documents = [
        (document, DocumentForm(document=document) if can_update else None)
        for document in selectors.with_files(
            sorted(shipment.documents.all(), key=lambda d: (not d.required, d.kind))
        )
    ]
    missing = [d for d in shipment.documents.all() if d.required and not d.is_ready]
    return {
        "shipment": shipment,
        "order": shipment.order,
        "documents": documents,
        "missing_documents": missing,
        "show_money": policy.can(request.user, "payment.view", shipment.order),
    }


shipment_detail, shipment_action = detail_page(
    "shipments",
    get=selectors.shipment_get_detail,
    template="shipping/shipment_detail.html",
    context=_shipment_context,
    actions=SHIPMENT_ACTIONS,
    url="shipping:shipment_detail",
)


shipment_packing_list = document_view("shipments", selectors.shipment_get_detail, packing_list)
shipment_invoice = document_view("shipments", selectors.shipment_get_priced, commercial_invoice)


@require_POST
@page("shipments")
def document_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick an item of the documents checklist (htmx: the row is answered in place)."""
    document = selectors.document_get_visible(request.user, pk)
    if document is None:
        raise Http404
    form = DocumentForm(request.POST, request.FILES, document=document)

    def row(ok: bool) -> HttpResponse:
        # Refused (a file too large, of a type not allowed): the row keeps the form
        # with its errors.
        [document] = selectors.with_files(
            ShipmentDocument.objects.select_related("updated_by").filter(pk=pk)
        )
        return render(
            request,
            "shipping/_document_row.html",
            {"document": document, "form": DocumentForm(document=document) if ok else form},
        )

    return form_action(
        request,
        form,
        lambda: form.submit(actor=request.user),
        invalid="",
        done=reverse("shipping:shipment_detail", args=[document.shipment_id]),
        partial=row,
    )


@require_GET
@page("shipments")
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A document's file, as an attachment, to those who may see its shipment (404 for
    anyone else, exactly as for a document that does not exist)."""
    document = selectors.document_get_visible(request.user, pk)
    if document is None:
        raise Http404
    stored = selectors.document_files([document]).get(document.pk)
    if stored is None:
        raise Http404
    return download_response(stored)


# --------------------------------------------------------------------------
# After-sales cases
# --------------------------------------------------------------------------


CASES = ListPage(
    AfterSalesCaseFilterSet,
    selectors.case_list_visible_to,
    access="after_sales",
    template="shipping/case_list.html",
    fields="search status",
    export="shipping:case_export",
    columns="received_at order.number order.customer.name kind status description cost",
)
case_list, case_export = CASES.views()


case_detail, case_action = detail_page(
    "after_sales",
    get=selectors.case_get_detail,
    template="shipping/case_detail.html",
    context=lambda request, case: {"case": case, "order": case.order},
    actions=CASE_ACTIONS,
    url="shipping:case_detail",
)


# --------------------------------------------------------------------------
# On orders' pages (connected in ShippingConfig.ready)
# --------------------------------------------------------------------------


def add_to_order_page(request: HttpRequest, order, context: dict) -> None:
    """The order page shows the shipments, each line's shipped quantity, the link to
    plan a shipment, and (loaded on demand) the after-sales cases."""
    prefetch_related_objects([order], *selectors.order_page_prefetches())
    if policy.can(request.user, "shipment.create", order) and can_transition(
        order.status, "create_shipment"
    ):
        context["links"].append(
            (reverse("shipping:shipment_create", args=[order.pk]), _("安排出货"))
        )
    shipments = list(order.shipments.all())
    for shipment in shipments:
        shipment.quantity = sum(line.quantity for line in shipment.lines.all())
    context["shipments"] = shipments
    shipped = selectors.shipped_by_line(shipments)
    for line in context["lines"]:
        line.shipped = shipped.get(line.pk, 0)
    # The after-sales cases, few orders have any: loaded on demand below the shipments.
    context.setdefault("page_parts", []).append(
        lazy_part(
            order, anchor="order-after-sales", url_name="shipping:order_part", title=_("售后")
        )
    )


def _order_part(request: HttpRequest, order) -> dict | None:
    cases = selectors.order_after_sales(order)
    return {"cases": cases} if cases else None


order_after_sales_part = order_part_view(
    "shipping/_order_after_sales.html", _order_part, title=gettext_lazy("售后")
)


def add_to_customer_page(request: HttpRequest, customer, context: dict) -> None:
    """The customer page lists the customer's after-sales cases the user may see."""
    cases = selectors.case_list_visible_to(request.user).filter(order__customer=customer)
    context["cases"] = cases[:50]


def after_sales_event_text(event, currency: str = "") -> str:
    """The order timeline's line for an after-sales case: "投诉 · 调查中"."""
    data = event.data or {}
    kind = dict(AfterSalesKind.choices).get(data.get("kind"), data.get("kind") or "")
    status = dict(AfterSalesStatus.choices).get(data.get("status"), data.get("status") or "")
    return f"{kind} · {status}"
