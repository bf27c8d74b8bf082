"""Forms of the finance pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput

from .. import services
from ..models import (
    PaymentMethod,
)


class PaymentConfirmForm(forms.Form):
    """Finance confirms money received against a request (partial receipts add up)."""

    amount_received = forms.DecimalField(label=_("到账金额"), decimal_places=2, min_value=0)
    received_on = forms.DateField(
        label=_("到账日期"), widget=DateInput(), initial=timezone.localdate
    )
    method = forms.ChoiceField(
        label=_("付款方式"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("银行流水号"), required=False, max_length=100)

    def __init__(self, *args, payment=None, **kwargs):
        if payment is not None:
            kwargs.setdefault("auto_id", f"id_p{payment.pk}_%s")
            kwargs.setdefault("initial", {"amount_received": payment.outstanding})
        super().__init__(*args, **kwargs)
        self.payment = payment

    def submit(self, *, actor):
        return services.payment_confirm(
            actor=actor, payment_id=self.payment.pk, **self.cleaned_data
        )
