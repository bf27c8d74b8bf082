"""The product form."""

from __future__ import annotations

from django import forms

from .. import services
from ..models import Product


class ProductForm(forms.ModelForm):
    """Parses a product's fields; ``submit`` hands them to the service."""

    class Meta:
        model = Product
        fields = ("item_number", "name", "series", "spec", "unit", "default_price", "is_active")

    def submit(self, *, actor) -> Product:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            return services.product_update(actor=actor, product_id=self.instance.pk, **data)
        return services.product_create(actor=actor, **data)


class ProductActiveForm(forms.Form):
    """Deactivate a product (or activate it again)."""

    is_active = forms.BooleanField(required=False)
