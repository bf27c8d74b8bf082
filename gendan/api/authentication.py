"""Authentication of API callers: knox Bearer tokens (hashed, expiring, revocable).

Kept free of ``rest_framework.views`` imports: DRF imports this module while it
builds its settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from gendan.models import ApiClient, User
from gendan.roles import Role, has_role


class BearerTokenAuthentication(TokenAuthentication):
    """knox's token authentication (``Authorization: Bearer <token>``), refusing a token
    that is not valid UTF-8 with 401 instead of failing on it."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。")) from None
        return super().authenticate_credentials(token)


def api_client_of(user: User) -> ApiClient | None:
    """The machine client behind ``user`` (integration users only), cached on the user."""
    if not user or not user.is_authenticated or not has_role(user, Role.INTEGRATION):
        return None
    if not hasattr(user, "_gendan_api_client"):
        user._gendan_api_client = ApiClient.objects.filter(user=user).first()
    return user._gendan_api_client
