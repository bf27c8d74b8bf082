"""Every page as every role: the pages a role may open render (200), the others are
refused (403), objects the user may not see are not found (404), and anonymous
visitors are sent to the login page.

The expected table is written out here from product.md §1 and issue #4, not read
from gendan.policy.PAGES.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.states import OrderStatus as S
from shipping import services as shipping_services
from tests.factories import earlier_today, order_in_status

from .conftest import client_for

M, M2, SUP, FIN, PROD, INT, ADMIN = (
    "merchandiser",
    "other_merchandiser",
    "supervisor",
    "finance",
    "production",
    "integration",
    "admin",
)
ROLES = (M, M2, SUP, FIN, PROD, INT, ADMIN)
PEOPLE = {M, M2, SUP, FIN, PROD}


@pytest.fixture
def world(cast, admin_user):
    """Orders of "merch" in the statuses the object pages need."""
    draft = order_in_status(cast, S.DRAFT)
    in_production = order_in_status(cast, S.IN_PRODUCTION)
    paid = order_in_status(cast, S.PAID)
    shipped = order_in_status(cast, S.PARTIALLY_SHIPPED)
    delivered = order_in_status(cast, S.DELIVERED)
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser,
        order_id=delivered.pk,
        kind="complaint",
        description="stains on 12 pieces",
        received_at=earlier_today(hours=1),
    )
    return {
        "users": {
            M: cast.merchandiser,
            M2: cast.other_merchandiser,
            SUP: cast.supervisor,
            FIN: cast.finance,
            PROD: cast.production,
            INT: cast.integration,
            ADMIN: admin_user,
        },
        "draft": draft,
        "in_production": in_production,
        "production_order": in_production.production_orders.get(),
        "paid": paid,
        "shipment": shipped.shipments.get(),
        "customer": draft.customer,
        "product": draft.lines.first().product,
        "case": case,
    }


# (name, url builder, roles that may open it, roles for which the object is invisible: 404)
def pages(w):
    own = {M, SUP, ADMIN}
    return [
        ("home", reverse("home"), {*ROLES}, set()),
        ("alerts", reverse("alerts"), {*ROLES}, set()),
        ("password_change", reverse("password_change"), {*ROLES}, set()),
        ("orders", reverse("orders:list"), PEOPLE | {ADMIN} - {INT}, set()),
        ("orders export", reverse("orders:export"), PEOPLE | {ADMIN}, set()),
        ("order create", reverse("orders:create"), {M, M2, SUP, ADMIN}, set()),
        (
            "order detail",
            reverse("orders:detail", args=[w["in_production"].pk]),
            {M, SUP, FIN, PROD, ADMIN},
            {M2},
        ),
        ("order edit", reverse("orders:edit", args=[w["draft"].pk]), own, {M2}),
        ("order amend", reverse("orders:amend", args=[w["in_production"].pk]), own, {M2}),
        ("finance queue", reverse("orders:finance_queue"), {FIN, ADMIN}, set()),
        ("finance export", reverse("orders:finance_export"), {FIN, ADMIN}, set()),
        ("receivables", reverse("orders:receivables"), {FIN, SUP, ADMIN}, set()),
        ("customers", reverse("orders:customer_list"), {M, M2, SUP, FIN, ADMIN}, set()),
        ("customers export", reverse("orders:customer_export"), {M, M2, SUP, FIN, ADMIN}, set()),
        (
            "customer detail",
            reverse("orders:customer_detail", args=[w["customer"].pk]),
            {M, M2, SUP, FIN, ADMIN},
            set(),
        ),
        ("customer create", reverse("orders:customer_create"), {M, M2, SUP, ADMIN}, set()),
        ("dashboard", reverse("orders:dashboard"), {SUP, ADMIN}, set()),
        ("merchandisers' workload", reverse("orders:workload"), {SUP, ADMIN}, set()),
        ("daily report", reverse("orders:daily_report"), {M, M2, SUP, ADMIN}, set()),
        ("sales ledger", reverse("orders:sales_ledger"), {M, M2, SUP, FIN, ADMIN}, set()),
        ("production board", reverse("production:board"), {PROD, M, M2, SUP, ADMIN}, set()),
        ("quick entry", reverse("production:quick_entry"), {PROD, M, M2, SUP, ADMIN}, set()),
        ("production orders", reverse("production:list"), {PROD, M, M2, SUP, ADMIN}, set()),
        ("production export", reverse("production:export"), {PROD, M, M2, SUP, ADMIN}, set()),
        ("progress reports", reverse("production:report_list"), {PROD, M, M2, SUP, ADMIN}, set()),
        (
            "progress export",
            reverse("production:report_export"),
            {PROD, M, M2, SUP, ADMIN},
            set(),
        ),
        (
            "production order",
            reverse("production:detail", args=[w["production_order"].pk]),
            {PROD, M, SUP, ADMIN},
            {M2},
        ),
        ("shipments", reverse("shipping:shipment_list"), PEOPLE | {ADMIN}, set()),
        ("shipments export", reverse("shipping:shipment_export"), PEOPLE | {ADMIN}, set()),
        (
            "shipment detail",
            reverse("shipping:shipment_detail", args=[w["shipment"].pk]),
            {M, SUP, FIN, PROD, ADMIN},
            {M2},
        ),
        (
            "shipment create",
            reverse("shipping:shipment_create", args=[w["paid"].pk]),
            own,
            {M2},
        ),
        (
            "production notice (PDF)",
            reverse("production:notice", args=[w["production_order"].pk]),
            {PROD, M, SUP, ADMIN},
            {M2},
        ),
        (
            "proforma invoice (PDF)",
            reverse("orders:proforma", args=[w["paid"].pk]),
            {M, SUP, FIN, ADMIN},
            {M2, PROD},
        ),
        (
            "packing list (PDF)",
            reverse("shipping:shipment_packing_list", args=[w["shipment"].pk]),
            {M, SUP, FIN, PROD, ADMIN},
            {M2},
        ),
        (
            "commercial invoice (PDF)",
            reverse("shipping:shipment_invoice", args=[w["shipment"].pk]),
            {M, SUP, FIN, ADMIN},
            {M2, PROD},
        ),
        ("receivables export", reverse("orders:receivables_export"), {FIN, SUP, ADMIN}, set()),
        ("products", reverse("orders:product_list"), {M, M2, SUP, ADMIN}, set()),
        ("products export", reverse("orders:product_export"), {M, M2, SUP, ADMIN}, set()),
        ("product create", reverse("orders:product_create"), {M, M2, SUP, ADMIN}, set()),
        (
            "product edit",
            reverse("orders:product_edit", args=[w["product"].pk]),
            {M, M2, SUP, ADMIN},
            set(),
        ),
        ("imports", reverse("orders:import_index"), {M, M2, SUP, ADMIN}, set()),
        (
            "import template",
            reverse("orders:import_template", args=["orders"]),
            {M, M2, SUP, ADMIN},
            set(),
        ),
        ("after-sales", reverse("shipping:case_list"), {M, M2, SUP, ADMIN}, set()),
        ("after-sales export", reverse("shipping:case_export"), {M, M2, SUP, ADMIN}, set()),
        (
            "after-sales case",
            reverse("shipping:case_detail", args=[w["case"].pk]),
            own,
            {M2},
        ),
    ]


def test_each_page_renders_for_the_roles_that_may_open_it_and_refuses_the_others(world):
    clients = {role: client_for(user) for role, user in world["users"].items()}
    anonymous = client_for(None)
    mismatches = []
    for name, url, allowed, invisible in pages(world):
        response = anonymous.get(url)
        if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
            mismatches.append(f"{name} anonymous: {response.status_code}")
        for role in ROLES:
            expected = 200 if role in allowed else 404 if role in invisible else 403
            # A page a role may not open at all is refused before any object lookup.
            if role in invisible and role not in allowed:
                expected = 404
            status = clients[role].get(url).status_code
            if status != expected:
                mismatches.append(f"{name} as {role}: {status}, expected {expected}")
    assert not mismatches, "\n".join(mismatches)


def test_the_menu_shows_only_the_pages_the_role_may_open(world):
    def link(name):
        return f'href="{reverse(name)}"'

    finance = client_for(world["users"][FIN]).get(reverse("home")).content.decode()
    assert link("orders:finance_queue") in finance
    assert link("orders:dashboard") not in finance
    supervisor = client_for(world["users"][SUP]).get(reverse("home")).content.decode()
    assert link("orders:dashboard") in supervisor
    assert link("orders:finance_queue") not in supervisor


def test_an_action_the_status_does_not_allow_is_refused_with_the_domain_message(world):
    """Closing a draft: the service refuses, the page says why, nothing changes."""
    order = world["draft"]
    client = client_for(world["users"][SUP])
    response = client.post(
        reverse("orders:action", args=[order.pk, "close"]), {"note": ""}, follow=True
    )
    assert response.status_code == 200
    assert "不能执行" in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.DRAFT
