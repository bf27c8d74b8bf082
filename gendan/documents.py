"""Printable documents: one HTML template per document, shown as a page with print CSS
or rendered to PDF by WeasyPrint (real text, in the Noto CJK fonts of the system).

Each app owns its documents (the production notice in production/, the packing list
and the commercial invoice in shipping/, the proforma invoice in orders/): a view that
has decided the caller may see the object calls ``document_response`` with the
template (extending ``documents/base.html``) and its context. The company header comes
from settings (``GENDAN_COMPANY``, environment variables ``GENDAN_COMPANY_*``).

The PDF is rendered without fetching anything: no URL of the page is followed (the
stylesheet is handed to WeasyPrint from the static files), so a document never makes a
request on the server's behalf.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from .uploads import content_disposition

PDF = "application/pdf"
STYLESHEET = "css/documents.css"


@dataclass(frozen=True)
class Document:
    """One printable document of an object: its template, context and file name."""

    template: str
    context: dict[str, Any]
    filename: str

    def pdf(self) -> bytes:
        return render_pdf(document_html(self, pdf=True))


def company() -> dict[str, str]:
    """The company header of every document (settings ``GENDAN_COMPANY``)."""
    return dict(getattr(settings, "GENDAN_COMPANY", {}))


@cache
def _stylesheet_path() -> str:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(STYLESHEET)
    return found


def _no_fetch(url: str, *args: Any, **kwargs: Any):
    raise ValueError(f"documents fetch nothing ({url[:80]})")


def render_pdf(html: str) -> bytes:
    """The PDF of a document's HTML, styled by ``static/css/documents.css``."""
    from weasyprint import CSS, HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=_stylesheet_path())]
    )


def document_html(document: Document, *, pdf: bool) -> str:
    """The document's HTML: the PDF's source, or the printable page (``pdf`` False)."""
    context = {
        "company": company(),
        "printed_at": timezone.localtime(),
        "pdf": pdf,
        **document.context,
    }
    return render_to_string(document.template, context)


def document_response(request: HttpRequest, document: Document) -> HttpResponse:
    """The document as a PDF (shown inline, saved under its file name), or as a
    printable HTML page when the query string says ``?format=html``. Only for a view
    that has already decided the caller may see the object."""
    if request.GET.get("format") == "html":
        return HttpResponse(document_html(document, pdf=False))
    return pdf_response(document)


def pdf_response(document: Document) -> HttpResponse:
    response = HttpResponse(document.pdf(), content_type=PDF)
    response["Content-Disposition"] = content_disposition(document.filename).replace(
        "attachment", "inline", 1
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_view(access: str, get: Callable[[Any, int], Any], build: Callable[[Any], Document]):
    """The page view of an object's document: GET ``pk``, for the roles of page
    ``access``, the object ``get(user, pk)`` (404 when the user may not see it),
    answered by ``document_response``."""
    from .web import page, visible_or_404

    @require_GET
    @page(access)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return document_response(request, build(visible_or_404(get, request.user, pk)))

    return view
