"""Finance pages: the queue of payments to confirm (htmx in place) and receivables
by ageing."""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import Any

from django.contrib.messages import get_messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.backends.utils import csrf_input
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import charts
from gendan.excel import Sheet
from gendan.html import format_html
from gendan.lists import EXPORT_LIMIT, ListPage, filter_page
from gendan.money import ZERO
from gendan.templatetags.gendan_ui import badge, display, money, options
from gendan.web import form_action, link_html, page, pk_urls, visible_or_404, xlsx_response

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


# A row of the queue, which is also the htmx answer of its confirm form. Written here
# rather than by a template: thirty rows through the template engine (each value
# looked up, localized and escaped by a node) cost the queue a fifth of its time. Its
# values are written as the template filters and tags would (``{% link %}``,
# ``{% badge %}``, ``|money``, ``|display``, ``|date``); the blank lines are the ones
# the template left.
ROW = """
<tr id="payment-{pk}" data-payment="{pk}">
  <td class="cell-stack">{order}<small>{customer}</small></td>
  <td>{kind}</td>
  <td>{status}</td>
  <td class="num">{amount_due}</td>
  <td class="num">{amount_received}</td>
  <td class="num"><strong>{outstanding}</strong></td>
  <td class="nowrap">{due_date}</td>
  <td>
    {messages}
    {form}
  </td>
</tr>
"""

# The confirm form of an open payment: ``orders.forms.PaymentConfirmForm``'s fields
# written by hand from what it shows (``values_of``, or ``values`` when refused, with
# its errors); it validates the POST. (The lines of blanks: the template's comments.)
ROW_FORM = "\n".join(
    (
        "",
        "    ",
        '    <form method="post" action="{url}" class="inline-form"',
        '          hx-post="{url}" hx-target="#payment-{pk}" hx-swap="outerHTML">',
        "      {csrf}",
        "      ",
        '      <input type="number" step="0.01" min="0.01" name="amount_received" '
        'value="{amount}" aria-label="{label_amount}" required>',
        '      <input type="date" name="received_on" value="{received_on}" '
        'aria-label="{label_received_on}" required>',
        '      <select name="method" id="id_p{pk}_method" aria-label="{label_method}">'
        "{methods}</select>",
        '      <input type="text" name="reference" value="{reference}" '
        'placeholder="{label_reference}" aria-label="{label_reference}">',
        '      <button type="submit" class="btn btn-sm btn-primary">{label_confirm}</button>',
        "      {errors}",
        "    </form>",
        "    ",
    )
)


class Rows:
    """What every row of a page shares (its messages, CSRF input, the form's labels and
    methods), and each row's HTML (``row``)."""

    def __init__(self, request: HttpRequest, *, notes: bool = True):
        self.request, self.user = request, request.user
        # A row answered to htmx says what became of its confirmation; on the whole page
        # the messages stand once, above the list (base.html), not again in every row.
        self.messages = get_messages(request) if notes else ()
        self.labels = {f"label_{key}": label for key, label in _row_labels().items()}
        self.methods = _payment_methods()
        self.order_url = pk_urls("orders:detail")
        self.confirm_url = pk_urls("orders:payment_confirm")
        self.dates: dict[tuple, str] = {}

    @cached_property
    def csrf(self) -> SafeString:
        """The CSRF input of the forms, asked for only when a row writes one (as the
        template did: the CSRF cookie is set only then)."""
        return csrf_input(self.request)

    def date(self, value, arg: str) -> str:
        """``value|date:arg``, written once for each date of the page (the rows share a
        few: the queue is in due date order, every new form shows today)."""
        if type(value) is not datetime.date:
            return date(value, arg)
        key = (value, arg)
        if key not in self.dates:
            self.dates[key] = date(value, arg)
        return self.dates[key]

    def row(self, payment: Payment, values: dict, form: PaymentConfirmForm | None = None):
        """``payment``'s row; ``values``: what its confirm form shows (``values_of``, or
        what was sent when ``form`` refused it)."""
        order = payment.order
        pk = localize(payment.pk)
        notes = format_html_join(
            "",
            '<span class="{}">{}</span>',
            (("error" if m.tags == "error" else "ok-note", m) for m in self.messages),
        )
        return format_html(
            ROW,
            pk=pk,
            order=link_html(
                self.user,
                "orders:detail",
                [payment.order_id],
                order.number,
                url=self.order_url(payment.order_id),
            ),
            customer=order.customer.name,
            kind=display(payment, "kind"),
            status=badge(payment.status, display(payment, "status"), "payment"),
            amount_due=money(payment.amount_due, order.currency),
            amount_received=money(payment.amount_received),
            outstanding=money(payment.outstanding),
            due_date=self.date(payment.due_date, "SHORT_DATE_FORMAT"),
            messages=notes,
            form=self._form(payment, pk, values, form) if payment.is_open else "",
        )

    def _form(self, payment: Payment, pk: str, values: dict, form) -> SafeString:
        received_on = values["received_on"]
        errors = ""
        if form is not None and form.errors:
            errors = format_html_join(
                "",
                '<small class="error">{}：{}</small>',
                ((field.label, e) for field in form for e in field.errors),
            )
        return format_html(
            ROW_FORM,
            pk=pk,
            url=self.confirm_url(payment.pk),
            csrf=self.csrf,
            amount=_value(values["amount_received"]),
            received_on=localize(self.date(received_on, "Y-m-d") or received_on),
            methods=options(self.methods, values["method"]),
            reference=_value(values["reference"]),
            **self.labels,
            errors=errors,
        )


def _value(value) -> Any:
    """A form value as ``{{ value|default_if_none:'' }}`` writes it."""
    return "" if value is None else localize(value)


def _confirm_forms(request: HttpRequest, context: dict) -> None:
    """Each payment of the page as its row, with its confirm form: the rows write the
    form's inputs themselves from its values, since thirty forms built and rendered
    through Django's widget templates cost the queue most of its time. A POST is still
    validated by ``PaymentConfirmForm`` (``payment_confirm``)."""
    rows = Rows(request, notes=False)
    context["rows"] = [
        rows.row(payment, PaymentConfirmForm.values_of(payment)) for payment in context["page_obj"]
    ]


# What a row (``Rows.row``, ``PaymentConfirmForm.values_of``) and the export's columns
# read of a payment, its order and its customer.
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


def _queue(user) -> QuerySet[Payment]:
    """The queue's payments (``selectors.payment_list_to_confirm``, the same rows and
    order) with only ``QUEUE_FIELDS``: the order, its customer and its owner read in
    full doubled the time of the page's query."""
    return (
        selectors.payment_list_to_confirm(user)
        .select_related(None)
        .select_related("order__customer")
        .only(*QUEUE_FIELDS)
    )


def _counted_by_tally(request: HttpRequest, filterset: PaymentFilterSet) -> int | None:
    """The number of payments in the queue, from the receivable tally when no filter is
    in use (``selectors.payment_count_to_confirm``), else None: counted."""
    form = filterset.form
    if not form.is_valid():
        return None
    used = {name for name, value in form.cleaned_data.items() if value not in (None, "", [])}
    if not used <= {"ordering"}:
        return None
    return selectors.payment_count_to_confirm(request.user)


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
    count=_counted_by_tally,
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
        if ok:
            return HttpResponse(Rows(request).row(fresh, PaymentConfirmForm.values_of(fresh)))
        return HttpResponse(Rows(request).row(fresh, form.values(), form))

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
