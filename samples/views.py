"""Sample pages: the list, a new request (with a photo), a request's page and its
actions, photos (uploaded and downloaded through the policy), and the samples part of
the order page (trial and sealed samples of its production orders)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan import policy
from gendan.lists import ListPage
from gendan.uploads import download_response
from gendan.web import detail_page, form_action, form_page, page, visible_or_404
from orders.views.parts import lazy_part, order_part_view
from production.models import ProductionOrder

from . import selectors, services
from .filters import SampleRequestFilterSet
from .forms import SAMPLE_ACTIONS, PhotoForm, ProductionSampleForm, SampleRequestForm
from .models import ProductionSample, SamplePhoto

SAMPLES = ListPage(
    SampleRequestFilterSet,
    selectors.sample_list_visible_to,
    access="samples",
    template="samples/sample_list.html",
    fields="search status mould_status",
    export="samples:export",
    columns="number customer.name item_number status mould_status owner due_date courier "
    "tracking_number order",
    headers={"order": gettext_lazy("订单")},
)
sample_list, sample_export = SAMPLES.views()


@page("samples")
def sample_create(request: HttpRequest) -> HttpResponse:
    """A new sample request: the detail sheet and, optionally, a first photo."""
    if not policy.can(request.user, "sample.create"):
        raise PermissionDenied
    form = SampleRequestForm(request.POST or None, request.FILES or None)

    def again(form) -> HttpResponse:
        return render(request, "samples/sample_form.html", {"form": form})

    return form_page(
        request,
        form,
        again=again,
        success=lambda sample: _("打样单 %(n)s 已登记。") % {"n": sample.number},
        done=lambda sample: reverse("samples:detail", args=[sample.pk]),
    )


def _context(request: HttpRequest, sample) -> dict:
    user = request.user
    return {
        "sample": sample,
        "photo_form": PhotoForm() if policy.can(user, "sample.update", sample) else None,
    }


sample_detail, sample_action = detail_page(
    "samples",
    get=selectors.sample_get_visible,
    template="samples/sample_detail.html",
    context=_context,
    actions=SAMPLE_ACTIONS,
    url="samples:detail",
)


@require_POST
@page("samples")
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    sample = visible_or_404(selectors.sample_get_visible, request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    return form_action(
        request,
        form,
        lambda: services.sample_photo_add(
            actor=request.user, sample_id=sample.pk, **form.cleaned_data
        ),
        success=_("照片已上传。"),
        done=reverse("samples:detail", args=[sample.pk]),
    )


@require_GET
@page("samples")
def photo_download(request: HttpRequest, pk: int) -> HttpResponse:
    photo = SamplePhoto.objects.filter(pk=pk).first()
    if photo is None or selectors.sample_get_visible(request.user, photo.sample_id) is None:
        raise Http404
    return download_response(photo)


@require_POST
@page("production")
def production_sample_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a trial or sealed sample of a production order (from the order page)."""
    production_order = ProductionOrder.objects.filter(pk=pk).select_related("order").first()
    if production_order is None or not policy.can(
        request.user, "order.view", production_order.order
    ):
        raise Http404
    form = ProductionSampleForm(request.POST, request.FILES)
    return form_action(
        request,
        form,
        lambda: services.production_sample_record(
            actor=request.user, production_order_id=pk, **form.cleaned_data
        ),
        success=_("样品已登记。"),
        done=reverse("orders:detail", args=[production_order.order_id]) + "#order-samples",
    )


@require_GET
@page("production")
def production_sample_download(request: HttpRequest, pk: int) -> HttpResponse:
    sample = ProductionSample.objects.filter(pk=pk).select_related("production_order__order")
    sample = sample.first()
    if sample is None or not policy.can(request.user, "order.view", sample.production_order.order):
        raise Http404
    return download_response(sample)


def add_to_order_page(request: HttpRequest, order, context: dict) -> None:
    """The order page's samples part, loaded on demand (``order_samples_part``)."""
    context.setdefault("order_parts", []).append(
        lazy_part(order, anchor="order-samples", url_name="samples:order_part", title=_("样品"))
    )


def _order_part(request: HttpRequest, order) -> dict | None:
    """The sample requests the order came from, and the trial and sealed samples of its
    production orders (with the form to record one)."""
    production_orders = list(
        ProductionOrder.objects.filter(order=order).prefetch_related("samples").order_by("pk")
    )
    requests = list(order.sample_requests.all())
    if not production_orders and not requests:
        return None
    can_record = policy.can(request.user, "production_sample.record", order)
    return {
        "part": {
            "sample_requests": requests,
            "production_orders": production_orders,
            "form": ProductionSampleForm() if can_record else None,
        }
    }


order_samples_part = order_part_view(
    "samples/_order_part.html", _order_part, title=gettext_lazy("样品")
)
