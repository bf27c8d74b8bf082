"""Order pages: the list with its filters and Excel export, the order form with its
line editor (htmx), amendments, and the order page with its actions."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import policy
from gendan.documents import document_view
from gendan.filters import parameters_of
from gendan.lists import ListPage
from gendan.models import User
from gendan.web import detail_page, form_action, page, visible_or_404

from .. import selectors, signals
from ..documents import proforma_invoice
from ..filters import STATUS_GROUPS, OrderFilterSet
from ..forms import ORDER_ACTIONS, AmendForm, LineRows, OrderForm
from ..models import Customer, Order, Product
from ..states import HAPPY_PATH, OrderStatus, can_transition

# The columns a click sorts by: their ``ordering`` names (orders.filters.OrderFilterSet).
SORTABLE = (
    "number",
    "customer",
    "owner",
    "status",
    "order_date",
    "contract_delivery_date",
    "total_amount",
)


def _sort_columns(ordering: str) -> dict[str, dict[str, str]]:
    """{ordering name: {"next": the ordering a click asks for, "state": "asc"|"desc"|""}}."""
    columns = {}
    for key in SORTABLE:
        state = "asc" if ordering == key else "desc" if ordering == f"-{key}" else ""
        columns[key] = {"next": f"-{key}" if state == "asc" else key, "state": state}
    return columns


def _visible_or_404(request: HttpRequest, pk: int):
    return visible_or_404(selectors.order_get_visible, request.user, pk)


# --------------------------------------------------------------------------
# List and export
# --------------------------------------------------------------------------


def _columns(request: HttpRequest) -> str:
    """The export's columns: the money ones for who may see money."""
    columns = "number customer.code customer.name owner status order_date contract_delivery_date "
    columns += "is_overdue customer_po total_quantity"
    if policy.can(request.user, "payment.view"):
        columns += " currency total_amount amount_received balance_due"
    return columns


def _sorting(request: HttpRequest, context: dict) -> None:
    # The ordering in effect: an invalid one is the default (gendan.filters).
    filters = context["filters"]
    ordering = filters.form.cleaned_data.get("ordering") or filters.ordering_filter().default
    context |= {
        "ordering": ordering,
        "columns": _sort_columns(ordering),
        "selected_statuses": context["filters"].data.getlist("status"),
        "figure_filters": _figure_filters(filters),
        "can_create": policy.can_open(request.user, "order_edit")
        and policy.can(request.user, "order.create"),
        "show_money": policy.can(request.user, "payment.view"),
    }


# The filters a figure's link sets (orders.figures) that the page has no field for:
# kept as hidden fields of the filter form and named above the list.
FIGURE_FILTERS = ("status_group", "next_step", "due_within", "fully_shipped", "on_time")


def _figure_filters(filters) -> list[dict]:
    """[{"label", "shown" (the value as read), "inputs": [(parameter, value)]}] of the
    valid ``FIGURE_FILTERS`` in the query string."""
    form, found = filters.form, []
    for name in FIGURE_FILTERS:
        field = form.fields[name]
        value = form.cleaned_data.get(name)
        if value in (None, "") or name in form.errors:
            continue
        parameters = parameters_of(name, field)
        inputs = [(p, form.data.get(p)) for p in parameters if form.data.get(p)]
        choices = dict(getattr(field, "choices", ()) or ())
        shown = ", ".join(str(v) for _p, v in inputs)
        if name in ("status_group", "next_step"):
            shown = str(choices.get(value, value))
        elif name == "on_time":
            shown = _("是") if value else _("否")
        found.append({"label": field.label, "shown": shown, "inputs": inputs})
    return found


# The filters whose rows the status tally counts: by status and owner, nothing else.
_TALLIED_FILTERS = {"status", "status_group", "owner", "ordering"}


def _counted_by_tallies(request: HttpRequest, filterset) -> int | None:
    """The number of orders listed, read from the status tally when the filters in use
    are only statuses and an owner (a million orders take a tenth of a second to count),
    else None: counted."""
    form = filterset.form
    if not form.is_valid():
        return None
    used = {name for name, value in form.cleaned_data.items() if value not in (None, "", [])}
    if not used <= _TALLIED_FILTERS:
        return None
    statuses = set(OrderStatus.values)
    if form.cleaned_data.get("status"):
        statuses &= set(form.cleaned_data["status"])
    if form.cleaned_data.get("status_group"):
        statuses &= set(STATUS_GROUPS[form.cleaned_data["status_group"]])
    return selectors.order_count_from_tallies(
        request.user, statuses=statuses, owner_id=form.cleaned_data.get("owner")
    )


ORDERS = ListPage(
    OrderFilterSet,
    selectors.order_list_with_overdue,
    access="orders",
    template="orders/order_list.html",
    fields="search customer owner contract_delivery_date overdue",
    export="orders:export",
    columns=_columns,
    headers={
        "customer.name": gettext_lazy("客户"),
        "is_overdue": gettext_lazy("逾期"),
        "balance_due": gettext_lazy("未收金额"),
    },
    per_page=25,
    extra=_sorting,
    count=_counted_by_tallies,
)
order_export = ORDERS.views()[1]


@require_GET
@page("orders")
def order_list(request: HttpRequest) -> HttpResponse:
    """The list; to htmx, the table alone (a sort or a filter changed)."""
    if request.htmx and request.htmx.target == "order-table":
        return render(request, "orders/_order_table.html", ORDERS.context(request))
    context = ORDERS.context(request)
    form = context["filters"].form
    # Labels from plain values, no model rows: thousands of customers at scale.
    customers = Customer.objects.order_by("code").values_list("pk", "code", "name")
    people = selectors.merchandiser_choices().values_list("pk", *User.LABEL_FIELDS)
    form.fields["customer"].widget = _choices(customers, Customer.label)
    form.fields["owner"].widget = _choices(people, User.label)
    return render(request, "orders/order_list.html", context)


def _choices(rows, label) -> forms.Select:
    """A select for an id filter of a page: ``rows`` of (id, *what ``label`` takes)."""
    return forms.Select(choices=[("", _("全部")), *((pk, label(*rest)) for pk, *rest in rows)])


# --------------------------------------------------------------------------
# Create, edit a draft, amend: the header form and the line editor
# --------------------------------------------------------------------------


class ProductChoices:
    """The active products as the line editor's ``<option>``s (``{% product_options %}``):
    written once per page, not once per line and product by the template (5,000
    products and five lines were 25,000 template iterations), the same HTML."""

    def __init__(self, rows) -> None:
        context = Context()
        shown = functools.partial(render_value_in_context, context=context)
        # (the value compared with a line's, the option before " selected", after it)
        self.options = [
            (
                "%d" % pk,  # noqa: UP031 (the template's stringformat:"d")
                f'<option value="{shown(pk)}" data-price="{shown(price)}"',
                f">{shown(item_number)} {shown(name)}</option>",
            )
            for pk, price, item_number, name in rows
        ]
        self._html: dict[Any, str] = {}

    def html(self, selected) -> str:
        """The options, ``selected`` (a line's product, as posted) marked."""
        key = selected if isinstance(selected, str) else None
        if key not in self._html:
            self._html[key] = "".join(
                f"{start}{' selected' if key == value else ''}{end}"
                for value, start, end in self.options
            )
        return self._html[key]


def _products() -> ProductChoices:
    rows = Product.objects.filter(is_active=True).order_by("item_number")
    return ProductChoices(rows.values_list("pk", "default_price", "item_number", "name"))


def _ratio_from_post(data) -> Decimal | None:
    """The deposit ratio the totals preview uses: the form's percentage, else the
    chosen customer's default."""
    raw = (data.get("deposit_ratio") or "").strip()
    if raw:
        try:
            return Decimal(raw) / Decimal(100)
        except InvalidOperation:
            return None
    customer_id = data.get("customer") or ""
    if customer_id.isdigit():
        return (
            Customer.objects.filter(pk=int(customer_id))
            .values_list("default_deposit_ratio", flat=True)
            .first()
        )
    return None


def _render_order_form(request, *, form, lines: LineRows, order=None, amend=False, status=200):
    ratio = None
    if request.method == "POST":
        ratio = _ratio_from_post(request.POST)
    elif order is not None:
        ratio = order.deposit_ratio
    context = {
        "form": form,
        "lines": lines,
        "order": order,
        "amend": amend,
        "products": _products(),
        "totals": lines.preview(ratio),
        "ratio_percent": order.deposit_ratio * 100 if order is not None else None,
    }
    return render(request, "orders/order_form.html", context, status=status)


def _submit_order_form(request, form, *, success, order=None, amend=False) -> HttpResponse:
    """The POST of the order form (create, edit a draft, amend): the header form and
    the posted lines to one service; the order page, or the form again with errors."""
    lines = LineRows.from_post(request.POST)
    return form_action(
        request,
        form,
        lambda: form.submit(actor=request.user, lines=lines),
        place=lines.place,
        success=success,
        done=lambda saved: reverse("orders:detail", args=[saved.pk]),
        again=lambda form: _render_order_form(
            request, form=form, lines=lines, order=order, amend=amend
        ),
    )


@page("order_edit")
def order_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit_order_form(
            request,
            OrderForm(request.POST, user=request.user),
            success=lambda order: _("订单 %(n)s 已保存为草稿。") % {"n": order.number},
        )
    initial = {}
    if (customer := request.GET.get("customer", "")).isdigit():
        initial["customer"] = int(customer)
    form = OrderForm(user=request.user, initial=initial)
    return _render_order_form(request, form=form, lines=LineRows.blank(1))


@page("order_edit")
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_or_404(request, pk)
    if not (
        policy.can(request.user, "order.update", order)
        and can_transition(order.status, "update_draft")
    ):
        messages.error(request, _("只有草稿可以这样修改；已确认的订单请用“改单”。"))
        return redirect("orders:detail", pk=order.pk)
    if request.method == "POST":
        return _submit_order_form(
            request,
            OrderForm(request.POST, user=request.user, order=order),
            order=order,
            success=_("草稿已保存。"),
        )
    form = OrderForm(user=request.user, order=order)
    return _render_order_form(request, form=form, lines=LineRows.from_order(order), order=order)


@page("order_edit")
def order_amend(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_or_404(request, pk)
    if not (
        policy.can(request.user, "order.amend", order) and can_transition(order.status, "amend")
    ):
        messages.error(request, _("当前状态下不能改单。"))
        return redirect("orders:detail", pk=order.pk)
    if request.method == "POST":
        return _submit_order_form(
            request,
            AmendForm(request.POST, order=order),
            order=order,
            amend=True,
            success=_("改单已保存，新版本已生效。"),
        )
    form = AmendForm(order=order)
    return _render_order_form(
        request, form=form, lines=LineRows.from_order(order), order=order, amend=True
    )


@require_GET
@page("order_edit")
def line_row(request: HttpRequest) -> HttpResponse:
    """htmx: one more blank row for the line editor."""
    return render(
        request,
        "orders/_line_row.html",
        {"row": LineRows.blank(1).rows[0], "products": _products()},
    )


@require_POST
@page("order_edit")
def line_totals(request: HttpRequest) -> HttpResponse:
    """htmx: the totals of the lines being typed, and each line's amount (out of band)."""
    lines = LineRows.from_post(request.POST)
    totals = lines.preview(_ratio_from_post(request.POST))
    return render(
        request,
        "orders/_line_totals.html",
        {"lines": lines, "totals": totals, "oob": True},
    )


# --------------------------------------------------------------------------
# The order page and its actions
# --------------------------------------------------------------------------


def _detail_context(request: HttpRequest, order) -> dict:
    user = request.user
    links = []
    if policy.can(user, "order.update", order) and can_transition(order.status, "update_draft"):
        links.append((reverse("orders:edit", args=[order.pk]), _("修改草稿")))
    if policy.can(user, "order.amend", order) and can_transition(order.status, "amend"):
        links.append((reverse("orders:amend", args=[order.pk]), _("改单")))
    if policy.can(user, "payment.view", order):
        links.append((reverse("orders:proforma", args=[order.pk]), _("形式发票 PDF")))
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "links": links,
        "show_money": policy.can(user, "payment.view", order),
        "can_confirm_payments": policy.can(user, "payment.confirm"),
        "can_see_customers": policy.can_open(user, "customers"),
        # The order's own timeline, read only when no app above shows its own (side_parts).
        "events": selectors.order_events(order).reverse(),
        "status_steps": _status_steps(order),
    }
    # Production adds its panels; shipping its shipments, shipped quantities and link.
    signals.order_page.send(sender=Order, request=request, order=order, context=context)
    return context


# The main road of the lifecycle, shown as steps at the top of the order page: the happy
# path, a partial shipment shown on the "shipped" step.
MAIN_ROAD = tuple(status for status in HAPPY_PATH if status != OrderStatus.PARTIALLY_SHIPPED)


def _status_steps(order) -> list[dict]:
    status = OrderStatus.SHIPPED if order.status == OrderStatus.PARTIALLY_SHIPPED else order.status
    reached = MAIN_ROAD.index(status) if status in MAIN_ROAD else -1
    return [
        {"label": step.label, "done": i < reached, "current": i == reached}
        for i, step in enumerate(MAIN_ROAD)
    ]


# The order page and the POST of its actions; a refusal is shown on the page, with the form.
order_detail, order_action = detail_page(
    "orders",
    get=selectors.order_get_detail,
    get_for_action=selectors.order_get_visible,
    template="orders/order_detail.html",
    context=_detail_context,
    actions=ORDER_ACTIONS,
    url="orders:detail",
)


order_proforma = document_view("orders", selectors.order_get_priced, proforma_invoice)
