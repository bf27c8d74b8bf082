"""The token endpoints — a person's token for a password, logging a token out,
listing and revoking one's tokens — and ``me``.

Machine clients (integration users) get their tokens from ``create_api_client``
only, never for a password: an integration user's password (the demo's ``erp``
has one) opens no API access (see ``gendan.api.permissions``)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.settings import knox_settings
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gendan.exceptions import PermissionDenied, ValidationFailed
from gendan.roles import Role, has_role, roles_of

from .authentication import BearerTokenAuthentication, api_client_of
from .permissions import HasApiScope
from .schema import ErrorSerializer, ValidationErrorSerializer
from .services import token_issue, token_list_active, token_logout, token_revoke
from .throttling import AnonymousRateThrottle
from .views import IdempotentPostMixin


def _lockout_seconds(request) -> int | None:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else None


@extend_schema(tags=["auth"])
class AuthView(APIView):
    """An endpoint under auth/ (tagged "auth" in the schema): by default for an
    authenticated caller whose scopes allow it."""

    permission_classes = [IsAuthenticated, HasApiScope]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("只显示这一次；请求时发送 Authorization: Bearer <token>。")
    )
    expiry = serializers.DateTimeField(allow_null=True)


class TokenView(AuthView):
    """A person's username and password for a Bearer token (expires after TOKEN_TTL)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousRateThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, _("用户名或密码错误，或数据无效。")),
            403: OpenApiResponse(
                ErrorSerializer,
                _("接口账号（integration）不能用密码换取令牌：password_login_refused。"),
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            # Too many wrong passwords for this username from this address (django-axes):
            # a JSON 429 here, instead of the lockout page axes' middleware would send.
            request._request.axes_locked_out = False
            raise exceptions.Throttled(wait=_lockout_seconds(request._request))
        if user is None or not user.is_active:
            raise ValidationFailed(
                _("用户名或密码错误。"),
                code="invalid_credentials",
                fields={"password": [_("用户名或密码错误。")]},
            )
        if has_role(user, Role.INTEGRATION):
            # A machine client's tokens come from create_api_client, with its scopes.
            raise PermissionDenied(
                _("接口账号不能用密码换取令牌；令牌由管理员用 create_api_client 发放。"),
                code="password_login_refused",
            )
        instance, token = token_issue(user=user, expires_in=knox_settings.TOKEN_TTL)
        return Response({"token": token, "expiry": instance.expiry})


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_superuser = serializers.BooleanField()
    scopes = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text=_("接口客户端的权限范围；人员的令牌为 null（只受角色限制）。"),
    )


class MeView(AuthView):
    """Who the caller is: id, roles and (for a machine client) its scopes."""

    @extend_schema(
        operation_id="auth_me_retrieve",
        responses={200: MeSerializer, 401: ErrorSerializer},
    )
    def get(self, request):
        user = request.user
        client = api_client_of(user)
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "username": user.get_username(),
                    "display_name": str(user),
                    "roles": sorted(roles_of(user)),
                    "is_superuser": user.is_superuser,
                    "scopes": list(client.scopes) if client else None,
                }
            ).data
        )


class LogoutView(IdempotentPostMixin, AuthView):
    """Revoke the Bearer token of this request (it authenticates nothing afterwards)."""

    authentication_classes = [BearerTokenAuthentication]

    @extend_schema(
        operation_id="auth_logout_create",
        summary=_("注销本次请求所用的令牌"),
        request=None,
        responses={204: OpenApiResponse(description=_("令牌已注销。"))},
    )
    def post(self, request):
        token_logout(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenInfoSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("令牌的前几个字符（不是令牌本身），用于识别和注销。"))
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True, help_text=_("null：永不过期。"))
    current = serializers.BooleanField(help_text=_("是否为本次请求所用的令牌。"))


class TokenListView(AuthView):
    """The caller's tokens that still work (never the tokens themselves)."""

    @extend_schema(
        operation_id="auth_tokens_list",
        summary=_("我的有效令牌（不含令牌本身）"),
        responses={200: TokenInfoSerializer(many=True)},
    )
    def get(self, request):
        current = getattr(request.auth, "digest", None)
        rows = [
            {
                "id": token.token_key,
                "created": token.created,
                "expiry": token.expiry,
                "current": token.digest == current,
            }
            for token in token_list_active(user=request.user)
        ]
        return Response(TokenInfoSerializer(rows, many=True).data)


class TokenDetailView(AuthView):
    """Revoke one of the caller's tokens; another user's token is a 404."""

    @extend_schema(
        operation_id="auth_tokens_destroy",
        summary=_("注销我的一个令牌（他人的令牌：404）"),
        request=None,
        responses={204: OpenApiResponse(description=_("令牌已注销。"))},
    )
    def delete(self, request, id: str):
        token_revoke(user=request.user, token_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)
