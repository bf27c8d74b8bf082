"""The order pages through the test client: the list's filters, the order form with
its line editor (and its htmx endpoints), amendments, and the order page's actions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderEvent
from orders.states import OrderStatus as S
from tests.factories import CustomerFactory, ProductFactory, create_order, order_in_status

from .conftest import client_for

HTMX = {"HTTP_HX_REQUEST": "true"}


LINE_FIELDS = ("product", "description", "series", "colour", "size", "spec", "quantity")
LINE_FIELDS += ("unit", "unit_price")


def _line_post(*lines):
    """The line editor's inputs: one value per row for each line-<field>."""
    data = {"line-key": [f"k{i}" for i in range(len(lines))]}
    for name in LINE_FIELDS:
        data[f"line-{name}"] = [str(line.get(name, "")) for line in lines]
    return data


def _header(customer, **extra):
    return {
        "customer": customer.pk,
        "currency": "CNY",
        "order_date": timezone.localdate().isoformat(),
        "contract_delivery_date": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        **extra,
    }


# --------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------


def test_the_order_list_filters_like_the_api_and_marks_overdue_orders(cast):
    draft = create_order(cast)
    confirmed = order_in_status(cast, S.CONFIRMED)
    late = order_in_status(cast, S.AWAITING_DEPOSIT)
    Order.objects.filter(pk=late.pk).update(contract_delivery_date="2021-03-01")
    other = create_order(cast, owner=cast.other_merchandiser)
    client = client_for(cast.supervisor)
    url = reverse("orders:list")

    def numbers(**params):
        html = client.get(url, params).content.decode()
        return {o.number for o in (draft, confirmed, late, other) if o.number in html}

    assert numbers() == {draft.number, confirmed.number, late.number, other.number}
    assert numbers(status=[S.DRAFT, S.CONFIRMED]) == {draft.number, confirmed.number, other.number}
    assert numbers(owner=cast.other_merchandiser.pk) == {other.number}
    assert numbers(customer=confirmed.customer_id) == {confirmed.number}
    assert numbers(overdue="1") == {late.number}
    # The API's search: each word anywhere, or a "quoted phrase" as one.
    assert numbers(search=f'"{late.customer.name}"') == {late.number}
    assert numbers(contract_delivery_date_before="2021-12-31") == {late.number}
    html = client.get(url, {"overdue": "1"}).content.decode()
    assert "flag-overdue" in html
    # A merchandiser sees only their own orders.
    html = client_for(cast.other_merchandiser).get(url).content.decode()
    assert other.number in html and draft.number not in html


def test_the_order_list_sorts_and_answers_htmx_with_the_table_only(cast):
    small = create_order(cast, quantities=(1,))
    big = create_order(cast, quantities=(900,))
    client = client_for(cast.merchandiser)

    html = client.get(reverse("orders:list"), {"ordering": "-total_amount"}).content.decode()
    assert html.index(big.number) < html.index(small.number)
    html = client.get(reverse("orders:list"), {"ordering": "total_amount"}).content.decode()
    assert html.index(small.number) < html.index(big.number)

    response = client.get(reverse("orders:list"), HTTP_HX_TARGET="order-table", **HTMX)
    html = response.content.decode()
    assert "<table" in html and "<html" not in html and "order-filters" not in html


# --------------------------------------------------------------------------
# Create, edit, amend
# --------------------------------------------------------------------------


def test_a_merchandiser_creates_an_order_with_lines_the_server_computes_the_amounts(cast):
    customer = CustomerFactory(default_deposit_ratio=Decimal("0.25"))
    polo, tee = ProductFactory(default_price=Decimal("38.50")), ProductFactory()
    client = client_for(cast.merchandiser)

    response = client.post(
        reverse("orders:create"),
        {
            **_header(customer, customer_po="PO-1"),
            **_line_post(
                {"product": polo.pk, "quantity": 100, "colour": "navy"},
                {"product": tee.pk, "quantity": 50, "unit_price": "20.00", "amount": "1"},
                {"description": "Custom bag", "quantity": 10, "unit_price": "5.55"},
                {},  # an empty row is ignored
            ),
        },
    )

    order = Order.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.pk])
    assert order.status == S.DRAFT and order.owner == cast.merchandiser
    assert [line.amount for line in order.lines.order_by("position")] == [
        Decimal("3850.00"),
        Decimal("1000.00"),
        Decimal("55.50"),
    ]
    assert order.total_amount == Decimal("4905.50")
    assert order.deposit_due == Decimal("1226.38")  # the customer's 25 %
    assert order.lines.get(position=1).colour == "navy"


def test_a_supervisor_records_an_order_for_a_merchandiser(cast):
    customer = CustomerFactory()
    client = client_for(cast.supervisor)
    line = _line_post({"description": "sample", "quantity": 1, "unit_price": "9.00"})

    response = client.post(reverse("orders:create"), {**_header(customer), **line})
    assert response.status_code == 200
    assert "请指定跟单员。" in response.content.decode()  # the customer has no merchandiser

    response = client.post(
        reverse("orders:create"),
        {**_header(customer, owner=cast.other_merchandiser.pk), **line},
    )
    assert response.status_code == 302
    assert Order.objects.get().owner == cast.other_merchandiser
    # A merchandiser is not offered the choice.
    html = client_for(cast.merchandiser).get(reverse("orders:create")).content.decode()
    assert 'name="owner"' not in html


def test_a_bad_line_is_shown_on_its_row_and_nothing_is_saved(cast):
    customer = CustomerFactory()
    client = client_for(cast.merchandiser)

    response = client.post(
        reverse("orders:create"),
        {
            **_header(customer),
            **_line_post(
                {"description": "ok", "quantity": 3, "unit_price": "1.00"},
                {"description": "bad", "quantity": "0", "unit_price": "1.00"},
            ),
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "数量必须是大于 0 的整数。" in html
    assert 'value="bad"' in html  # the typed lines come back
    assert not Order.objects.exists()


def test_the_line_editor_adds_a_row_and_totals_the_lines_with_htmx(cast):
    product = ProductFactory(default_price=Decimal("10.00"))
    client = client_for(cast.merchandiser)

    row = client.get(reverse("orders:line_row"), **HTMX).content.decode()
    assert row.strip().startswith("<tr") and 'name="line-key"' in row

    response = client.post(
        reverse("orders:line_totals"),
        {
            "deposit_ratio": "30",
            **_line_post(
                {"product": product.pk, "quantity": 3},  # the product's price
                {"description": "x", "quantity": 2, "unit_price": "0.25"},
            ),
        },
        **HTMX,
    )
    html = response.content.decode()
    assert 'id="total-amount">30.50<' in html
    assert 'id="deposit-due">9.15<' in html
    assert 'id="amount-k0" hx-swap-oob="true">30.00<' in html


def test_a_draft_is_edited_and_a_confirmed_order_is_not(cast):
    order = create_order(cast, quantities=(10,))
    client = client_for(cast.merchandiser)
    product = ProductFactory()
    html = client.get(reverse("orders:edit", args=[order.pk])).content.decode()
    assert 'name="deposit_ratio" value="30.00"' in html
    assert html.count('name="line-key"') == 1

    response = client.post(
        reverse("orders:edit", args=[order.pk]),
        {
            **_header(order.customer, deposit_ratio="50"),
            **_line_post({"product": product.pk, "quantity": 7, "unit_price": "2.00"}),
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.total_amount == Decimal("14.00") and order.deposit_due == Decimal("7.00")
    confirmed = order_in_status(cast, S.CONFIRMED)
    response = client.get(reverse("orders:edit", args=[confirmed.pk]), follow=True)
    assert "改单" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[confirmed.pk])


def test_an_amendment_makes_a_new_revision_from_the_page(cast):
    order = order_in_status(cast, S.IN_PRODUCTION, quantities=(100,))
    line = order.lines.get()
    client = client_for(cast.merchandiser)

    response = client.post(
        reverse("orders:amend", args=[order.pk]),
        {
            "contract_delivery_date": order.contract_delivery_date.isoformat(),
            "confirmation_method": "email",
            "reason": "customer wants 20 more",
            **_line_post({"product": line.product_id, "quantity": 120, "unit_price": "10.00"}),
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.revision == 2 and order.total_quantity == 120
    assert order.production_orders.filter(status="issued").get().quantity == 120


# --------------------------------------------------------------------------
# The order page: actions offered, taken and refused
# --------------------------------------------------------------------------


def _actions(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def test_the_order_page_offers_exactly_the_actions_the_role_may_take_now(cast):
    order = order_in_status(cast, S.CONFIRMED)
    url = reverse("orders:detail", args=[order.pk])

    merchandiser = _actions(client_for(cast.merchandiser).get(url).content.decode())
    # open_request: ask the supervisor (conversation/), e.g. for a deposit waiver.
    assert merchandiser == {"request_deposit", "open_incident", "open_request", "cancel"}
    supervisor = _actions(client_for(cast.supervisor).get(url).content.decode())
    assert supervisor == {
        *("request_deposit", "waive_deposit", "open_incident", "open_request"),
        *("change_contract_date", "apply_discount", "reassign", "cancel"),
    }
    assert _actions(client_for(cast.finance).get(url).content.decode()) == set()

    produced = order_in_status(cast, S.IN_PRODUCTION)
    url = reverse("orders:detail", args=[produced.pk])
    production = _actions(client_for(cast.production).get(url).content.decode())
    assert production == {"complete_production", "open_incident"}


def test_an_action_is_taken_from_the_order_page(cast):
    order = create_order(cast)
    client = client_for(cast.merchandiser)

    response = client.post(
        reverse("orders:action", args=[order.pk, "confirm"]),
        {"method": "fax", "reference": "fax 0571-1234", "phone_confirmed": "on"},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.CONFIRMED and order.confirmation_reference == "fax 0571-1234"
    assert OrderEvent.objects.filter(order=order, to_status=S.CONFIRMED).count() == 1


def test_a_refused_action_shows_the_domain_error_with_its_form_and_changes_nothing(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    client = client_for(cast.merchandiser)

    response = client.post(reverse("orders:action", args=[order.pk, "complete_production"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "少于订单数量" in html  # GuardFailed: nothing produced yet
    assert 'data-action="complete_production" open' in html
    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION


def test_an_invalid_action_input_is_shown_on_its_field(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    client = client_for(cast.merchandiser)
    today = timezone.localdate()

    response = client.post(
        reverse("orders:action", args=[order.pk, "issue_production"]),
        {
            "factory": "W1",
            "planned_start": today.isoformat(),
            "planned_finish": (today - dt.timedelta(days=3)).isoformat(),
            "processing_fee": "0",
        },
    )

    html = response.content.decode()
    assert "计划完成日期不能早于开始日期。" in html
    assert 'data-action="issue_production" open' in html
    order.refresh_from_db()
    assert order.status == S.DEPOSIT_PAID


def test_a_merchandiser_may_not_act_on_someone_elses_order(cast):
    order = create_order(cast)
    client = client_for(cast.other_merchandiser)

    response = client.post(reverse("orders:action", args=[order.pk, "confirm"]), {"method": "fax"})

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == S.DRAFT
