"""Products (产品): the list with its search and export, create, edit, deactivate —
for merchandisers and supervisors (gendan.policy: page "products", product.*)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gendan import policy
from gendan.lists import ListPage
from gendan.web import form_action, page

from .. import selectors, services
from ..filters import ProductFilterSet
from ..forms import ProductActiveForm, ProductForm
from ..models import Product
from .customers import edit_reference


def _can(request: HttpRequest, context: dict) -> None:
    context["can_create"] = policy.can(request.user, "product.create")
    context["can_update"] = policy.can(request.user, "product.update")


# The list and its export: search by 货号, name or series, the series, active or not.
product_list, product_export = ListPage(
    filterset=ProductFilterSet,
    rows=selectors.product_list_visible_to,
    columns="item_number name series spec unit default_price is_active",
    fields="search series is_active",
    access="products",
    export="orders:product_export",
    template="orders/product_list.html",
    extra=_can,
).views()


@page("products")
def product_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a product (no ``pk``) or edit one."""
    product = get_object_or_404(Product, pk=pk) if pk is not None else None
    if not policy.can(request.user, "product.update" if product else "product.create", product):
        raise PermissionDenied
    return edit_reference(
        request,
        ProductForm(request.POST or None, instance=product),
        "orders/product_form.html",
        {"product": product},
        lambda saved: f"{reverse('orders:product_list')}?search={saved.item_number}",
    )


@require_POST
@page("products")
def product_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a product (no new order line may use it; the lines that do keep it),
    or activate it again."""
    product = get_object_or_404(Product, pk=pk)
    form = ProductActiveForm(request.POST)
    return form_action(
        request,
        form,
        lambda: services.product_update(
            actor=request.user, product_id=product.pk, is_active=form.cleaned_data["is_active"]
        ),
        success=lambda saved: (
            _("产品 %(p)s 已启用。") % {"p": saved.item_number}
            if saved.is_active
            else _("产品 %(p)s 已停用。") % {"p": saved.item_number}
        ),
        done=reverse("orders:product_edit", args=[product.pk]),
    )
