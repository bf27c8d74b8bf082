"""Recording an order and editing it while it is a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gendan import policy
from gendan.bounds import storable
from gendan.exceptions import (
    Duplicate,
    ValidationFailed,
)
from gendan.models import User
from gendan.roles import Role, has_role
from gendan.sequences import next_number

from .. import events, tallies
from ..models import (
    Customer,
    Order,
)
from ._common import (
    ORDER_DATE_FIELDS,
    S,
    check_order_dates,
    deposit_for,
    lock_for_action,
    save,
)
from .lines import (
    _parse_ratio,
    _recompute_totals,
    _replace_lines,
    parse_lines,
)

# --------------------------------------------------------------------------
# Orders: create and edit drafts
# --------------------------------------------------------------------------

ORDER_HEADER_FIELDS = (
    "customer_po",
    "currency",
    "order_date",
    "contract_delivery_date",
    "planned_ship_date",
    "quality_requirements",
    "packing_requirements",
)


def _owner_for(actor: User, owner_id: int | None, customer: Customer) -> User:
    if owner_id is None:
        if has_role(actor, Role.MERCHANDISER):
            return actor
        if customer.owner_id:
            return customer.owner
        raise ValidationFailed(fields={"owner": [_("请指定跟单员。")]})
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or not has_role(owner, Role.MERCHANDISER):
        raise ValidationFailed(fields={"owner": [_("跟单员不存在。")]})
    acting_for_someone_else = owner != actor and not actor.is_superuser
    if (
        acting_for_someone_else
        and has_role(actor, Role.MERCHANDISER)
        and not has_role(actor, Role.SUPERVISOR)
    ):
        raise ValidationFailed(fields={"owner": [_("跟单员只能为自己创建订单。")]})
    return owner


@storable
@transaction.atomic
def order_create(
    *,
    actor: User,
    customer_id: int,
    lines: Iterable[Mapping[str, Any]],
    contract_delivery_date: dt.date,
    owner_id: int | None = None,
    order_date: dt.date | None = None,
    deposit_ratio: Decimal | str | None = None,
    currency: str = "",
    customer_po: str = "",
    external_ref: str = "",
    planned_ship_date: dt.date | None = None,
    quality_requirements: str = "",
    packing_requirements: str = "",
) -> Order:
    """Record a draft order with its lines; amounts computed from the lines.

    ``external_ref`` is unique per integration client: a second order with the
    same reference from the same client raises ``Duplicate`` carrying the
    existing order's id. Raises PermissionDenied, ValidationFailed, Duplicate.
    """
    policy.require(actor, "order.create")
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise ValidationFailed(fields={"customer": [_("客户不存在。")]})
    owner = _owner_for(actor, owner_id, customer)
    parsed = parse_lines(lines)
    errors: dict[str, list] = {}
    check_order_dates(
        errors,
        {
            "order_date": order_date or timezone.localdate(),
            "contract_delivery_date": contract_delivery_date,
            "planned_ship_date": planned_ship_date,
        },
    )
    if errors:
        raise ValidationFailed(fields=errors)
    client = actor if has_role(actor, Role.INTEGRATION) else None
    external_ref = (external_ref or "").strip()
    if external_ref:
        existing = Order.objects.filter(client=client, external_ref=external_ref).first()
        if existing:
            raise Duplicate(id=existing.pk, field="external_ref")
    order = Order(
        number=next_number("GD"),
        customer=customer,
        owner=owner,
        client=client,
        external_ref=external_ref,
        customer_po=customer_po,
        currency=(currency or "CNY").upper(),
        order_date=order_date or timezone.localdate(),
        contract_delivery_date=contract_delivery_date,
        planned_ship_date=planned_ship_date,
        deposit_ratio=_parse_ratio(
            customer.default_deposit_ratio if deposit_ratio is None else deposit_ratio
        ),
        quality_requirements=quality_requirements,
        packing_requirements=packing_requirements,
        status=S.DRAFT,
    )
    _recompute_totals(order, parsed)
    order._history_user = actor
    try:
        # Savepoint: a concurrent insert of the same external_ref surfaces here.
        with transaction.atomic():
            order.save()
    except IntegrityError:
        existing = Order.objects.filter(client=client, external_ref=external_ref).first()
        if existing:
            raise Duplicate(id=existing.pk, field="external_ref") from None
        raise
    _replace_lines(order, parsed, actor)
    events.created(order, actor=actor)
    tallies.order_created(order)
    return order


@storable
@transaction.atomic
def order_update_draft(
    *, actor: User, order_id: int, lines: Iterable[Mapping[str, Any]] | None = None, **fields: Any
) -> Order:
    """Change a draft's header fields and/or replace its lines.

    Only drafts change this way; a confirmed order changes through ``order_amend``.
    Raises NotFound, PermissionDenied, InvalidTransition, ValidationFailed.
    """
    order = lock_for_action(order_id, "update_draft", actor=actor, permission="order.update")
    changed: list[str] = []
    if "customer_id" in fields or "customer" in fields:
        customer_id = fields.pop("customer_id", fields.pop("customer", None))
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None:
            raise ValidationFailed(fields={"customer": [_("客户不存在。")]})
        order.customer = customer
        changed.append("customer")
    if "deposit_ratio" in fields:
        order.deposit_ratio = _parse_ratio(fields.pop("deposit_ratio"))
        changed.append("deposit_ratio")
    if "external_ref" in fields:
        order.external_ref = (fields.pop("external_ref") or "").strip()
        changed.append("external_ref")
    given_dates = [name for name in ORDER_DATE_FIELDS if name in fields]
    for name in ORDER_HEADER_FIELDS:
        if name in fields:
            setattr(order, name, fields.pop(name))
            changed.append(name)
    if fields:
        raise ValidationFailed(fields={name: [_("此字段不可修改。")] for name in fields})
    errors: dict[str, list] = {}
    check_order_dates(
        errors, {name: getattr(order, name) for name in ORDER_DATE_FIELDS}, given_dates
    )
    if errors:
        raise ValidationFailed(fields=errors)
    if lines is not None:
        _replace_lines(order, parse_lines(lines), actor)
        changed.append("lines")
    else:
        order.deposit_due = deposit_for(order.total_amount, order.deposit_ratio)
    save(
        order,
        actor,
        [n for n in changed if n != "lines"] + ["total_amount", "total_quantity", "deposit_due"],
    )
    events.updated(order, actor=actor, changed=changed)
    return order
