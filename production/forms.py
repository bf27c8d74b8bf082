"""Forms of the production pages: quick daily entry, progress reports, inspections,
incidents. Each parses input and calls one service."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.filters import BoundedDateField
from gendan.forms import DateInput
from orders.forms import FlagApprovalForm
from orders.forms.base import ActionForm, OrderActionForm
from orders.states import OPEN, OrderStatus

from . import selectors, services
from .models import (
    IncidentKind,
    InspectionKind,
    InspectionResult,
    ProductionOrder,
    VarianceReason,
)
from .states import ACTIVE_PRODUCTION_STATUSES, PRODUCTION_ORDER_TRANSITIONS

VARIANCE_CHOICES = [("", "—"), *VarianceReason.choices]


def _default_stage():
    stage = selectors.active_stages().filter(is_output=True).first()
    return stage.pk if stage else None


class QuickEntryDateForm(forms.Form):
    # Bounded: the page computes the day before (year 1 would overflow: a 500).
    date = BoundedDateField(label=_("日报日期"), widget=DateInput(), initial=timezone.localdate)


class QuickEntryRowForm(forms.Form):
    """One production order's line on the quick entry page (prefix ``po<id>``): one
    stage line (``stage``, ``good_quantity``, …) and, for the other stages filed the
    same day, more lines (``stage_2``, ``good_quantity_2``, …), saved together."""

    # Choices handed in by the view, read once for every line of the page.
    stage = forms.TypedChoiceField(label=_("工序"), coerce=int)
    good_quantity = forms.IntegerField(label=_("良品数"), min_value=0, required=False)
    defective_quantity = forms.IntegerField(label=_("不良数"), min_value=0, required=False)
    scrap_quantity = forms.IntegerField(label=_("报废数"), min_value=0, required=False)
    variance_reason = forms.ChoiceField(
        label=_("偏差原因"), choices=VARIANCE_CHOICES, required=False
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    QUANTITIES = ("good_quantity", "defective_quantity", "scrap_quantity")

    def __init__(
        self,
        *args,
        production_order: ProductionOrder,
        stages,
        stage_id=None,
        variance_reason: str = "",
        **kwargs,
    ):
        kwargs.setdefault("prefix", f"po{production_order.pk}")
        kwargs.setdefault("initial", {"stage": stage_id, "variance_reason": variance_reason})
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages
        self.production_order = production_order
        # One more line per other stage: every stage can be filed in one save.
        self.suffixes = [""] + [f"_{n}" for n in range(2, len(stages) + 1)]
        for suffix in self.suffixes[1:]:
            self.fields[f"stage{suffix}"] = forms.TypedChoiceField(
                label=_("工序"), coerce=int, choices=[("", "—"), *stages], required=False
            )
            for name in self.QUANTITIES:
                self.fields[f"{name}{suffix}"] = forms.IntegerField(
                    label=self.base_fields[name].label, min_value=0, required=False
                )

    def _filled(self, suffix: str) -> bool:
        return any(
            (self.data.get(self.add_prefix(f"{name}{suffix}")) or "").strip()
            for name in self.QUANTITIES
        )

    def is_filled(self) -> bool:
        """Whether the user typed a quantity on this line (blank lines are skipped)."""
        return any(self._filled(suffix) for suffix in self.suffixes)

    def lines(self) -> list[dict]:
        """The stage lines of this production order, each as its fields (for the page)."""
        return [
            {
                "stage": self[f"stage{suffix}"],
                **{name: self[f"{name}{suffix}"] for name in self.QUANTITIES},
            }
            for suffix in self.suffixes
        ]

    @property
    def more_open(self) -> bool:
        """Whether the other stages' lines are shown open (something typed in them)."""
        return self.is_bound and any(self._filled(suffix) for suffix in self.suffixes[1:])

    def clean(self):
        data = super().clean()
        for suffix in self.suffixes[1:]:
            if self._filled(suffix) and not data.get(f"stage{suffix}"):
                self.add_error(f"stage{suffix}", _("请选择工序。"))
        return data

    def submit(self, *, actor, date):
        data = self.cleaned_data
        self.sent = [suffix for suffix in self.suffixes if self._filled(suffix)]
        return services.progress_reports_create(
            actor=actor,
            production_order_id=self.production_order.pk,
            date=date,
            entries=[
                {
                    "stage_id": data[f"stage{suffix}"],
                    **{name: data[f"{name}{suffix}"] or 0 for name in self.QUANTITIES},
                    "variance_reason": data["variance_reason"],
                    "note": data["note"],
                }
                for suffix in self.sent
            ],
        )

    def field_of(self, name: str) -> str:
        """The field of this form a service error names (``entries[1].good_quantity``
        is the second filled line's good quantity)."""
        match = re.fullmatch(r"entries\[(\d+)\]\.(\w+)", name)
        if match is None:
            return name
        index = int(match[1])
        suffix = self.sent[index] if index < len(self.sent) else ""
        return f"{match[2]}{suffix}"


# --------------------------------------------------------------------------
# A progress report's page: correct or withdraw it, with the reason
# --------------------------------------------------------------------------


class ProgressReportActionForm(ActionForm):
    service_id = "report_id"
    policy_action = "progress_report.create"  # who files reports corrects them

    @classmethod
    def available(cls, obj) -> bool:
        return obj.production_order.status in ACTIVE_PRODUCTION_STATUSES


class CorrectReportForm(ProgressReportActionForm):
    name = "correct"
    label, success = _("更正日报"), _("日报已更正。")
    service = services.progress_report_correct

    good_quantity = forms.IntegerField(label=_("良品数"), min_value=0)
    defective_quantity = forms.IntegerField(label=_("不良数"), min_value=0, initial=0)
    scrap_quantity = forms.IntegerField(label=_("报废数"), min_value=0, initial=0)
    variance_reason = forms.ChoiceField(
        label=_("偏差原因"), choices=VARIANCE_CHOICES, required=False
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=500)
    reason = forms.CharField(
        label=_("更正原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def for_object(self, report) -> None:
        if not self.is_bound:
            self.initial = {name: getattr(report, name) for name in REPORT_VALUES}


class WithdrawReportForm(ProgressReportActionForm):
    name = "withdraw"
    label, success = _("撤回日报"), _("日报已撤回。")
    danger, confirm = True, _("撤回这份生产日报？")
    service = services.progress_report_withdraw

    reason = forms.CharField(
        label=_("撤回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


REPORT_VALUES = (*QuickEntryRowForm.QUANTITIES, "variance_reason", "note")
PROGRESS_REPORT_ACTIONS: dict[str, type[ActionForm]] = {
    form.name: form for form in (CorrectReportForm, WithdrawReportForm)
}


# --------------------------------------------------------------------------
# The actions of a production order's page
# --------------------------------------------------------------------------


class ProductionOrderActionForm(ActionForm):
    service_id = "production_order_id"

    @classmethod
    def available(cls, obj) -> bool:
        return obj.status in ACTIVE_PRODUCTION_STATUSES


class ProgressReportForm(ProductionOrderActionForm):
    name, policy_action = "report", "progress_report.create"
    label, success = _("填报生产日报"), _("生产日报已保存。")

    date = forms.DateField(label=_("日期"), widget=DateInput(), initial=timezone.localdate)
    stage = forms.ModelChoiceField(
        label=_("工序"), queryset=selectors.active_stages(), initial=_default_stage
    )
    good_quantity = forms.IntegerField(label=_("良品数"), min_value=0)
    defective_quantity = forms.IntegerField(label=_("不良数"), min_value=0, initial=0)
    scrap_quantity = forms.IntegerField(label=_("报废数"), min_value=0, initial=0)
    variance_reason = forms.ChoiceField(
        label=_("偏差原因"), choices=VARIANCE_CHOICES, required=False
    )
    note = forms.CharField(label=_("备注"), required=False)

    def submit(self, *, actor, obj):
        data = dict(self.cleaned_data)
        stage = data.pop("stage")
        return services.progress_report_create(
            actor=actor, production_order_id=obj.pk, stage_id=stage.pk, **data
        )


class InspectionForm(ProductionOrderActionForm):
    name, policy_action = "inspect", "inspection.create"
    label, success = _("登记质量检验"), _("检验已登记。")
    service = services.inspection_create

    kind = forms.ChoiceField(label=_("检验类型"), choices=InspectionKind.choices)
    result = forms.ChoiceField(label=_("结果"), choices=InspectionResult.choices)
    inspected_on = forms.DateField(
        label=_("检验日期"), widget=DateInput(), initial=timezone.localdate
    )
    sample_size = forms.IntegerField(label=_("抽样数"), min_value=0, initial=0)
    defects_found = forms.IntegerField(label=_("不良数"), min_value=0, initial=0)
    defects = forms.CharField(
        label=_("不良描述"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    estimated_loss = forms.DecimalField(
        label=_("预估损失"), min_value=0, decimal_places=2, initial=Decimal("0")
    )
    note = forms.CharField(label=_("备注"), required=False)


class StartForm(ActionForm):
    name, policy_action = "start", "production_order.start"
    label, success = _("开始生产"), _("生产单已开始。")
    service, service_id = services.production_order_start, "production_order_id"

    @classmethod
    def available(cls, obj) -> bool:
        return PRODUCTION_ORDER_TRANSITIONS.can(obj.status, "start")


class CompleteForm(ProductionOrderActionForm):
    name, policy_action = "complete", "order.complete_production"
    transition = "complete_production"
    label, success = _("生产完成"), _("生产已完成，订单进入“生产完成”。")
    service = services.production_order_complete


class IncidentForm(ProductionOrderActionForm):
    name, policy_action = "incident", "incident.create"
    label, success = _("登记异常"), _("异常已登记。")

    kind = forms.ChoiceField(label=_("类型"), choices=IncidentKind.choices)
    description = forms.CharField(label=_("描述"), widget=forms.Textarea(attrs={"rows": 2}))
    loss_amount = forms.DecimalField(
        label=_("损失金额"), min_value=0, decimal_places=2, initial=Decimal("0")
    )

    def submit(self, *, actor, obj):
        return services.incident_open(
            actor=actor, order_id=obj.order_id, production_order_id=obj.pk, **self.cleaned_data
        )


PRODUCTION_ORDER_ACTIONS: dict[str, type[ActionForm]] = {
    form.name: form
    for form in (ProgressReportForm, InspectionForm, StartForm, CompleteForm, IncidentForm)
}


class ResolveIncidentForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}))
    loss_amount = forms.DecimalField(
        label=_("损失金额"), min_value=0, decimal_places=2, required=False
    )

    def __init__(self, *args, incident=None, **kwargs):
        if incident is not None:
            kwargs.setdefault("auto_id", f"id_incident{incident.pk}_%s")
        super().__init__(*args, **kwargs)
        self.incident = incident

    def submit(self, *, actor):
        return services.incident_resolve(
            actor=actor, incident_id=self.incident.pk, **self.cleaned_data
        )


# --------------------------------------------------------------------------
# Production's actions on the order page (registered in ProductionConfig.ready)
# --------------------------------------------------------------------------


class IssueProductionForm(OrderActionForm):
    name = "issue_production"
    label, success = _("下达生产单"), _("生产通知单已下达。")
    service = services.production_order_issue

    factory = forms.CharField(label=_("工厂/车间"), max_length=100)
    is_outside_processor = forms.BooleanField(label=_("外协厂"), required=False)
    planned_start = forms.DateField(
        label=_("计划开始"), widget=DateInput(), initial=timezone.localdate
    )
    planned_finish = forms.DateField(label=_("计划完成"), widget=DateInput())
    processing_fee = forms.DecimalField(
        label=_("加工费"), min_value=0, decimal_places=2, initial=Decimal("0")
    )
    note = forms.CharField(label=_("备注"), required=False)
    materials_warning = forms.CharField(
        label=_("缺料说明"),
        required=False,
        max_length=500,
        help_text=_("物料未到齐时必填：说明缺什么、何时到、为何仍下达。"),
    )


class AcceptShortfallForm(FlagApprovalForm):
    name = "accept_shortfall"
    label, success = _("接受短交"), _("已接受短交。")
    service, flag = services.production_accept_shortfall, "shortfall_accepted"


class CompleteProductionForm(OrderActionForm):
    name = "complete_production"
    label, success = _("生产完成"), _("生产已完成。")
    service = services.order_complete_production


class OpenIncidentForm(IncidentForm):
    """The incident form of the production order page, on the order page (the incident
    is the order's, with no production order)."""

    name = "open_incident"
    service, service_id = services.incident_open, "order_id"

    @classmethod
    def available(cls, obj) -> bool:
        return obj.status in OPEN and obj.status != OrderStatus.DRAFT
