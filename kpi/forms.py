"""Forms of the KPI pages: they parse fields; the rules are checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ShipmentFaultKind

SCORE = {"max_digits": 5, "decimal_places": 2}
HOURS = {"max_digits": 6, "decimal_places": 2, "min_value": 0, "initial": 0}


class EnterForm(forms.Form):
    teamwork = forms.DecimalField(
        label=_("团队合作能力（0–30）"), min_value=0, max_value=30, **SCORE
    )
    attitude = forms.DecimalField(
        label=_("工作态度及服务质量（0–20）"), min_value=0, max_value=20, **SCORE
    )
    performance = forms.DecimalField(
        label=_("工作绩效（0–50，仅无数据时手工录入）"),
        min_value=0,
        max_value=50,
        required=False,
        **SCORE,
    )
    performance_note = forms.CharField(
        label=_("工作绩效说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, manual_performance: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not manual_performance:
            # The month has data: performance is computed, never typed in.
            del self.fields["performance"], self.fields["performance_note"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 3}))


class PenaltyForm(forms.Form):
    rule = forms.ChoiceField(label=_("扣款规则"))
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    loss_amount = forms.DecimalField(
        label=_("损失金额（按比例的规则）"), required=False, min_value=0, decimal_places=2
    )
    chosen_amount = forms.DecimalField(
        label=_("金额（按范围的规则）"), required=False, min_value=0, decimal_places=2
    )
    order_number = forms.CharField(label=_("订单编号"), required=False, max_length=32)
    shipment_number = forms.CharField(label=_("出货单号"), required=False, max_length=32)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rules=(), **kwargs):
        kwargs.setdefault("auto_id", "penalty_%s")
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, r.name) for r in rules]


class FaultForm(forms.Form):
    shipment = forms.ChoiceField(label=_("出货"))
    kind = forms.ChoiceField(label=_("差错类型"), choices=ShipmentFaultKind.choices)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, shipments=(), **kwargs):
        kwargs.setdefault("auto_id", "fault_%s")
        super().__init__(*args, **kwargs)
        self.fields["shipment"].choices = [
            (s.pk, f"{s.number} {s.actual_ship_date} {s.customs_declaration_number}")
            for s in shipments
        ]


class HoursForm(forms.Form):
    overtime_hours = forms.DecimalField(label=_("加班小时"), **HOURS)
    absence_hours = forms.DecimalField(label=_("出勤不足小时"), **HOURS)
    days_absent = forms.DecimalField(
        label=_("缺勤天数"), max_digits=4, decimal_places=1, min_value=0, initial=0
    )
    note = forms.CharField(label=_("备注"), required=False)
