"""Defence in depth: a Content-Security-Policy on every response, and pages that need
nothing it forbids — no inline script, no event-handler attribute, no style attribute,
no ``javascript:`` URL — checked on every page each role reaches from the home page,
and in a real browser, where a violation is a console error."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from gendan import csp
from kpi.services import assessment_compute_month
from orders.states import OrderStatus as S
from shipping import services as shipping_services
from tests.factories import Cast, UserFactory, order_in_status

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
}


def directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """Orders in the statuses that give every page something to show: a draft, one in
    production (the order page's charts), one shipped with a shipment and documents."""
    cast = Cast.create()
    for status in (S.DRAFT, S.AWAITING_DEPOSIT, S.IN_PRODUCTION, S.PAID, S.SHIPPED):
        order_in_status(cast, status)
    paid = order_in_status(cast, S.PAID)
    shipping_services.shipment_create(
        actor=paid.owner, order_id=paid.pk, planned_ship_date=timezone.localdate(), mode="sea"
    )
    # Last month's assessments and pay statements (the KPI pages).
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    assessment_compute_month(actor=None, period=last_month)
    cast.admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    return cast


# --------------------------------------------------------------------------
# The header
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/orders/",
        "/production/",
        "/dashboard/",
        "/kpi/",
        "/api/v1/orders/",
        "/admin/",
        "/api/docs/",
    ],
)
def test_every_response_carries_the_policy(world, path):
    response = client_for(world.admin).get(path, follow=True)

    assert response.status_code == 200
    assert directives(response) >= POLICY, response["Content-Security-Policy"]


def test_the_login_page_and_json_and_404s_carry_it_too(world):
    anonymous = client_for(None)
    bearer = client_for(world.merchandiser)

    for response in (
        anonymous.get("/accounts/login/"),
        anonymous.get("/api/v1/orders/"),
        bearer.get("/orders/999999/"),
        bearer.get("/api/v1/orders/999999/", HTTP_ACCEPT="application/json"),
    ):
        assert directives(response) >= POLICY, response.status_code


def test_only_the_browsable_api_allows_style_attributes_and_never_inline_script(world):
    client = client_for(world.supervisor)

    browsable = client.get("/api/v1/orders/", HTTP_ACCEPT="text/html")
    page = client.get("/orders/")

    assert "style-src 'self' 'unsafe-inline'" in directives(browsable)
    assert "script-src 'self'" in directives(browsable)
    assert not any("unsafe" in directive for directive in directives(page))


def test_the_error_pages_style_themselves_inline_and_nothing_else(rf):
    from gendan.middleware import database_unavailable_response, server_error

    for response in (database_unavailable_response(rf.get("/")), server_error(rf.get("/"))):
        extra = getattr(response, "_gendan_csp_extra")  # noqa: B009
        assert extra == {"style-src": ["'unsafe-inline'"]}
        assert "script" not in csp.policy_header(extra).split("style-src")[1].split(";")[0]


def test_report_only_sends_the_same_policy_under_the_other_header(world, settings):
    settings.GENDAN_CSP_REPORT_ONLY = True

    response = client_for(world.supervisor).get("/")

    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_a_download_keeps_its_own_sandboxing_policy(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    from shipping.models import ShipmentDocument

    document = ShipmentDocument.objects.first()
    shipping_services.shipment_document_update(
        actor=document.shipment.order.owner,
        document_id=document.pk,
        is_ready=True,
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
    )

    response = client_for(document.shipment.order.owner).get(
        f"/shipments/documents/{document.pk}/file/"
    )

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --------------------------------------------------------------------------
# Every page each role reaches: nothing inline
# --------------------------------------------------------------------------

# Not pages (or not ours): static files, downloads and exports, the language switch,
# logging out, the admin (Django's own templates) and the API.
SKIP = re.compile(r"^/(static|media|i18n|admin|api)/|/export/?$|\.xlsx$|/file/$|^/accounts/logout/")
TAG = re.compile(r"<[a-zA-Z][^>]*>")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def crawl(client: Client, *, limit: int = 120, per_path: int = 3) -> dict[str, str]:
    """The HTML of every page reachable from the home page by links and redirects (GET
    only), at most ``limit`` pages and ``per_path`` of each kind (``/orders/N/``)."""
    pages: dict[str, str] = {}
    queue, seen, variants = ["/"], {"/"}, {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 302 and response["Location"] not in seen:
            location = response["Location"]
            if location.startswith("/") and not SKIP.search(urlsplit(location).path):
                seen.add(location)
                queue.append(location)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in re.findall(r'href="([^"#]+)', html):
            parts = urlsplit(unescape(href))
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            shape = re.sub(r"\d+", "N", parts.path)  # /orders/N/: a few of each kind
            if target in seen or variants.get(shape, 0) >= per_path:
                continue
            seen.add(target)
            variants[shape] = variants.get(shape, 0) + 1
            queue.append(target)
    return pages


def inline_code(html: str) -> list[str]:
    """Whatever the policy would refuse in ``html``."""
    found = []
    for match in SCRIPT.finditer(html):
        attributes = match.group(1)
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(match.group(0))
    for tag in TAG.findall(html):
        if EVENT_HANDLER.search(tag) or STYLE_ATTRIBUTE.search(tag):
            found.append(tag)
        if re.search(r"""=\s*["']?\s*javascript:""", tag, re.IGNORECASE):
            found.append(tag)
    if re.search(r"<style\b", html, re.IGNORECASE):
        found.append("<style>")
    return found


@pytest.mark.parametrize(
    "role", ["merchandiser", "supervisor", "finance", "production", "integration", "admin"]
)
def test_no_page_a_role_reaches_has_inline_script_style_or_handlers(world, role):
    pages = crawl(client_for(getattr(world, role)))

    assert len(pages) >= (1 if role == "integration" else 5), sorted(pages)
    offending = {url: found for url, html in pages.items() if (found := inline_code(html))}
    assert not offending, offending


def test_the_anonymous_pages_have_none_either(db):
    client = client_for(None)

    for url in ("/accounts/login/",):
        response = client.get(url)
        assert response.status_code == 200
        assert not inline_code(response.content.decode()), url


def test_the_check_finds_what_it_looks_for():
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<a href="/" onclick="x()">')
    assert inline_code('<div style="color:red">')
    assert inline_code('<a href="javascript:alert(1)">')
    assert inline_code("<style>a{}</style>")
    assert not inline_code('<script src="/static/js/gendan.js" defer></script>')
    assert not inline_code('<script id="c" type="application/json">{"a": 1}</script>')
    assert not inline_code('<p data-style="x" class="only">text onclick= here</p>')
