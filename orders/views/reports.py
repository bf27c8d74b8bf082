"""The supervisor dashboard, the daily report (日报表) and the sales ledger (销售台帐)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gendan import charts
from gendan.roles import Role, roles_of
from gendan.web import page, xlsx_response

from .. import selectors
from ..forms import DailyReportForm, LedgerForm
from ..models import PaymentKind
from ..states import OPEN


def _percent(rate) -> float | None:
    return None if rate is None else round(float(rate) * 100, 1)


@require_GET
@page("dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    by_status = selectors.order_counts_by_status(user)
    on_time = selectors.on_time_delivery_by_month(user, today=today)
    due_soon = selectors.orders_due_within(user, days=7, today=today)
    overdue = selectors.orders_overdue(user, today=today)
    ageing = selectors.receivables_by_currency(user, today=today)
    workload = selectors.merchandiser_workload(user, today=today)
    buckets = ageing["buckets"]
    context = {
        "today": today,
        "by_status": by_status,
        "open_count": sum(count for status, _label, count in by_status if status in OPEN),
        "this_month": on_time[-1],
        "on_time": on_time,
        "due_soon": list(due_soon[:20]),
        "due_soon_count": due_soon.count(),
        "overdue": list(overdue[:30]),
        "overdue_count": overdue.count(),
        "ageing": ageing,
        "workload": workload,
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
                charts.dataset(_("跟进中订单"), [row["open"] for row in workload]),
                charts.dataset(_("逾期订单"), [row["overdue"] for row in workload]),
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


def _merchandiser_only(user) -> bool:
    return not user.is_superuser and Role.SUPERVISOR not in roles_of(user)


@require_GET
@page("daily_report")
def daily_report(request: HttpRequest) -> HttpResponse:
    form = DailyReportForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
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
    orders = (
        [
            _("订单编号"),
            _("客户"),
            _("跟单员"),
            _("状态"),
            _("合同交期"),
            _("总数量"),
            _("币种"),
            _("总金额"),
        ],
        [
            [
                o.number,
                o.customer.name,
                str(o.owner),
                o.get_status_display(),
                o.contract_delivery_date,
                o.total_quantity,
                o.currency,
                o.total_amount,
            ]
            for o in report["orders"]
        ],
    )
    receipts = (
        [
            _("订单编号"),
            _("客户"),
            _("类型"),
            _("币种"),
            _("金额"),
            _("到账日期"),
            _("付款方式"),
            _("银行流水号"),
            _("确认人"),
        ],
        [
            [
                r.payment.order.number,
                r.payment.order.customer.name,
                r.payment.get_kind_display(),
                r.payment.order.currency,
                -r.amount if r.payment.kind == PaymentKind.REFUND else r.amount,
                r.received_on,
                r.get_method_display(),
                r.reference,
                str(r.confirmed_by),
            ]
            for r in report["receipts"]
        ],
    )
    shipments = (
        [
            _("出货单号"),
            _("订单编号"),
            _("客户"),
            _("数量"),
            _("运输方式"),
            _("运单/提单号"),
            _("状态"),
        ],
        [
            [
                s.number,
                s.order.number,
                s.order.customer.name,
                s.quantity,
                s.get_mode_display(),
                s.tracking_number,
                s.get_status_display(),
            ]
            for s in report["shipments"]
        ],
    )
    complaints = (
        [_("订单编号"), _("客户"), _("类型"), _("状态"), _("收到时间"), _("问题描述")],
        [
            [
                c.order.number,
                c.order.customer.name,
                c.get_kind_display(),
                c.get_status_display(),
                c.received_at,
                c.description,
            ]
            for c in report["complaints"]
        ],
    )
    who = owner.username if owner else "all"
    return xlsx_response(
        f"daily-report-{report['day']:%Y%m%d}-{who}.xlsx",
        [
            (_("接单"), *orders),
            (_("收款"), *receipts),
            (_("出货"), *shipments),
            (_("客诉"), *complaints),
        ],
    )


@require_GET
@page("sales_ledger")
def sales_ledger(request: HttpRequest) -> HttpResponse:
    form = LedgerForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
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
        headers = [
            _("订单编号"),
            _("下单日期"),
            _("状态"),
            _("客户订单号"),
            _("币种"),
            _("总金额"),
            _("已收金额"),
            _("未收金额"),
        ]
        rows = [
            [
                o.number,
                o.order_date,
                o.get_status_display(),
                o.customer_po,
                o.currency,
                o.total_amount,
                o.amount_received,
                o.total_amount - o.amount_received,
            ]
            for o in ledger["orders"]
        ]
        name = customer.code
    else:
        headers = [
            _("客户编号"),
            _("客户"),
            _("币种"),
            _("订单数"),
            _("总金额"),
            _("已收金额"),
            _("未收金额"),
        ]
        rows = [
            [
                c["customer__code"],
                c["customer__name"],
                c["currency"],
                c["orders"],
                c["total"],
                c["received"],
                c["outstanding"],
            ]
            for c in ledger["customers"]
        ]
        name = "all"
    totals = [
        [_("合计"), "", "", "", t["currency"], t["total"], t["received"], t["outstanding"]]
        if customer is not None
        else [
            _("合计"),
            "",
            t["currency"],
            t["orders"],
            t["total"],
            t["received"],
            t["outstanding"],
        ]
        for t in ledger["totals"]
    ]
    return xlsx_response(
        f"sales-ledger-{name}-{timezone.localdate():%Y%m%d}.xlsx",
        [(_("销售台帐"), headers, rows + totals)],
    )
