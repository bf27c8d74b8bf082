"""The conversation on the order page: the thread, files and requests forms, the
timeline filter and its folded progress reports, the downloads' policy, the requests
page and My work."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conversation import services
from conversation.models import ApprovalRequest, Attachment, Note
from orders.models import EventType
from orders.states import OrderStatus as S
from tests.browsing import shown
from tests.factories import create_order, order_in_status

from .conftest import PDF, pdf, png, stored_files


def login(client, user):
    client.force_login(user)
    return client


def detail(order) -> str:
    return reverse("orders:detail", args=[order.pk])


def test_the_merchandiser_attaches_the_signed_order_and_confirms_referencing_it(
    client, cast, media_root
):
    order = create_order(cast)
    login(client, cast.merchandiser)
    response = client.post(
        reverse("conversation:attachment_create", args=[order.pk]),
        {"category": "signed_order", "file": SimpleUploadedFile("客户签字.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    page = shown(client, detail(order))
    assert "客户签字.pdf" in page and 'name="attachment_id"' in page
    response = client.post(
        reverse("orders:action", args=[order.pk, "confirm"]),
        {"method": "signed_order", "attachment_id": attachment.pk, "phone_confirmed": "on"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status in (S.CONFIRMED, S.DEPOSIT_PAID)
    page = shown(client, detail(order))
    assert "书面确认凭据" in page
    assert reverse("conversation:attachment_download", args=[attachment.pk]) in page


def test_the_download_is_a_404_for_a_merchandiser_who_may_not_see_the_order(
    client, cast, media_root
):
    order = create_order(cast)
    attachment = services.attachment_add(actor=cast.merchandiser, order_id=order.pk, file=pdf())
    url = reverse("conversation:attachment_download", args=[attachment.pk])
    response = login(client, cast.merchandiser).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    login(client, cast.other_merchandiser)
    assert client.get(url).status_code == 404
    missing = reverse("conversation:attachment_download", args=[attachment.pk + 1000])
    assert client.get(missing).status_code == 404
    thumb = reverse("conversation:attachment_thumbnail", args=[attachment.pk])
    assert client.get(thumb).status_code == 404


def test_a_photo_shows_its_thumbnail(client, cast, media_root):
    order = create_order(cast)
    photo = services.attachment_add(
        actor=cast.merchandiser, order_id=order.pk, file=png(), category="photo"
    )
    login(client, cast.merchandiser)
    page = shown(client, detail(order))
    assert reverse("conversation:attachment_thumbnail", args=[photo.pk]) in page
    response = client.get(reverse("conversation:attachment_thumbnail", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_a_note_posted_on_the_page_mentions_and_shows_in_the_timeline(client, cast):
    order = create_order(cast)
    login(client, cast.merchandiser)
    response = client.post(
        reverse("conversation:note_create", args=[order.pk]),
        {"kind": "wechat", "body": "客户微信确认唛头 @boss", "contact_person": "Anna"},
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.contact_person == "Anna" and list(note.mentions.all()) == [cast.supervisor]
    page = shown(client, detail(order) + "?timeline=notes")
    assert "客户微信确认唛头" in page
    assert 'data-entry="event"' not in page  # only the notes


def test_the_timeline_folds_a_days_progress_reports_into_one_line(client, cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    from production import services as production_services
    from tests.factories import stage

    for code in ("cutting", "sewing"):
        production_services.progress_report_create(
            actor=cast.production,
            production_order_id=production_order.pk,
            stage_id=stage(code).pk,
            date=timezone.localdate(),
            good_quantity=10,
        )
    assert order.events.filter(type=EventType.PROGRESS_REPORTED).count() == 2
    login(client, cast.supervisor)
    page = shown(client, detail(order) + "?timeline=production")
    assert page.count('data-entry="progress_day"') == 1
    assert 'data-category="money"' not in page
    everything = shown(client, detail(order))
    assert 'data-category="money"' in everything


def test_a_request_from_the_order_page_is_approved_from_the_requests_page(client, cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    login(client, cast.merchandiser)
    page = shown(client, detail(order))
    assert 'data-action="open_request"' in page
    response = client.post(
        reverse("orders:action", args=[order.pk, "open_request"]),
        {"kind": "deposit_waiver", "reason": "老客户"},
    )
    assert response.status_code == 302
    request = ApprovalRequest.objects.get()
    client.logout()
    login(client, cast.supervisor)
    home = client.get(reverse("home")).content.decode()
    assert 'data-group="requests_to_decide"' in home
    listing = client.get(reverse("conversation:requests")).content.decode()
    assert f'data-request="{request.pk}"' in listing
    response = client.post(
        reverse("conversation:request_approve", args=[request.pk]), {"note": "同意", "next": "list"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("conversation:requests")
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID
    page = shown(client, detail(order))
    assert 'data-entry="request"' in page and 'data-entry="decision"' in page


def test_the_wrong_role_cannot_decide_and_nothing_changes(client, cast):
    order = order_in_status(cast, S.CONFIRMED)
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    login(client, cast.finance)
    response = client.post(reverse("conversation:request_approve", args=[request.pk]), {})
    assert response.status_code == 302  # back to the order with the refusal shown
    client.logout()
    login(client, cast.other_merchandiser)
    response = client.post(reverse("conversation:request_approve", args=[request.pk]), {})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.is_pending
    order.refresh_from_db()
    assert order.status == S.CONFIRMED


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_requests_page_renders_in_both_languages(client, cast, language):
    login(client, cast.supervisor)
    client.cookies["django_language"] = language
    response = client.get(reverse("conversation:requests"))
    assert response.status_code == 200
    text = response.content.decode()
    assert ("待我审批" in text) == (language == "zh-hans")


def test_nothing_is_stored_for_a_refused_upload_on_the_page(client, cast, media_root):
    order = create_order(cast)
    login(client, cast.merchandiser)
    response = client.post(
        reverse("conversation:attachment_create", args=[order.pk]),
        {"category": "photo", "file": SimpleUploadedFile("page.pdf", b"<html>hi</html>")},
        follow=True,
    )
    assert "不是 PDF" in response.content.decode() or "PDF" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_an_after_sales_case_takes_photos_and_notes_on_its_own_page(client, cast, media_root):
    from shipping import services as shipping_services

    order = order_in_status(cast, S.SHIPPED)
    case = shipping_services.after_sales_case_open(
        actor=order.owner, order_id=order.pk, kind="complaint", description="色差"
    )
    page_url = reverse("shipping:case_detail", args=[case.pk])
    login(client, cast.merchandiser)
    page = client.get(page_url).content.decode()
    assert 'id="part-thread"' in page and f'value="case:{case.pk}"' in page
    response = client.post(
        reverse("conversation:attachment_create", args=[order.pk]),
        {"category": "photo", "about": f"case:{case.pk}", "file": png(), "next": page_url},
    )
    assert response.status_code == 302 and response["Location"] == page_url
    client.post(
        reverse("conversation:note_create", args=[order.pk]),
        {"kind": "note", "about": f"case:{case.pk}", "body": "客户发来色差照片", "next": page_url},
    )
    photo = Attachment.objects.get()
    assert photo.case == case and photo.thumbnail
    page = client.get(page_url).content.decode()
    assert "客户发来色差照片" in page
    assert reverse("conversation:attachment_thumbnail", args=[photo.pk]) in page
    # Another site as "next" is ignored: back to the order's thread.
    response = client.post(
        reverse("conversation:note_create", args=[order.pk]),
        {"kind": "note", "body": "x", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(reverse("orders:detail", args=[order.pk]))


def test_a_discount_asked_on_the_order_page_is_approved_and_shown_on_the_order(client, cast):
    order = order_in_status(cast, S.AWAITING_BALANCE)  # 10,000.00, 3,000.00 received
    login(client, cast.merchandiser)
    page = shown(client, detail(order))
    assert 'value="discount"' in page and 'name="discount_percent"' in page
    response = client.post(
        reverse("orders:action", args=[order.pk, "open_request"]),
        {"kind": "discount", "reason": "色差让价", "discount_percent": "5"},
    )
    assert response.status_code == 302
    request = ApprovalRequest.objects.get()
    assert request.params == {"percent": "5"}
    client.logout()
    login(client, cast.supervisor)
    listing = client.get(reverse("conversation:requests")).content.decode()
    assert 'data-param="percent"' in listing
    client.post(reverse("conversation:request_approve", args=[request.pk]), {"note": "同意"})
    order.refresh_from_db()
    assert str(order.total_amount) == "9500.00"
    page = shown(client, detail(order))
    assert 'data-row="discount"' in page and order.events.filter(type="discounted").exists()


def test_the_supervisor_grants_a_discount_directly_and_a_bad_one_changes_nothing(client, cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    login(client, cast.supervisor)
    assert 'data-action="apply_discount"' in shown(client, detail(order))
    url = reverse("orders:action", args=[order.pk, "apply_discount"])

    refused = client.post(url, {"reason": "r", "discount_amount": "10", "discount_percent": "5"})
    assert refused.status_code == 200  # the page again, with the error
    order.refresh_from_db()
    assert str(order.total_amount) == "10000.00"

    response = client.post(url, {"reason": "老客户", "discount_amount": "250.00"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (str(order.total_amount), str(order.deposit_due)) == ("9750.00", "2925.00")
    login(client, cast.merchandiser)
    assert 'data-action="apply_discount"' not in shown(client, detail(order))
