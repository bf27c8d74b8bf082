"""Forms of the finance pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gendan.forms import DateInput, RowForm

from .. import services
from ..models import (
    PaymentMethod,
)


class PaymentConfirmForm(RowForm):
    """Finance confirms money received against a request (partial receipts add up)."""

    row_prefix, row_name = "p", "payment"

    amount_received = forms.DecimalField(label=_("到账金额"), decimal_places=2, min_value=0)
    received_on = forms.DateField(
        label=_("到账日期"), widget=DateInput(), initial=timezone.localdate
    )
    method = forms.ChoiceField(
        label=_("付款方式"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("银行流水号"), required=False, max_length=100)

    @classmethod
    def initial_of(cls, payment) -> dict:
        return {"amount_received": payment.outstanding}

    def submit(self, *, actor):
        return services.payment_confirm(
            actor=actor, payment_id=self.payment.pk, **self.cleaned_data
        )
