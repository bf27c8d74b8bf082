"""Machine clients of the API and their tokens.

Tokens are knox tokens: only a hash is stored, the clear text is shown once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from gendan.exceptions import Duplicate, NotFound, ValidationFailed
from gendan.models import DEFAULT_API_SCOPES, ApiClient, ApiScope, User
from gendan.roles import Role, has_role


def token_issue(*, user: User, expires_in: dt.timedelta | None) -> tuple[AuthToken, str]:
    """A new token for ``user`` (None: never expires); the clear text is returned once.
    The user's expired tokens are deleted on the way (they can never authenticate)."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user, expiry=expires_in)


def token_list_active(*, user: User) -> QuerySet[AuthToken]:
    """``user``'s tokens that still authenticate (not expired, not older than the last
    password change), newest first."""
    tokens = AuthToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gte=timezone.now())
    )
    if user.password_changed_at is not None:
        tokens = tokens.filter(created__gte=user.password_changed_at)
    return tokens.order_by("-created", "token_key")


@transaction.atomic
def token_revoke(*, user: User, token_id: str) -> None:
    """Revoke one of ``user``'s own tokens, named by its ``token_id`` (the first
    characters of the token, knox's ``token_key``). Raises NotFound for a token that
    is not the user's (or does not exist), so another user's token is never revealed."""
    deleted, _details = AuthToken.objects.filter(user=user, token_key=token_id).delete()
    if not deleted:
        raise NotFound()


def token_logout(*, token: AuthToken) -> None:
    """Revoke the token the caller presented (logging that token out)."""
    AuthToken.objects.filter(pk=token.pk).delete()


@transaction.atomic
def api_client_create(
    *,
    name: str,
    scopes: Iterable[str] | None = None,
    default_owner: str | None = None,
    expires_in: dt.timedelta | None = None,
) -> tuple[ApiClient, str]:
    """Create a machine client: a user ``name`` in the integration group (no password),
    its scopes, and a first token. Returns the client and the token's clear text.
    Raises Duplicate, ValidationFailed."""
    name = (name or "").strip()
    scopes = list(DEFAULT_API_SCOPES if scopes is None else scopes)
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = [_("名称须为 1 到 100 个字符。")]
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        errors["scopes"] = [_("未知的权限范围：%(s)s") % {"s": ", ".join(unknown)}]
    owner = None
    if default_owner:
        owner = User.objects.filter(username=default_owner, is_active=True).first()
        if owner is None or not has_role(owner, Role.MERCHANDISER):
            errors["owner"] = [_("跟单员 %(u)s 不存在。") % {"u": default_owner}]
    if errors:
        raise ValidationFailed(fields=errors)
    if ApiClient.objects.filter(name=name).exists() or User.objects.filter(username=name).exists():
        raise Duplicate(_("接口客户端或用户 %(n)s 已存在。") % {"n": name})
    user = User(username=name, display_name=name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=Role.INTEGRATION))
    client = ApiClient.objects.create(
        user=user, name=name, scopes=sorted(set(scopes)), default_owner=owner
    )
    _token, clear_text = token_issue(user=user, expires_in=expires_in)
    return client, clear_text


@transaction.atomic
def api_client_new_token(*, name: str, expires_in: dt.timedelta | None = None) -> str:
    """Another token for an existing client (e.g. to rotate: issue, switch, revoke old)."""
    client = ApiClient.objects.select_related("user").filter(name=name).first()
    if client is None:
        raise NotFound(model="api_client", name=name)
    _token, clear_text = token_issue(user=client.user, expires_in=expires_in)
    return clear_text


@transaction.atomic
def api_client_revoke(*, name: str) -> int:
    """Revoke every token of a client; returns how many were revoked."""
    client = ApiClient.objects.filter(name=name).first()
    if client is None:
        raise NotFound(model="api_client", name=name)
    deleted, _details = AuthToken.objects.filter(user_id=client.user_id).delete()
    return deleted
