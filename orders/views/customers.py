"""Customer pages (客户档案): list, detail with orders, open amounts and after-sales."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gendan import policy
from gendan.lists import ListPage
from gendan.web import page, run

from .. import selectors, signals
from ..filters import CustomerFilterSet
from ..forms import CustomerForm
from ..models import Customer

PAGE_SIZE = 30


def _with_totals(request: HttpRequest, context: dict) -> None:
    customers = context["page_obj"]
    totals = selectors.customer_totals(request.user, [c.pk for c in customers])
    context |= {
        "rows": [(customer, totals.get(customer.pk)) for customer in customers],
        "can_create": policy.can_open(request.user, "customer_edit")
        and policy.can(request.user, "customer.create"),
        "show_money": policy.can(request.user, "payment.view"),
    }


def _count_orders(request: HttpRequest, customers: list) -> None:
    """Each exported customer's ``totals`` (one query for all)."""
    totals = selectors.customer_totals(request.user, [c.pk for c in customers])
    for customer in customers:
        found = totals.get(customer.pk) or {}
        customer.order_count = found.get("orders", 0)
        customer.open_order_count = found.get("open_orders", 0)


CUSTOMERS = ListPage(
    CustomerFilterSet,
    selectors.customer_list,
    access="customers",
    template="orders/customer_list.html",
    fields="search country is_active",
    export="orders:customer_export",
    columns="code name country owner is_active order_count open_order_count",
    headers={"order_count": gettext_lazy("订单数"), "open_order_count": gettext_lazy("跟进中")},
    extra=_with_totals,
    prepare=_count_orders,
)
customer_list, customer_export = CUSTOMERS.views()


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


def edit_reference(
    request: HttpRequest, form, template: str, context: dict, done: Callable[[Any], str]
) -> HttpResponse:
    """The page of a reference record's form (a customer, a product): on a valid POST
    one service call (``form.submit``), then the message and ``done(saved)``."""
    if request.method == "POST":
        if form.is_valid():
            ok, saved = run(request, lambda: form.submit(actor=request.user), form=form)
            if ok:
                messages.success(request, _("%(c)s 已保存。") % {"c": saved})
                return redirect(done(saved))
        else:
            messages.error(request, _("请检查标出的输入。"))
    return render(request, template, {"form": form, **context})


def _customer_form(request: HttpRequest, customer: Customer | None) -> HttpResponse:
    form = CustomerForm(request.POST or None, instance=customer)
    return edit_reference(
        request,
        form,
        "orders/customer_form.html",
        {"customer": customer},
        lambda saved: reverse("orders:customer_detail", args=[saved.pk]),
    )


@page("customer_edit")
def customer_create(request: HttpRequest) -> HttpResponse:
    return _customer_form(request, None)


@page("customer_edit")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _customer_form(request, get_object_or_404(Customer, pk=pk))
