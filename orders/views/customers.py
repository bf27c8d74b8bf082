"""Customer pages (客户档案): list, detail with orders, open amounts and after-sales."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gendan import policy
from gendan.web import page, run

from .. import selectors, signals
from ..forms import CustomerForm
from ..models import Customer

PAGE_SIZE = 30


@require_GET
@page("customers")
def customer_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page_obj = Paginator(selectors.customer_list(search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    totals = selectors.customer_totals(request.user, [c.pk for c in page_obj])
    rows = [(customer, totals.get(customer.pk)) for customer in page_obj]
    return render(
        request,
        "orders/customer_list.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "search": search,
            "can_create": policy.can_open(request.user, "customer_edit")
            and policy.can(request.user, "customer.create"),
            "show_money": policy.can(request.user, "payment.view"),
        },
    )


@require_GET
@page("customers")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.select_related("owner"), pk=pk)
    orders = Paginator(selectors.customer_orders(request.user, customer.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "customer": customer,
        "page_obj": orders,
        "totals": selectors.customer_totals(request.user, [customer.pk]).get(customer.pk),
        "can_edit": policy.can_open(request.user, "customer_edit")
        and policy.can(request.user, "customer.update", customer),
        "can_create_order": policy.can_open(request.user, "order_edit")
        and policy.can(request.user, "order.create"),
        "show_money": policy.can(request.user, "payment.view"),
    }
    # Shipping adds the customer's after-sales cases.
    signals.customer_page.send(sender=Customer, request=request, customer=customer, context=context)
    return render(request, "orders/customer_detail.html", context)


def _customer_form(request: HttpRequest, customer: Customer | None) -> HttpResponse:
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST":
        if form.is_valid():
            ok, saved = run(request, lambda: form.submit(actor=request.user), form=form)
            if ok:
                messages.success(request, _("客户 %(c)s 已保存。") % {"c": saved})
                return redirect("orders:customer_detail", pk=saved.pk)
        else:
            messages.error(request, _("请检查标出的输入。"))
    return render(request, "orders/customer_form.html", {"form": form, "customer": customer})


@page("customer_edit")
def customer_create(request: HttpRequest) -> HttpResponse:
    return _customer_form(request, None)


@page("customer_edit")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _customer_form(request, get_object_or_404(Customer, pk=pk))
