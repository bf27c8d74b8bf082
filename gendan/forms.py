"""Form building blocks shared by the pages of every app (the action forms of an
order's pages build on ``orders.forms.base.ActionForm``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker; the value always travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


PERCENT_ERROR = _("请输入 0 到 100 之间的百分比，最多两位小数（如 30 或 12.5）。")


class PercentField(forms.DecimalField):
    """A ratio typed as a percentage (0–100, up to 2 decimals) and stored as a fraction
    (0–1, as the models and the API keep it): 30 → Decimal("0.3000"). A fraction
    handed in as the initial value (a model's) is shown as its percentage."""

    def __init__(self, **kwargs):
        keys = ("invalid", "min_value", "max_value", "max_decimal_places", "max_digits")
        messages = dict.fromkeys(keys, PERCENT_ERROR)
        kwargs.setdefault("error_messages", messages)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.01"}))
        super().__init__(min_value=0, max_value=100, max_digits=5, decimal_places=2, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return (Decimal(str(value)) * 100).quantize(Decimal("0.01"))
        return value

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else (percent / Decimal(100)).quantize(Decimal("0.0001"))


class RowForm(forms.Form):
    """A form of one row of a list, many on a page: its ids carry the row's (``id_p12_``
    with ``row_prefix`` "p") and it starts from ``initial_of(row)``. The subclass names
    the row's keyword (``PaymentConfirmForm(payment=…)``) and keeps it as that
    attribute."""

    row_prefix = ""
    row_name = "row"

    def __init__(self, *args, **kwargs):
        row = kwargs.pop(self.row_name, None)
        if row is not None:
            kwargs.setdefault("auto_id", f"id_{self.row_prefix}{row.pk}_%s")
            kwargs.setdefault("initial", self.initial_of(row))
        super().__init__(*args, **kwargs)
        setattr(self, self.row_name, row)

    @classmethod
    def initial_of(cls, row) -> dict:
        return {}

    @classmethod
    def values_of(cls, row) -> dict[str, Any]:
        """What a new form of ``row`` shows in each field (``initial_of(row)``, else
        the field's initial), without building the form: a list of many rows writes its
        inputs from these by hand, since building a form copies every field and
        rendering a widget through its templates costs more than the rest of the row."""
        values = {
            name: field.initial() if callable(field.initial) else field.initial
            for name, field in cls.base_fields.items()
        }
        return values | cls.initial_of(row)

    def values(self) -> dict[str, Any]:
        """What this form shows in each field (a bound one: what was sent)."""
        return {name: self[name].value() for name in self.fields}
