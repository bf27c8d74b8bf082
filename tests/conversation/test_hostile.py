"""The conversation as a hostile or careless user meets it: NUL bytes, oversized and
disguised uploads, JSON to the upload endpoint, someone else's objects, the wrong role
— each refused with a clear error (400 naming the field, 403, 404) and nothing written
or stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversation import services
from conversation.models import ApprovalRequest, Attachment, Note
from gendan.exceptions import ValidationFailed
from orders.states import OrderStatus as S
from tests.factories import create_order, order_in_status
from tests.orders.helpers import snapshot

from .conftest import PDF, stored_files

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("body", {"body": "客户\x00来电"}),
        ("contact_person", {"body": "x", "kind": "call", "contact_person": "A\x00"}),
    ],
)
def test_a_nul_byte_in_a_note_is_refused_naming_the_field(cast, field, values):
    order = create_order(cast)
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.note_add(actor=cast.merchandiser, order_id=order.pk, **values)
    assert field in refused.value.fields
    assert snapshot() == before


def test_a_nul_byte_in_a_request_reason_through_the_api_is_a_400(cast, api):
    order = order_in_status(cast, S.CONFIRMED)
    before = snapshot()
    response = api(cast.merchandiser).post(
        "/api/v1/requests/",
        {"order": order.pk, "kind": "deposit_waiver", "reason": "a\x00b"},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert snapshot() == before


def test_an_oversized_upload_is_refused_and_nothing_is_stored(client, cast, media_root, settings):
    settings.GENDAN_UPLOAD_MAX_BYTES = 1024
    order = create_order(cast)
    client.force_login(cast.merchandiser)
    response = client.post(
        reverse("conversation:attachment_create", args=[order.pk]),
        {"category": "fax", "file": SimpleUploadedFile("big.pdf", PDF + b" " * 4096)},
        follow=True,
    )
    assert "超过上限" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_a_web_page_named_pdf_is_refused_by_the_api_naming_the_file(cast, api, media_root):
    order = create_order(cast)
    response = api(cast.merchandiser).post(
        "/api/v1/attachments/",
        {"order": order.pk, "file": SimpleUploadedFile("invoice.pdf", HTML)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_the_upload_endpoint_takes_multipart_only(cast, api):
    order = create_order(cast)
    response = api(cast.merchandiser).post(
        "/api/v1/attachments/", {"order": order.pk, "file": "x"}, format="json"
    )
    assert response.status_code == 415
    assert not Attachment.objects.exists()


def test_an_upload_through_the_api_is_listed_and_downloaded_by_who_may_see_it(
    cast, api, media_root
):
    order = create_order(cast)
    response = api(cast.merchandiser).post(
        "/api/v1/attachments/",
        {"order": order.pk, "category": "customer_po", "file": SimpleUploadedFile("po.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["file_name"], body["file_content_type"]) == ("po.pdf", "application/pdf")
    download = f"/api/v1/attachments/{body['id']}/download/"
    response = api(cast.merchandiser).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert api(cast.other_merchandiser).get(download).status_code == 404
    listing = api(cast.other_merchandiser).get(f"/api/v1/attachments/?order={order.pk}")
    assert listing.json()["results"] == []


def test_someone_elses_order_is_a_404_on_every_page_and_nothing_is_written(
    client, cast, media_root
):
    order = order_in_status(cast, S.CONFIRMED)
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    client.force_login(cast.other_merchandiser)
    before = snapshot()
    posts = [
        (reverse("conversation:note_create", args=[order.pk]), {"body": "hi"}),
        (
            reverse("conversation:attachment_create", args=[order.pk]),
            {"file": SimpleUploadedFile("a.pdf", PDF), "category": "fax"},
        ),
        (reverse("conversation:request_approve", args=[request.pk]), {}),
        (reverse("conversation:request_reject", args=[request.pk]), {"reason": "no"}),
        (reverse("orders:action", args=[order.pk, "open_request"]), {"kind": "release_on_credit"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before and stored_files(media_root) == []


def test_production_may_not_ask_and_a_merchandiser_may_not_decide_through_the_api(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)
    response = api(cast.production).post(
        "/api/v1/requests/",
        {"order": order.pk, "kind": "rush", "reason": "r"},
        format="json",
    )
    assert response.status_code == 403
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="production_shortfall", reason="r"
    )
    before = snapshot()
    response = api(cast.merchandiser).post(f"/api/v1/requests/{request.pk}/approve/", {})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = api(cast.supervisor).post(
        f"/api/v1/requests/{request.pk}/reject/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert snapshot() == before
    assert ApprovalRequest.objects.get().is_pending and not Note.objects.exists()


def test_confirming_with_a_document_of_another_order_is_a_400_through_the_api(
    cast, api, media_root
):
    order, other = create_order(cast), create_order(cast)
    foreign = services.attachment_add(
        actor=cast.merchandiser, order_id=other.pk, file=SimpleUploadedFile("a.pdf", PDF)
    )
    before = snapshot()
    response = api(cast.merchandiser).post(
        f"/api/v1/orders/{order.pk}/confirm/",
        {"method": "fax", "attachment_id": foreign.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "attachment_id" in response.json()["fields"]
    assert snapshot() == before


def test_an_upload_sent_twice_with_the_same_idempotency_key_is_stored_once(cast, api, media_root):
    order = create_order(cast)
    client = api(cast.merchandiser)

    def send(content: bytes):
        return client.post(
            "/api/v1/attachments/",
            {"order": order.pk, "file": SimpleUploadedFile("po.pdf", content)},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first, again = send(PDF), send(PDF)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Attachment.objects.count() == 1 and len(stored_files(media_root)) == 1
    # The same key with another file is refused.
    assert send(PDF + b"%%other\n").status_code == 422
