"""The token endpoint for people, and ``me``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.settings import knox_settings
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gendan.exceptions import ValidationFailed
from gendan.roles import roles_of

from .authentication import api_client_of
from .schema import ErrorSerializer, ValidationErrorSerializer
from .services import token_issue
from .throttling import AnonymousRateThrottle


def _lockout_seconds(request) -> int | None:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else None


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("只显示这一次；请求时发送 Authorization: Bearer <token>。")
    )
    expiry = serializers.DateTimeField(allow_null=True)


class TokenView(APIView):
    """A person's username and password for a Bearer token (expires after TOKEN_TTL)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousRateThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, _("用户名或密码错误，或数据无效。")),
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


class MeView(APIView):
    """Who the caller is: id, roles and (for a machine client) its scopes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_me_retrieve",
        tags=["auth"],
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
