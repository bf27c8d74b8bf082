"""The conversation's pages: its part of the order page (thread, files, requests and
the timeline), the POSTs of its forms, the downloads, and the requests page."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gendan import policy
from gendan.uploads import download_response
from gendan.web import form_action, page, visible_or_404
from orders import selectors as order_selectors
from orders.views.parts import lazy_part, order_part_view

from . import selectors, services
from .forms import ApproveForm, AttachmentForm, NoteForm, RejectForm, about_choices
from .models import Attachment, Note
from .requests import decide_action
from .timeline import CATEGORIES, order_timeline

THREAD = "#order-thread"


def add_to_order_page(request: HttpRequest, order, context: dict) -> None:
    """The order page's thread (the requests with the approver's forms, the files, the
    forms to add a note or a file) and its timeline with the conversation: each loaded
    on demand (``order_thread_part``, ``order_timeline_part``); the timeline's filter
    (``?timeline=``) passed on."""
    category = _timeline_category(request)
    context.setdefault("page_parts", []).append(
        lazy_part(
            order, anchor="order-thread", url_name="conversation:order_thread", title=_("跟进记录")
        )
    )
    context.setdefault("side_parts", []).append(
        lazy_part(
            order,
            anchor="order-timeline",
            url_name="conversation:order_timeline",
            title=_("时间线"),
            query=urlencode({"timeline": category}) if category else "",
        )
    )


def _timeline_category(request: HttpRequest) -> str:
    category = request.GET.get("timeline", "")
    return category if category in CATEGORIES else ""


def _thread_part(request: HttpRequest, order) -> dict:
    user = request.user
    requests = list(
        selectors.request_list_visible(user)
        .filter(order=order)
        .select_related("requested_by", "decided_by")
    )
    _mark_decidable(user, requests)
    # One about-choices list for both forms (each would read the order's inspections,
    # cases and shipments).
    about = about_choices(order)
    return {
        "thread_requests": requests,
        "note_form": (
            NoteForm(order=order, about=about) if policy.can(user, "note.create", order) else None
        ),
        "attachment_form": (
            AttachmentForm(order=order, about=about)
            if policy.can(user, "attachment.create", order)
            else None
        ),
        "order_attachments": list(
            Attachment.objects.filter(order=order, note=None, request=None).select_related(
                "uploaded_by"
            )
        ),
    }


def _timeline_part(request: HttpRequest, order) -> dict:
    category = _timeline_category(request)
    return {
        "timeline": order_timeline(order, category=category),
        "timeline_category": category,
        "timeline_categories": CATEGORIES,
    }


order_thread_part = order_part_view(
    "conversation/_order_panel.html", _thread_part, title=_("跟进记录")
)
order_timeline_part = order_part_view(
    "conversation/_timeline.html", _timeline_part, title=_("时间线")
)


def _mark_decidable(user, requests) -> None:
    for item in requests:
        item.can_decide = item.is_pending and policy.can(user, decide_action(item.kind), item.order)


def _order_or_404(request: HttpRequest, pk: int):
    return visible_or_404(order_selectors.order_get_visible, request.user, pk)


def _back(order_id: int, request: HttpRequest | None = None) -> str:
    """The order's thread, or the page the form was sent from (``next``, same site)."""
    back = request.POST.get("next", "") if request is not None else ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("orders:detail", args=[order_id]) + THREAD


def add_to_part_page(field: str):
    """The notes and files about a shipment or an after-sales case on its own page, with
    the forms to add one (``register_page_part``)."""

    def add(request: HttpRequest, obj, context: dict) -> None:
        user, order = request.user, obj.order
        about = {"about": f"{field}:{obj.pk}"}
        context |= {
            "part_notes": Note.objects.filter(order=order, **{field: obj}).select_related("author"),
            "part_files": Attachment.objects.filter(order=order, **{field: obj}),
            "part_note_form": (
                NoteForm(order=order, initial=about)
                if policy.can(user, "note.create", order)
                else None
            ),
            "part_attachment_form": (
                AttachmentForm(order=order, initial={**about, "category": "photo"})
                if policy.can(user, "attachment.create", order)
                else None
            ),
        }
        context.setdefault("page_parts", []).append("conversation/_part_panel.html")

    return add


def _thread_post(form_class, success):
    """The POST of a form of the order's thread (a note, a file): 404 for an order the
    user may not see; back to the thread, or the refusal shown there."""

    @require_POST
    @page("orders")
    def post(request: HttpRequest, pk: int) -> HttpResponse:
        order = _order_or_404(request, pk)
        form = form_class(request.POST, request.FILES, order=order)
        return form_action(
            request,
            form,
            lambda: form.submit(actor=request.user),
            success=success,
            done=_back(order.pk, request),
        )

    return post


note_create = _thread_post(NoteForm, _("已记录。"))
attachment_create = _thread_post(AttachmentForm, _("附件已上传。"))


def _attachment_or_404(request: HttpRequest, pk: int) -> Attachment:
    return visible_or_404(selectors.attachment_get_visible, request.user, pk)


@require_GET
@page("orders")
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, to those who may see its order (404 for anyone else, exactly as for an
    attachment that does not exist)."""
    return download_response(_attachment_or_404(request, pk))


@require_GET
@page("orders")
def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_or_404(request, pk)
    return download_response(
        SimpleNamespace(
            file=attachment.thumbnail,
            file_content_type="image/jpeg",
            download_name=f"thumbnail-{attachment.pk}.jpg",
        )
    )


def _decision(form_class, service, success):
    """The POST of an approver's decision: ``form_class``'s fields to ``service`` for a
    request the user may see (404 otherwise); back to the order, or to the requests
    page when it was sent from there."""

    @require_POST
    @page("requests")
    def decide(request: HttpRequest, pk: int) -> HttpResponse:
        item = visible_or_404(selectors.request_get_visible, request.user, pk)
        form = form_class(request.POST)
        back_to_list = request.POST.get("next") == "list"
        return form_action(
            request,
            form,
            lambda: service(actor=request.user, request_id=item.pk, **form.cleaned_data),
            success=success,
            done=reverse("conversation:requests") if back_to_list else _back(item.order_id),
        )

    return decide


request_approve = _decision(ApproveForm, services.request_approve, _("已批准。"))
request_reject = _decision(RejectForm, services.request_reject, _("已驳回。"))


REQUESTS_SHOWN = 50


@require_GET
@page("requests")
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests waiting for my decision, and my own requests."""
    user = request.user
    related = ("order", "order__customer", "requested_by", "decided_by")
    to_decide = selectors.requests_to_decide(user).select_related(*related).order_by("created_at")
    mine = selectors.requests_of(user).select_related(*related)
    to_decide, mine = list(to_decide[:REQUESTS_SHOWN]), list(mine[:REQUESTS_SHOWN])
    _mark_decidable(user, to_decide + mine)
    return render(
        request,
        "conversation/request_list.html",
        {
            "to_decide": to_decide,
            "mine": mine,
            "approve_form": ApproveForm(),
            "reject_form": RejectForm(),
        },
    )
