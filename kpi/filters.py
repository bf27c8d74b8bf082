"""The filters of the KPI lists of the API (assessments, pay statements): one
FilterSet per list (gendan.filters), so a bad value is a 400 naming its parameter."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gendan.filters import ListFilterSet, check_date_range, choices, id_filter

from . import periods
from .models import Assessment, PayStatement
from .states import AssessmentStatus


class PeriodField(forms.RegexField):
    """A month, ``YYYY-MM``, within the dates a filter may name."""

    default_error_messages = {"invalid": _("月份格式为 YYYY-MM。")}

    def __init__(self, **kwargs):
        super().__init__(regex=r"^\d{4}-(0[1-9]|1[0-2])$", **kwargs)

    def to_python(self, value):
        return (super().to_python(value) or "").strip()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            period = periods.parse(value)
        except ValueError:  # year 0
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        check_date_range(period)
        return period


class PeriodFilter(filters.CharFilter):
    field_class = PeriodField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value})


def period_filter(field_name: str) -> PeriodFilter:
    return PeriodFilter(field_name=field_name, label=_("考核月份"), help_text="YYYY-MM")


class AssessmentFilterSet(ListFilterSet):
    period = period_filter("period")
    status = choices(AssessmentStatus.choices, _("状态"))
    person = id_filter("person", _("被考核人"), help_text=_("被考核人 id"))

    class Meta:
        model = Assessment


class PayStatementFilterSet(ListFilterSet):
    period = period_filter("assessment__period")

    class Meta:
        model = PayStatement
