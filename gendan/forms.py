"""Form building blocks shared by the pages of every app (the action forms of an
order's pages build on ``orders.forms.base.ActionForm``)."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; the value always travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
