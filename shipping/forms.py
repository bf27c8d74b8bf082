"""Forms of the shipment and after-sales pages; each calls one service."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput, RowForm
from gendan.transitions import Transitions
from gendan.uploads import DOCUMENTS
from orders.forms.base import ActionForm

from . import services
from .models import AfterSalesKind, DocumentKind, ShipmentMode
from .states import AFTER_SALES_TRANSITIONS, SHIPMENT_TRANSITIONS


class ShipmentCreateForm(forms.Form):
    """A shipment of some or all of the open quantity: one quantity field per order line
    (``qty_<line id>``), preset to what is still open."""

    planned_ship_date = forms.DateField(
        label=_("计划出货日期"), widget=DateInput(), initial=timezone.localdate
    )
    mode = forms.ChoiceField(label=_("运输方式"), choices=ShipmentMode.choices)
    forwarder = forms.CharField(label=_("货代"), required=False, max_length=100)
    carrier = forms.CharField(label=_("承运人"), required=False, max_length=100)
    packages = forms.IntegerField(label=_("件数"), min_value=0, initial=0)
    required_documents = forms.MultipleChoiceField(
        label=_("需要的单证"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=list(services.DEFAULT_REQUIRED_DOCUMENTS),
    )
    note = forms.CharField(label=_("备注"), required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                min_value=0, max_value=line.open_quantity, initial=line.open_quantity
            )
            line.field_name = f"qty_{line.pk}"

    def line_rows(self):
        return [(line, self[f"qty_{line.pk}"]) for line in self.lines]

    def _wanted(self) -> list[dict]:
        return [
            {"order_line": line.pk, "quantity": self.cleaned_data[f"qty_{line.pk}"]}
            for line in self.lines
            if self.cleaned_data.get(f"qty_{line.pk}")
        ]

    def place(self, name: str, messages: list) -> bool:
        """Put a service's ``lines[i].quantity`` error on that line's field."""
        wanted = self._wanted()
        for i, row in enumerate(wanted):
            if name.startswith(f"lines[{i}]."):
                for message in messages:
                    self.add_error(f"qty_{row['order_line']}", str(message))
                return True
        return False

    def submit(self, *, actor, order):
        data = self.cleaned_data
        return services.shipment_create(
            actor=actor,
            order_id=order.pk,
            planned_ship_date=data["planned_ship_date"],
            mode=data["mode"],
            lines=self._wanted(),
            forwarder=data["forwarder"],
            carrier=data["carrier"],
            packages=data["packages"],
            required_documents=data["required_documents"],
            note=data["note"],
        )


# --------------------------------------------------------------------------
# Shipment actions
# --------------------------------------------------------------------------


class ShipmentActionForm(ActionForm):
    """Shown while the shipment's (or case's) status allows the action of ``table``
    (``action``, else the form's ``name``)."""

    table: ClassVar[Transitions] = SHIPMENT_TRANSITIONS
    action: ClassVar[str] = ""

    @classmethod
    def available(cls, obj) -> bool:
        return cls.table.can(obj.status, cls.action or cls.name)


class PackForm(ShipmentActionForm):
    name, policy_action = "pack", "shipment.update"
    label, success = _("装箱完成"), _("已装箱。")

    packages = forms.IntegerField(label=_("件数"), min_value=0, required=False)

    def submit(self, *, actor, obj):
        return services.shipment_pack(actor=actor, shipment_id=obj.pk, **self.cleaned_data)


class ShipForm(ShipmentActionForm):
    name, policy_action = "ship", "shipment.ship"
    transition = "ship"  # the order's status must allow shipping too
    label, success = _("登记出货"), _("已登记出货。")

    actual_ship_date = forms.DateField(
        label=_("实际出货日期"), widget=DateInput(), initial=timezone.localdate
    )
    tracking_number = forms.CharField(label=_("运单/提单号"), required=False, max_length=100)
    container = forms.CharField(label=_("柜号"), required=False, max_length=64)
    customs_declaration_number = forms.CharField(label=_("报关单号"), required=False, max_length=64)
    packages = forms.IntegerField(label=_("件数"), min_value=0, required=False)

    def submit(self, *, actor, obj):
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        return services.shipment_ship(actor=actor, shipment_id=obj.pk, **data)


class DeliverForm(ShipmentActionForm):
    name, policy_action = "deliver", "shipment.deliver"
    label, success = _("客户已签收"), _("已登记签收。")

    def submit(self, *, actor, obj):
        return services.shipment_deliver(actor=actor, shipment_id=obj.pk)


class CancelShipmentForm(ShipmentActionForm):
    name, policy_action = "cancel", "shipment.cancel"
    action = "cancel_shipment"  # its key in the shipment table
    label, success = _("取消出货"), _("出货已取消。")
    danger, confirm = True, _("确定要取消这次出货吗？")

    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def submit(self, *, actor, obj):
        return services.shipment_cancel(actor=actor, shipment_id=obj.pk, **self.cleaned_data)


SHIPMENT_ACTIONS: dict[str, type[ActionForm]] = {
    form.name: form for form in (PackForm, ShipForm, DeliverForm, CancelShipmentForm)
}


class DocumentForm(RowForm):
    """One item of the documents checklist: ready or not, with its file."""

    row_prefix, row_name = "doc", "document"

    is_ready = forms.BooleanField(label=_("已备齐"), required=False)
    # Checked by the service (gendan.uploads: size, type by content); ``accept`` only
    # narrows the browser's file picker.
    file = forms.FileField(label=_("文件"), required=False)
    accept = DOCUMENTS.accept()

    @classmethod
    def initial_of(cls, document) -> dict:
        return {"is_ready": document.is_ready}

    def submit(self, *, actor):
        return services.shipment_document_update(
            actor=actor,
            document_id=self.document.pk,
            is_ready=self.cleaned_data["is_ready"],
            file=self.cleaned_data.get("file") or None,
        )


# --------------------------------------------------------------------------
# After-sales case actions
# --------------------------------------------------------------------------


class CaseActionForm(ShipmentActionForm):
    table = AFTER_SALES_TRANSITIONS
    policy_action = "after_sales.update"


class InvestigateForm(CaseActionForm):
    name = "investigate"
    label, success = _("开始调查"), _("已开始调查。")

    note = forms.CharField(label=_("备注"), required=False)

    def submit(self, *, actor, obj):
        return services.after_sales_case_investigate(
            actor=actor, case_id=obj.pk, **self.cleaned_data
        )


class ResolveCaseForm(CaseActionForm):
    name = "resolve"
    label, success = _("解决"), _("售后案例已解决。")

    root_cause = forms.CharField(label=_("原因分析"), widget=forms.Textarea(attrs={"rows": 2}))
    corrective_action = forms.CharField(
        label=_("纠正措施"), widget=forms.Textarea(attrs={"rows": 2})
    )
    cost = forms.DecimalField(label=_("费用"), min_value=0, decimal_places=2, initial=Decimal("0"))

    def submit(self, *, actor, obj):
        return services.after_sales_case_resolve(actor=actor, case_id=obj.pk, **self.cleaned_data)


class CloseCaseForm(CaseActionForm):
    name = "close"
    label, success = _("关闭"), _("售后案例已关闭。")

    customer_satisfaction = forms.TypedChoiceField(
        label=_("客户满意度"),
        choices=[("", "—"), *[(i, f"{i} ★") for i in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def submit(self, *, actor, obj):
        return services.after_sales_case_close(actor=actor, case_id=obj.pk, **self.cleaned_data)


CASE_ACTIONS: dict[str, type[ActionForm]] = {
    form.name: form for form in (InvestigateForm, ResolveCaseForm, CloseCaseForm)
}


# --------------------------------------------------------------------------
# Shipping's action on the order page (registered in ShippingConfig.ready)
# --------------------------------------------------------------------------


class OpenAfterSalesForm(ActionForm):
    name = transition = "open_after_sales"
    policy_action = "after_sales.open"
    label, success = _("登记售后"), _("售后案例已登记。")

    kind = forms.ChoiceField(label=_("类型"), choices=AfterSalesKind.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))

    def submit(self, *, actor, obj):
        return services.after_sales_case_open(actor=actor, order_id=obj.pk, **self.cleaned_data)
