"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .fields import MAX_ID


class UpdatedAfterFilterSet(filters.FilterSet):
    """Every list that has ``updated_at`` offers ``updated_after`` for ERP sync: rows
    changed at or after the given time (ask again from the latest ``updated_at`` seen)."""

    updated_after = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("只列出此时间（含）之后修改过的记录，ISO 8601。"),
    )


class IdFilter(filters.NumberFilter):
    """An id: a whole number (not the decimal of django-filter's NumberFilter)."""

    field_class = forms.IntegerField


def id_filter(field_name: str, label) -> IdFilter:
    return IdFilter(field_name=field_name, label=label, min_value=1, max_value=MAX_ID)
