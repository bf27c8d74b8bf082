"""The shipments' documents checklist keeps its files on the one model of files: a
checklist item's file is one of the order's attachments, about its shipment."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conversation.models import Attachment
from conversation.timeline import DOCUMENTS, order_timeline
from gendan.exceptions import ValidationFailed
from orders.states import OrderStatus as S
from shipping import services as shipping_services
from tests.factories import order_in_status

from .conftest import PDF, pdf, stored_files


@pytest.fixture
def document(cast, media_root):
    order = order_in_status(cast, S.PAID)
    shipment = shipping_services.shipment_create(
        actor=order.owner, order_id=order.pk, planned_ship_date=timezone.localdate(), mode="sea"
    )
    return shipment.documents.get(kind="commercial_invoice")


def attach(cast, document, upload):
    return shipping_services.shipment_document_update(
        actor=cast.merchandiser, document_id=document.pk, is_ready=True, file=upload
    )


def test_a_checklist_file_is_an_attachment_of_the_order_about_the_shipment(cast, document):
    attach(cast, document, pdf("invoice.pdf"))

    file = Attachment.objects.get(shipment_document=document)
    shipment = document.shipment
    assert (file.order_id, file.shipment_id, file.category, file.uploaded_by) == (
        shipment.order_id,
        shipment.pk,
        "document",
        cast.merchandiser,
    )
    assert file.file.read() == PDF
    # In the order's timeline among the documents, and in the API's list of the shipment's.
    entries = order_timeline(shipment.order, category=DOCUMENTS)
    assert [entry.obj for entry in entries] == [file]


def test_a_new_file_replaces_the_one_the_item_had(cast, document, media_root):
    attach(cast, document, pdf("v1.pdf"))
    attach(cast, document, pdf("v2.pdf"))

    [file] = Attachment.objects.filter(shipment_document=document)
    assert file.file_name == "v2.pdf"
    # The replaced row is gone now; its stored file once the transaction commits
    # (pytest-django's test transaction never commits: the hostile tests check it).
    assert len(stored_files(media_root)) == 2


def test_a_refused_file_leaves_the_item_and_its_file_as_they_were(cast, document, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    attach(cast, document, pdf("v1.pdf"))
    with pytest.raises(ValidationFailed) as refused:
        attach(cast, document, SimpleUploadedFile("evil.pdf", b"<html>not a pdf</html>"))

    assert "file" in refused.value.fields
    assert Attachment.objects.get(shipment_document=document).file_name == "v1.pdf"


def test_the_file_downloads_through_both_views_only_for_those_who_see_the_shipment(cast, document):
    from django.test import Client

    def as_user(user):
        client = Client()
        client.force_login(user)
        return client

    attach(cast, document, pdf("invoice.pdf"))
    file = Attachment.objects.get(shipment_document=document)
    urls = (
        reverse("shipping:document_download", args=[document.pk]),
        reverse("conversation:attachment_download", args=[file.pk]),
    )

    for url in urls:
        response = as_user(cast.merchandiser).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert as_user(cast.other_merchandiser).get(url).status_code == 404


def test_the_api_lists_the_shipments_files_with_their_checklist_item(cast, api, document):
    attach(cast, document, pdf("invoice.pdf"))

    response = api(cast.merchandiser).get(
        "/api/v1/attachments/", {"order": document.shipment.order_id}
    )

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["shipment"], row["shipment_document"], row["category"]) == (
        document.shipment_id,
        document.pk,
        "document",
    )
    assert (
        api(cast.other_merchandiser).get(f"/api/v1/attachments/{row['id']}/download/").status_code
        == 404
    )
