"""The order scopes of the permission policy (gendan.policy): which model is the order,
and what OWN, SHARED and CLIENT mean on it. Registered by ``OrdersConfig.ready()``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from gendan import policy
from gendan.models import User

from .models import Order


def _owns(user: User, order: Order) -> bool:
    return order.owner_id == user.pk


def _owned(user: User, prefix: str) -> Q:
    return Q(**{f"{prefix}owner": user})


def _owned_ids(user: User) -> list[tuple]:
    return [(Order.objects.filter(owner=user), "pk")]


def _shares(user: User, order: Order) -> bool:
    return order.owner_id == user.pk or order.shared_with.filter(pk=user.pk).exists()


def _shared(user: User, prefix: str) -> Q:
    # Exists() rather than a join: a join on the M2M would duplicate rows.
    shared = Order.shared_with.through.objects.filter(
        order_id=OuterRef(f"{prefix}pk"), user_id=user.pk
    )
    return Q(**{f"{prefix}owner": user}) | Q(Exists(shared))


def _shared_ids(user: User) -> list[tuple]:
    shares = Order.shared_with.through.objects.filter(user_id=user.pk)
    return [*_owned_ids(user), (shares, "order_id")]


def _created(user: User, order: Order) -> bool:
    return order.client_id == user.pk


def _created_by(user: User, prefix: str) -> Q:
    return Q(**{f"{prefix}client": user})


def _created_ids(user: User) -> list[tuple]:
    return [(Order.objects.filter(client=user), "pk")]


def register() -> None:
    policy.register_order_model(Order)
    policy.register_scope(policy.OWN, holds=_owns, condition=_owned, sources=_owned_ids)
    policy.register_scope(policy.SHARED, holds=_shares, condition=_shared, sources=_shared_ids)
    policy.register_scope(
        policy.CLIENT, holds=_created, condition=_created_by, sources=_created_ids
    )
