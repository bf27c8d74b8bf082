"""A Python client generated from the live schema with openapi-python-client, used as
generated: it creates a customer and an order with lines, walks the order to
``deposit_paid`` (the merchandiser confirms and asks for the deposit, finance confirms
the money) and reads orders back as typed models (issue 12: the schema says what the
server does — JSON bodies, so a generated client can send an order's lines)."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model

from orders.models import Order, Payment
from orders.states import OrderStatus as S
from tests.api.conftest import bearer
from tests.factories import Cast, ProductFactory

PACKAGE = "gendan_api_client"

# The pay sheet export (a spreadsheet), the printed documents (PDF) and an attachment's
# download (any of its allowed types, so ``*/*``) answer files: bytes to the client, not a
# parse warning.
CONFIG = """\
post_hooks: []
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  application/pdf: application/octet-stream
  "*/*": application/octet-stream
"""


@pytest.fixture
def generated(api_server, tmp_path, monkeypatch):
    """The client generated from ``/api/schema/`` of the live server, importable."""
    schema = tmp_path / "schema.yml"
    # The schema is for signed-in callers: read it with a person's token.
    reader = get_user_model().objects.create_user("schema-reader")
    response = requests.get(
        f"{api_server.url}/api/schema/",
        headers={"Authorization": f"Bearer {bearer(reader)}"},
        timeout=30,
    )
    assert response.status_code == 200
    schema.write_bytes(response.content)
    (tmp_path / "config.yml").write_text(CONFIG)

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output  # every operation and model was generated

    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    return api_server


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_creates_an_order_with_lines_and_walks_it_to_deposit_paid(generated):
    cast = Cast.create()
    product = ProductFactory(item_number="P-200", name="polo shirt")
    client_module = _module("client")
    models = _module("models")
    api = {
        name: _module(f"api.{name}")
        for name in (
            "customers.customers_create",
            "orders.orders_create",
            "orders.orders_confirm_create",
            "orders.orders_request_deposit_create",
            "orders.orders_list",
            "orders.orders_retrieve",
            "payments.payments_list",
            "payments.payments_confirm_create",
        )
    }

    def client_of(user):
        return client_module.AuthenticatedClient(
            base_url=generated.url, token=bearer(user), raise_on_unexpected_status=True
        )

    merchandiser, finance = client_of(cast.merchandiser), client_of(cast.finance)
    today = dt.date.today()

    customer = api["customers.customers_create"].sync(
        client=merchandiser,
        body=models.CustomerInputRequest(code="NORDWIND", name="Nordwind GmbH"),
    )
    assert isinstance(customer, models.Customer), customer

    created = api["orders.orders_create"].sync(
        client=merchandiser,
        idempotency_key="generated-client-order-1",
        body=models.OrderCreateInputRequest(
            customer=customer.id,
            contract_delivery_date=today + dt.timedelta(days=60),
            customer_po="PO-4471",
            deposit_ratio="0.30",
            lines=[
                models.OrderLineInputRequest(
                    product=product.pk, colour="navy", size="L", quantity=1200, unit_price="38.50"
                ),
                # A free-text line: no product.
                models.OrderLineInputRequest(
                    description="embroidered logo", quantity=1200, unit_price="1.50"
                ),
            ],
        ),
    )
    assert isinstance(created, models.Order), created
    assert created.status == models.OrderStatusEnum.DRAFT
    assert len(created.lines) == 2 and created.total_amount == "48000.00"

    confirmed = api["orders.orders_confirm_create"].sync(
        id=created.id,
        client=merchandiser,
        body=models.ConfirmInputRequest(
            method=models.ConfirmationMethodEnum.EMAIL, reference="mail of today"
        ),
    )
    assert confirmed.status == models.OrderStatusEnum.CONFIRMED
    awaiting = api["orders.orders_request_deposit_create"].sync(
        id=created.id, client=merchandiser, body=models.DueInDaysInputRequest()
    )
    assert awaiting.status == models.OrderStatusEnum.AWAITING_DEPOSIT

    payments = api["payments.payments_list"].sync(
        client=finance, order=created.id, kind=[models.PaymentKindEnum.DEPOSIT]
    )
    assert isinstance(payments, models.PaginatedPaymentList)
    (deposit,) = payments.results
    assert deposit.amount_due == "14400.00"
    api["payments.payments_confirm_create"].sync(
        id=deposit.id,
        client=finance,
        body=models.PaymentConfirmInputRequest(
            amount_received=deposit.amount_due,
            received_on=today,
            method=models.PaymentMethodEnum.TT,
            reference="TT-1",
        ),
    )

    listed = api["orders.orders_list"].sync(
        client=merchandiser, status=[models.OrderStatusEnum.DEPOSIT_PAID], ordering="-id"
    )
    assert isinstance(listed, models.PaginatedOrderList)
    assert [order.id for order in listed.results] == [created.id]
    order = api["orders.orders_retrieve"].sync(id=created.id, client=merchandiser)
    assert isinstance(order, models.Order)
    assert order.status == models.OrderStatusEnum.DEPOSIT_PAID
    assert order.amount_received == "14400.00"
    assert isinstance(order.contract_delivery_date, dt.date)
    assert isinstance(order.updated_at, dt.datetime) and order.updated_at.tzinfo is not None
    assert {line.description for line in order.lines} >= {"embroidered logo"}

    stored = Order.objects.get(pk=created.id)
    assert stored.status == S.DEPOSIT_PAID and stored.lines.count() == 2
    assert Payment.objects.get(pk=deposit.id).amount_received == Decimal("14400.00")
