"""The actions of the order page: one form per action, one service each."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from gendan import policy
from gendan.forms import DateInput

from .. import selectors, services, signals
from ..models import ConfirmationMethod, Order
from ..states import PRODUCTION_STARTED
from .base import ActionForm, OrderActionForm

REASON = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class FlagApprovalForm(OrderActionForm):
    """A supervisor's approval that sets one of the order's flags, with its reason
    (``orders.kernel.approve_flag``): offered while the flag is not set."""

    flag: ClassVar[str]

    reason = REASON

    @classmethod
    def available(cls, obj) -> bool:
        return not getattr(obj, cls.flag)


class ConfirmOrderForm(OrderActionForm):
    name = "confirm"
    label, success = _("确认订单"), _("订单已确认。")
    service = services.order_confirm

    method = forms.ChoiceField(label=_("书面确认方式"), choices=ConfirmationMethod.choices)
    reference = forms.CharField(
        label=_("确认凭据"), required=False, help_text=_("传真号、邮件主题或合同编号。")
    )
    phone_confirmed = forms.BooleanField(label=_("已电话确认"), required=False, initial=True)
    attachment_id = forms.TypedChoiceField(
        label=_("确认凭据附件"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
        help_text=_("先在“附件”中上传客户的签字订单或传真。"),
    )

    def for_object(self, order) -> None:
        """The order's documents a confirmation may reference (the apps that keep them
        answer ``order_documents``); without any the field is not shown."""
        documents = [
            choice
            for _receiver, answer in signals.order_documents.send(sender=Order, order=order)
            for choice in answer or ()
        ]
        if documents:
            self.fields["attachment_id"].choices = [("", "—"), *documents]
        else:
            del self.fields["attachment_id"]


class RequestDepositForm(OrderActionForm):
    name = "request_deposit"
    label, success = _("通知客户付订金"), _("已向客户请款订金。")
    service = services.order_request_deposit

    due_in_days = forms.IntegerField(label=_("付款期限（天）"), min_value=0, initial=7)

    @classmethod
    def available(cls, obj) -> bool:
        return obj.deposit_due > 0


class WaiveDepositForm(OrderActionForm):
    name = "waive_deposit"
    label, success = _("豁免订金"), _("已豁免订金。")
    service = services.order_waive_deposit

    reason = REASON


class RequestBalanceForm(OrderActionForm):
    name = "request_balance"
    label, success = _("通知客户付尾款"), _("已向客户请款尾款。")
    service = services.order_request_balance

    due_in_days = forms.IntegerField(
        label=_("付款期限（天）"),
        min_value=0,
        required=False,
        help_text=_("留空则用客户的付款期限。"),
    )


class ReleaseOnCreditForm(FlagApprovalForm):
    name = "release_on_credit"
    label, success = _("赊销放行"), _("已赊销放行，可以出货。")
    service, flag = services.order_release_on_credit, "credit_released"


class ChangeContractDateForm(OrderActionForm):
    name, transition = "change_contract_date", "amend"
    label, success = _("修改合同交期"), _("合同交期已修改。")
    service = services.order_change_contract_date

    contract_delivery_date = forms.DateField(label=_("新合同交期"), widget=DateInput())
    reason = REASON


class DiscountFields(forms.Form):
    """The discount's size: an amount or a percentage of the order's total (one of them)."""

    discount_amount = forms.DecimalField(
        label=_("折扣金额"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )
    discount_percent = forms.DecimalField(
        label=_("折扣比例（%）"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("填写金额或比例之一；已收的款不退，应收的订金和尾款随之减少。"),
    )


class ApplyDiscountForm(ActionForm, DiscountFields):
    name, transition, policy_action = "apply_discount", "discount", "order.apply_discount"
    label, success = _("给予折扣"), _("折扣已生效，应收金额已调整。")

    reason = REASON

    @classmethod
    def available(cls, obj) -> bool:
        return obj.balance_due > 0

    def submit(self, *, actor, obj):
        data = self.cleaned_data
        return services.order_apply_discount(
            actor=actor,
            order_id=obj.pk,
            reason=data["reason"],
            amount=data["discount_amount"],
            percent=data["discount_percent"],
        )


class ConfirmDeliveryForm(OrderActionForm):
    name = "confirm_delivery"
    label, success = _("确认客户签收"), _("已确认客户签收。")
    service = services.order_confirm_delivery


class CloseOrderForm(OrderActionForm):
    name = "close"
    label, success = _("结案"), _("订单已结案。")
    service = services.order_close

    note = forms.CharField(label=_("备注"), required=False)


class CancelOrderForm(OrderActionForm):
    name = "cancel"
    label, success = _("取消订单"), _("订单已取消。")
    danger, confirm = True, _("确定要取消这个订单吗？")
    service = services.order_cancel

    reason = REASON

    @classmethod
    def is_available(cls, user, obj) -> bool:
        if obj.status in PRODUCTION_STARTED and not policy.can(
            user, "order.cancel_after_production", obj
        ):
            return False
        return super().is_available(user, obj)


class ReassignForm(OrderActionForm):
    name = "reassign"
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


# The order page's actions in the order of the lifecycle; the page shows those whose
# ``is_available`` holds. Production (issue, shortfall, complete, incidents) and shipping
# (after-sales) and the conversation (a request for a decision) add theirs from their
# AppConfig.ready(), with ``register_order_actions``.
ACTION_ORDER = (
    "confirm",
    "request_deposit",
    "waive_deposit",
    "issue_production",
    "accept_shortfall",
    "complete_production",
    "request_balance",
    "release_on_credit",
    "confirm_delivery",
    "close",
    "open_after_sales",
    "open_incident",
    "open_request",
    "change_contract_date",
    "apply_discount",
    "reassign",
    "cancel",
)
ORDER_ACTIONS: dict[str, type[ActionForm]] = {}


def register_order_actions(*forms: type[ActionForm]) -> None:
    """Offer ``forms`` on the order page, each in its place of ``ACTION_ORDER``."""
    actions = {**ORDER_ACTIONS, **{form.name: form for form in forms}}
    ORDER_ACTIONS.clear()
    ORDER_ACTIONS.update(sorted(actions.items(), key=lambda item: ACTION_ORDER.index(item[0])))


register_order_actions(
    ConfirmOrderForm,
    RequestDepositForm,
    WaiveDepositForm,
    RequestBalanceForm,
    ReleaseOnCreditForm,
    ChangeContractDateForm,
    ApplyDiscountForm,
    ConfirmDeliveryForm,
    CloseOrderForm,
    ReassignForm,
    CancelOrderForm,
)
