"""The domain error hierarchy: every refusal of a service is a ``DomainError``.

Each error carries a stable machine ``code`` and an HTTP status for the API;
pages show its message. Services raise, never return a silent ``False``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code, http_status = "domain_error", 409
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

    code, http_status = "invalid", 400
    default_message = _("输入的数据无效。")


class PermissionDenied(DomainError):
    """The caller's role or ownership does not allow the action."""

    code, http_status = "forbidden", 403
    default_message = _("您没有权限执行此操作。")


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it."""

    code, http_status = "not_found", 404
    default_message = _("对象不存在。")


class Duplicate(DomainError):
    """The object already exists (for example the same ``external_ref``)."""

    code = "duplicate"
    default_message = _("记录已存在。")


class AlreadyDone(DomainError):
    """The operation was already carried out; repeating it changes nothing."""

    code = "already_done"
    default_message = _("该操作已完成。")


class DatabaseUnavailable(DomainError):
    """The database does not answer (down, restarting, unreachable): try again shortly.

    Not raised by services: the API and the pages answer it for a connection error
    (see ``is_database_unavailable``) with 503 and ``Retry-After``."""

    code, http_status = "database_unavailable", 503
    default_message = _("数据库暂时不可用，请稍后重试。")


# SQLSTATE classes of a server that is not there: 08 connection exception; 57P01–57P03
# admin shutdown, crash shutdown, cannot connect now (starting up or shutting down).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be reached, rather than that a query
    failed: a refused or lost connection, a server shutting down or starting up.

    A deadlock, a lock timeout or a bad query are not: they stay errors of their own."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError):  # e.g. "connection already closed"
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if type(cause).__module__.startswith("psycopg"):
        # psycopg has no SQLSTATE when the server never answered (connect failed) or the
        # connection broke mid-query.
        return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    message = str(exc).lower()
    return "unable to open database" in message or "database is locked" in message


def retry_after_seconds() -> int:
    """What a 503 for an unavailable database asks the caller to wait (Retry-After)."""
    from django.conf import settings

    return int(getattr(settings, "GENDAN_RETRY_AFTER_SECONDS", 5))


# DRF's codes renamed to the domain's, so one code means one thing across the API.
_API_CODES = {"permission_denied": "forbidden"}


def _field_errors(detail: Any, name: str = "") -> dict[str, list[dict[str, str]]]:
    """DRF's nested error detail flattened to ``{"lines[0].quantity": [{code, message}]}``,
    the same field names the services use."""
    from rest_framework.exceptions import ErrorDetail
    from rest_framework.settings import api_settings

    errors: dict[str, list[dict[str, str]]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                child = f"{name}[{key}]"
            elif key == api_settings.NON_FIELD_ERRORS_KEY and name:
                child = name
            else:
                child = f"{name}.{key}" if name else str(key)
            for field, messages in _field_errors(value, child).items():
                errors.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and not all(isinstance(d, ErrorDetail | str) for d in detail):
        for i, item in enumerate(detail):
            errors.update(_field_errors(item, f"{name}[{i}]"))
    else:
        items = detail if isinstance(detail, list) else [detail]
        errors[name or api_settings.NON_FIELD_ERRORS_KEY] = [
            {"code": getattr(item, "code", None) or "invalid", "message": str(item)}
            for item in items
        ]
    return errors


def _request_path(context: dict[str, Any]) -> str:
    request = context.get("request")
    return getattr(request, "path", "?")


def api_exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF exception handler: every error body is ``{"code", "detail", ...}``.

    A DomainError becomes its HTTP status, code and data; DRF's validation errors
    come out in the shape of ``ValidationFailed`` (code ``invalid``, ``fields`` with
    a machine code and a message per field); other DRF errors keep their status
    and headers (``WWW-Authenticate``, ``Retry-After``) with their code. A database
    that cannot be reached is 503 ``database_unavailable`` with ``Retry-After``.
    """
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.http import Http404
    from rest_framework import exceptions
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if is_database_unavailable(exc):
        logger.warning("API %s: database unavailable (%s)", _request_path(context), exc)
        body = DatabaseUnavailable().as_dict()
        return Response(body, status=503, headers={"Retry-After": str(retry_after_seconds())})
    if isinstance(exc, Http404):
        # Say nothing about what was looked for: invisible and missing look the same.
        exc = exceptions.NotFound(NotFound.default_message)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        body = exc.as_dict()
        if exc.fields:
            body["fields"] = {
                name: [{"code": exc.code, "message": str(m)} for m in messages]
                for name, messages in exc.fields.items()
            }
        return Response(body, status=exc.http_status)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": ValidationFailed.code,
            "detail": str(ValidationFailed.default_message),
            "fields": _field_errors(exc.detail),
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
        response.data = {"code": _API_CODES.get(code, code), "detail": str(detail)}
    return response
