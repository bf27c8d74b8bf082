"""The forms of the sample pages: they parse input; each calls one service."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput
from orders.forms.base import ActionForm
from orders.models import Customer

from . import services
from .models import PHOTOS, CourierTerms, ProductionSampleKind
from .states import SAMPLE_TRANSITIONS, VERDICTS

NOTE = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _text(label, *, required: bool = False, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhotoField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("样品照片"))
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": PHOTOS.accept()}))
        super().__init__(**kwargs)


class SampleRequestForm(forms.Form):
    """The detail sheet of a sample request (seed 001 §6.7)."""

    customer = forms.ModelChoiceField(label=_("客户"), queryset=Customer.objects.order_by("name"))
    item_number = forms.CharField(label=_("货号"), max_length=64)
    raw_material = _text(_("原料"))
    packing = _text(_("包装要求"))
    colour_print = _text(_("彩印要求"))
    colour = forms.CharField(label=_("颜色要求"), max_length=100, required=False)
    shipping_mark = _text(_("唛头"))
    process = _text(_("工艺"))
    quantity = forms.IntegerField(label=_("样品数量"), min_value=1, max_value=100000, initial=1)
    unit_price = forms.DecimalField(
        label=_("报价单价"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    currency = forms.CharField(label=_("币种"), max_length=3, initial="CNY")
    due_date = forms.DateField(label=_("要求完成日期"), widget=DateInput(), required=False)
    needs_new_mould = forms.BooleanField(
        label=_("需开新模具"), required=False, help_text=_("需开模的样单须主管批准后才能打样。")
    )
    note = NOTE
    photo = PhotoField(required=False)

    def submit(self, *, actor):
        data = dict(self.cleaned_data)
        data["customer_id"] = data.pop("customer").pk
        return services.sample_request_create(actor=actor, **data)


def _day(label) -> forms.DateField:
    """The day something was done: today unless told otherwise."""
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate)


class SampleActionForm(ActionForm):
    """An action on a sample request: offered when the policy and the sample's
    transition table allow it."""

    service_id = "sample_id"
    policy_action = "sample.update"
    # The action of the sample's transition table, when not the form's name.
    sample_action: ClassVar[str] = ""

    @classmethod
    def available(cls, obj) -> bool:
        return SAMPLE_TRANSITIONS.can(obj.status, cls.sample_action or cls.name)


class MouldForm(SampleActionForm):
    name, sample_action = "mould", "approve_mould"
    policy_action = "sample.approve_mould"
    label, success = _("审批开模"), _("开模审批已记录。")
    service = services.sample_mould_decide

    approve = forms.TypedChoiceField(
        label=_("审批"),
        choices=[("1", _("批准开模")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
    )
    note = NOTE

    @classmethod
    def available(cls, obj) -> bool:
        return super().available(obj) and obj.needs_new_mould and obj.mould_status != "approved"


class StartForm(SampleActionForm):
    name = "start"
    policy_action = "sample.make"
    label, success = _("开始打样"), _("已开始打样。")
    service = services.sample_start
    note = NOTE

    @classmethod
    def available(cls, obj) -> bool:
        return super().available(obj) and not obj.mould_blocks_making


class FinishForm(SampleActionForm):
    name = "finish"
    policy_action = "sample.make"
    label, success = _("样品做好"), _("样品已做好。")
    service = services.sample_finish
    note = NOTE


class ReviewForm(SampleActionForm):
    name = "review"
    label, success = _("审核样品"), _("样品已审核。")
    service = services.sample_review

    charge_customer = forms.BooleanField(label=_("向客户收费"), required=False)
    sample_fee = forms.DecimalField(
        label=_("样品费"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    courier_terms = forms.ChoiceField(label=_("快递费"), choices=CourierTerms.choices)
    note = NOTE


class SendForm(SampleActionForm):
    name = "send"
    label, success = _("寄样登记"), _("寄样已登记。")
    service = services.sample_send

    courier = forms.CharField(label=_("快递公司"), max_length=64)
    tracking_number = forms.CharField(label=_("快递单号"), max_length=64)
    sent_on = _day(_("寄出日期"))


class VerdictForm(SampleActionForm):
    name = "verdict"
    label, success = _("客户意见"), _("客户意见已记录。")
    service = services.sample_verdict

    verdict = forms.ChoiceField(label=_("客户答复"), choices=[(v.value, v.label) for v in VERDICTS])
    comment = _text(_("客户意见"))
    verdict_on = _day(_("答复日期"))


class PurchaseForm(SampleActionForm):
    name = "purchase"
    label, success = _("新料采购申请"), _("已书面通知采购部。")
    service = services.sample_purchase_request

    material = forms.CharField(label=_("原辅料"), max_length=200)
    quantity = forms.DecimalField(label=_("数量"), min_value=0, max_digits=12, decimal_places=3)
    unit = forms.CharField(label=_("单位"), max_length=16, initial="pcs")
    needed_by = forms.DateField(label=_("需要日期"), widget=DateInput(), required=False)
    note = NOTE


class RetainForm(SampleActionForm):
    name = "retain"
    label, success = _("留样登记"), _("留样已登记。")
    service = services.sample_retain

    location = forms.CharField(label=_("存放位置"), max_length=100)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=10000, initial=1)
    retained_on = _day(_("留样日期"))
    note = NOTE


class ConvertForm(SampleActionForm):
    name = "convert"
    label, success = _("转成订单"), _("已生成订单草稿。")
    service = services.sample_convert

    contract_delivery_date = forms.DateField(label=_("合同交期"), widget=DateInput())
    customer_po = forms.CharField(label=_("客户订单号"), max_length=64, required=False)
    lines = forms.CharField(
        label=_("订单行"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "红色,M,500"}),
        help_text=_("每行一条：颜色,尺码,数量（按样品报价单价）。"),
    )

    @classmethod
    def available(cls, obj) -> bool:
        return super().available(obj) and not obj.order_id

    def clean_lines(self) -> list[dict]:
        lines = []
        for i, row in enumerate(self.cleaned_data["lines"].splitlines()[:500], start=1):
            if not row.strip():
                continue
            parts = [part.strip() for part in row.replace("，", ",").split(",")]
            if len(parts) != 3 or not parts[2].isdigit():
                raise forms.ValidationError(
                    _("第 %(n)s 行应为：颜色,尺码,数量。") % {"n": i}, code="invalid"
                )
            lines.append({"colour": parts[0], "size": parts[1], "quantity": int(parts[2])})
        if not lines:
            raise forms.ValidationError(_("请至少填写一行。"), code="required")
        return lines


SAMPLE_ACTIONS = {
    form.name: form
    for form in (
        MouldForm,
        StartForm,
        FinishForm,
        ReviewForm,
        SendForm,
        VerdictForm,
        ConvertForm,
        PurchaseForm,
        RetainForm,
    )
}


class PhotoForm(forms.Form):
    photo = PhotoField()
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class ProductionSampleForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ProductionSampleKind.choices)
    recorded_on = _day(_("日期"))
    is_correct = forms.BooleanField(label=_("样品准确"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=2000, required=False)
    photo = PhotoField(required=False)
