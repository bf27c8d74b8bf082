"""The Content-Security-Policy in a real browser: every kind of page each role reaches,
the admin, the API docs (Swagger UI) and the browsable API load without a single
violation (each would be a console error, and a ``securitypolicyviolation`` event)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from kpi.services import assessment_compute_month
from orders.models import Order
from orders.states import OrderStatus as S
from shipping import services as shipping_services
from shipping.models import Shipment
from tests.factories import Cast, UserFactory, order_in_status
from tests.hostile.test_csp import crawl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def world() -> Cast:
    cast = Cast.create()
    for status in (S.DRAFT, S.AWAITING_DEPOSIT, S.IN_PRODUCTION, S.PAID, S.SHIPPED):
        order_in_status(cast, status)
    paid = order_in_status(cast, S.PAID)
    shipping_services.shipment_create(
        actor=paid.owner, order_id=paid.pk, planned_ship_date=timezone.localdate(), mode="sea"
    )
    assessment_compute_month(
        actor=None, period=timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    )
    return cast


def one_of_each_kind(user) -> list[str]:
    client = Client()
    client.force_login(user)
    kinds: dict[str, str] = {}
    for url in crawl(client):
        kinds.setdefault(re.sub(r"\d+", "N", url.split("?")[0]), url)
    return sorted(kinds.values())


def visit(page, urls: list[str]) -> dict[str, list[str]]:
    page.add_init_script(RECORD_VIOLATIONS)
    violations = {}
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if found := page.evaluate("window.__csp || []"):
            violations[url] = found
    return violations


@pytest.mark.parametrize("role", ["supervisor", "merchandiser", "finance", "production"])
def test_every_kind_of_page_loads_without_a_policy_violation(ui, role):
    cast = world()
    user = getattr(cast, role)
    urls = one_of_each_kind(user)
    assert len(urls) >= 8, urls

    violations = visit(ui(user), urls)

    assert not violations, violations


def test_the_admin_the_api_docs_and_the_browsable_api_load_without_one(ui):
    cast = world()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    order = Order.objects.order_by("pk").first()
    shipment = Shipment.objects.first()
    page = ui(admin)
    urls = [
        "/admin/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.pk}/change/",
        f"/admin/orders/order/{order.pk}/history/",
        f"/admin/shipping/shipment/{shipment.pk}/change/",
        "/admin/gendan/user/",
        f"/admin/gendan/user/{cast.merchandiser.pk}/change/",
        f"/admin/gendan/user/{cast.merchandiser.pk}/password/",
        "/admin/gendan/user/add/",
        "/admin/gendan/holiday/add/",
        "/admin/django_celery_beat/periodictask/",
        "/api/v1/orders/",
        f"/api/v1/orders/{order.pk}/",
        "/api/docs/",
    ]

    violations = visit(page, urls)

    assert not violations, violations
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)  # the docs did render
