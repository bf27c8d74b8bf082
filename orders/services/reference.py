"""Customers and products (reference data)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gendan import bounds, policy
from gendan.bounds import storable
from gendan.exceptions import (
    NotFound,
    ValidationFailed,
)
from gendan.models import User

from ..models import (
    Customer,
    Product,
)

# --------------------------------------------------------------------------
# Customers and products
# --------------------------------------------------------------------------

CUSTOMER_FIELDS = (
    "code",
    "name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "country",
    "default_deposit_ratio",
    "payment_terms_days",
    "owner",
    "is_active",
)
PRODUCT_FIELDS = ("item_number", "name", "series", "spec", "unit", "default_price", "is_active")


def _clean_reference(obj, fields: Iterable[str]) -> None:
    from django.core.exceptions import ValidationError

    # The CHECK constraint on a product's default price, as a field error (not a crash).
    if isinstance(obj, Product) and obj.default_price is not None and obj.default_price < 0:
        raise ValidationFailed(fields={"default_price": [_("单价不能为负数。")]})
    if isinstance(obj, Customer) and isinstance(obj.payment_terms_days, int):
        # Payment terms become a due date: within the horizon of dates.
        bounds.require_days("payment_terms_days", obj.payment_terms_days)
    try:
        obj.full_clean(validate_constraints=False, validate_unique=True)
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from None
    unknown = set(fields) - {f.name for f in obj._meta.fields}
    if unknown:
        raise ValidationFailed(fields={name: [_("未知字段。")] for name in unknown})


def _create(model, allowed: tuple[str, ...], *, actor: User, fields: dict[str, Any]):
    policy.require(actor, f"{model._meta.model_name}.create")
    obj = model(**{k: v for k, v in fields.items() if k in allowed})
    _clean_reference(obj, fields)
    obj.save()
    return obj


def _update(model, allowed: tuple[str, ...], pk: int, *, actor: User, fields: dict[str, Any]):
    name = model._meta.model_name
    try:
        obj = model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound(model=name, id=pk) from None
    policy.require(actor, f"{name}.update", obj)
    for field, value in fields.items():
        if field in allowed:
            setattr(obj, field, value)
    _clean_reference(obj, fields)
    obj.save()
    return obj


@storable
@transaction.atomic
def customer_create(*, actor: User, **fields: Any) -> Customer:
    """Create a customer. Raises PermissionDenied, ValidationFailed."""
    return _create(Customer, CUSTOMER_FIELDS, actor=actor, fields=fields)


@storable
@transaction.atomic
def customer_update(*, actor: User, customer_id: int, **fields: Any) -> Customer:
    """Change a customer's fields. Raises NotFound, PermissionDenied, ValidationFailed."""
    return _update(Customer, CUSTOMER_FIELDS, customer_id, actor=actor, fields=fields)


@storable
@transaction.atomic
def product_create(*, actor: User, **fields: Any) -> Product:
    """Create a product. Raises PermissionDenied, ValidationFailed."""
    return _create(Product, PRODUCT_FIELDS, actor=actor, fields=fields)


@storable
@transaction.atomic
def product_update(*, actor: User, product_id: int, **fields: Any) -> Product:
    """Change a product's fields. Raises NotFound, PermissionDenied, ValidationFailed."""
    return _update(Product, PRODUCT_FIELDS, product_id, actor=actor, fields=fields)
