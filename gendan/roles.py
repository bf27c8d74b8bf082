"""The role groups of product.md §1. A user may hold several."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, router
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from gendan.models import User


class Role(models.TextChoices):
    MERCHANDISER = "merchandiser", _("跟单员")
    SUPERVISOR = "supervisor", _("跟单主管")
    FINANCE = "finance", _("财务")
    PRODUCTION = "production", _("生产计划")
    INTEGRATION = "integration", _("ERP 接口")


# The user in the compiled query of a user's roles (an id no user has), and that query
# of each database: read on every page, it took longer to build than to run.
_USER = -(2**62) - 11
_role_lookups: dict[str, Any] = {}


def roles_of(user: User) -> frozenset[str]:
    """The role names a user holds, cached on the instance for the request."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_gendan_roles", None)
    if cached is None:
        cached = frozenset(row["name"] for row in _roles_query(user).run(user.pk))
        user._gendan_roles = cached
    return cached


def _roles_query(user: User):
    """``user.groups.filter(name__in=Role.values).values("name")``, compiled once per
    database (``gendan.db.CompiledQuery``) with the user's id to fill in."""
    from django.contrib.auth.models import Group

    from .db import CompiledQuery

    alias = router.db_for_read(Group, instance=user)  # as user.groups reads them
    lookup = _role_lookups.get(alias)
    if lookup is None:
        groups = Group.objects.using(alias).filter(user=_USER, name__in=Role.values)
        lookup = _role_lookups[alias] = CompiledQuery(groups.values("name"), _USER)
    return lookup


def remember_roles(user: User, group_names) -> None:
    """Cache on ``user`` the roles among ``group_names``, read with the user by
    another query (the API's token lookup), so that ``roles_of`` needs none."""
    user._gendan_roles = frozenset(set(group_names) & set(Role.values))


def has_role(user: User, role: str) -> bool:
    return role in roles_of(user)
