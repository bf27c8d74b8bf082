"""The forms of planning's pages: they parse input; each calls one service (its
``service``, whose ``success`` message the page shows)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput

from . import services
from .models import MaterialKind

QUANTITY = {"min_value": 0, "max_digits": 14, "decimal_places": 3}


class MilestoneCompleteForm(forms.Form):
    service, success = services.milestone_complete, _("节点已完成。")

    actual_date = forms.DateField(
        label=_("实际完成日期"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(label=_("备注"), max_length=2000, required=False)


class MaterialForm(forms.Form):
    service, success = services.material_create, _("物料已登记。")

    kind = forms.ChoiceField(label=_("类别"), choices=MaterialKind.choices)
    name = forms.CharField(label=_("物料"), max_length=200)
    supplier = forms.CharField(label=_("供应商"), max_length=200, required=False)
    purchase_reference = forms.CharField(label=_("采购单号"), max_length=64, required=False)
    quantity = forms.DecimalField(label=_("数量"), **QUANTITY)
    unit = forms.CharField(label=_("单位"), max_length=16, initial="m")
    required_by = forms.DateField(
        label=_("需到日期"),
        widget=DateInput(),
        required=False,
        help_text=_("留空则取节点计划的“面辅料到厂”日期。"),
    )
    eta = forms.DateField(label=_("预计到货"), widget=DateInput(), required=False)


class MaterialReceiveForm(forms.Form):
    service, success = services.material_receive, _("物料已更新。")

    received_quantity = forms.DecimalField(label=_("已到数量（累计）"), **QUANTITY)
    eta = forms.DateField(label=_("预计到货"), widget=DateInput(), required=False)
    received_on = forms.DateField(
        label=_("到货日期"), widget=DateInput(), initial=timezone.localdate, required=False
    )
