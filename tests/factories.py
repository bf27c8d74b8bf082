"""factory_boy factories for reference rows, and builders that bring an order to
any status of the lifecycle through the services only."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from gendan.models import ApiClient, User
from gendan.roles import Role
from orders import services as order_services
from orders.models import Customer, Order, PaymentKind, PaymentStatus, Product
from orders.states import HAPPY_PATH, OrderStatus
from production import services as production_services
from production.models import ProductionOrder, Stage
from shipping import services as shipping_services

PASSWORD = "test-pass-123"

# Every scope the API's views ask for (``api_scope`` × read/write), including those no
# ApiScope offers: a client these leave unnarrowed, so that only the policy decides.
EVERY_API_SCOPE = sorted(
    f"{resource}:{access}"
    for resource in (
        "customers",
        "products",
        "orders",
        "payments",
        "production",
        "shipments",
        "webhooks",
    )
    for access in ("read", "write")
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    country = "DE"
    default_deposit_ratio = Decimal("0.30")
    payment_terms_days = 7


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    item_number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Polo shirt {n}")
    series = "P-200"
    spec = "220g pique"
    default_price = Decimal("38.50")


@dataclass
class Cast:
    """The people of a test: one user per role, plus a second merchandiser."""

    merchandiser: User
    other_merchandiser: User
    supervisor: User
    finance: User
    production: User
    integration: User

    @classmethod
    def create(cls) -> Cast:
        ensure_reference_data()
        integration = UserFactory(username="erp", roles=["integration"])
        # An integration user acts only as a machine client (gendan.api.permissions):
        # this one is narrowed by no scope, so the policy alone decides what it may do.
        ApiClient.objects.create(user=integration, name="erp", scopes=EVERY_API_SCOPE)
        return cls(
            merchandiser=UserFactory(username="merch", roles=["merchandiser"]),
            other_merchandiser=UserFactory(username="merch2", roles=["merchandiser"]),
            supervisor=UserFactory(username="boss", roles=["supervisor"]),
            finance=UserFactory(username="finance", roles=["finance"]),
            production=UserFactory(username="pmc", roles=["production"]),
            integration=integration,
        )


def ensure_reference_data() -> None:
    """The groups, stages, KPI presets and default T&A template that data migrations
    install; a transactional test's flush removes them, so they are put back here."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    stages = importlib.import_module("production.migrations.0002_default_stages").STAGES
    for code, name, position, is_output in stages:
        Stage.objects.get_or_create(
            code=code, defaults={"name": name, "position": position, "is_output": is_output}
        )
    # Both install functions create only what is missing.
    for migration in (
        "kpi.migrations.0002_presets",
        "planning.migrations.0002_default_garment_export_template",
    ):
        importlib.import_module(migration).install(django_apps, None)


def earlier_today(**ago: float) -> dt.datetime:
    """A moment ``ago`` (``hours=3``) before now, but not before today's local midnight:
    an order made today may have nothing that happened yesterday, and a test run just
    after midnight must not cross into it."""
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    return max(timezone.now() - dt.timedelta(**ago), midnight)


def stage(code: str) -> Stage:
    return Stage.objects.get(code=code)


def create_order(
    cast: Cast,
    *,
    quantities: tuple[int, ...] = (600, 400),
    unit_price: str = "10.00",
    deposit_ratio: str = "0.30",
    days_to_delivery: int = 60,
    owner: User | None = None,
    lines: list[dict] | None = None,
) -> Order:
    """A draft order; ``lines`` (the service's line dictionaries) instead of one line of a
    new product per quantity."""
    customer = CustomerFactory()
    owner = owner or cast.merchandiser
    contract = timezone.localdate() + dt.timedelta(days=days_to_delivery)
    if lines is None:
        product = ProductFactory()
        lines = [
            {"product": product.pk, "quantity": q, "unit_price": unit_price, "colour": f"c{i}"}
            for i, q in enumerate(quantities)
        ]
    return order_services.order_create(
        actor=owner,
        customer_id=customer.pk,
        lines=lines,
        contract_delivery_date=contract,
        # A draft already past its date was placed on or before that date.
        order_date=min(timezone.localdate(), contract),
        deposit_ratio=deposit_ratio,
    )


def open_payment(order: Order, kind: str):
    return order.payments.get(
        kind=kind, status__in=[PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED]
    )


def pay(cast: Cast, order: Order, kind: str, amount: Decimal | None = None, reference: str = ""):
    payment = open_payment(order, kind)
    return order_services.payment_confirm(
        actor=cast.finance,
        payment_id=payment.pk,
        amount_received=amount if amount is not None else payment.outstanding,
        received_on=timezone.localdate(),
        method="bank_transfer",
        reference=reference,
    )


def issue_production(cast: Cast, order: Order) -> ProductionOrder:
    today = timezone.localdate()
    return production_services.production_order_issue(
        actor=order.owner,
        order_id=order.pk,
        factory="Workshop 1",
        planned_start=today,
        planned_finish=today + dt.timedelta(days=20),
        processing_fee="5000.00",
    )


def produce_all(cast: Cast, production_order: ProductionOrder, *, quantity: int | None = None):
    """Report the whole quantity packed today and a passed final inspection."""
    production_services.progress_report_create(
        actor=cast.production,
        production_order_id=production_order.pk,
        date=timezone.localdate(),
        stage_id=stage("packing").pk,
        good_quantity=quantity if quantity is not None else production_order.quantity,
    )
    production_services.inspection_create(
        actor=cast.production,
        production_order_id=production_order.pk,
        kind="final",
        result="pass",
        sample_size=80,
        defects_found=1,
    )


def ship_all(cast: Cast, order: Order):
    shipment = shipping_services.shipment_create(
        actor=order.owner,
        order_id=order.pk,
        planned_ship_date=timezone.localdate(),
        mode="sea",
    )
    shipping_services.shipment_ship(actor=order.owner, shipment_id=shipment.pk)
    return shipment


S = OrderStatus
PATH = list(HAPPY_PATH)


def order_in_status(cast: Cast, status: str, **kwargs) -> Order:
    """An order brought to ``status`` through the services only."""
    order = create_order(cast, **kwargs)
    if status == S.CANCELLED:
        order_services.order_cancel(actor=cast.merchandiser, order_id=order.pk, reason="test")
        return Order.objects.get(pk=order.pk)
    return advance(cast, order, status)


def advance(cast: Cast, order: Order, status: str) -> Order:
    """``order`` brought on from its status to the later ``status`` of the main road,
    through the services only."""
    owner = order.owner
    for target in PATH[PATH.index(order.status) + 1 : PATH.index(status) + 1]:
        order.refresh_from_db()
        if target == S.CONFIRMED:
            order_services.order_confirm(actor=owner, order_id=order.pk, method="email")
        elif target == S.AWAITING_DEPOSIT:
            order_services.order_request_deposit(actor=owner, order_id=order.pk)
        elif target == S.DEPOSIT_PAID:
            pay(cast, order, PaymentKind.DEPOSIT)
        elif target == S.IN_PRODUCTION:
            issue_production(cast, order)
        elif target == S.PRODUCED:
            production_order = order.production_orders.get(status="issued")
            produce_all(cast, production_order)
            production_services.production_order_complete(
                actor=owner, production_order_id=production_order.pk
            )
        elif target == S.AWAITING_BALANCE:
            order_services.order_request_balance(actor=owner, order_id=order.pk)
        elif target == S.PAID:
            pay(cast, order, PaymentKind.BALANCE)
        elif target == S.PARTIALLY_SHIPPED:
            first_line = order.lines.order_by("position").first()
            shipment = shipping_services.shipment_create(
                actor=owner,
                order_id=order.pk,
                planned_ship_date=timezone.localdate(),
                mode="sea",
                lines=[{"order_line": first_line.pk, "quantity": first_line.quantity}],
            )
            shipping_services.shipment_ship(actor=owner, shipment_id=shipment.pk)
        elif target == S.SHIPPED:
            ship_all(cast, order)
        elif target == S.DELIVERED:
            order_services.order_confirm_delivery(actor=owner, order_id=order.pk)
        elif target == S.CLOSED:
            order_services.order_close(actor=owner, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == status, (order.status, status)
    return order


def backdate(order: Order, days: int = 7) -> Order:
    """Move an order recorded today ``days`` into the past, with its production orders
    and shipments (as if it had been entered then): dates entered afterwards may then
    lie between then and today (a report, a receipt, a ship date)."""
    delta = dt.timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(order_date=order.order_date - delta)
    for production_order in ProductionOrder.objects.filter(order=order):
        ProductionOrder.objects.filter(pk=production_order.pk).update(
            issued_at=production_order.issued_at - delta,
            planned_start=production_order.planned_start - delta,
        )
    from shipping.models import Shipment

    for shipment in Shipment.objects.filter(order=order):
        Shipment.objects.filter(pk=shipment.pk).update(created_at=shipment.created_at - delta)
    order.refresh_from_db()
    return order
