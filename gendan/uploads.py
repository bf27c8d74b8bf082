"""Uploaded files: what may be uploaded, how it is stored, how it is downloaded.

One piece for every model that keeps a file (the shipments' documents today, any
attachment tomorrow):

- **Size**: at most ``GENDAN_UPLOAD_MAX_BYTES`` (20 MiB by default). The upload
  handler ``UploadLimitHandler`` stops keeping a file's bytes past the limit, so an
  oversized upload costs no more disk than the limit, and the check then refuses it
  by its real size, naming the field.
- **Type**: an allow-list (``FILE_KINDS``), checked on the *content* — a PDF must
  start as a PDF, a PNG as a PNG, an .xlsx must be an Office Open XML workbook
  without macros, a .csv must be text — and the name's extension must be one of
  the kind's. The client's declared content type is never believed; the stored one
  is the kind's.
- **Name**: stored under a random name (``UploadPath``: ``<app>/<model>/<year>/
  <month>/<uuid>.<ext>``) through Django's storage API (``STORAGES["default"]``, so
  an S3 backend can be configured); the uploader's name is kept, cleaned
  (``display_name``), only for display and as the download's file name.
- **Download**: never from a public URL; only through a view that has checked the
  policy (404 for those who may not see the object), answered by
  ``download_response``: ``Content-Disposition: attachment``,
  ``X-Content-Type-Options: nosniff``, the stored content type and a sandboxing
  Content-Security-Policy.

A model takes the four fields of ``StoredFile`` and its service calls
``StoredFile.attach`` after its policy check.
"""

from __future__ import annotations

import io
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import ValidationFailed

MIB = 1024 * 1024
HEAD_BYTES = 8192
# The longest name kept for display (the model field holds 255).
DISPLAY_NAME_MAX = 200


def max_upload_bytes() -> int:
    return int(getattr(settings, "GENDAN_UPLOAD_MAX_BYTES", 20 * MIB))


# --------------------------------------------------------------------------
# The kinds of file: what the content must look like
# --------------------------------------------------------------------------


def _starts_with(*signatures: bytes) -> Callable[[bytes, UploadedFile], bool]:
    return lambda head, _file: head.startswith(signatures)


def _is_webp(head: bytes, _file: UploadedFile) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _office_document(part: str) -> Callable[[bytes, UploadedFile], bool]:
    """An Office Open XML package (a zip) holding ``part``, without macros. Only the
    zip's directory and its small ``[Content_Types].xml`` are read, never the parts."""

    def check(head: bytes, file: UploadedFile) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as package:
                names = {info.filename: info for info in package.infolist()}
                types = names.get("[Content_Types].xml")
                if types is None or part not in names or types.file_size > MIB:
                    return False
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return False
                content_types = package.read(types).decode("utf-8", errors="replace").lower()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return False
        finally:
            file.seek(0)
        return "macroenabled" not in content_types

    return check


_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}


def _is_text(head: bytes, file: UploadedFile) -> bool:
    """Plain text (UTF-8, or GB18030 as Chinese Excel writes CSV): no NUL, no control
    characters but tab and line breaks, and not markup (a web page named .txt)."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    if text.lstrip().startswith("<"):
        return False
    return not any(
        unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS for char in text
    )


@dataclass(frozen=True)
class FileKind:
    """One type of file that may be uploaded: its extensions (the first is the one a
    stored file gets), the content type it is served with, and the content check."""

    name: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes, UploadedFile], bool]


FILE_KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", (".pdf",), _starts_with(b"%PDF-")),
        FileKind("png", "PNG", "image/png", (".png",), _starts_with(b"\x89PNG\r\n\x1a\n")),
        FileKind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), _starts_with(b"\xff\xd8\xff")),
        FileKind("gif", "GIF", "image/gif", (".gif",), _starts_with(b"GIF87a", b"GIF89a")),
        FileKind("webp", "WebP", "image/webp", (".webp",), _is_webp),
        FileKind(
            "xlsx",
            "Excel (.xlsx)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            _office_document("xl/workbook.xml"),
        ),
        FileKind(
            "docx",
            "Word (.docx)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            _office_document("word/document.xml"),
        ),
        FileKind("csv", "CSV", "text/csv; charset=utf-8", (".csv",), _is_text),
        FileKind("txt", "TXT", "text/plain; charset=utf-8", (".txt",), _is_text),
    )
}

# What a business document may be: scans and photos, PDFs, Office files, CSV and text.
# Never a web page, a script, an SVG or an executable.
DOCUMENT_KINDS = ("pdf", "png", "jpeg", "gif", "webp", "xlsx", "docx", "csv", "txt")


@dataclass(frozen=True)
class UploadRules:
    """What one kind of upload accepts: the kinds (names in ``FILE_KINDS``) and the
    largest size (None: ``GENDAN_UPLOAD_MAX_BYTES``)."""

    kinds: tuple[str, ...] = DOCUMENT_KINDS
    max_bytes: int | None = None

    @property
    def limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else max_upload_bytes()

    def kind_for(self, extension: str) -> FileKind | None:
        for name in self.kinds:
            kind = FILE_KINDS[name]
            if extension in kind.extensions:
                return kind
        return None

    def accept(self) -> str:
        """The extensions for a file input's ``accept`` (a hint to the browser only)."""
        return ",".join(ext for name in self.kinds for ext in FILE_KINDS[name].extensions)

    def describe(self) -> str:
        """The allowed types for a message: "PDF、PNG、…"."""
        return "、".join(FILE_KINDS[name].label for name in self.kinds)


DOCUMENTS = UploadRules()


# --------------------------------------------------------------------------
# Checking an upload
# --------------------------------------------------------------------------


def display_name(name: str, *, fallback: str = "file") -> str:
    """The uploader's file name made safe to show and to send back: the last path
    component only (``C:\\x\\a.pdf`` → ``a.pdf``), NFC, no control or formatting
    characters (NUL, line breaks, right-to-left overrides that disguise ``exe.pdf``),
    no leading dots, whitespace collapsed, at most 200 characters (keeping the
    extension)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in {"Cc", "Cf"})
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > DISPLAY_NAME_MAX:
        stem, extension = os.path.splitext(name)
        extension = extension[:16]
        name = stem[: DISPLAY_NAME_MAX - len(extension)] + extension
    return name or fallback


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _size_text(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MiB"
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} B"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed ``check_upload``: the file, its kind, cleaned name, size."""

    file: UploadedFile
    kind: FileKind
    name: str
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    def stored_name(self) -> str:
        """A fresh random name with the kind's extension: nothing of the uploader's."""
        return f"{uuid.uuid4().hex}{self.kind.extensions[0]}"


def check_upload(
    upload: UploadedFile, *, rules: UploadRules = DOCUMENTS, field: str = "file"
) -> CheckedUpload:
    """The upload if it may be stored under ``rules``; else ValidationFailed naming
    ``field``: too large, empty, an extension not allowed, or content that is not
    what the extension says."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={field: [message]})

    name = display_name(getattr(upload, "name", ""))
    size = int(getattr(upload, "size", 0) or 0)
    if size > rules.limit:
        raise refuse(
            _("文件 %(name)s 有 %(size)s，超过上限 %(limit)s。")
            % {"name": name, "size": _size_text(size), "limit": _size_text(rules.limit)}
        )
    if size == 0:
        raise refuse(_("文件 %(name)s 是空的。") % {"name": name})
    extension = extension_of(name)
    kind = rules.kind_for(extension)
    if kind is None:
        raise refuse(
            _("不允许上传 %(ext)s 文件；允许的类型：%(kinds)s。")
            % {"ext": extension or _("无扩展名的"), "kinds": rules.describe()}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not kind.matches(head, upload):
        raise refuse(
            _("文件 %(name)s 的内容不是 %(kind)s，与扩展名不符。")
            % {"name": name, "kind": kind.label}
        )
    return CheckedUpload(file=upload, kind=kind, name=name, size=size)


# --------------------------------------------------------------------------
# Storing: the model fields and the path
# --------------------------------------------------------------------------


@deconstructible
class UploadPath:
    """``upload_to`` of every stored file: ``<app>/<model>/<yyyy>/<mm>/<uuid><ext>``,
    whatever the name given; the extension kept only if it is one of ``FILE_KINDS``."""

    def __call__(self, instance: models.Model, filename: str) -> str:
        extension = extension_of(filename)
        known = {ext for kind in FILE_KINDS.values() for ext in kind.extensions}
        meta = instance._meta
        now = timezone.now()
        return (
            f"{meta.app_label}/{meta.model_name}/{now:%Y}/{now:%m}/"
            f"{uuid.uuid4().hex}{extension if extension in known else ''}"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadPath)

    def __hash__(self) -> int:
        return hash(UploadPath)


class StoredFile(models.Model):
    """The fields of a model that keeps one uploaded file, and ``attach`` to put one
    there. ``upload_rules`` says what it accepts."""

    upload_rules: ClassVar[UploadRules] = DOCUMENTS

    file = models.FileField(gettext_lazy("文件"), upload_to=UploadPath(), blank=True)
    # db_default: rows written by raw SQL (the benchmark data loader) get "" too.
    file_name = models.CharField(
        gettext_lazy("文件名"), max_length=255, blank=True, default="", db_default=""
    )
    file_content_type = models.CharField(
        gettext_lazy("文件类型"), max_length=100, blank=True, default="", db_default=""
    )
    file_size = models.PositiveBigIntegerField(gettext_lazy("文件大小"), null=True, blank=True)

    class Meta:
        abstract = True

    FILE_FIELDS: ClassVar[tuple[str, ...]] = (
        "file",
        "file_name",
        "file_content_type",
        "file_size",
    )

    def attach(self, upload: UploadedFile, *, field: str = "file") -> list[str]:
        """Check ``upload`` (ValidationFailed naming ``field`` when refused) and store it
        under a random name; returns the names of the fields it set, for the caller's
        ``save(update_fields=…)``. Call it after the policy check, under the row lock."""
        checked = check_upload(upload, rules=self.upload_rules, field=field)
        replaced = self.file.name if self.file else None
        # Written to storage now; the row names it once the caller saves.
        self.file.save(checked.stored_name(), checked.file, save=False)
        if replaced:
            # The file it replaces is reachable from nowhere once this commits.
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(replaced))
        self.file_name = checked.name
        self.file_content_type = checked.content_type
        self.file_size = checked.size
        return list(self.FILE_FIELDS)

    @property
    def download_name(self) -> str:
        """The name a download is offered under (the uploader's, cleaned)."""
        return self.file_name or display_name(os.path.basename(self.file.name or ""))


# --------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------


def content_disposition(name: str) -> str:
    """``attachment`` with the name twice: an ASCII fallback, and the UTF-8 name
    (RFC 6266 / 5987), so any browser saves it under its own name, never renders it."""
    name = display_name(name)
    fallback = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\;' else "_"
        for char in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(stored: StoredFile) -> FileResponse:
    """The stored file as a download (404 when there is none, or storage lost it).
    Only for a view that has already decided the caller may see ``stored``."""
    if not stored.file:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=stored.file_content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(stored.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in a tab after all, the file runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------
# The upload handler: a file past the limit is counted, not kept
# --------------------------------------------------------------------------


class OversizedUpload(UploadedFile):
    """Stands in for a file that passed ``GENDAN_UPLOAD_MAX_BYTES``: no content, its
    real size, so the check refuses it with a clear message."""

    def __init__(self, *, name: str, content_type: str | None, size: int) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class UploadLimitHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: passes each file's bytes on to Django's
    handlers (memory, temporary file) up to the limit; past it, only counts them and
    drops what the next handlers kept, so a 5 GB upload never fills the disk."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = max_upload_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the next handlers get no more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.limit:
            return None  # the next handler's file
        for handler in self._later_handlers():
            handler.upload_interrupted()  # e.g. the partial temporary file is removed
        return OversizedUpload(
            name=self.file_name, content_type=self.content_type, size=self.received
        )

    def _later_handlers(self) -> Iterable[FileUploadHandler]:
        handlers = list(getattr(self.request, "upload_handlers", ()) or ())
        return handlers[handlers.index(self) + 1 :] if self in handlers else ()
