"""Contract tests of the API's resources: create, read, change and list customers,
products, orders, payments, production data, shipments and after-sales cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orders.models import Customer, Order, OrderEvent, PaymentKind
from orders.states import OrderStatus as S
from production import services as production_services
from tests.api.helpers import TODAY, days
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    create_order,
    open_payment,
    order_in_status,
    stage,
)
from tests.orders.helpers import snapshot

SERVER_COMPUTED = {
    "number": "HACK-1",
    "status": "paid",
    "revision": 9,
    "total_amount": "1.00",
    "deposit_due": "0.00",
    "amount_received": "99999.00",
    "balance_due": "0.00",
}


def order_body(customer, product, **extra):
    return {
        "customer": customer.pk,
        "external_ref": "ERP-SO-88812",
        "customer_po": "PO-4471",
        "contract_delivery_date": days(60),
        "deposit_ratio": "0.30",
        "lines": [
            {
                "product": product.pk,
                "description": "polo shirt",
                "colour": "navy",
                "size": "L",
                "quantity": 1200,
                "unit_price": "38.50",
                "amount": "1.00",  # server-computed: ignored
            }
        ],
        **extra,
    }


# --- customers and products ---------------------------------------------------------


def test_a_customer_is_created_read_changed_and_found_by_code_or_name(cast, api):
    client = api(cast.merchandiser)

    created = client.post(
        "/api/v1/customers/",
        {"code": "C-7", "name": "Nordwind GmbH", "country": "DE", "id": 999, "created_at": "x"},
        format="json",
    )
    customer_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/customers/{customer_id}/", {"default_deposit_ratio": "0.5"}, format="json"
    )
    found = client.get("/api/v1/customers/?search=nordwind")

    assert created.status_code == 201, created.json()
    assert customer_id != 999
    assert created.json()["default_deposit_ratio"] == "0.30"
    assert changed.status_code == 200 and changed.json()["default_deposit_ratio"] == "0.50"
    assert client.get(f"/api/v1/customers/{customer_id}/").json()["name"] == "Nordwind GmbH"
    assert [c["code"] for c in found.json()["results"]] == ["C-7"]
    assert Customer.objects.get(pk=customer_id).default_deposit_ratio == 0.5


def test_customer_input_errors_name_each_field(cast, api):
    CustomerFactory(code="TAKEN")
    client = api(cast.merchandiser)

    response = client.post(
        "/api/v1/customers/",
        {"code": "TAKEN", "name": "x", "contact_email": "not-an-email", "owner": 10**6},
        format="json",
    )
    missing = client.post("/api/v1/customers/", {}, format="json")
    service = client.post(
        "/api/v1/customers/",
        {"code": "TAKEN", "name": "x", "contact_email": "not-an-email"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"owner"}  # types first: no service call yet
    assert missing.status_code == 400
    assert {f: e[0]["code"] for f, e in missing.json()["fields"].items()} == {
        "code": "required",
        "name": "required",
    }
    assert service.status_code == 400
    assert {"code", "contact_email"} <= set(service.json()["fields"])


def test_a_product_is_created_changed_and_listed(cast, api):
    client = api(cast.integration)

    created = client.post(
        "/api/v1/products/",
        {"item_number": "P-200-NV", "name": "Polo", "default_price": "38.50"},
        format="json",
    )
    changed = client.patch(
        f"/api/v1/products/{created.json()['id']}/", {"default_price": "39.00"}, format="json"
    )
    bad = client.patch(
        f"/api/v1/products/{created.json()['id']}/", {"default_price": "1.234"}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert changed.json()["default_price"] == "39.00"
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["default_price"]
    assert client.get("/api/v1/products/?search=P-200").json()["results"][0]["name"] == "Polo"


def test_put_and_delete_are_not_offered(cast, api):
    customer = CustomerFactory()
    client = api(cast.supervisor)

    assert client.put(f"/api/v1/customers/{customer.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/customers/{customer.pk}/").status_code == 405


# --- orders ---------------------------------------------------------------------------


def test_an_erp_creates_an_order_with_lines_and_amounts_computed_by_the_server(cast, api):
    customer, product = CustomerFactory(), ProductFactory()

    response = api(cast.integration).post(
        "/api/v1/orders/",
        order_body(customer, product, owner=cast.merchandiser.pk, **SERVER_COMPUTED),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["revision"] == 1
    assert body["number"].startswith("GD-") and body["number"] != "HACK-1"
    assert body["owner"] == cast.merchandiser.pk
    assert body["deposit_ratio"] == "0.30"
    assert body["lines"][0]["amount"] == "46200.00"
    assert (body["total_amount"], body["deposit_due"]) == ("46200.00", "13860.00")
    assert (body["amount_received"], body["balance_due"]) == ("0.00", "46200.00")
    assert body["external_ref"] == "ERP-SO-88812"
    order = Order.objects.get(pk=body["id"])
    assert order.client == cast.integration
    assert OrderEvent.objects.filter(order=order, type="created").count() == 1


def test_the_same_external_ref_from_the_same_client_is_409_with_the_existing_id(cast, api):
    customer, product = CustomerFactory(), ProductFactory()
    client = api(cast.integration)
    body = order_body(customer, product, owner=cast.merchandiser.pk)

    first = client.post("/api/v1/orders/", body, format="json")
    second = client.post("/api/v1/orders/", body, format="json")
    by_a_person = api(cast.merchandiser).post("/api/v1/orders/", body, format="json")

    assert second.status_code == 409
    assert second.json()["code"] == "duplicate"
    assert second.json()["id"] == first.json()["id"]
    assert by_a_person.status_code == 201  # unique per integration client only
    assert Order.objects.filter(external_ref="ERP-SO-88812").count() == 2


def test_a_client_without_owner_uses_its_default_merchandiser(cast, api):
    from gendan.api.services import api_client_create
    from tests.api.conftest import bearer

    client_row, _token = api_client_create(name="erp-2", default_owner="merch")
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(client_row.user)}")
    customer, product = CustomerFactory(), ProductFactory()

    response = client.post("/api/v1/orders/", order_body(customer, product), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == cast.merchandiser.pk


def test_order_input_errors_name_each_field_including_nested_lines(cast, api):
    client = api(cast.merchandiser)
    customer = CustomerFactory()

    typed = client.post(
        "/api/v1/orders/",
        {
            "customer": "seven",
            "contract_delivery_date": "soon",
            "deposit_ratio": "2.55555",
            "lines": [{"quantity": 5, "unit_price": "1.00"}, {"quantity": "many"}],
        },
        format="json",
    )
    service = client.post(
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "contract_delivery_date": days(30),
            "lines": [{"quantity": 0, "unit_price": "1.00", "product": 10**7}],
        },
        format="json",
    )

    assert typed.status_code == 400
    assert set(typed.json()["fields"]) == {
        "customer",
        "contract_delivery_date",
        "deposit_ratio",
        "lines[1].quantity",
    }
    assert service.status_code == 400
    assert set(service.json()["fields"]) == {"lines[0].product", "lines[0].quantity"}
    assert not Order.objects.exists()


def test_amounts_too_large_for_the_books_are_a_400_not_a_crash(cast, api):
    customer = CustomerFactory()
    client = api(cast.merchandiser)
    huge_line = {"description": "gold", "quantity": 2_000_000_000, "unit_price": "999999999.99"}
    big_line = {"description": "gold", "quantity": 1, "unit_price": "600000000000.00"}

    def create(lines):
        return client.post(
            "/api/v1/orders/",
            {"customer": customer.pk, "contract_delivery_date": days(30), "lines": lines},
            format="json",
        )

    line_too_big, total_too_big = create([huge_line]), create([big_line, big_line])

    assert line_too_big.status_code == total_too_big.status_code == 400
    assert list(line_too_big.json()["fields"]) == ["lines[0].unit_price"]
    assert list(total_too_big.json()["fields"]) == ["lines"]
    assert not Order.objects.exists()


def test_a_draft_is_changed_with_patch_and_a_confirmed_order_is_not(cast, api):
    order = create_order(cast)
    confirmed = order_in_status(cast, S.CONFIRMED)
    client = api(cast.merchandiser)

    changed = client.patch(
        f"/api/v1/orders/{order.pk}/",
        {
            "customer_po": "PO-9",
            "lines": [{"description": "cap", "quantity": 10, "unit_price": "2.00"}],
            "status": "closed",
        },
        format="json",
    )
    before = snapshot()
    refused = client.patch(f"/api/v1/orders/{confirmed.pk}/", {"customer_po": "X"}, format="json")

    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert (body["customer_po"], body["status"], body["total_amount"]) == ("PO-9", "draft", "20.00")
    assert len(body["lines"]) == 1
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert snapshot() == before


def test_an_order_reads_like_the_contract(cast, api):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)

    body = api(cast.merchandiser).get(f"/api/v1/orders/{order.pk}/").json()

    contract = {
        "id", "number", "status", "revision", "customer", "owner", "external_ref",
        "customer_po", "currency", "order_date", "contract_delivery_date", "deposit_ratio",
        "lines", "total_amount", "deposit_due", "amount_received", "balance_due",
        "quality_requirements", "packing_requirements", "created_at", "updated_at",
    }  # fmt: skip
    assert contract <= set(body)
    assert set(body["lines"][0]) >= {
        "product", "description", "series", "colour", "spec", "size", "quantity", "unit",
        "unit_price", "amount",
    }  # fmt: skip
    assert body["total_amount"] == "10000.00" and body["deposit_due"] == "3000.00"
    assert body["created_at"].endswith("+08:00")  # aware, Asia/Shanghai


def test_the_timeline_lists_every_event_oldest_first(cast, api):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)

    response = api(cast.supervisor).get(f"/api/v1/orders/{order.pk}/events/")

    assert response.status_code == 200
    events = response.json()
    assert [e["type"] for e in events] == [
        "created",
        "status_changed",
        "payment_requested",
        "status_changed",
    ]
    assert events[1]["from_status"] == "draft" and events[1]["to_status"] == "confirmed"
    assert events[1]["actor"] == cast.merchandiser.pk and events[1]["actor_name"] == "merch"
    assert api(cast.other_merchandiser).get(f"/api/v1/orders/{order.pk}/events/").status_code == 404


def test_order_lists_filter_search_and_order(cast, api):
    draft = create_order(cast)
    confirmed = order_in_status(cast, S.CONFIRMED)
    late = create_order(cast, days_to_delivery=-3)  # a draft already past its date
    Order.objects.filter(pk=confirmed.pk).update(customer_po="PO-SPECIAL", external_ref="ERP-9")
    client = api(cast.supervisor)

    def ids(query):
        response = client.get(f"/api/v1/orders/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("status=draft") == [late.pk, draft.pk]
    assert set(ids("status=draft&status=confirmed")) == {draft.pk, confirmed.pk, late.pk}
    assert ids(f"customer={confirmed.customer_id}") == [confirmed.pk]
    assert ids(f"owner={cast.other_merchandiser.pk}") == []
    assert ids("overdue=true") == [late.pk]
    assert late.pk not in ids("overdue=false")
    assert ids(f"contract_delivery_date_before={days(0)}") == [late.pk]
    assert set(ids(f"contract_delivery_date_after={days(0)}")) == {draft.pk, confirmed.pk}
    assert ids("search=po-special") == [confirmed.pk]
    assert ids("search=ERP-9") == [confirmed.pk]
    assert ids(f"search={draft.number}") == [draft.pk]
    assert ids(f"search={draft.customer.name}") == [draft.pk]
    assert ids("ordering=contract_delivery_date")[0] == late.pk
    assert ids("ordering=-id") == sorted(ids("ordering=id"), reverse=True)
    bad = client.get("/api/v1/orders/?status=nonsense&customer=x")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"status", "customer"}


def test_updated_after_returns_what_changed_since_the_last_sync(cast, api):
    old = create_order(cast)
    new = create_order(cast)
    Order.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()

    response = api(cast.integration).get("/api/v1/orders/", {"updated_after": since})

    assert [row["id"] for row in response.json()["results"]] == [new.pk]


def test_each_role_lists_only_the_orders_it_may_see(cast, api):
    own = create_order(cast)
    others = create_order(cast, owner=cast.other_merchandiser)
    producing = order_in_status(cast, S.IN_PRODUCTION, owner=cast.other_merchandiser)

    def listed(user):
        return {row["id"] for row in api(user).get("/api/v1/orders/").json()["results"]}

    assert listed(cast.merchandiser) == {own.pk}
    assert listed(cast.supervisor) == {own.pk, others.pk, producing.pk}
    assert listed(cast.production) == {producing.pk}
    assert listed(cast.finance) == {own.pk, others.pk, producing.pk}


# --- payments ---------------------------------------------------------------------------


def test_payments_list_with_filters_and_are_hidden_from_production(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)
    other = order_in_status(cast, S.AWAITING_DEPOSIT)
    client = api(cast.finance)

    deposits = client.get(f"/api/v1/payments/?order={order.pk}&kind=deposit").json()["results"]
    open_ones = client.get("/api/v1/payments/?status=requested").json()["results"]

    assert [p["status"] for p in deposits] == ["received"]
    assert deposits[0]["receipts"][0]["amount"] == "3000.00"
    assert [p["order"] for p in open_ones] == [other.pk]
    assert api(cast.production).get("/api/v1/payments/").json()["results"] == []
    payment = open_payment(other, PaymentKind.DEPOSIT)
    assert api(cast.production).get(f"/api/v1/payments/{payment.pk}/").status_code == 404


# --- production ---------------------------------------------------------------------------


def test_stages_list_the_codes_progress_reports_use(cast, api):
    response = api(cast.production).get("/api/v1/stages/")

    assert response.status_code == 200
    assert "packing" in [row["code"] for row in response.json()]


def test_production_orders_show_the_quantity_produced_so_far(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    production_services.progress_report_create(
        actor=cast.production,
        production_order_id=production_order.pk,
        date=TODAY(),
        stage_id=stage("packing").pk,
        good_quantity=300,
    )
    client = api(cast.production)

    listed = client.get(f"/api/v1/production-orders/?order={order.pk}").json()["results"]
    detail = client.get(f"/api/v1/production-orders/{production_order.pk}/").json()

    assert [row["id"] for row in listed] == [production_order.pk]
    assert detail["produced_quantity"] == 300
    assert detail["status"] == "in_progress" and detail["quantity"] == 1000
    assert client.get("/api/v1/production-orders/?status=completed").json()["results"] == []


def test_a_progress_report_is_filed_once_per_production_order_date_and_stage(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    client = api(cast.production)
    body = {
        "production_order": production_order.pk,
        "date": days(0),
        "stage": "sewing",
        "good_quantity": 400,
        "defective_quantity": 3,
        "variance_reason": "material_late",
    }

    first = client.post("/api/v1/progress-reports/", body, format="json")
    again = client.post("/api/v1/progress-reports/", body, format="json")
    bad = client.post(
        "/api/v1/progress-reports/",
        {**body, "stage": "knitting", "date": days(1), "good_quantity": -1},
        format="json",
    )
    future = client.post(
        "/api/v1/progress-reports/", {**body, "date": days(1), "stage": "cutting"}, format="json"
    )

    assert first.status_code == 201, first.json()
    assert first.json()["stage"] == "sewing" and first.json()["order"] == order.pk
    assert again.status_code == 409
    assert again.json() == {**again.json(), "code": "duplicate", "id": first.json()["id"]}
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"stage", "good_quantity"}
    assert future.status_code == 400 and list(future.json()["fields"]) == ["date"]
    listed = client.get(f"/api/v1/progress-reports/?order={order.pk}&stage=sewing").json()
    assert [row["id"] for row in listed["results"]] == [first.json()["id"]]


def test_an_inspection_is_recorded_and_listed(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    client = api(cast.production)

    created = client.post(
        "/api/v1/inspections/",
        {
            "production_order": production_order.pk,
            "kind": "final",
            "result": "fail",
            "sample_size": 80,
            "defects_found": 90,
        },
        format="json",
    )
    ok = client.post(
        "/api/v1/inspections/",
        {"production_order": production_order.pk, "kind": "final", "result": "pass"},
        format="json",
    )

    assert created.status_code == 400 and list(created.json()["fields"]) == ["defects_found"]
    assert ok.status_code == 201, ok.json()
    assert ok.json()["inspector"] == cast.production.pk
    listed = client.get(f"/api/v1/inspections/?order={order.pk}&result=pass").json()["results"]
    assert [row["id"] for row in listed] == [ok.json()["id"]]


def test_an_inspection_of_a_completed_production_order_is_409(cast, api):
    order = order_in_status(cast, S.PRODUCED)
    production_order = order.production_orders.get()

    response = api(cast.production).post(
        "/api/v1/inspections/",
        {"production_order": production_order.pk, "kind": "final", "result": "pass"},
        format="json",
    )

    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_an_incident_is_opened_on_an_order_and_refused_on_a_closed_one(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)
    closed = order_in_status(cast, S.CLOSED)
    client = api(cast.supervisor)
    body = {"kind": "material_shortage", "description": "zips late", "loss_amount": "80.00"}

    opened = client.post("/api/v1/incidents/", {**body, "order": order.pk}, format="json")
    refused = client.post("/api/v1/incidents/", {**body, "order": closed.pk}, format="json")
    bad = client.post(
        "/api/v1/incidents/",
        {"order": order.pk, "kind": "flood", "description": "", "production_order": 10**6},
        format="json",
    )

    assert opened.status_code == 201, opened.json()
    assert (opened.json()["status"], opened.json()["loss_amount"]) == ("open", "80.00")
    assert refused.status_code == 409
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"kind"}
    listed = client.get("/api/v1/incidents/?status=open").json()["results"]
    assert [row["id"] for row in listed] == [opened.json()["id"]]


# --- shipping ---------------------------------------------------------------------------


def test_a_partial_shipment_names_its_lines_and_the_rest_follows(cast, api):
    order = order_in_status(cast, S.PAID)
    first_line, second_line = order.lines.order_by("position")
    client = api(cast.merchandiser)

    partial = client.post(
        "/api/v1/shipments/",
        {
            "order": order.pk,
            "planned_ship_date": days(1),
            "mode": "sea",
            "lines": [{"order_line": first_line.pk, "quantity": 600}],
            "required_documents": ["commercial_invoice", "packing_list"],
        },
        format="json",
    )
    too_much = client.post(
        "/api/v1/shipments/",
        {
            "order": order.pk,
            "planned_ship_date": days(1),
            "mode": "air",
            "lines": [{"order_line": second_line.pk, "quantity": 401}],
        },
        format="json",
    )
    rest = client.post(
        "/api/v1/shipments/",
        {"order": order.pk, "planned_ship_date": days(2), "mode": "truck"},
        format="json",
    )

    assert partial.status_code == 201, partial.json()
    body = partial.json()
    assert body["lines"] == [
        {"id": body["lines"][0]["id"], "order_line": first_line.pk, "quantity": 600}
    ]
    assert {d["kind"] for d in body["documents"] if d["required"]} == {
        "commercial_invoice",
        "packing_list",
    }
    assert too_much.status_code == 400 and list(too_much.json()["fields"]) == ["lines[0].quantity"]
    assert rest.status_code == 201
    assert [(line["order_line"], line["quantity"]) for line in rest.json()["lines"]] == [
        (second_line.pk, 400)
    ]
    listed = client.get(f"/api/v1/shipments/?order={order.pk}&mode=sea").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_a_shipment_before_the_goods_are_produced_is_409(cast, api):
    order = order_in_status(cast, S.IN_PRODUCTION)

    response = api(cast.merchandiser).post(
        "/api/v1/shipments/",
        {"order": order.pk, "planned_ship_date": days(1), "mode": "sea"},
        format="json",
    )

    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_an_after_sales_case_is_opened_once_goods_have_left(cast, api):
    shipped = order_in_status(cast, S.SHIPPED)
    paid = order_in_status(cast, S.PAID)
    client = api(cast.merchandiser)
    body = {"kind": "return", "description": "wrong size"}

    opened = client.post("/api/v1/after-sales/", {**body, "order": shipped.pk}, format="json")
    too_early = client.post("/api/v1/after-sales/", {**body, "order": paid.pk}, format="json")
    bad = client.post(
        "/api/v1/after-sales/", {"order": shipped.pk, "kind": "refund"}, format="json"
    )

    assert opened.status_code == 201, opened.json()
    assert opened.json()["status"] == "open"
    assert too_early.status_code == 409
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"kind", "description"}
    listed = client.get(f"/api/v1/after-sales/?order={shipped.pk}&status=open").json()
    assert [row["id"] for row in listed["results"]] == [opened.json()["id"]]
    assert client.get(f"/api/v1/after-sales/{opened.json()['id']}/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "customers",
        "products",
        "orders",
        "payments",
        "production-orders",
        "progress-reports",
        "inspections",
        "incidents",
        "shipments",
        "after-sales",
    ],
)
def test_a_missing_object_is_404_on_every_detail_route(cast, api, path):
    response = api(cast.supervisor).get(f"/api/v1/{path}/123456789/")
    not_a_number = api(cast.supervisor).get(f"/api/v1/{path}/abc/")

    assert response.status_code == not_a_number.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "对象不存在。"}
