"""The fast list rows (``gendan.api.rows``) and the orjson renderer answer exactly
what DRF's serializers and JSON renderer would."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from gendan.api.renderers import OrjsonRenderer
from gendan.api.rows import Rows
from gendan.models import ApiClient, User
from gendan.roles import Role
from orders.api.serializers import CustomerSerializer, OrderSerializer
from orders.api.views import OrderViewSet
from orders.models import Customer, Order
from tests.api.conftest import bearer
from tests.factories import EVERY_API_SCOPE

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """120 generated orders in every status (partial payments, cancellations, lines
    without products…), once for the module, rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("generate_data", orders=120, seed=11, verbosity=0)
        yield
        transaction.set_rollback(True)


def test_order_rows_equal_the_order_serializer_for_every_order(generated, db):
    orders = Order.objects.select_related("customer").prefetch_related("lines").order_by("pk")
    rows = OrderViewSet.list_rows

    fast = rows.render(rows.values(Order.objects.order_by("pk")))

    assert fast == OrderSerializer(orders, many=True).data
    assert len({row["status"] for row in fast}) >= 8
    assert sum(len(row["lines"]) for row in fast) > len(fast)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/Sao_Paulo"])
def test_moments_are_rendered_in_the_current_time_zone_as_drf_does(generated, db, zone):
    rows = OrderViewSet.list_rows
    with timezone.override(zone):
        fast = rows.render(rows.values(Order.objects.order_by("pk")[:20]))
        slow = OrderSerializer(Order.objects.order_by("pk")[:20], many=True).data
    assert [row["created_at"] for row in fast] == [row["created_at"] for row in slow]
    if zone == "UTC":
        assert all(row["created_at"].endswith("Z") for row in fast)


def test_rows_of_another_serializer_equal_it_too(generated, db):
    rows = Rows(CustomerSerializer)
    customers = Customer.objects.order_by("pk")

    assert rows.render(rows.values(customers)) == CustomerSerializer(customers, many=True).data


def test_a_field_that_is_no_column_needs_an_expression(db):
    rows = Rows(OrderSerializer)  # balance_due is a model property

    with pytest.raises(ImproperlyConfigured, match="balance_due"):
        rows.values(Order.objects.all())


def test_decimals_off_their_places_are_formatted_by_drf(db):
    class Amounts(serializers.ModelSerializer):
        class Meta:
            model = Order
            fields = ["id", "total_amount"]

    rows = Rows(Amounts)
    rendered = rows.render(
        [{"id": 1, "total_amount": Decimal("1.5")}, {"id": 2, "total_amount": Decimal("7")}]
    )

    assert [row["total_amount"] for row in rendered] == ["1.50", "7.00"]


def test_big_integers_and_dates_keep_drf_formatting_where_it_is_not_plain(db):
    class Plain(serializers.ModelSerializer):
        total_quantity = serializers.IntegerField()
        number = serializers.BigIntegerField(source="id")
        day = serializers.DateField(source="order_date")

        class Meta:
            model = Order
            fields = ["id", "total_quantity", "number", "day"]

    class Formatted(Plain):
        number = serializers.BigIntegerField(source="id", coerce_to_string=True)
        day = serializers.DateField(source="order_date", format="%d/%m/%Y")

    record = {"id": 12, "total_quantity": 5, "order_date": dt.date(2026, 3, 4)}

    assert Rows(Plain).render([record]) == [
        {"id": 12, "total_quantity": 5, "number": 12, "day": "2026-03-04"}
    ]
    assert Rows(Formatted).render([record]) == [
        {"id": 12, "total_quantity": 5, "number": "12", "day": "04/03/2026"}
    ]


def test_the_orders_list_walked_page_by_page_is_the_serializer_over_all_orders(
    generated, db, client
):
    integration = User.objects.filter(groups__name=Role.INTEGRATION).first()
    # An integration user calls the API only as a machine client (gendan.api.permissions).
    ApiClient.objects.create(user=integration, name="rows-erp", scopes=EVERY_API_SCOPE)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {bearer(integration)}"
    seen, url = [], "/api/v1/orders/?page_size=17&ordering=-contract_delivery_date"
    while url:
        body = client.get(url).json()
        seen.extend(body["results"])
        url = body["next"]

    orders = Order.objects.select_related("customer").prefetch_related("lines")
    expected = OrderSerializer(orders.order_by("-contract_delivery_date", "-pk"), many=True).data
    assert json.loads(json.dumps(seen)) == json.loads(json.dumps(expected))
    assert len(seen) == 120


# --- the renderer ---------------------------------------------------------------------


def test_orjson_renders_the_json_drf_would():
    moment = dt.datetime(2026, 11, 22, 8, 30, 15, 123456, tzinfo=dt.UTC)
    data = {
        "amount": Decimal("12.30"),
        "moment": moment,
        "day": dt.date(2026, 11, 22),
        "message": gettext_lazy("令牌无效。"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "nested": [{"text": "跟单 ✓", "n": 3, "none": None, "yes": True}],
    }

    fast = OrjsonRenderer().render(data, "application/json", {})
    slow = JSONRenderer().render(data, "application/json", {})

    assert isinstance(fast, bytes)
    assert json.loads(fast) == json.loads(slow)
    assert "跟单 ✓".encode() in fast  # UTF-8, not \\u escapes, as DRF's (UNICODE_JSON)


def test_an_indented_response_is_left_to_drf():
    body = OrjsonRenderer().render({"a": 1}, "application/json; indent=2", {})

    assert body == b'{\n  "a": 1\n}'
    assert OrjsonRenderer().render(None, "application/json", {}) == b""
