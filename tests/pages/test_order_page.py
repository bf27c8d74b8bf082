"""The order page at scale (issue 18): at most 12 SQL queries for an order with
everything (plan, materials, samples, a thread, production orders, inspections,
shipments, after-sales, incidents), as many for a bigger one; the parts that load on
demand answer exactly as the order page does for every user, and each shows its rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversation import services as conversation_services
from orders.models import Order
from orders.states import OrderStatus as S
from planning import services as planning_services
from production import services as production_services
from samples import services as sample_services
from shipping import services as shipping_services
from tests.browsing import part_urls, shown
from tests.factories import Cast, advance, earlier_today, order_in_status

from .conftest import client_for

MAX_QUERIES = 12

# The parts of the order page that load on demand, by URL name.
PARTS = (
    "production:order_part",
    "samples:order_part",
    "planning:order_part",
    "shipping:order_part",
    "conversation:order_thread",
    "conversation:order_timeline",
)


def _everything(cast: Cast, *, quantities=(100, 50)) -> Order:
    """A partially shipped order (production order, inspection, reports, a shipment,
    payments and receipts) with a plan, a material, a sample, notes, a request, an
    after-sales case and an incident."""
    order = order_in_status(cast, S.IN_PRODUCTION, quantities=quantities)
    owner = cast.merchandiser
    conversation_services.request_open(
        actor=owner,
        order_id=order.pk,
        kind="contract_date_change",
        reason="客户要求推迟",
        contract_delivery_date=order.contract_delivery_date + dt.timedelta(days=10),
    )
    advance(cast, order, S.PARTIALLY_SHIPPED)
    production_order = order.production_orders.get()
    planning_services.material_create(
        actor=owner, order_id=order.pk, kind="fabric", name="220g pique", quantity="120"
    )
    sample_services.production_sample_record(
        actor=owner,
        production_order_id=production_order.pk,
        kind="trial",
        recorded_on=timezone.localdate(),
    )
    for body in ("客户确认唛头", "@boss 请看色差"):
        conversation_services.note_add(actor=owner, order_id=order.pk, body=body)
    shipping_services.after_sales_case_open(
        actor=owner,
        order_id=order.pk,
        kind="complaint",
        description="stains on 12 pieces",
        received_at=earlier_today(hours=1),
    )
    production_services.incident_open(
        actor=owner,
        order_id=order.pk,
        kind="quality",
        description="broken needle",
        production_order_id=production_order.pk,
    )
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_SHIPPED
    return order


def _queries(client, url: str) -> int:
    client.get(url)  # settle per-connection state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["merchandiser", "supervisor"])
def test_the_order_page_with_everything_issues_at_most_12_queries(cast, role):
    order = _everything(cast)
    client = client_for(getattr(cast, role))
    url = reverse("orders:detail", args=[order.pk])
    assert _queries(client, url) <= MAX_QUERIES
    # Everything is there once the parts have loaded.
    page = shown(client, url)
    for text in (
        "220g pique",
        "客户确认唛头",
        "客户要求推迟",
        "stains on 12 pieces",
        "broken needle",
    ):
        assert text in page, text
    assert 'id="order-plan"' in page and 'id="order-samples"' in page
    assert page.count('data-entry="note"') == 2
    assert "data-lazy-part" not in page


def test_a_bigger_order_costs_the_page_as_many_queries(cast):
    small, big = _everything(cast), _everything(cast, quantities=(10,) * 12)
    for line in big.lines.order_by("position")[1:6]:
        shipment = shipping_services.shipment_create(
            actor=cast.merchandiser,
            order_id=big.pk,
            planned_ship_date=timezone.localdate(),
            mode="sea",
            lines=[{"order_line": line.pk, "quantity": line.quantity}],
        )
        shipping_services.shipment_ship(actor=cast.merchandiser, shipment_id=shipment.pk)
    client = client_for(cast.merchandiser)
    with_small = _queries(client, reverse("orders:detail", args=[small.pk]))
    with_big = _queries(client, reverse("orders:detail", args=[big.pk]))
    assert with_big == with_small <= MAX_QUERIES


def test_an_order_shared_with_a_merchandiser_costs_the_page_no_more(cast):
    order = _everything(cast)
    order.shared_with.add(cast.other_merchandiser)
    url = reverse("orders:detail", args=[order.pk])
    assert _queries(client_for(cast.other_merchandiser), url) <= MAX_QUERIES


def test_each_part_answers_as_the_order_page_does_for_every_user(cast):
    order = _everything(cast)
    others = order_in_status(cast, S.CONFIRMED, owner=cast.other_merchandiser)
    users = [None, *(getattr(cast, role) for role in vars(cast))]
    for user in users:
        client = client_for(user)
        for target in (order, others):
            page = client.get(reverse("orders:detail", args=[target.pk]))
            for name in PARTS:
                for htmx in ({}, {"HX-Request": "true"}):
                    part = client.get(reverse(name, args=[target.pk]), headers=htmx)
                    assert part.status_code == page.status_code, (user, target, name, htmx)
                    if page.status_code == 302:
                        assert part["Location"].startswith(reverse("login")), name
    # A merchandiser who may not see the order gets a 404 from every part, as from the page.
    client = client_for(cast.merchandiser)
    assert client.get(reverse("orders:detail", args=[others.pk])).status_code == 404
    for name in PARTS:
        assert client.get(reverse(name, args=[others.pk])).status_code == 404, name
    missing = Order.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse(PARTS[0], args=[missing])).status_code == 404


def test_the_page_names_its_parts_and_a_part_without_rows_is_empty_to_htmx(cast):
    order = order_in_status(cast, S.DRAFT)
    client = client_for(cast.merchandiser)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert sorted(part_urls(page)) == sorted(reverse(name, args=[order.pk]) for name in PARTS)
    # A draft has no production, samples, plan or after-sales yet: nothing to swap in…
    for name in ("production:order_part", "samples:order_part", "shipping:order_part"):
        response = client.get(reverse(name, args=[order.pk]), headers={"HX-Request": "true"})
        assert response.status_code == 200 and response.content == b"", name
    # …and the part's own page (the link without JavaScript) says so, inside the layout.
    own = client.get(reverse("shipping:order_part", args=[order.pk])).content.decode()
    assert "没有记录。" in own and order.number in own and 'class="menu"' in own


def test_the_timeline_part_keeps_the_pages_filter(cast):
    order = _everything(cast)
    client = client_for(cast.merchandiser)
    url = reverse("orders:detail", args=[order.pk])
    page = client.get(url + "?timeline=notes").content.decode()
    assert reverse("conversation:order_timeline", args=[order.pk]) + "?timeline=notes" in page
    notes_only = shown(client, url + "?timeline=notes")
    assert 'data-entry="note"' in notes_only and 'data-entry="event"' not in notes_only
    # An unknown filter is no filter.
    page = client.get(url + "?timeline=bogus").content.decode()
    timeline = reverse("conversation:order_timeline", args=[order.pk])
    assert f'hx-get="{timeline}"' in page
