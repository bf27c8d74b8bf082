"""Finance pages: the queue of payments to confirm (htmx in place) and receivables
by ageing."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import charts
from gendan.lists import ListPage
from gendan.templatetags.gendan_ui import money
from gendan.web import form_action, page

from .. import selectors
from ..filters import PaymentFilterSet
from ..forms import PaymentConfirmForm

PAGE_SIZE = 30


def _confirm_forms(request: HttpRequest, context: dict) -> None:
    context["rows"] = [
        (payment, PaymentConfirmForm(payment=payment)) for payment in context["page_obj"]
    ]


PAYMENTS = ListPage(
    PaymentFilterSet,
    selectors.payment_list_to_confirm,
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
    payment = selectors.payment_get_visible(request.user, pk)
    if payment is None:
        raise Http404
    form = PaymentConfirmForm(request.POST, payment=payment)

    def row(ok: bool) -> HttpResponse:
        fresh = selectors.payment_get_visible(request.user, pk)
        shown = PaymentConfirmForm(payment=fresh) if ok else form
        return render(request, "orders/_payment_row.html", {"payment": fresh, "form": shown})

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
    page_obj = Paginator(selectors.receivable_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
