"""Serializer fields shared by the apps' API serializers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.db.models import Model, QuerySet
from rest_framework import serializers

from gendan.money import MONEY

# The DB column types: input beyond them is a 400, never an overflow in the database.
MAX_INT = 2_147_483_647
MAX_ID = 9_223_372_036_854_775_807


def money(**kwargs) -> serializers.DecimalField:
    """A money amount: a string with two decimals ("46200.00")."""
    return serializers.DecimalField(**MONEY, **kwargs)


def object_id(**kwargs) -> serializers.IntegerField:
    """The id of a row, given as a plain integer (checked by the service)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def count(**kwargs) -> serializers.IntegerField:
    """A whole quantity that fits the database's positive integer columns."""
    kwargs.setdefault("min_value", 0)
    return serializers.IntegerField(max_value=MAX_INT, **kwargs)


class RatioField(serializers.DecimalField):
    """A ratio such as the deposit ratio: at least two decimals ("0.30"), four at most."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=4, **kwargs)

    def to_representation(self, value):
        value = Decimal(value)
        if value == value.quantize(Decimal("0.01")):
            return str(value.quantize(Decimal("0.01")))
        return str(value.normalize())


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
    }

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choice = "choices" in kwargs and kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice:  # DRF drops allow_blank from read-only fields
            kwargs["allow_blank"] = True
        return kwargs
