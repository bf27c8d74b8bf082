"""The actions of the order page: one form per action, one service each."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan import policy
from gendan.forms import DateInput
from production import services as production_services
from production.models import IncidentKind
from shipping import services as shipping_services
from shipping.models import AfterSalesKind

from .. import selectors, services
from ..models import ConfirmationMethod
from ..states import OPEN, PRODUCTION_STARTED, OrderStatus
from .base import ActionForm

REASON = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmOrderForm(ActionForm):
    name, transition, policy_action = "confirm", "confirm", "order.confirm"
    label, success = _("确认订单"), _("订单已确认。")

    method = forms.ChoiceField(label=_("书面确认方式"), choices=ConfirmationMethod.choices)
    reference = forms.CharField(
        label=_("确认凭据"), required=False, help_text=_("传真号、邮件主题或合同编号。")
    )
    phone_confirmed = forms.BooleanField(label=_("已电话确认"), required=False, initial=True)

    def submit(self, *, actor, obj):
        return services.order_confirm(actor=actor, order_id=obj.pk, **self.cleaned_data)


class RequestDepositForm(ActionForm):
    name, transition, policy_action = "request_deposit", "request_deposit", "order.request_deposit"
    label, success = _("通知客户付订金"), _("已向客户请款订金。")

    due_in_days = forms.IntegerField(label=_("付款期限（天）"), min_value=0, initial=7)

    @classmethod
    def available(cls, obj) -> bool:
        return obj.deposit_due > 0

    def submit(self, *, actor, obj):
        return services.order_request_deposit(actor=actor, order_id=obj.pk, **self.cleaned_data)


class WaiveDepositForm(ActionForm):
    name, transition, policy_action = "waive_deposit", "waive_deposit", "order.waive_deposit"
    label, success = _("豁免订金"), _("已豁免订金。")

    reason = REASON

    def submit(self, *, actor, obj):
        return services.order_waive_deposit(actor=actor, order_id=obj.pk, **self.cleaned_data)


class IssueProductionForm(ActionForm):
    name = transition = "issue_production"
    policy_action = "order.issue_production"
    label, success = _("下达生产单"), _("生产通知单已下达。")

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

    def submit(self, *, actor, obj):
        return production_services.production_order_issue(
            actor=actor, order_id=obj.pk, **self.cleaned_data
        )


class AcceptShortfallForm(ActionForm):
    name = transition = "accept_shortfall"
    policy_action = "order.accept_shortfall"
    label, success = _("接受短交"), _("已接受短交。")

    reason = REASON

    @classmethod
    def available(cls, obj) -> bool:
        return not obj.shortfall_accepted

    def submit(self, *, actor, obj):
        return production_services.production_accept_shortfall(
            actor=actor, order_id=obj.pk, **self.cleaned_data
        )


class CompleteProductionForm(ActionForm):
    name = transition = "complete_production"
    policy_action = "order.complete_production"
    label, success = _("生产完成"), _("生产已完成。")

    def submit(self, *, actor, obj):
        return production_services.order_complete_production(actor=actor, order_id=obj.pk)


class RequestBalanceForm(ActionForm):
    name = transition = "request_balance"
    policy_action = "order.request_balance"
    label, success = _("通知客户付尾款"), _("已向客户请款尾款。")

    due_in_days = forms.IntegerField(
        label=_("付款期限（天）"),
        min_value=0,
        required=False,
        help_text=_("留空则用客户的付款期限。"),
    )

    def submit(self, *, actor, obj):
        return services.order_request_balance(actor=actor, order_id=obj.pk, **self.cleaned_data)


class ReleaseOnCreditForm(ActionForm):
    name = transition = "release_on_credit"
    policy_action = "order.release_on_credit"
    label, success = _("赊销放行"), _("已赊销放行，可以出货。")

    reason = REASON

    @classmethod
    def available(cls, obj) -> bool:
        return not obj.credit_released

    def submit(self, *, actor, obj):
        return services.order_release_on_credit(actor=actor, order_id=obj.pk, **self.cleaned_data)


class ConfirmDeliveryForm(ActionForm):
    name = transition = "confirm_delivery"
    policy_action = "order.confirm_delivery"
    label, success = _("确认客户签收"), _("已确认客户签收。")

    def submit(self, *, actor, obj):
        return services.order_confirm_delivery(actor=actor, order_id=obj.pk)


class CloseOrderForm(ActionForm):
    name, transition, policy_action = "close", "close", "order.close"
    label, success = _("结案"), _("订单已结案。")

    note = forms.CharField(label=_("备注"), required=False)

    def submit(self, *, actor, obj):
        return services.order_close(actor=actor, order_id=obj.pk, **self.cleaned_data)


class CancelOrderForm(ActionForm):
    name, transition, policy_action = "cancel", "cancel", "order.cancel"
    label, success = _("取消订单"), _("订单已取消。")
    danger, confirm = True, _("确定要取消这个订单吗？")

    reason = REASON

    @classmethod
    def is_available(cls, user, obj) -> bool:
        if obj.status in PRODUCTION_STARTED and not policy.can(
            user, "order.cancel_after_production", obj
        ):
            return False
        return super().is_available(user, obj)

    def submit(self, *, actor, obj):
        return services.order_cancel(actor=actor, order_id=obj.pk, **self.cleaned_data)


class ReassignForm(ActionForm):
    name, transition, policy_action = "reassign", "reassign", "order.reassign"
    label, success = _("转交跟单员"), _("订单已转交。")

    owner_id = forms.ModelChoiceField(
        label=_("新跟单员"), queryset=selectors.merchandiser_choices()
    )
    note = forms.CharField(label=_("备注"), required=False)

    def submit(self, *, actor, obj):
        return services.order_reassign(
            actor=actor,
            order_id=obj.pk,
            owner_id=self.cleaned_data["owner_id"].pk,
            note=self.cleaned_data["note"],
        )


class OpenAfterSalesForm(ActionForm):
    name = transition = "open_after_sales"
    policy_action = "after_sales.open"
    label, success = _("登记售后"), _("售后案例已登记。")

    kind = forms.ChoiceField(label=_("类型"), choices=AfterSalesKind.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))

    def submit(self, *, actor, obj):
        return shipping_services.after_sales_case_open(
            actor=actor, order_id=obj.pk, **self.cleaned_data
        )


class OpenIncidentForm(ActionForm):
    name, policy_action = "open_incident", "incident.create"
    label, success = _("登记异常"), _("异常已登记。")

    kind = forms.ChoiceField(label=_("类型"), choices=IncidentKind.choices)
    description = forms.CharField(label=_("描述"), widget=forms.Textarea(attrs={"rows": 2}))
    loss_amount = forms.DecimalField(
        label=_("损失金额"), min_value=0, decimal_places=2, initial=Decimal("0")
    )

    @classmethod
    def available(cls, obj) -> bool:
        return obj.status in OPEN and obj.status != OrderStatus.DRAFT

    def submit(self, *, actor, obj):
        return production_services.incident_open(actor=actor, order_id=obj.pk, **self.cleaned_data)


# In the order of the lifecycle; the page shows those whose ``is_available`` holds.
ORDER_ACTIONS: dict[str, type[ActionForm]] = {
    form.name: form
    for form in (
        ConfirmOrderForm,
        RequestDepositForm,
        WaiveDepositForm,
        IssueProductionForm,
        AcceptShortfallForm,
        CompleteProductionForm,
        RequestBalanceForm,
        ReleaseOnCreditForm,
        ConfirmDeliveryForm,
        CloseOrderForm,
        OpenAfterSalesForm,
        OpenIncidentForm,
        ReassignForm,
        CancelOrderForm,
    )
}
