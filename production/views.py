"""Production pages: the board by status, the quick daily entry for many production
orders at once, and a production order's page with its chart and forms."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import charts, policy
from gendan.documents import document_view
from gendan.exceptions import DomainError
from gendan.lists import ListPage
from gendan.templatetags.gendan_ui import qty
from gendan.web import attach_error, detail_page, form_action, page, visible_or_404
from orders.views.parts import lazy_part, order_part_view

from . import selectors, signals
from .documents import production_notice
from .filters import ProductionOrderFilterSet, ProgressReportFilterSet
from .forms import (
    PRODUCTION_ORDER_ACTIONS,
    PROGRESS_REPORT_ACTIONS,
    QuickEntryDateForm,
    QuickEntryRowForm,
    ResolveIncidentForm,
)
from .models import (
    IncidentStatus,
    InspectionKind,
    InspectionResult,
    ProductionOrder,
    ProductionOrderStatus,
)


@require_GET
@page("production")
def board(request: HttpRequest) -> HttpResponse:
    columns = selectors.production_board(request.user)
    labels = dict(ProductionOrderStatus.choices)
    return render(
        request,
        "production/board.html",
        {"columns": [(status, labels[status], items) for status, items in columns.items()]},
    )


PRODUCTION_ORDERS = ListPage(
    ProductionOrderFilterSet,
    selectors.production_order_list,
    access="production",
    template="production/production_order_list.html",
    fields="search status planned_finish progress_missing",
    export="production:export",
    columns="number order.number order.customer.name factory status planned_start planned_finish "
    "quantity produced",
    headers={"produced": gettext_lazy("已生产")},
)
production_order_list, production_order_export = PRODUCTION_ORDERS.views()


def _stage_choices(request: HttpRequest, context: dict) -> None:
    """The stage filter as a select of the active stages (by code, as the API)."""
    stages = selectors.active_stages().values_list("code", "name")
    context["filters"].form.fields["stage"].widget = forms.Select(
        choices=[("", _("全部")), *stages]
    )


PROGRESS_REPORTS = ListPage(
    ProgressReportFilterSet,
    selectors.progress_report_list,
    access="production",
    template="production/progress_report_list.html",
    fields="search stage date",
    export="production:report_export",
    columns="date production_order.number production_order.order.number stage.name "
    "good_quantity defective_quantity scrap_quantity variance_reason reported_by",
    extra=_stage_choices,
)
progress_report_list, progress_report_export = PROGRESS_REPORTS.views()


@page("production")
def quick_entry(request: HttpRequest) -> HttpResponse:
    """File today's progress for many production orders on one screen. Each filled
    line is one report (one service call); a refused line keeps its input and error."""
    date_form = QuickEntryDateForm(request.POST or request.GET or None)
    day = date_form.cleaned_data["date"] if date_form.is_valid() else timezone.localdate()
    rows = selectors.quick_entry_rows(request.user, day=day)
    stages = list(selectors.active_stages().values_list("pk", "name", "is_output"))
    choices = [(pk, name) for pk, name, _is_output in stages]
    # The output stage (packing) is preselected: most daily reports are of packed goods.
    stage_id = next((pk for pk, _name, is_output in stages if is_output), None)

    # What the apps above know of each line (a late material: "材料没跟上" offered first).
    hints: dict[int, str] = {}
    for _receiver, answer in signals.variance_hints.send(
        sender=ProductionOrder, production_orders=rows, day=day
    ):
        hints.update(answer or {})

    def row_form(production_order, data=None):
        return QuickEntryRowForm(
            data,
            production_order=production_order,
            stages=choices,
            stage_id=stage_id,
            variance_reason=hints.get(production_order.pk, ""),
        )

    if request.method == "POST":
        forms_ = [row_form(po, request.POST) for po in rows]
        if not date_form.is_valid():
            messages.error(request, _("请填写有效的日期。"))
        else:
            saved, failed = 0, 0
            for i, form in enumerate(forms_):
                if not form.is_filled():
                    continue
                if not form.is_valid():
                    failed += 1
                    continue
                try:
                    form.submit(actor=request.user, date=day)
                except DomainError as exc:
                    exc.fields = {form.field_of(k): v for k, v in (exc.fields or {}).items()}
                    attach_error(form, exc)
                    failed += 1
                else:
                    saved += 1
                    forms_[i] = row_form(form.production_order)
                    forms_[i].saved = True
            if saved:
                messages.success(request, _("已保存 %(n)s 条生产日报。") % {"n": saved})
            if failed:
                messages.error(request, _("%(n)s 行未保存，请看标出的错误。") % {"n": failed})
            elif not saved:
                messages.info(request, _("没有填写任何数量。"))
            if not failed:
                return redirect(f"{reverse('production:quick_entry')}?date={day:%Y-%m-%d}")
            # Show what was just saved in the produced quantities, with the refused lines.
            kept = {form.production_order.pk: form for form in forms_}
            rows = selectors.quick_entry_rows(request.user, day=day)
            forms_ = [kept.get(po.pk) or row_form(po) for po in rows]
    else:
        forms_ = [row_form(po) for po in rows]
    return render(
        request,
        "production/quick_entry.html",
        {"date_form": date_form, "day": day, "rows": list(zip(rows, forms_, strict=True))},
    )


def _detail_context(request: HttpRequest, production_order) -> dict:
    series = selectors.progress_series(production_order)
    chart = charts.chart(
        "line",
        series["labels"],
        [
            charts.dataset(_("计划累计"), series["planned"], borderDash=[6, 4], pointRadius=0),
            charts.dataset(_("实际累计（良品）"), series["actual"], pointRadius=2),
        ],
        y_title=_("数量"),
    )
    can_resolve = policy.can(request.user, "incident.resolve", production_order)
    incidents = [
        (
            incident,
            ResolveIncidentForm(incident=incident)
            if can_resolve and incident.status == IncidentStatus.OPEN
            else None,
        )
        for incident in production_order.incidents.all()
    ]
    return {
        "po": production_order,
        "order": production_order.order,
        "chart": chart,
        "incidents": incidents,
    }


production_order_detail, production_order_action = detail_page(
    "production",
    get=selectors.production_order_get_detail,
    template="production/production_order_detail.html",
    context=_detail_context,
    actions=PRODUCTION_ORDER_ACTIONS,
    url="production:detail",
)


progress_report_detail, progress_report_action = detail_page(
    "production",
    get=selectors.progress_report_get_detail,
    template="production/progress_report_detail.html",
    context=lambda request, report: {"report": report, "po": report.production_order},
    actions=PROGRESS_REPORT_ACTIONS,
    url="production:report_detail",
    # A withdrawn report is gone: back to its production order.
    done=lambda report, action: (
        reverse("production:detail", args=[report.production_order_id])
        if action == "withdraw"
        else reverse("production:report_detail", args=[report.pk])
    ),
)


production_order_notice = document_view(
    "production", selectors.production_order_get_printable, production_notice
)


@require_POST
@page("production")
def incident_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    incident = visible_or_404(selectors.incident_get_visible, request.user, pk)
    form = ResolveIncidentForm(request.POST, incident=incident)
    if incident.production_order_id:
        back = reverse("production:detail", args=[incident.production_order_id])
    else:
        back = reverse("orders:detail", args=[incident.order_id])
    return form_action(
        request,
        form,
        lambda: form.submit(actor=request.user),
        success=_("异常已解决。"),
        invalid=_("请填写处理结果。"),
        done=back,
    )


# --------------------------------------------------------------------------
# On orders' pages (connected in ProductionConfig.ready)
# --------------------------------------------------------------------------


def _production_panels(order) -> list[dict]:
    """Each production order of the order with its planned-vs-actual chart."""
    today = timezone.localdate()
    panels = []
    for production_order in order.production_orders.all():
        reports = list(production_order.progress_reports.all())
        production_order.produced = production_order.carried_quantity + sum(
            r.good_quantity for r in reports if r.stage.is_output
        )
        series = selectors.progress_series(production_order, today=today)
        config = charts.chart(
            "line",
            series["labels"],
            [
                charts.dataset(_("计划累计"), series["planned"], borderDash=[6, 4], pointRadius=0),
                charts.dataset(_("实际累计（良品）"), series["actual"], pointRadius=2, fill=False),
            ],
            y_title=_("数量"),
        )
        panels.append(
            {
                "po": production_order,
                "chart": config,
                "chart_id": f"chart-po-{production_order.pk}",
                "reports": reports[:10],
            }
        )
    return panels


def add_to_order_page(request: HttpRequest, order, context: dict) -> None:
    """The order page shows, once loaded, each production order with its planned-vs-actual
    chart, and the order's incidents (``order_production_part``)."""
    context.setdefault("order_parts", []).append(
        lazy_part(
            order, anchor="order-production", url_name="production:order_part", title=_("生产")
        )
    )


def _order_part(request: HttpRequest, order) -> dict | None:
    prefetch_related_objects([order], *selectors.order_page_prefetches())
    panels, incidents = _production_panels(order), list(order.incidents.all())
    return {"panels": panels, "incidents": incidents} if panels or incidents else None


order_production_part = order_part_view(
    "production/_order_part.html", _order_part, title=gettext_lazy("生产")
)


def inspection_event_text(event, currency: str = "") -> str:
    """The order timeline's line for an inspection: "PO-… 尾期检验：合格"."""
    data = event.data or {}
    kind = dict(InspectionKind.choices).get(data.get("kind"), data.get("kind") or "")
    result = dict(InspectionResult.choices).get(data.get("result"), data.get("result") or "")
    return f"{data.get('number', '')} {kind}：{result}"


def report_event_text(event, currency: str = "") -> str:
    """The order timeline's line for a corrected or withdrawn report: "PO-… 2026-12-01
    裁剪 良品 500 → 480：reason" (a withdrawal: the quantity it had)."""
    data = event.data or {}
    good = qty(data.get("good_quantity", 0))
    if "previous" in data:
        good = f"{qty((data.get('previous') or {}).get('good_quantity', 0))} → {good}"
    text = _("%(number)s %(date)s %(stage)s 良品 %(good)s") % {
        "number": data.get("number", ""),
        "date": data.get("date", ""),
        "stage": data.get("stage_name") or data.get("stage", ""),
        "good": good,
    }
    return f"{text}：{event.note}" if event.note else text
