"""The role groups of product.md §1. A user may hold several."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from gendan.models import User


class Role(models.TextChoices):
    MERCHANDISER = "merchandiser", _("跟单员")
    SUPERVISOR = "supervisor", _("跟单主管")
    FINANCE = "finance", _("财务")
    PRODUCTION = "production", _("生产计划")
    INTEGRATION = "integration", _("ERP 接口")


def roles_of(user: User) -> frozenset[str]:
    """The role names a user holds, cached on the instance for the request."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_gendan_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        cached = frozenset(names)
        user._gendan_roles = cached
    return cached


def remember_roles(user: User, group_names) -> None:
    """Cache on ``user`` the roles among ``group_names``, read with the user by
    another query (the API's token lookup), so that ``roles_of`` needs none."""
    user._gendan_roles = frozenset(set(group_names) & set(Role.values))


def has_role(user: User, role: str) -> bool:
    return role in roles_of(user)
