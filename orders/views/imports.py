"""Excel import pages: the templates, the upload, the preview of the dry run (with the
progress of a large file), and the confirmation."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gendan.excel import download
from gendan.web import form_action, form_page, page, visible_or_404

from .. import imports, selectors
from ..models import ImportKind, ImportStatus
from ..services import imports as import_services

PREVIEW_ROWS = 200


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入类型"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, label)
            for kind, label in ImportKind.choices
            if import_services.may_import(user, kind)
        ]

    def submit(self, *, actor):
        return import_services.import_upload(
            actor=actor, kind=self.cleaned_data["kind"], upload=self.cleaned_data["file"]
        )


@page("imports")
def import_index(request: HttpRequest) -> HttpResponse:
    """The templates, the upload form and one's recent imports."""
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)

    def again(form) -> HttpResponse:
        kinds = [
            (kind, label)
            for kind, label in ImportKind.choices
            if import_services.may_import(request.user, kind)
        ]
        batches = selectors.import_list(request.user)[:20]
        return render(
            request,
            "orders/import_index.html",
            {"form": form, "kinds": kinds, "batches": batches},
        )

    return form_page(
        request,
        form,
        again=again,
        done=lambda batch: reverse("orders:import_detail", args=[batch.pk]),
    )


@require_GET
@page("imports")
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    return download(imports.template(kind), f"gendan-import-{kind}.xlsx")


def _context(request: HttpRequest, batch) -> dict:
    result = batch.result or {}
    labels = imports.ACTION_LABELS
    rows = [
        (number, action, labels.get(action, action), text)
        for number, action, text in result.get("rows", [])
    ]
    counts: dict[str, int] = {}
    for _number, action, _label, _text in rows:
        counts[action] = counts.get(action, 0) + 1
    return {
        "batch": batch,
        "running": batch.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING),
        "progress": import_services.import_progress(batch.pk),
        "errors": result.get("errors", []),
        "page_obj": Paginator(rows, PREVIEW_ROWS).get_page(request.GET.get("page")),
        "counts": [(labels[action], counts[action]) for action in labels if action in counts],
        "can_confirm": batch.status == ImportStatus.CHECKED and not batch.error_count,
        "created": result.get("created", {}),
    }


@require_GET
@page("imports")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = visible_or_404(selectors.import_get_visible, request.user, pk)
    return render(request, "orders/import_detail.html", _context(request, batch))


@require_GET
@page("imports")
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a running check or import (htmx polls it); once done, the page
    reloads."""
    batch = visible_or_404(selectors.import_get_visible, request.user, pk)
    context = _context(request, batch)
    response = render(request, "orders/_import_progress.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@page("imports")
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = visible_or_404(selectors.import_get_visible, request.user, pk)
    form = forms.Form(request.POST)
    return form_action(
        request,
        form,
        lambda: import_services.import_confirm(actor=request.user, batch_id=batch.pk),
        success=lambda done: (
            _("已导入。") if done.status == ImportStatus.IMPORTED else _("正在导入，请稍候。")
        ),
        done=reverse("orders:import_detail", args=[batch.pk]),
    )
