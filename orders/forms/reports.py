"""The filters of the daily report and the sales ledger."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gendan.filters import BoundedDateField
from gendan.forms import DateInput

from .. import selectors
from ..models import Customer


class DailyReportForm(forms.Form):
    day = BoundedDateField(label=_("日期"), widget=DateInput(), required=False)
    owner = forms.ModelChoiceField(
        label=_("跟单员"),
        queryset=selectors.merchandiser_choices(),
        required=False,
        empty_label=_("全部门"),
    )


class LedgerForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("客户"),
        queryset=Customer.objects.order_by("code"),
        required=False,
        empty_label=_("全部客户"),
    )
    start = BoundedDateField(label=_("下单日期从"), widget=DateInput(), required=False)
    end = BoundedDateField(label=_("到"), widget=DateInput(), required=False)
