"""The conversation's forms on the order page: a note or contact record, an attachment,
a request (an action of the order page), and the approver's decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput
from gendan.uploads import DOCUMENTS
from orders.forms.actions import DiscountFields
from orders.forms.base import ActionForm

from . import services
from .models import AttachmentCategory, NoteKind, RequestKind
from .requests import kinds_available


def about_choices(order) -> list[tuple[str, str]]:
    """ "Whole order" and each inspection, after-sales case and shipment of ``order``,
    as ``<field>:<id>`` values (``about_ids`` reads them back)."""
    from production.models import QualityInspection
    from shipping.models import AfterSalesCase, Shipment

    choices = [("", str(_("整个订单")))]
    for inspection in QualityInspection.objects.filter(production_order__order=order):
        label = f"{_('检验')} {inspection.get_kind_display()} {inspection.inspected_on:%Y-%m-%d}"
        choices.append((f"inspection:{inspection.pk}", label))
    for case in AfterSalesCase.objects.filter(order=order):
        label = f"{_('售后')} {case.get_kind_display()} {case.received_at:%Y-%m-%d}"
        choices.append((f"case:{case.pk}", label))
    for shipment in Shipment.objects.filter(order=order):
        choices.append((f"shipment:{shipment.pk}", f"{_('出货')} {shipment.number}"))
    return choices


def about_ids(value: str) -> dict[str, int]:
    """``"shipment:7"`` → ``{"shipment_id": 7}``; the whole order → ``{}``."""
    if not value:
        return {}
    name, _sep, pk = value.partition(":")
    return {f"{name}_id": int(pk)}


class AboutForm(forms.Form):
    """A form of the order's thread about the order or one of its parts: its ``submit``
    calls ``service`` with its other fields as they are named."""

    about = forms.ChoiceField(label=_("关于"), required=False, choices=[])

    prefix_id = "about"
    service: ClassVar[Callable[..., Any]]

    def __init__(self, *args, order, about: list[tuple[str, str]] | None = None, **kwargs):
        """``about``: the choices of ``about_choices(order)`` when the caller has them."""
        kwargs.setdefault("auto_id", f"id_{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["about"].choices = about_choices(order) if about is None else about

    def submit(self, *, actor):
        data = dict(self.cleaned_data)
        about = about_ids(data.pop("about"))
        return type(self).service(actor=actor, order_id=self.order.pk, **data, **about)


class NoteForm(AboutForm):
    prefix_id = "note"
    service = services.note_add
    kind = forms.ChoiceField(label=_("类型"), choices=NoteKind.choices, initial=NoteKind.NOTE)
    body = forms.CharField(
        label=_("内容"),
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("用 @用户名 提到同事，对方会在提醒中看到。"),
    )
    contact_person = forms.CharField(
        label=_("客户联系人"), max_length=services.CONTACT_PERSON_MAX, required=False
    )
    contacted_at = forms.DateTimeField(
        label=_("联系时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("联系记录填写；留空为现在。"),
    )


class AttachmentForm(AboutForm):
    prefix_id = "attach"
    service = services.attachment_add
    category = forms.ChoiceField(label=_("类别"), choices=AttachmentCategory.choices)
    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENTS.accept()}),
        help_text=_("PDF、图片、Excel、Word、CSV 或文本。"),
    )


class OpenRequestForm(ActionForm, DiscountFields):
    """Ask for a decision (an action of the order page): the kinds the order's state
    allows now, a reason, the new date for a contract-date change, the amount or
    percentage of a discount, a file."""

    name, policy_action = "open_request", "request.create"
    label, success = _("提交申请"), _("申请已提交，等待审批。")

    kind = forms.ChoiceField(label=_("申请类型"), choices=RequestKind.choices)
    reason = forms.CharField(
        label=_("申请原因"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    contract_delivery_date = forms.DateField(
        label=_("新合同交期"),
        required=False,
        widget=DateInput(),
        help_text=_("修改合同交期时填写。"),
    )
    file = forms.FileField(label=_("附件"), required=False)

    @classmethod
    def available(cls, obj) -> bool:
        return bool(kinds_available(obj))

    def for_object(self, order) -> None:
        available = set(kinds_available(order))
        self.fields["kind"].choices = [
            (value, label) for value, label in RequestKind.choices if value in available
        ]

    def submit(self, *, actor, obj):
        data = dict(self.cleaned_data)
        upload = data.pop("file", None)
        return services.request_open(
            actor=actor, order_id=obj.pk, files=[upload] if upload else [], **data
        )


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), required=False, max_length=services.REASON_MAX)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回原因"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
