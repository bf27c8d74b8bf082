"""Serializer fields shared by the apps' API serializers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from gendan.bounds import rfc3339
from gendan.money import MONEY

# The DB column types: input beyond them is a 400, never an overflow in the database.
MAX_INT = 2_147_483_647
MAX_ID = 9_223_372_036_854_775_807


class _ServiceBounds:
    """The bounds its service enforces on a field (``minimum``, ``maximum``,
    ``exclusive_minimum``), stated in the schema (``gendan.api.schema``) and not
    checked here: the serializer checks the type and the column's size, the service
    the rule — so that one 400 names every bad field of a body at once."""

    def __init__(self, *args, minimum=None, maximum=None, exclusive_minimum=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema_bounds = {
            "minimum": minimum,
            "maximum": maximum,
            "exclusive_minimum": exclusive_minimum,
        }


class BoundedDecimalField(_ServiceBounds, serializers.DecimalField):
    pass


class BoundedIntegerField(_ServiceBounds, serializers.IntegerField):
    pass


def money(*, minimum=None, positive: bool = False, **kwargs) -> serializers.DecimalField:
    """A money amount: a string with two decimals ("46200.00"). ``minimum=0``: the
    service refuses a negative amount; ``positive``: it refuses zero too (the schema
    says so)."""
    if positive:
        kwargs.update(minimum=0, exclusive_minimum=True)
    elif minimum is not None:
        kwargs.update(minimum=minimum)
    else:
        return serializers.DecimalField(**MONEY, **kwargs)
    return BoundedDecimalField(**MONEY, **kwargs)


def object_id(**kwargs) -> serializers.IntegerField:
    """The id of a row, given as a plain integer (checked by the service)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def count(*, minimum: int | None = None, **kwargs) -> serializers.IntegerField:
    """A whole quantity that fits the database's positive integer columns;
    ``minimum``: the least its service accepts (a line's quantity: 1)."""
    kwargs.setdefault("min_value", 0)
    if minimum is None:
        return serializers.IntegerField(max_value=MAX_INT, **kwargs)
    return BoundedIntegerField(max_value=MAX_INT, minimum=minimum, **kwargs)


class RatioField(serializers.DecimalField):
    """A ratio such as the deposit ratio: at least two decimals ("0.30"), four at most,
    from 0 to 1 (the service's rule, stated in the schema)."""

    schema_bounds = {"minimum": 0, "maximum": 1, "exclusive_minimum": False}

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=4, **kwargs)

    def to_representation(self, value):
        value = Decimal(value)
        if value == value.quantize(Decimal("0.01")):
            return str(value.quantize(Decimal("0.01")))
        return str(value.normalize())


class DateTimeField(serializers.DateTimeField):
    """DRF's moment field, always answering valid RFC 3339: in the current time zone
    when its offset there is whole minutes, else in UTC (Asia/Shanghai's local mean
    time before 1901 is +08:05:43, which RFC 3339 cannot write), and never a failure
    for a stored extreme (9999-12-31 23:00 UTC is past the last local date)."""

    def to_representation(self, value):
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        if (
            not value
            or isinstance(value, str)
            or output_format is None
            or str(output_format).lower() != ISO_8601
            or timezone.is_naive(value)
        ):
            return super().to_representation(value)
        return moment_text(value, self.timezone if hasattr(self, "timezone") else None)


def moment_text(value: dt.datetime, zone=None) -> str:
    """An aware moment as the API writes it (see ``DateTimeField``)."""
    zone = zone or timezone.get_current_timezone()
    try:
        value = value.astimezone(zone)
    except OverflowError:
        value = value.astimezone(dt.UTC)
    return rfc3339(value)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the caller may see: ``selector(user)`` is the
    queryset to look in, so an invisible object is "does not exist", like a missing one."""

    def __init__(self, model: type[Model], selector: Callable[..., QuerySet], **kwargs):
        self.selector = selector
        super().__init__(queryset=model._default_manager.all(), **kwargs)

    def get_queryset(self) -> QuerySet:
        return self.selector(self.context["request"].user)


class ReadSerializer(serializers.ModelSerializer):
    """An output serializer of a model (every field read-only), whose schema says what
    it really sends: an empty string is allowed for a blank choice (``confirmation_method``
    of an unconfirmed order) and an optional e-mail address is any string."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.EmailField: serializers.CharField,
        models.DateTimeField: DateTimeField,
    }

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choice = "choices" in kwargs and kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice:  # DRF drops allow_blank from read-only fields
            kwargs["allow_blank"] = True
        return kwargs
