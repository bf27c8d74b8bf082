"""Shipment and after-sales pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import policy
from gendan.lists import ListPage
from gendan.web import page, run
from orders import selectors as order_selectors
from orders.states import can_transition

from . import selectors
from .filters import AfterSalesCaseFilterSet, ShipmentFilterSet
from .forms import CASE_ACTIONS, SHIPMENT_ACTIONS, DocumentForm, ShipmentCreateForm
from .models import ShipmentDocument, ShipmentStatus

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
    order = order_selectors.order_get_visible(request.user, order_pk)
    if order is None:
        raise Http404
    if not policy.can(request.user, "shipment.create", order):
        raise PermissionDenied
    if not can_transition(order.status, "create_shipment"):
        messages.error(request, _("订单当前状态不能安排出货。"))
        return redirect("orders:detail", pk=order.pk)
    lines = selectors.order_lines_with_open_quantities(order)
    form = ShipmentCreateForm(request.POST or None, lines=lines)
    if request.method == "POST":
        if form.is_valid():
            ok, shipment = run(
                request,
                lambda: form.submit(actor=request.user, order=order),
                form=form,
                place=form.place,
            )
            if ok:
                messages.success(request, _("出货 %(n)s 已安排。") % {"n": shipment.number})
                return redirect("shipping:shipment_detail", pk=shipment.pk)
        else:
            messages.error(request, _("请检查标出的输入。"))
    return render(request, "shipping/shipment_form.html", {"form": form, "order": order})


def _render_shipment(request: HttpRequest, shipment, bound_form=None) -> HttpResponse:
    actions = [
        bound_form if bound_form is not None and bound_form.name == name else form_class()
        for name, form_class in SHIPMENT_ACTIONS.items()
        if form_class.is_available(request.user, shipment)
    ]
    can_update = policy.can(request.user, "shipment.update", shipment) and shipment.status in (
        ShipmentStatus.PLANNED,
        ShipmentStatus.PACKED,
        ShipmentStatus.SHIPPED,
    )
    documents = [
        (document, DocumentForm(document=document) if can_update else None)
        for document in sorted(shipment.documents.all(), key=lambda d: (not d.required, d.kind))
    ]
    missing = [d for d in shipment.documents.all() if d.required and not d.is_ready]
    return render(
        request,
        "shipping/shipment_detail.html",
        {
            "shipment": shipment,
            "order": shipment.order,
            "actions": actions,
            "open_action": bound_form.name if bound_form is not None else "",
            "documents": documents,
            "missing_documents": missing,
        },
    )


@require_GET
@page("shipments")
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = selectors.shipment_get_detail(request.user, pk)
    if shipment is None:
        raise Http404
    return _render_shipment(request, shipment)


@require_POST
@page("shipments")
def shipment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    form_class = SHIPMENT_ACTIONS.get(action)
    shipment = selectors.shipment_get_detail(request.user, pk)
    if form_class is None or shipment is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        ok, _result = run(
            request,
            lambda: form.submit(actor=request.user, obj=shipment),
            form=form,
            success=form_class.success,
        )
        if ok:
            return redirect("shipping:shipment_detail", pk=pk)
    else:
        messages.error(request, _("请检查标出的输入。"))
    return _render_shipment(request, selectors.shipment_get_detail(request.user, pk), form)


@require_POST
@page("shipments")
def document_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick an item of the documents checklist (htmx: the row is answered in place)."""
    document = (
        ShipmentDocument.objects.filter(
            pk=pk,
            shipment__in=selectors.shipment_list_visible_to(request.user).values("pk"),
        )
        .select_related("shipment", "shipment__order")
        .first()
    )
    if document is None:
        raise Http404
    form = DocumentForm(request.POST, request.FILES, document=document)
    if form.is_valid():
        run(request, lambda: form.submit(actor=request.user), form=form)
    if not request.htmx:
        return redirect("shipping:shipment_detail", pk=document.shipment_id)
    document = ShipmentDocument.objects.select_related("updated_by").get(pk=pk)
    return render(
        request,
        "shipping/_document_row.html",
        {"document": document, "form": DocumentForm(document=document)},
    )


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


def _render_case(request: HttpRequest, case, bound_form=None) -> HttpResponse:
    actions = [
        bound_form if bound_form is not None and bound_form.name == name else form_class()
        for name, form_class in CASE_ACTIONS.items()
        if form_class.is_available(request.user, case)
    ]
    return render(
        request,
        "shipping/case_detail.html",
        {
            "case": case,
            "order": case.order,
            "actions": actions,
            "open_action": bound_form.name if bound_form is not None else "",
        },
    )


@require_GET
@page("after_sales")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_detail(request.user, pk)
    if case is None:
        raise Http404
    return _render_case(request, case)


@require_POST
@page("after_sales")
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    form_class = CASE_ACTIONS.get(action)
    case = selectors.case_get_detail(request.user, pk)
    if form_class is None or case is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        ok, _result = run(
            request,
            lambda: form.submit(actor=request.user, obj=case),
            form=form,
            success=form_class.success,
        )
        if ok:
            return redirect("shipping:case_detail", pk=pk)
    else:
        messages.error(request, _("请检查标出的输入。"))
    return _render_case(request, selectors.case_get_detail(request.user, pk), form)
