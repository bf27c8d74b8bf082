"""Finance pages: the queue of payments to confirm (htmx in place) and receivables
by ageing."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import charts
from gendan.excel import Sheet
from gendan.lists import EXPORT_LIMIT, ListPage, filter_page
from gendan.money import ZERO
from gendan.templatetags.gendan_ui import badge, display, money
from gendan.web import form_action, link_html, page, visible_or_404, xlsx_response

from .. import selectors
from ..filters import PaymentFilterSet
from ..forms import PaymentConfirmForm
from ..models import Payment

PAGE_SIZE = 30


def _payment_methods() -> list[tuple[str, str]]:
    """The confirm form's methods, their labels translated once for every row (each
    row writes its own ``<select>``)."""
    return [
        (value, str(label)) for value, label in PaymentConfirmForm.base_fields["method"].choices
    ]


def _row_labels() -> dict[str, str]:
    """The confirm form's labels, translated once for every row of the page."""
    return {
        "amount": _("到账金额"),
        "received_on": _("到账日期"),
        "method": _("付款方式"),
        "reference": _("银行流水号"),
        "confirm": _("确认到账"),
    }


def _row(user, payment: Payment, values: dict) -> dict[str, Any]:
    """What a row of the queue shows (``orders/_payment_row.html``), written here as the
    template's tags and filters would (``{% link %}``, ``{% badge %}``, ``|money``,
    ``|display``, ``|date``): looked up through the payment and its order by the
    template, thirty rows cost the queue most of its time. ``values``: what the row's
    confirm form shows (``PaymentConfirmForm.values_of`` or, refused, ``values``)."""
    order = payment.order
    received_on = values["received_on"]
    return {
        "pk": payment.pk,
        "order": link_html(user, "orders:detail", [payment.order_id], order.number),
        "customer": order.customer.name,
        "kind": display(payment, "kind"),
        "status": badge(payment.status, display(payment, "status"), "payment"),
        "amount_due": money(payment.amount_due, order.currency),
        "amount_received": money(payment.amount_received),
        "outstanding": money(payment.outstanding),
        "due_date": date(payment.due_date, "SHORT_DATE_FORMAT"),
        "is_open": payment.is_open,
        "confirm_url": reverse("orders:payment_confirm", args=[payment.pk]),
        "values": values,
        "received_on": date(received_on, "Y-m-d") or received_on,
    }


def _confirm_forms(request: HttpRequest, context: dict) -> None:
    """Each payment of the page as its row shows it, with what its confirm form shows.
    The rows write the form's inputs themselves from these values: thirty forms built
    and rendered through Django's widget templates cost the queue most of its time. A
    POST is still validated by ``PaymentConfirmForm`` (``payment_confirm``)."""
    context["rows"] = [
        _row(request.user, payment, PaymentConfirmForm.values_of(payment))
        for payment in context["page_obj"]
    ]
    context["payment_methods"] = _payment_methods()
    context["labels"] = _row_labels()


def _queue(user) -> QuerySet[Payment]:
    """The queue's payments (``selectors.payment_list_to_confirm``) with only what its
    rows and its export show: the rows of the order, its customer and its owner read
    in full cost the page a sixth of its time."""
    return (
        selectors.payment_list_to_confirm(user)
        .select_related(None)
        .select_related("order__customer")
        .only(*QUEUE_FIELDS)
    )


# What a row (``_row``, ``PaymentConfirmForm.values_of``) and the export's columns read.
QUEUE_FIELDS = (
    "order_id",
    "kind",
    "status",
    "amount_due",
    "amount_received",
    "due_date",
    "requested_at",
    "order__number",
    "order__currency",
    "order__customer__name",
)

PAYMENTS = ListPage(
    PaymentFilterSet,
    _queue,
    access="finance",
    template="orders/finance_queue.html",
    fields="search kind",
    export="orders:finance_export",
    columns="order.number order.customer.name kind status order.currency amount_due "
    "amount_received outstanding due_date requested_at",
    headers={"outstanding": gettext_lazy("未收")},
    extra=_confirm_forms,
)
finance_queue, finance_export = PAYMENTS.views()


@require_POST
@page("finance")
def payment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a receipt; with htmx the row is answered in place."""
    payment = visible_or_404(selectors.payment_get_visible, request.user, pk)
    form = PaymentConfirmForm(request.POST, payment=payment)

    def row(ok: bool) -> HttpResponse:
        fresh = selectors.payment_get_visible(request.user, pk)
        # Confirmed: a new form for what is still open; refused: what was sent, and why.
        values = PaymentConfirmForm.values_of(fresh) if ok else form.values()
        context = {
            "row": _row(request.user, fresh, values),
            "form": None if ok else form,
            "payment_methods": _payment_methods(),
            "labels": _row_labels(),
        }
        return render(request, "orders/_payment_row.html", context)

    return form_action(
        request,
        form,
        lambda: form.submit(actor=request.user),
        success=lambda _receipt: (
            _("已确认到账 %(amount)s（%(order)s）。")
            % {
                "amount": money(form.cleaned_data["amount_received"], payment.order.currency),
                "order": payment.order.number,
            }
        ),
        done=reverse("orders:finance_queue"),
        partial=row,
    )


@require_GET
@page("receivables")
def receivables(request: HttpRequest) -> HttpResponse:
    ageing = selectors.receivables_ageing(request.user)
    # The detail: the export's rows for the same query string (``?currency=USD``).
    requests = filter_page(PaymentFilterSet, request, selectors.receivable_requests(request.user))
    page_obj = Paginator(requests.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    bucket_labels = [label for _key, label, _low, _high in ageing["buckets"]]
    ageing_chart = charts.chart(
        "bar",
        bucket_labels,
        [
            charts.dataset(row["order__currency"], [row[key] for key, *_rest in ageing["buckets"]])
            for row in ageing["per_currency"]
        ],
        y_title=_("未收金额"),
    )
    return render(
        request,
        "orders/receivables.html",
        {"ageing": ageing, "page_obj": page_obj, "ageing_chart": ageing_chart},
    )


@require_GET
@page("receivables")
def receivables_export(request: HttpRequest) -> HttpResponse:
    """The receivables ageing export: each open request aged from its due date (not yet
    due, 1–30, 31–60, 61–90, over 90 days past due), then the sums per customer and
    currency. The finance queue's filters apply (``?search=``, ``due_date_after``, …)."""
    today = timezone.localdate()
    payments = filter_page(PaymentFilterSet, request, selectors.receivable_requests(request.user))
    buckets = selectors.DUE_AGEING_BUCKETS
    detail, sums = [], {}
    for payment in payments.qs[:EXPORT_LIMIT]:
        order = payment.order
        days = (today - payment.due_date).days
        bucket = selectors.due_bucket(days)
        detail.append(
            [
                order.customer.code,
                order.customer.name,
                order.number,
                order.owner,
                payment.get_kind_display(),
                order.currency,
                payment.amount_due,
                payment.amount_received,
                payment.outstanding,
                payment.requested_at,
                payment.due_date,
                max(days, 0),
                {key: label for key, label, *_r in buckets}[bucket],
            ]
        )
        row = sums.setdefault(
            (order.customer.code, order.customer.name, order.currency),
            dict.fromkeys([key for key, *_r in buckets], ZERO),
        )
        row[bucket] += payment.outstanding
    labels = [label for _key, label, *_r in buckets]
    return xlsx_response(
        f"receivables-ageing-{today:%Y%m%d}.xlsx",
        [
            Sheet(
                _("应收账龄明细"),
                [
                    _("客户编号"),
                    _("客户名称"),
                    _("订单编号"),
                    _("跟单员"),
                    _("类型"),
                    _("币种"),
                    _("应收金额"),
                    _("已收金额"),
                    _("未收金额"),
                    _("请款时间"),
                    _("到期日"),
                    _("逾期天数"),
                    _("账龄（按到期日）"),
                ],
                detail,
                heading=_("应收账龄（按到期日起算），截至 %(d)s") % {"d": today},
                freeze="A3",
            ),
            Sheet(
                _("按客户汇总"),
                [_("客户编号"), _("客户名称"), _("币种"), *labels, _("合计")],
                [
                    [*key, *row.values(), sum(row.values(), ZERO)]
                    for key, row in sorted(sums.items())
                ],
            ),
        ],
    )
