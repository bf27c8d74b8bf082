"""The customer form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gendan.forms import PercentField

from .. import selectors, services
from ..models import Customer


class CustomerForm(forms.ModelForm):
    """Parses a customer's fields; ``submit`` hands them to the service."""

    # Typed as a percentage like the order form's; the model keeps the fraction.
    default_deposit_ratio = PercentField(label=_("默认订金比例 (%)"), initial=Decimal("0.3"))

    class Meta:
        model = Customer
        fields = (
            "code",
            "name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "country",
            "address",
            "default_deposit_ratio",
            "payment_terms_days",
            "owner",
            "is_active",
        )
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.merchandiser_choices()

    def submit(self, *, actor) -> Customer:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            return services.customer_update(actor=actor, customer_id=self.instance.pk, **data)
        return services.customer_create(actor=actor, **data)
