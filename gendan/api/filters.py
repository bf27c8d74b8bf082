"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, IsoDateTimeRangeField

from .fields import MAX_ID


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: PostgreSQL refuses offsets
    beyond ±15:59 that ISO 8601 (and Python) accept, which would be a 500."""

    def to_python(self, value):
        return _utc(super().to_python(value))


def _utc(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


class UtcIsoDateTimeRangeField(IsoDateTimeRangeField):
    def compress(self, data_list):
        return super().compress([_utc(value) for value in data_list or []] or data_list)


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class MomentRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    field_class = UtcIsoDateTimeRangeField


class UpdatedAfterFilterSet(filters.FilterSet):
    """Every list that has ``updated_at`` offers ``updated_after`` for ERP sync: rows
    changed at or after the given time (ask again from the latest ``updated_at`` seen)."""

    updated_after = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("只列出此时间（含）之后修改过的记录，ISO 8601。"),
    )


class IdFilter(filters.NumberFilter):
    """An id: a whole number (not the decimal of django-filter's NumberFilter)."""

    field_class = forms.IntegerField


def id_filter(field_name: str, label) -> IdFilter:
    return IdFilter(field_name=field_name, label=label, min_value=1, max_value=MAX_ID)
