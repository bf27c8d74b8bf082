"""The supervisor dashboard, the daily report (日报表) and the sales ledger (销售台帐)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gendan import charts, policy
from gendan.html import escaped, format_html
from gendan.lists import sheet_of
from gendan.models import User
from gendan.roles import Role, roles_of
from gendan.templatetags.gendan_ui import pct
from gendan.web import page, pk_urls, xlsx_response

from .. import figures as orders_figures
from .. import selectors
from ..forms import DailyReportForm, LedgerForm
from ..states import OrderStatus

# The dashboard's figures shown as numbers (orders.figures.dashboard_figures).
DASHBOARD_FIGURES = ("open", "overdue", "due_soon", "shipped_this_month", "on_time_this_month")
# The merchandisers the dashboard shows, those who need attention first (overdue
# orders, then open ones); the workload page shows them all.
WORKLOAD_ROWS = 20


def _percent(rate) -> float | None:
    return None if rate is None else round(float(rate) * 100, 1)


# A row of ``orders/_workload_table.html``, written here rather than by the template
# (twenty rows of a dozen values, each looked up and escaped by a node, were a third of
# the dashboard's rendering); the blank after it is the template's.
WORKLOAD_ROW = (
    '<tr data-owner="{pk}"><td><a data-figure="owner" href="{owner_url}">{owner}</a></td>\n'
    '      <td class="num"><a data-figure="owner_open" href="{open_url}">{open}</a></td>\n'
    '      <td class="num{overdue_class}"><a data-figure="owner_overdue" href="{overdue_url}">'
    "{overdue}</a></td>\n"
    '      <td class="num"><a data-figure="owner_shipped" href="{shipped_url}">{shipped}</a>'
    "</td>\n"
    '      <td class="num">{rate}</td></tr>\n    '
)
ON_TIME_CELL = '<a data-figure="owner_on_time" href="{url}" title="{title}">{rate}</a>'


def _workload_table(rows: list[dict[str, Any]]) -> list[SafeString]:
    """The rows of ``orders/_workload_table.html`` from ``orders.figures.workload``'s
    (``WORKLOAD_ROW``): each number and link written once here (a template localizing
    each number and following ``row.open.url`` through three objects cost a page of a
    hundred figures most of its rendering). The numbers are written as the template
    wrote them: without a thousands separator (USE_THOUSAND_SEPARATOR is off)."""
    table = []
    for row in rows:
        open_orders, overdue = row["open"], row["overdue"]
        shipped, on_time = row["shipped_in_a_year"], row["on_time_in_a_year"]
        rate = pct(row["rate"], 1)
        if row["rate"] is not None:
            # As {% blocktranslate %} wrote it: the translation, the values escaped.
            title = _("%(a)s / %(b)s 单按期出货") % {
                "a": escaped(str(on_time.count)),
                "b": escaped(str(shipped.count)),
            }
            rate = format_html(ON_TIME_CELL, url=on_time.url, title=SafeString(title), rate=rate)
        table.append(
            format_html(
                WORKLOAD_ROW,
                pk=str(row["owner"].pk),
                owner=str(row["owner"]),
                owner_url=row["owner_url"],
                open=str(open_orders.count),
                open_url=open_orders.url,
                overdue=str(overdue.count),
                overdue_url=overdue.url,
                overdue_class=" overdue-date" if overdue.count else "",
                shipped=str(shipped.count),
                shipped_url=shipped.url,
                rate=rate,
            )
        )
    return table


# The columns of an order row of the dashboard's due-soon and overdue tables.
_ORDER_ROW = (
    "pk",
    "number",
    "customer__name",
    *(f"owner__{name}" for name in User.LABEL_FIELDS),
    "contract_delivery_date",
    "status",
)


# A row of the dashboard's due-soon and overdue tables (``orders/dashboard.html``),
# written here as the template wrote it; the blank after it is the template's.
ORDER_ROW = (
    '<tr{row_class}><td><a href="{url}">{number}</a></td><td>{customer}</td><td>{owner}</td>'
    '<td class="nowrap{date_class}">{due}</td><td><span class="badge status-{status}">{label}'
    "</span></td></tr>\n      "
)


def _order_rows(queryset, limit: int, *, overdue: bool = False) -> list[SafeString]:
    """The first ``limit`` orders of ``queryset`` as the dashboard's tables show them
    (``ORDER_ROW``; ``overdue``: the overdue table's), read as values (the three models
    of each row are not built) and written once here: the link, the owner's name, the
    date, the status label."""
    url = pk_urls("orders:detail")
    labels = {status: str(label) for status, label in OrderStatus.choices}  # translated once
    # The first ``limit`` ids picked from the orders alone, then only their rows joined
    # to the customer and the owner: joined first, PostgreSQL joined every order due in
    # the week (238 at a million orders, 1.3 ms) before keeping 20.
    first = queryset.filter(pk__in=queryset.values("pk")[:limit])
    dates: dict = {}  # each due date written once (the orders due in a week share seven)
    classes = {
        "row_class": SafeString(' class="row-overdue"') if overdue else "",
        "date_class": " overdue-date" if overdue else "",
    }
    return [
        format_html(
            ORDER_ROW,
            **classes,
            url=url(pk),
            number=number,
            customer=customer,
            owner=User.label(*name),
            due=dates.get(due) or dates.setdefault(due, date_format(due, "SHORT_DATE_FORMAT")),
            status=status,
            label=labels.get(status, status),
        )
        for pk, number, customer, *name, due, status in first.values_list(*_ORDER_ROW)
    ]


@require_GET
@page("dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every number a link to the list it counts (``orders.figures``)."""
    user, today = request.user, timezone.localdate()
    figures = orders_figures.dashboard_figures(today)
    # For a user who sees every order, the status and delivery tallies read once each
    # (the charts' and the figures' sums); else counted from the visible orders.
    tallied = None
    if policy.sees_all(user):
        tallied = orders_figures.dashboard_tallies(figures)
    by_status = selectors.order_counts_by_status(
        user, tallied=tallied.by_status if tallied else None
    )
    on_time = selectors.on_time_delivery_by_month(
        user,
        months=orders_figures.WORKLOAD_MONTHS,
        today=today,
        tallied=tallied.by_month if tallied else None,
    )
    ageing = selectors.receivables_by_currency(user, today=today)
    # Each figure's split by merchandiser read once: the table's, then the numbers'
    # (their sums).
    counts = orders_figures.Counts(user, tallied.columns if tallied else None)
    workload = orders_figures.workload(user, figures, counts=counts, limit=WORKLOAD_ROWS + 1)
    workload, more_people = workload[:WORKLOAD_ROWS], len(workload) > WORKLOAD_ROWS
    shown = {key: counts.show(figures[key]) for key in DASHBOARD_FIGURES}
    # Each currency owed (the ageing's rows: the same open receivables) links to its list.
    for row in ageing["per_currency"]:
        row["url"] = orders_figures.receivable_figure(row["order__currency"]).url()
    buckets = ageing["buckets"]
    context = {
        "today": today,
        "by_status": by_status,
        "figures": shown,
        "this_month_rate": orders_figures.rate(
            shown["on_time_this_month"].count, shown["shipped_this_month"].count
        ),
        "on_time": on_time,
        "due_soon": _order_rows(counts.queryset(figures["due_soon"]), 20),
        "overdue": _order_rows(counts.queryset(figures["overdue"]), 30, overdue=True),
        "ageing": ageing,
        "workload": _workload_table(workload),
        "more_people": more_people,
        "status_chart": charts.chart(
            "bar",
            [label for _status, label, _count in by_status],
            [charts.dataset(_("订单数"), [count for *_rest, count in by_status], perBar=True)],
            legend=False,
            y_integer=True,
        ),
        "on_time_chart": charts.chart(
            "line",
            [row["month"].strftime("%Y-%m") for row in on_time],
            [
                charts.dataset(
                    _("准时交货率"),
                    [_percent(row["rate"]) for row in on_time],
                    spanGaps=True,
                    fill=True,
                )
            ],
            y_max=100,
            y_percent=True,
            legend=False,
        ),
        "ageing_chart": charts.chart(
            "bar",
            [label for _key, label, _low, _high in buckets],
            [
                charts.dataset(row["order__currency"], [row[key] for key, *_rest in buckets])
                for row in ageing["per_currency"]
            ],
            y_title=_("未收金额"),
        ),
        "workload_chart": charts.chart(
            "bar",
            [str(row["owner"]) for row in workload],
            [
                charts.dataset(_("跟进中订单"), [row["open"].count for row in workload]),
                charts.dataset(_("逾期订单"), [row["overdue"].count for row in workload]),
                charts.dataset(
                    _("准时交货率（近 12 个月）"),
                    [_percent(row["rate"]) for row in workload],
                    type="line",
                    yAxisID="y2",
                    spanGaps=True,
                ),
            ],
            y_title=_("订单数"),
            y2_title=_("准时交货率"),
            y_integer=True,
        ),
    }
    return render(request, "orders/dashboard.html", context)


@require_GET
@page("dashboard")
def workload(request: HttpRequest) -> HttpResponse:
    """Every merchandiser's row of the dashboard's table."""
    figures = orders_figures.dashboard_figures(timezone.localdate())
    rows = orders_figures.workload(request.user, figures)
    return render(request, "orders/workload.html", {"workload": _workload_table(rows)})


def _valid_filters(form) -> dict:
    """The values of the report form's valid fields (none when it is not filled)."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


def _merchandiser_only(user) -> bool:
    return not user.is_superuser and Role.SUPERVISOR not in roles_of(user)


@require_GET
@page("daily_report")
def daily_report(request: HttpRequest) -> HttpResponse:
    form = DailyReportForm(request.GET or None)
    data = _valid_filters(form)
    day = data.get("day") or timezone.localdate()
    owner = data.get("owner")
    if _merchandiser_only(request.user):
        # A merchandiser's report is their own.
        owner = request.user
        form.fields.pop("owner")
    report = selectors.daily_report(request.user, day=day, owner_id=owner.pk if owner else None)
    if request.GET.get("format") == "xlsx":
        return _daily_report_xlsx(report, owner)
    return render(
        request,
        "orders/daily_report.html",
        {"form": form, "report": report, "owner": owner, "day": day},
    )


def _daily_report_xlsx(report, owner) -> HttpResponse:
    sheets = [
        sheet_of(
            _("接单"),
            report["orders"],
            [
                (_("订单编号"), lambda o: o.number),
                (_("客户"), lambda o: o.customer.name),
                (_("跟单员"), lambda o: str(o.owner)),
                (_("状态"), lambda o: o.get_status_display()),
                (_("合同交期"), lambda o: o.contract_delivery_date),
                (_("总数量"), lambda o: o.total_quantity),
                (_("币种"), lambda o: o.currency),
                (_("总金额"), lambda o: o.total_amount),
            ],
        ),
        sheet_of(
            _("收款"),
            report["receipts"],
            [
                (_("订单编号"), lambda r: r.payment.order.number),
                (_("客户"), lambda r: r.payment.order.customer.name),
                (_("类型"), lambda r: r.payment.get_kind_display()),
                (_("币种"), lambda r: r.payment.order.currency),
                (_("金额"), lambda r: r.signed_amount),
                (_("到账日期"), lambda r: r.received_on),
                (_("付款方式"), lambda r: r.get_method_display()),
                (_("银行流水号"), lambda r: r.reference),
                (_("确认人"), lambda r: str(r.confirmed_by)),
            ],
        ),
        sheet_of(
            _("出货"),
            report["shipments"],
            [
                (_("出货单号"), lambda s: s.number),
                (_("订单编号"), lambda s: s.order.number),
                (_("客户"), lambda s: s.order.customer.name),
                (_("数量"), lambda s: s.quantity),
                (_("运输方式"), lambda s: s.get_mode_display()),
                (_("运单/提单号"), lambda s: s.tracking_number),
                (_("状态"), lambda s: s.get_status_display()),
            ],
        ),
        sheet_of(
            _("客诉"),
            report["complaints"],
            [
                (_("订单编号"), lambda c: c.order.number),
                (_("客户"), lambda c: c.order.customer.name),
                (_("类型"), lambda c: c.get_kind_display()),
                (_("状态"), lambda c: c.get_status_display()),
                (_("收到时间"), lambda c: c.received_at),
                (_("问题描述"), lambda c: c.description),
            ],
        ),
    ]
    who = owner.username if owner else "all"
    return xlsx_response(f"daily-report-{report['day']:%Y%m%d}-{who}.xlsx", sheets)


@require_GET
@page("sales_ledger")
def sales_ledger(request: HttpRequest) -> HttpResponse:
    form = LedgerForm(request.GET or None)
    data = _valid_filters(form)
    customer = data.get("customer")
    ledger = selectors.sales_ledger(
        request.user,
        customer_id=customer.pk if customer else None,
        start=data.get("start"),
        end=data.get("end"),
    )
    if request.GET.get("format") == "xlsx":
        return _ledger_xlsx(ledger, customer)
    return render(
        request,
        "orders/sales_ledger.html",
        {"form": form, "ledger": ledger, "customer": customer},
    )


def _ledger_xlsx(ledger, customer) -> HttpResponse:
    if customer is not None:
        name, objects = customer.code, ledger["orders"]
        columns = [
            (_("订单编号"), lambda o: o.number),
            (_("下单日期"), lambda o: o.order_date),
            (_("状态"), lambda o: o.get_status_display()),
            (_("客户订单号"), lambda o: o.customer_po),
            (_("币种"), lambda o: o.currency),
            (_("总金额"), lambda o: o.total_amount),
            (_("已收金额"), lambda o: o.amount_received),
            (_("未收金额"), lambda o: o.total_amount - o.amount_received),
        ]
        totals = [
            [_("合计"), "", "", "", t["currency"], t["total"], t["received"], t["outstanding"]]
            for t in ledger["totals"]
        ]
    else:
        name, objects = "all", ledger["customers"]
        columns = [
            (_("客户编号"), itemgetter("customer__code")),
            (_("客户"), itemgetter("customer__name")),
            (_("币种"), itemgetter("currency")),
            (_("订单数"), itemgetter("orders")),
            (_("总金额"), itemgetter("total")),
            (_("已收金额"), itemgetter("received")),
            (_("未收金额"), itemgetter("outstanding")),
        ]
        totals = [
            [_("合计"), "", t["currency"], t["orders"], t["total"], t["received"], t["outstanding"]]
            for t in ledger["totals"]
        ]
    title, headers, rows = sheet_of(_("销售台帐"), objects, columns)
    return xlsx_response(
        f"sales-ledger-{name}-{timezone.localdate():%Y%m%d}.xlsx",
        [(title, headers, [*rows, *totals])],
    )
