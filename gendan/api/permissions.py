"""The API's one permission class of its own: a machine client's scopes.

Roles and ownership are checked by the services (``gendan.policy``); what a caller
may see is decided by the scoped querysets. This only narrows what a machine
client's token may touch.

A user in the integration group acts only as a machine client: through its
``ApiClient`` record and within that record's scopes. One without a record (made by
hand, or by the demo) may do nothing at all in the API, whatever its roles or its
password: the authentication refuses it (``gendan.api.authentication``), and so does
this class.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from gendan.roles import Role, has_role

from .authentication import ApiClientMissing, api_client_of


def required_scope(view, method: str) -> str | None:
    """``<resource>:read`` for reads, ``<resource>:write`` otherwise (None: no scope needed)."""
    resource = getattr(view, "api_scope", None)
    if resource is None:
        return None
    return f"{resource}:{'read' if method in SAFE_METHODS else 'write'}"


class ScopeMissing(exceptions.PermissionDenied):
    default_code = "scope_missing"


class HasApiScope(BasePermission):
    """A machine client (an ``ApiClient``) needs the view's scope; people need none; an
    integration user without an ``ApiClient`` is refused everything."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated or not has_role(user, Role.INTEGRATION):
            return True
        client = api_client_of(user)
        if client is None:  # refused while authenticating already; kept for any other way in
            raise ApiClientMissing()
        scope = required_scope(view, request.method)
        if scope is None or client.allows(scope):
            return True
        raise ScopeMissing(_("此接口客户端没有权限范围 %(scope)s。") % {"scope": scope})
