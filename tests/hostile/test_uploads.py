"""Uploads, as a hostile or careless user would send them: too large, of a type that a
browser would run, disguised under another extension — refused with an error naming
the field and nothing stored; what is accepted is stored under a random name and
downloaded only through a view that checks who may see it (gendan.uploads)."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conversation.models import Attachment
from gendan.exceptions import ValidationFailed
from gendan.uploads import (
    DOCUMENTS,
    FILE_KINDS,
    UploadRules,
    check_upload,
    content_disposition,
    display_name,
)
from orders.states import OrderStatus as S
from shipping import services as shipping_services
from tests.factories import order_in_status

HTMX = {"HTTP_HX_REQUEST": "true"}
MIB = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def document(cast, media_root):
    """The packing list of a planned shipment of an order of ``cast.merchandiser``."""
    order = order_in_status(cast, S.PAID)
    shipment = shipping_services.shipment_create(
        actor=order.owner,
        order_id=order.pk,
        planned_ship_date=timezone.localdate(),
        mode="sea",
    )
    return shipment.documents.get(kind="packing_list")


def upload(client, document, name: str, content: bytes, **extra):
    return client.post(
        reverse("shipping:document_update", args=[document.pk]),
        {"is_ready": "on", "file": SimpleUploadedFile(name, content, "application/pdf")},
        **extra,
    )


def stored(document):
    """The checklist item's file: one of the order's attachments (None: no file)."""
    return Attachment.objects.filter(shipment_document=document).first()


def assert_nothing_stored(document, media_root):
    document.refresh_from_db()
    assert stored(document) is None
    assert document.is_ready is False
    assert stored_files(media_root) == []


# --------------------------------------------------------------------------
# Refused
# --------------------------------------------------------------------------


def test_a_60_mib_upload_is_refused_with_an_error_naming_the_field_and_nothing_is_stored(
    cast, as_user, document, media_root
):
    response = upload(
        as_user(cast.merchandiser), document, "packing.pdf", PDF + b"0" * (60 * MIB), **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<p class="error" id="doc\d+-file-error">([^<]*)</p>', html)
    assert error, html
    assert "packing.pdf" in error.group(1) and "60.0 MiB" in error.group(1)
    assert "20.0 MiB" in error.group(1)
    assert 'aria-invalid="true"' in html  # on the file input
    assert_nothing_stored(document, media_root)


def test_an_oversized_upload_without_htmx_comes_back_with_the_message(
    cast, as_user, document, media_root, settings
):
    settings.GENDAN_UPLOAD_MAX_BYTES = MIB
    client = as_user(cast.merchandiser)

    response = upload(client, document, "packing.pdf", PDF + b"0" * (3 * MIB))

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "超过上限 1.0 MiB" in page
    assert_nothing_stored(document, media_root)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", EXE),
        ("invoice.html", HTML),
        ("invoice.htm", HTML),
        ("invoice.pdf", HTML),  # a web page renamed .pdf
        ("invoice.pdf", EXE),  # a program renamed .pdf
        ("scan.png", PDF),  # a PDF named .png: the extension must agree with the content
        ("list.txt", HTML),  # a web page named .txt
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("packing", PDF),  # no extension
        ("empty.pdf", b""),
    ],
)
def test_a_file_of_a_type_not_allowed_or_disguised_is_refused(
    cast, as_user, document, media_root, name, content
):
    response = upload(as_user(cast.merchandiser), document, name, content, **HTMX)

    html = response.content.decode()
    assert re.search(r'<p class="error" id="doc\d+-file-error">[^<]+</p>', html), html
    assert_nothing_stored(document, media_root)


def test_the_service_refuses_it_too_whatever_the_interface(cast, document, media_root):
    with pytest.raises(ValidationFailed) as refused:
        shipping_services.shipment_document_update(
            actor=cast.merchandiser,
            document_id=document.pk,
            is_ready=True,
            file=SimpleUploadedFile("invoice.pdf", HTML, "application/pdf"),
        )

    assert set(refused.value.fields) == {"file"}
    assert "PDF" in str(refused.value.fields["file"][0])
    assert_nothing_stored(document, media_root)


def test_someone_who_may_not_update_the_shipment_uploads_nothing(cast, as_user, document):
    response = upload(as_user(cast.other_merchandiser), document, "packing.pdf", PDF, **HTMX)

    assert response.status_code == 404
    assert stored(document) is None


# --------------------------------------------------------------------------
# Accepted, stored under a random name, downloaded through the policy
# --------------------------------------------------------------------------


def test_a_valid_pdf_is_stored_under_a_random_name_keeping_a_clean_display_name(
    cast, as_user, document, media_root
):
    # A path, a right-to-left override (which would show "…fdp.exe" as "…exe.pdf")
    # and a line break: none of it reaches the stored name or the display name.
    response = upload(
        as_user(cast.merchandiser), document, "C:\\docs\\装箱单\u202e\n 2026.pdf", PDF, **HTMX
    )

    assert response.status_code == 200
    document.refresh_from_db()
    assert document.is_ready
    file = stored(document)
    assert re.fullmatch(r"conversation/attachment/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", file.file.name)
    assert file.file_name == "装箱单 2026.pdf"
    assert file.file_content_type == "application/pdf"
    assert file.file_size == len(PDF)
    assert (file.order_id, file.shipment_id, file.category) == (
        document.shipment.order_id,
        document.shipment_id,
        "document",
    )
    assert [path.read_bytes() for path in stored_files(media_root)] == [PDF]
    assert reverse("shipping:document_download", args=[document.pk]) in response.content.decode()


def test_a_replaced_file_is_removed_once_the_new_one_is_committed(
    cast, document, media_root, django_capture_on_commit_callbacks
):
    for content in (PDF, PDF + b"% second\n"):
        with django_capture_on_commit_callbacks(execute=True):
            shipping_services.shipment_document_update(
                actor=cast.merchandiser,
                document_id=document.pk,
                is_ready=True,
                file=SimpleUploadedFile("packing.pdf", content),
            )

    assert [path.read_bytes() for path in stored_files(media_root)] == [PDF + b"% second\n"]


@pytest.fixture
def uploaded(cast, document, media_root):
    shipping_services.shipment_document_update(
        actor=cast.merchandiser,
        document_id=document.pk,
        is_ready=True,
        file=SimpleUploadedFile('装箱单 "A"; 1.pdf', PDF),
    )
    document.refresh_from_db()
    return document


def test_the_owner_downloads_it_as_an_attachment_that_is_never_sniffed(cast, as_user, uploaded):
    response = as_user(cast.merchandiser).get(
        reverse("shipping:document_download", args=[uploaded.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        'attachment; filename="___ _A__ 1.pdf"; '
        "filename*=UTF-8''%E8%A3%85%E7%AE%B1%E5%8D%95%20%22A%22%3B%201.pdf"
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["supervisor", "finance"])
def test_those_who_see_the_shipment_download_it_too(cast, as_user, uploaded, who):
    response = as_user(getattr(cast, who)).get(
        reverse("shipping:document_download", args=[uploaded.pk])
    )

    assert response.status_code == 200


def test_another_merchandiser_gets_the_404_of_a_document_that_does_not_exist(
    cast, as_user, uploaded
):
    client = as_user(cast.other_merchandiser)

    hidden = client.get(reverse("shipping:document_download", args=[uploaded.pk]))
    missing = client.get(reverse("shipping:document_download", args=[uploaded.pk + 10_000]))

    assert hidden.status_code == missing.status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(as_user, uploaded):
    url = reverse("shipping:document_download", args=[uploaded.pk])

    response = as_user(None).get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_no_url_serves_the_stored_files_directly(cast, as_user, uploaded):
    client = as_user(cast.merchandiser)

    file = stored(uploaded).file
    assert client.get(f"/media/{file.name}").status_code == 404
    assert client.get(file.url).status_code == 404


def test_a_document_without_a_file_or_whose_file_is_lost_is_a_404(cast, as_user, uploaded):
    client = as_user(cast.merchandiser)
    other = uploaded.shipment.documents.exclude(pk=uploaded.pk).first()
    file = stored(uploaded).file
    file.storage.delete(file.name)

    assert client.get(reverse("shipping:document_download", args=[other.pk])).status_code == 404
    assert client.get(reverse("shipping:document_download", args=[uploaded.pk])).status_code == 404


# --------------------------------------------------------------------------
# The checks themselves
# --------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("a.PNG", PNG, "png"),
        ("a.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        ("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        ("a.gif", b"GIF89a\x01\x00\x01\x00", "gif"),
        ("a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        ("a.xlsx", _xlsx(), "xlsx"),
        (
            "a.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "docx",
        ),
        ("a.csv", "品名,数量\r\n杯子,10\r\n".encode(), "csv"),
        ("a.csv", "品名,数量\r\n杯子,10\r\n".encode("gb18030"), "csv"),
        ("a.txt", b"\xef\xbb\xbfplain text\n", "txt"),
    ],
)
def test_each_allowed_kind_is_recognised_by_its_content(name, content, kind):
    checked = check_upload(SimpleUploadedFile(name, content, "application/x-anything"))

    assert checked.kind is FILE_KINDS[kind]
    assert checked.content_type == FILE_KINDS[kind].content_type  # never the client's


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.xlsx", _zip({"[Content_Types].xml": b"<Types/>"})),  # a zip, not a workbook
        ("a.xlsx", PDF),
        (
            "a.xlsx",
            _zip(
                {
                    "[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled.main",
                    "xl/workbook.xml": b"<workbook/>",
                }
            ),
        ),
        (
            "a.docx",
            _zip(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w:document/>",
                    "word/vbaProject.bin": b"macro",
                }
            ),
        ),
        ("a.docx", b"PK\x03\x04 truncated"),
        ("a.csv", b"a,b\x00c\n"),  # binary
        ("a.csv", b"a,b\x1b[31mred\n"),  # terminal escape
        ("a.csv", b"\xff\xfe\xfd"),  # neither UTF-8 nor GB18030
        ("a.jpg", PNG),
        ("a.xlsm", _xlsx()),  # not an allowed extension at all
        ("a.pdf.exe", EXE),
    ],
)
def test_content_that_is_not_what_the_extension_says_is_refused(name, content):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(SimpleUploadedFile(name, content))

    assert set(refused.value.fields) == {"file"}


def test_each_upload_may_narrow_the_kinds_and_the_size():
    scans = UploadRules(kinds=("pdf", "png"), max_bytes=10 * 1024)

    assert check_upload(SimpleUploadedFile("a.pdf", PDF), rules=scans).kind.name == "pdf"
    with pytest.raises(ValidationFailed, match="PDF、PNG"):
        check_upload(SimpleUploadedFile("a.xlsx", _xlsx()), rules=scans, field="scan")
    with pytest.raises(ValidationFailed) as too_large:
        check_upload(SimpleUploadedFile("a.pdf", PDF + b"0" * 10240), rules=scans, field="scan")
    assert set(too_large.value.fields) == {"scan"}
    assert DOCUMENTS.accept().startswith(".pdf,.png,.jpg,.jpeg")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\invoice.pdf", "invoice.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\x00a\nb\r.pdf", "ab.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("", "file"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_display_names_are_cleaned(raw, clean):
    assert display_name(raw) == clean


def test_the_content_disposition_header_carries_an_ascii_and_a_utf8_name():
    assert content_disposition("报关单.pdf") == (
        "attachment; filename=\"___.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%85%B3%E5%8D%95.pdf"
    )
    assert content_disposition('a"\r\nb.pdf') == (
        "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"
    )


def test_past_the_limit_an_upload_is_counted_but_not_kept(settings):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    from gendan.uploads import OversizedUpload, UploadLimitHandler

    settings.GENDAN_UPLOAD_MAX_BYTES = MIB

    class Request:
        upload_handlers: list = []

    request = Request()
    limit, temporary = UploadLimitHandler(request), TemporaryFileUploadHandler(request)
    request.upload_handlers = [limit, temporary]
    for handler in request.upload_handlers:
        handler.new_file("file", "big.pdf", "application/pdf", None)
    chunk = b"0" * (256 * 1024)
    passed_on = 0
    for start in range(0, 12 * MIB, len(chunk)):  # 12 MiB sent
        data = limit.receive_data_chunk(chunk, start)
        if data is not None:
            temporary.receive_data_chunk(data, start)
            passed_on += len(data)
    temporary_path = temporary.file.temporary_file_path()

    result = limit.file_complete(12 * MIB)

    assert passed_on == MIB  # the temporary file never held more than the limit
    assert isinstance(result, OversizedUpload) and result.size == 12 * MIB
    assert not os.path.exists(temporary_path)  # and is gone
    with pytest.raises(ValidationFailed, match=r"12\.0 MiB"):
        check_upload(result)


@pytest.mark.django_db(transaction=True)
def test_a_file_uploaded_before_the_checks_downloads_as_an_opaque_attachment(
    cast, as_user, document, media_root
):
    """For real: the file is put on the checklist item as it was before the checks
    (shipping 0002 names it) and before the files moved onto attachments
    (conversation 0003, shipping 0004), then the migrations run forward."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    old = media_root / "shipment-documents" / "2026" / "01"
    old.mkdir(parents=True)
    (old / "old invoice.html").write_bytes(HTML)
    executor = MigrationExecutor(connection)
    before = [
        ("shipping", "0003_document_file_columns_db_default"),
        ("conversation", "0002_discount"),
    ]
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        old_apps.get_model("shipping", "ShipmentDocument").objects.filter(pk=document.pk).update(
            file="shipment-documents/2026/01/old invoice.html", updated_by_id=cast.merchandiser.pk
        )
        migration = importlib.import_module("shipping.migrations.0002_document_file_stored_safely")
        migration.name_earlier_files(old_apps, None)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = stored(document)
    assert (moved.file.name, moved.file_name, moved.uploaded_by) == (
        "shipment-documents/2026/01/old invoice.html",
        "old invoice.html",
        cast.merchandiser,
    )
    response = as_user(cast.merchandiser).get(
        reverse("shipping:document_download", args=[document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"  # never text/html
    assert response["Content-Disposition"].startswith('attachment; filename="old invoice.html"')
