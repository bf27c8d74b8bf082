"""The domain error hierarchy: every refusal of a service is a ``DomainError``.

Each error carries a stable machine ``code`` and an HTTP status for the API;
pages show its message. Services raise, never return a silent ``False``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "domain_error"
    http_status = 409
    default_message = _("操作不允许。")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        **data: Any,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        self.data = data
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": str(self.message)}
        if self.fields:
            body["fields"] = {
                name: [str(m) for m in messages] for name, messages in self.fields.items()
            }
        body.update(self.data)
        return body


class InvalidTransition(DomainError):
    """The action is not allowed in the object's current state."""

    code = "invalid_transition"
    default_message = _("当前状态下不允许此操作。")


class GuardFailed(DomainError):
    """The state allows the action, but one of its guards does not hold."""

    code = "guard_failed"


class ValidationFailed(DomainError):
    """Invalid input; ``fields`` names each bad field."""

    code = "invalid"
    http_status = 400
    default_message = _("输入的数据无效。")


class PermissionDenied(DomainError):
    """The caller's role or ownership does not allow the action."""

    code = "forbidden"
    http_status = 403
    default_message = _("您没有权限执行此操作。")


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it."""

    code = "not_found"
    http_status = 404
    default_message = _("对象不存在。")


class Duplicate(DomainError):
    """The object already exists (for example the same ``external_ref``)."""

    code = "duplicate"
    default_message = _("记录已存在。")


class AlreadyDone(DomainError):
    """The operation was already carried out; repeating it changes nothing."""

    code = "already_done"
    default_message = _("该操作已完成。")


def api_exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF exception handler: a DomainError becomes its HTTP status and code."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    return exception_handler(exc, context)
