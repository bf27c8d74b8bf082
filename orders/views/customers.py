"""Customer pages (客户档案): list, detail with orders, open amounts and after-sales."""

from __future__ import annotations

from operator import attrgetter

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gendan import policy
from gendan.lists import list_export, list_page
from gendan.web import page, run
from shipping import selectors as shipping_selectors

from .. import selectors
from ..filters import CustomerFilterSet
from ..forms import CustomerForm
from ..models import Customer

PAGE_SIZE = 30


@require_GET
@page("customers")
def customer_list(request: HttpRequest) -> HttpResponse:
    context = list_page(
        request,
        CustomerFilterSet,
        selectors.customer_list(request.user),
        fields=("search", "country", "is_active"),
        per_page=PAGE_SIZE,
        export="orders:customer_export",
    )
    customers = context["page_obj"]
    totals = selectors.customer_totals(request.user, [c.pk for c in customers])
    context |= {
        "rows": [(customer, totals.get(customer.pk)) for customer in customers],
        "can_create": policy.can_open(request.user, "customer_edit")
        and policy.can(request.user, "customer.create"),
        "show_money": policy.can(request.user, "payment.view"),
    }
    return render(request, "orders/customer_list.html", context)


@require_GET
@page("customers")
def customer_export(request: HttpRequest) -> HttpResponse:
    """The customer list as filtered, as an Excel file, with each one's order counts."""
    totals: dict = {}

    def with_totals(customers: list) -> list:
        totals.update(selectors.customer_totals(request.user, [c.pk for c in customers]))
        return customers

    def count(key: str):
        return lambda customer: (totals.get(customer.pk) or {}).get(key, 0)

    columns = [
        (_("客户编号"), attrgetter("code")),
        (_("客户名称"), attrgetter("name")),
        (_("国家/地区"), attrgetter("country")),
        (_("负责跟单员"), lambda customer: str(customer.owner or "")),
        (_("启用"), lambda customer: _("是") if customer.is_active else _("否")),
        (_("订单数"), count("orders")),
        (_("跟进中"), count("open_orders")),
    ]
    return list_export(
        request,
        CustomerFilterSet,
        selectors.customer_list(request.user),
        name="customers",
        title=_("客户"),
        columns=columns,
        rows=with_totals,
    )


@require_GET
@page("customers")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.select_related("owner"), pk=pk)
    orders = Paginator(selectors.customer_orders(request.user, customer.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cases = shipping_selectors.case_list_visible_to(request.user).filter(order__customer=customer)
    return render(
        request,
        "orders/customer_detail.html",
        {
            "customer": customer,
            "page_obj": orders,
            "totals": selectors.customer_totals(request.user, [customer.pk]).get(customer.pk),
            "cases": cases[:50],
            "can_edit": policy.can_open(request.user, "customer_edit")
            and policy.can(request.user, "customer.update", customer),
            "can_create_order": policy.can_open(request.user, "order_edit")
            and policy.can(request.user, "order.create"),
            "show_money": policy.can(request.user, "payment.view"),
        },
    )


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
