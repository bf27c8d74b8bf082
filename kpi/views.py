"""The KPI pages: the supervisor's month, an assessment with the actions the viewer
may take, my assessments, finance's pay statements and the Excel pay sheet.

Views parse input and call the services; a refused role gets 403, any other
refusal comes back as a message on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gendan import excel, policy
from gendan.exceptions import DomainError, PermissionDenied
from orders.models import Order
from shipping.models import Shipment

from . import forms, periods, selectors, services
from .models import Assessment, PayStatement, PenaltyRecord, ShipmentFault
from .states import AssessmentStatus, can_transition

A = AssessmentStatus


def _period(value: str) -> dt.date:
    """The month a URL names: 404 for anything but YYYY-MM within the horizon (a month
    13, year 1, a NUL byte)."""
    try:
        return periods.parse(value)
    except ValueError:
        raise Http404 from None


def _shown_month(value: str, view: str) -> tuple[dt.date, HttpResponse | None]:
    """The month a KPI page shows, and a redirect when the URL names another: a month
    outside the pages' range (``assessment_period_range``) goes to the nearest month
    in it, a month spelled otherwise to its "YYYY-MM"."""
    month = _period(value)
    first, last = selectors.assessment_period_range()
    shown = min(max(month, first), last)
    if shown != month or value != periods.label(shown):
        return shown, redirect(view, period=periods.label(shown))
    return month, None


def _last_month() -> dt.date:
    return periods.previous_period(periods.month_of(timezone.localdate()))


def _month_nav(month: dt.date) -> dict:
    """The month a page shows, and the labels of the months before and after it while
    they are in the pages' range (None at either end: the links end there)."""
    first, last = selectors.assessment_period_range()
    previous, following = periods.previous_period(month), periods.next_period(month)
    return {
        "period": month,
        "label": periods.label(month),
        "previous": periods.label(previous) if previous >= first else None,
        "next": periods.label(following) if following <= last else None,
    }


def _require(request: HttpRequest, action: str, obj=None) -> None:
    if not policy.can(request.user, action, obj):
        raise Forbidden(action)


def _run(request: HttpRequest, call: Callable, success: str, back: str) -> HttpResponse:
    """Call a service; 403 for a refused role, a message for any other refusal."""
    try:
        call()
    except PermissionDenied:
        raise Forbidden from None
    except DomainError as exc:
        text = str(exc.message)
        if exc.fields:
            text += " " + "; ".join(
                f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in exc.fields.items()
            )
        messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect(back)


def _submit(
    request: HttpRequest, form, call: Callable[[dict], Any], success: str, back: str
) -> HttpResponse:
    """A form of the assessment page: its errors as messages, else ``call(cleaned_data)``
    through ``_run``; back to the page either way."""
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    return _run(request, lambda: call(form.cleaned_data), success, back)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Where the KPI starts for each role."""
    if policy.can(request.user, "assessment.enter"):
        return redirect("kpi:month", period=periods.label(_last_month()))
    if policy.can(request.user, "pay.export"):
        return redirect("kpi:pay", period=periods.label(_last_month()))
    if policy.can(request.user, "assessment.view"):
        return redirect("kpi:mine")
    raise Forbidden


def home_section(request: HttpRequest) -> dict:
    """My assessments waiting for my answer, on My work (registered by
    ``KpiConfig.ready()``): there until I confirm or dispute."""
    rows = list(selectors.assessment_list_to_answer(request.user))
    return {
        "assessments_to_answer": [
            (a, selectors.assessment_deadlines(a.period).confirm) for a in rows
        ]
    }


# --------------------------------------------------------------------------
# The supervisor's month
# --------------------------------------------------------------------------


@login_required
def month(request: HttpRequest, period: str) -> HttpResponse:
    _require(request, "assessment.enter")
    month, elsewhere = _shown_month(period, "kpi:month")
    if elsewhere:
        return elsewhere
    rows = list(selectors.department_month(month))
    counts = dict.fromkeys(A.values, 0)
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "kpi/month.html",
        {
            **_month_nav(month),
            "rows": rows,
            "counts": [(A(status).label, n) for status, n in counts.items() if n],
            "deadlines": selectors.assessment_deadlines(month),
            "can_review_pay": policy.can(request.user, "pay.review"),
        },
    )


@login_required
@require_POST
def month_compute(request: HttpRequest, period: str) -> HttpResponse:
    month = _period(period)
    return _run(
        request,
        lambda: services.assessment_compute_month(actor=request.user, period=month),
        _("已计算本月考核初稿。"),
        reverse("kpi:month", args=[period]),
    )


@login_required
@require_POST
def month_finalize(request: HttpRequest, period: str) -> HttpResponse:
    month = _period(period)
    result = {}

    def call():
        result["done"], result["left"] = services.assessment_finalize_month(
            actor=request.user, period=month
        )

    response = _run(request, call, _("定稿完成。"), reverse("kpi:month", args=[period]))
    if result:
        messages.info(
            request,
            _("已定稿 %(done)s 份，尚未定稿 %(left)s 份。")
            % {"done": len(result["done"]), "left": len(result["left"])},
        )
    return response


# --------------------------------------------------------------------------
# One assessment
# --------------------------------------------------------------------------


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    """The assessment ``pk`` if the user may see it, else 404: someone else's and a
    missing one look the same (as on the API)."""
    assessment = selectors.assessment_get_visible(request.user, pk)
    if assessment is None:
        raise Http404
    return assessment


# The workflow's buttons on an assessment's page, in their order: the action, the
# button's label, and the form (its name in the page's context) it asks for, if any.
WORKFLOW_BUTTONS = (
    ("enter", gettext_lazy("保存评分"), "enter_form"),
    ("compute", gettext_lazy("重新计算"), None),
    ("send", gettext_lazy("发送给本人确认"), None),
    ("confirm", gettext_lazy("确认"), None),
    ("dispute", gettext_lazy("提出异议"), "reason_form"),
    ("reconfirm", gettext_lazy("复核确认"), "note_form"),
    ("finalize", gettext_lazy("定稿"), None),
    ("reopen", gettext_lazy("重新打开（更正）"), "reason_form"),
)


def _workflow_can(user, assessment: Assessment) -> dict[str, bool]:
    """Which steps of the workflow ``user`` may take on ``assessment`` now."""
    return {
        action: policy.can(user, f"assessment.{action}", assessment)
        and can_transition(assessment.status, action)
        for action, _label, _form in WORKFLOW_BUTTONS
    }


def _workflow(can: dict[str, bool], forms_by_name: dict, only=None) -> list[tuple]:
    """The buttons of the steps allowed by ``can`` (of ``only``, if given): (action,
    label, form or None)."""
    return [
        (action, label, forms_by_name[form] if form else None)
        for action, label, form in WORKFLOW_BUTTONS
        if can[action] and (only is None or action in only)
    ]


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible_assessment(request, pk)
    user = request.user
    status = assessment.status
    can = _workflow_can(user, assessment)
    can["inputs"] = policy.can(user, "penalty.create") and can_transition(status, "change_inputs")
    statement = PayStatement.objects.filter(assessment=assessment).first()
    context = {
        "assessment": assessment,
        "can": can,
        "statement": statement if policy.can(user, "pay.view", assessment) else None,
        "events": assessment.events.select_related("actor"),
        "deadlines": selectors.assessment_deadlines(assessment.period),
        "metrics": [
            (
                _("准时交货率"),
                assessment.on_time_count,
                assessment.shipped_count,
                assessment.on_time_points,
                assessment.template.weight_on_time,
            ),
            (
                _("订单完成率"),
                assessment.completed_count,
                assessment.due_count,
                assessment.completion_points,
                assessment.template.weight_completion,
            ),
            (
                _("客户满意度（投诉数 / 出货订单数）"),
                assessment.complaint_count,
                assessment.shipped_count,
                assessment.complaints_points,
                assessment.template.weight_complaints,
            ),
            (
                _("问题处理能力"),
                assessment.resolved_in_time_count,
                assessment.resolution_count,
                assessment.resolution_points,
                assessment.template.weight_resolution,
            ),
        ],
        "enter_form": forms.EnterForm(
            initial={"teamwork": assessment.teamwork, "attitude": assessment.attitude},
            manual_performance=not assessment.has_metric_data,
        ),
        "reason_form": forms.ReasonForm(),
        "note_form": forms.NoteForm(),
    }
    context["workflow"] = _workflow(can, context)
    if can["inputs"] or policy.can(user, "penalty.create"):
        inputs = selectors.assessment_inputs(assessment)
        scheme = selectors.scheme_for(assessment.person_id, assessment.period)
        rules = scheme.penalty_rules.filter(is_active=True) if scheme else []
        adjustment = inputs["adjustment"]
        context.update(
            inputs=inputs,
            penalty_form=forms.PenaltyForm(rules=rules, initial={"occurred_on": assessment.period}),
            fault_form=forms.FaultForm(shipments=inputs["shipments"]),
            hours_form=forms.HoursForm(
                initial={
                    "overtime_hours": adjustment.overtime_hours,
                    "absence_hours": adjustment.absence_hours,
                    "days_absent": adjustment.days_absent,
                    "note": adjustment.note,
                }
                if adjustment
                else None
            ),
        )
    return render(request, "kpi/assessment.html", context)


@login_required
@require_POST
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assessment = _visible_assessment(request, pk)
    back = reverse("kpi:assessment", args=[pk])
    if request.POST.get("next") == "statement":
        # A review step taken on the pay statement's page goes back there.
        statement = PayStatement.objects.filter(assessment=assessment).only("pk").first()
        if statement is not None:
            back = reverse("kpi:statement", args=[statement.pk])
    user = request.user
    post = request.POST
    simple = {
        "compute": (services.assessment_compute, _("已重新计算。")),
        "send": (services.assessment_send, _("已发送给本人确认。")),
        "confirm": (services.assessment_confirm, _("已确认。")),
        "finalize": (services.assessment_finalize, _("已定稿。")),
    }
    if action in simple:
        service, success = simple[action]
        return _run(request, lambda: service(actor=user, assessment_id=pk), success, back)
    if action == "enter":
        return _submit(
            request,
            forms.EnterForm(post, manual_performance=not assessment.has_metric_data),
            lambda data: services.assessment_enter(
                actor=user,
                assessment_id=pk,
                teamwork=data["teamwork"],
                attitude=data["attitude"],
                performance=data.get("performance"),
                performance_note=data.get("performance_note"),
            ),
            _("评分已保存。"),
            back,
        )
    if action in ("dispute", "reopen"):
        service = services.assessment_dispute if action == "dispute" else services.assessment_reopen
        success = _("已提出异议。") if action == "dispute" else _("已重新打开。")
        return _run(
            request,
            lambda: service(actor=user, assessment_id=pk, reason=post.get("reason", "")),
            success,
            back,
        )
    if action == "reconfirm":
        return _run(
            request,
            lambda: services.assessment_reconfirm(
                actor=user, assessment_id=pk, note=post.get("note", "")
            ),
            _("已复核确认。"),
            back,
        )
    if action == "penalty":
        return _penalty(request, assessment, back)
    if action == "fault":
        return _fault(request, assessment, back)
    if action == "hours":
        return _submit(
            request,
            forms.HoursForm(post),
            lambda data: services.pay_adjustment_set(
                actor=user, person_id=assessment.person_id, period=assessment.period, **data
            ),
            _("工时已保存。"),
            back,
        )
    raise Http404


def _penalty(request: HttpRequest, assessment: Assessment, back: str) -> HttpResponse:
    _require(request, "penalty.create")
    scheme = selectors.scheme_for(assessment.person_id, assessment.period)
    form = forms.PenaltyForm(request.POST, rules=scheme.penalty_rules.all() if scheme else [])
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    # The order and shipment are typed as numbers; an unknown one is refused here.
    ids = {}
    for field, model, unknown in (
        ("order_number", Order, _("订单 %(n)s 不存在。")),
        ("shipment_number", Shipment, _("出货 %(n)s 不存在。")),
    ):
        number = data[field]
        ids[field] = None
        if number:
            ids[field] = (
                model.objects.filter(number=number.strip()).values_list("pk", flat=True).first()
            )
            if ids[field] is None:
                messages.error(request, unknown % {"n": number})
                return redirect(back)
    return _run(
        request,
        lambda: services.penalty_record_create(
            actor=request.user,
            person_id=assessment.person_id,
            rule_id=int(data["rule"]),
            occurred_on=data["occurred_on"],
            loss_amount=data["loss_amount"],
            chosen_amount=data["chosen_amount"],
            order_id=ids["order_number"],
            shipment_id=ids["shipment_number"],
            note=data["note"],
        ),
        _("扣款已登记。"),
        back,
    )


def _fault(request: HttpRequest, assessment: Assessment, back: str) -> HttpResponse:
    _require(request, "fault.create")
    shipments = selectors.assessment_inputs(assessment)["shipments"]
    return _submit(
        request,
        forms.FaultForm(request.POST, shipments=shipments),
        lambda data: services.shipment_fault_create(
            actor=request.user,
            shipment_id=int(data["shipment"]),
            kind=data["kind"],
            note=data["note"],
            person_id=assessment.person_id,
        ),
        _("出货差错已登记。"),
        back,
    )


def _delete_input(
    request: HttpRequest, model, pk: int, delete: Callable, id_name: str, success: str
) -> HttpResponse:
    """Delete a month's input (a penalty, a shipment fault) with the reason given, and
    go back to the assessment it counted in. 404 for a row the user may not see (one of
    another person's month, for whoever may not see that person's pay)."""
    row = get_object_or_404(
        policy.person_scope(request.user, model.objects.all(), "pay.view"), pk=pk
    )
    assessment = Assessment.objects.filter(person=row.person, period=row.period).first()
    back = reverse("kpi:assessment", args=[assessment.pk]) if assessment else reverse("kpi:index")
    reason = request.POST.get("reason", "")
    return _run(
        request, lambda: delete(actor=request.user, reason=reason, **{id_name: pk}), success, back
    )


@login_required
@require_POST
def penalty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    delete = services.penalty_record_delete
    return _delete_input(request, PenaltyRecord, pk, delete, "record_id", _("扣款已删除。"))


@login_required
@require_POST
def fault_delete(request: HttpRequest, pk: int) -> HttpResponse:
    delete = services.shipment_fault_delete
    return _delete_input(request, ShipmentFault, pk, delete, "fault_id", _("出货差错已删除。"))


# --------------------------------------------------------------------------
# Staff: my assessments
# --------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    _require(request, "assessment.view")
    rows = Assessment.objects.filter(person=request.user).select_related("pay_statement")
    return render(request, "kpi/mine.html", {"rows": rows})


# --------------------------------------------------------------------------
# Finance: pay statements and the pay sheet
# --------------------------------------------------------------------------


@login_required
def pay(request: HttpRequest, period: str) -> HttpResponse:
    """The department's pay statements of a month: the supervisor reviews them before
    finalising, finance before exporting (only finance exports)."""
    _require(request, "pay.review")
    month, elsewhere = _shown_month(period, "kpi:pay")
    if elsewhere:
        return elsewhere
    statements = list(selectors.pay_statements_of_month(month))
    exportable = [s for s in statements if s.assessment.status in (A.FINALIZED, A.EXPORTED)]
    totals = (
        PayStatement.objects.filter(pk__in=[s.pk for s in exportable]).aggregate(
            total_pay=Sum("total_pay"), accrued=Sum("declaration_bonus_accrued")
        )
        if exportable
        else {}
    )
    return render(
        request,
        "kpi/pay.html",
        {
            **_month_nav(month),
            "statements": statements,
            "exportable": len(exportable),
            "pending": len(statements) - len(exportable),
            "totals": totals,
            "can_export": policy.can(request.user, "pay.export"),
            "can_enter": policy.can(request.user, "assessment.enter"),
        },
    )


@login_required
@require_POST
def pay_export(request: HttpRequest, period: str) -> HttpResponse:
    month = _period(period)
    try:
        content, _statements = services.assessment_export(actor=request.user, period=month)
    except PermissionDenied:
        raise Forbidden from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("kpi:pay", period=period)
    return excel.download(content, f"pay-sheet-{periods.label(month)}.xlsx")


# The steps a reviewer may take on a pay statement's page (kpi-and-pay.md §3): the
# supervisor re-confirms a disputed assessment, finalises a confirmed one, reopens a
# finalised one to correct it; the person confirms or disputes their own.
REVIEW_STEPS = ("confirm", "dispute", "reconfirm", "finalize", "reopen")


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pay statement, for whoever may see that person's pay: the person, the
    supervisor who reviews it and finance; with the review steps the viewer may take."""
    statement = get_object_or_404(selectors.pay_statement_list_visible_to(request.user), pk=pk)
    assessment = statement.assessment
    can = _workflow_can(request.user, assessment)
    try:
        month = periods.parse(assessment.period)
    except ValueError:  # a month stored before periods were bounded: no month page
        month = None
    forms_by_name = {"reason_form": forms.ReasonForm(), "note_form": forms.NoteForm()}
    return render(
        request,
        "kpi/statement.html",
        {
            "statement": statement,
            "assessment": assessment,
            "lines": statement.lines.all(),
            "workflow": _workflow(can, forms_by_name, only=REVIEW_STEPS),
            "month_label": periods.label(month) if month else None,
            "can_review_pay": policy.can(request.user, "pay.review"),
            "can_see_assessment": policy.can(request.user, "assessment.view", assessment),
        },
    )
