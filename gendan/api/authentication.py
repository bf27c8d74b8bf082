"""Authentication of API callers: knox Bearer tokens (hashed, expiring, revocable).

Kept free of ``rest_framework.views`` imports: DRF imports this module while it
builds its settings."""

from __future__ import annotations

import binascii
import functools
from hmac import compare_digest

from django.contrib.auth.models import Group
from django.db import connection, router
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import authentication, exceptions

from gendan.db import CompiledQuery
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


# The presented key in the compiled token lookup (any string no token key can be).
_TOKEN_KEY = "\x00token key\x00"
_token_lookups: dict[str, CompiledQuery] = {}


@functools.cache
def _fields(model) -> tuple[str, ...]:
    """The model's column attributes (fixed once the models are loaded: read once)."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def _tokens_with_key(token_key: str) -> list:
    """The tokens of ``token_key``, each with its user, the user's API client and group
    names (``group_names``, where the database can aggregate them), in one query that
    is compiled once per database (building it took half the time of running it)."""
    token_model = get_token_model()
    alias = router.db_for_read(token_model)
    lookup = _token_lookups.get(alias)
    if lookup is None:
        names = _group_names()
        queryset = (
            token_model.objects.using(alias)
            .filter(token_key=_TOKEN_KEY)
            .values(
                *_fields(token_model),
                *(f"user__{name}" for name in _fields(User)),
                *(f"user__api_client__{name}" for name in _fields(ApiClient)),
                **({} if names is None else {"group_names": names}),
            )
        )
        lookup = _token_lookups[alias] = CompiledQuery(queryset, _TOKEN_KEY)
    tokens = []
    for row in lookup.run(token_key):
        user = _instance(User, alias, row, "user__")
        client = _instance(ApiClient, alias, row, "user__api_client__")
        if client is not None:
            ApiClient.user.field.set_cached_value(client, user)
        User.api_client.related.set_cached_value(user, client)
        user._gendan_api_client = client
        auth_token = _instance(token_model, alias, row, "")
        token_model.user.field.set_cached_value(auth_token, user)
        if "group_names" in row:
            auth_token.group_names = row["group_names"]
        tokens.append(auth_token)
    return tokens


def _instance(model, alias: str, row: dict, prefix: str):
    """The ``model`` instance of ``row``'s columns under ``prefix`` (None when its
    primary key is null: no related row)."""
    names = _fields(model)
    values = [row[prefix + name] for name in names]
    if row[prefix + model._meta.pk.attname] is None:
        return None
    return model.from_db(alias, names, values)


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
        for auth_token in _tokens_with_key(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
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
                if hasattr(auth_token, "group_names"):
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
