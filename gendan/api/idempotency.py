"""``Idempotency-Key`` for POST requests (api.md, Idempotency).

The same key from the same caller with the same body within 24 hours returns the
first response again and changes nothing; the same key with another body is
refused with 422; two requests with one key at the same moment produce one effect.

How:

1. *Claim*: insert the key row (caller, key, body fingerprint) in a transaction of
   its own, so that it is visible to every other request at once. The unique
   constraint (user, key) makes a concurrent or later duplicate fail the insert;
   that request reads the existing row instead — another fingerprint is a 422, a
   stored response is replayed.
2. *Run*: in one transaction, lock the key row, check again that no response is
   stored (a concurrent twin may have finished while we waited for the lock), run
   the view, and store its response on the row. The request's changes and its
   stored response commit together: there is never an effect without a stored
   response, nor a stored response without its effect.

A request whose run fails (a crash, a 5xx) leaves no effect and no response, so a
retry with the same key runs again. On PostgreSQL a twin waits for the lock at
most GENDAN_IDEMPOTENCY_LOCK_WAIT_SECONDS, then gets 409 ``request_in_progress``
with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from gendan.bounds import unstorable_fields
from gendan.exceptions import ValidationFailed
from gendan.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("此 Idempotency-Key 已用于另一个请求内容。")


class RequestInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "request_in_progress"
    default_detail = _("使用同一 Idempotency-Key 的请求正在处理中，请稍后重试。")

    def __init__(self):
        super().__init__()
        self.wait = 1  # seconds: DRF's handler turns it into Retry-After


class _NotStored(Exception):
    """Leave the atomic block without committing, carrying the response to send."""

    def __init__(self, response: Response):
        self.response = response


def key_of(request) -> str | None:
    """The request's Idempotency-Key, if the request is an authenticated POST that has one."""
    if request.method != "POST" or not request.user or not request.user.is_authenticated:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or unstorable_fields(key):
        raise ValidationFailed(
            fields={HEADER: [_("Idempotency-Key 须为 1 到 255 个字符。")]}, code="invalid"
        )
    return key


def _multipart_fingerprint(data) -> bytes:
    parts = {}
    for name in sorted(data.keys()):
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        parts[name] = [
            _file_digest(value) if hasattr(value, "chunks") else value for value in values
        ]
    return json.dumps(parts, sort_keys=True, cls=JSONEncoder).encode()


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"{upload.name}:{upload.size}:{digest.hexdigest()}"


def fingerprint(request) -> str:
    """SHA-256 of method, path (with query) and body; a JSON body in canonical form, so
    that the same document with other whitespace or key order counts as the same body."""
    if (request.content_type or "").startswith("multipart/"):
        # An upload: its fields and each file's digest (the body is never held in memory).
        body = _multipart_fingerprint(request.data)
    else:
        try:
            body = request._request.body
        except RawPostDataException:  # the stream was read already: use the parsed data
            body = json.dumps(request.data, sort_keys=True, cls=JSONEncoder).encode()
    # A body that is not JSON, or nested too deep to read, is fingerprinted as sent (the
    # parser then answers 400 for it).
    with contextlib.suppress(ValueError, RecursionError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        digest.update(part)
        digest.update(b"\n")
    return digest.hexdigest()


def replay(record: IdempotencyKey) -> Response:
    data = json.loads(record.response_body) if record.response_body else None
    return Response(data, status=record.status_code, headers={"Idempotent-Replayed": "true"})


def _claim(request, key: str, fp: str) -> IdempotencyKey:
    """Insert the key row (committed at once), or return the existing live one."""
    user = request.user
    cutoff = timezone.now() - settings.GENDAN_IDEMPOTENCY_TTL
    for _attempt in range(3):
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fp,
                    method=request.method,
                    path=request.path[:2000],
                )
            # Forget this caller's keys older than 24 hours while we are here.
            IdempotencyKey.objects.filter(user=user, created_at__lt=cutoff).delete()
            return record
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
            if existing is None:
                continue  # expired and removed meanwhile: try the insert again
            if existing.created_at < cutoff:
                IdempotencyKey.objects.filter(
                    pk=existing.pk, created_at=existing.created_at
                ).delete()
                continue
            if existing.fingerprint != fp:
                raise IdempotencyKeyReused() from None
            return existing
    raise RequestInProgress()


def _lock(record: IdempotencyKey) -> IdempotencyKey | None:
    """Lock the key row for the rest of the transaction (waiting a bounded time)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        wait_ms = int(settings.GENDAN_IDEMPOTENCY_LOCK_WAIT_SECONDS * 1000)
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {wait_ms}")
    locked = IdempotencyKey.objects.select_for_update().filter(pk=record.pk).first()
    if postgres:
        # Only this lock waits a bounded time; the services' own locks wait as usual.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    return locked


def run(request, key: str, handle: Callable[[], Response]) -> Response:
    """Answer ``request`` through ``handle`` at most once per (caller, key)."""
    fp = fingerprint(request)
    record = _claim(request, key, fp)
    if record.status_code is not None:
        return replay(record)
    try:
        with transaction.atomic():
            try:
                locked = _lock(record)
            except DatabaseError:
                # A twin holds the lock past the wait: it is still running.
                raise _NotStored(None) from None
            if locked is None:
                raise _NotStored(None)
            if locked.status_code is not None:
                return replay(locked)  # a twin finished while we waited for the lock
            response = handle()
            if response.status_code >= 500:
                raise _NotStored(response)  # roll back; a retry runs again
            locked.status_code = response.status_code
            locked.response_body = (
                json.dumps(response.data, cls=JSONEncoder) if response.data is not None else ""
            )
            locked.completed_at = timezone.now()
            locked.save(update_fields=["status_code", "response_body", "completed_at"])
            return response
    except _NotStored as exc:
        if exc.response is None:
            raise RequestInProgress() from None
        _release(record)
        return exc.response
    except BaseException:
        _release(record)
        raise


def _release(record: IdempotencyKey) -> None:
    """Forget a key whose request left no effect, so that a retry runs again."""
    IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()
