"""Authentication of API callers: knox Bearer tokens (hashed, expiring, revocable).

Kept free of ``rest_framework.views`` imports: DRF imports this module while it
builds its settings."""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import authentication, exceptions

from gendan.models import ApiClient, User
from gendan.roles import Role, has_role, remember_roles

INVALID_TOKEN = _("令牌无效。")


class ApiClientMissing(exceptions.PermissionDenied):
    default_code = "api_client_missing"
    default_detail = _("此接口账号没有接口客户端记录，不能调用接口（见 create_api_client）。")


def refuse_integration_without_client(user: User) -> None:
    """An integration user acts in the API only as its ``ApiClient``: without one, every
    request is refused (403) whatever the view's permissions — raised while
    authenticating, so that no view can forget it."""
    if has_role(user, Role.INTEGRATION) and api_client_of(user) is None:
        raise ApiClientMissing()


# The user's group names, comma-separated, read with the token: a correlated
# subquery written out, because the ORM compiles an aggregate subquery more
# slowly than the database runs it (about 1 ms against 0.05 ms).
_GROUP_NAMES = {
    "postgresql": "string_agg({name}, ',')",
    "sqlite": "group_concat({name}, ',')",
}


def _group_names() -> RawSQL | None:
    template = _GROUP_NAMES.get(connection.vendor)
    if template is None:
        return None
    quote = connection.ops.quote_name
    through = User.groups.through._meta
    token_table = get_token_model()._meta.db_table
    name = f"g.{quote('name')}"
    return RawSQL(
        f"SELECT {template.format(name=name)} FROM {quote(Group._meta.db_table)} g "
        f"JOIN {quote(through.db_table)} ug ON ug.{quote('group_id')} = g.{quote('id')} "
        f"WHERE ug.{quote('user_id')} = {quote(token_table)}.{quote('user_id')}",
        [],
    )


class BearerTokenAuthentication(TokenAuthentication):
    """knox's token authentication (``Authorization: Bearer <token>``) in one query.

    knox reads the token with its user, then every other token of the user (to
    delete the expired ones), and the API then reads the user's roles and API
    client: four queries. Here one query reads the token, its user, the user's
    API client and group names.
    An expired token is deleted when it is presented (as knox does); an expired
    token never authenticates, so the others can wait until they are presented
    too. So is a token issued before its user's password last changed (the change
    deletes them too: ``User.save``; this holds whatever path changed it). A token
    that is not valid UTF-8 is a 401, not an error.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        candidates = (
            get_token_model()
            .objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user", "user__api_client")
        )
        group_names = _group_names()
        if group_names is not None:
            candidates = candidates.annotate(group_names=group_names)
        for auth_token in candidates:
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=type(self), username=username, source="auth_token")
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
            if compare_digest(digest, auth_token.digest):
                user = auth_token.user
                if issued_before_password_change(auth_token):
                    auth_token.delete()
                    raise exceptions.AuthenticationFailed(INVALID_TOKEN)
                user._gendan_api_client = getattr(user, "api_client", None)
                if group_names is not None:
                    remember_roles(user, (auth_token.group_names or "").split(","))
                result = self.validate_user(auth_token)
                refuse_integration_without_client(user)
                return result
        raise exceptions.AuthenticationFailed(INVALID_TOKEN)


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (the browsable API, with CSRF), refusing an
    integration user without an ``ApiClient`` as the token authentication does."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            refuse_integration_without_client(result[0])
        return result


def issued_before_password_change(auth_token) -> bool:
    """Whether ``auth_token`` was issued before its user's password last changed."""
    changed = auth_token.user.password_changed_at
    return changed is not None and auth_token.created < changed


def api_client_of(user: User) -> ApiClient | None:
    """The machine client behind ``user`` (integration users only), cached on the user."""
    if not user or not user.is_authenticated or not has_role(user, Role.INTEGRATION):
        return None
    if not hasattr(user, "_gendan_api_client"):
        user._gendan_api_client = ApiClient.objects.filter(user=user).first()
    return user._gendan_api_client
