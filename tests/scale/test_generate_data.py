"""``manage.py generate_data``: bulk data that obeys the lifecycle rules, is the
same for the same seed, and that the services keep working on."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from demo import datagen
from demo.datagen import PASSWORD, foreign_key_violations, generate
from demo.datagen.generator import Generator
from demo.datagen.planning import add_plans
from demo.datagen.reference import USERNAME_PREFIX
from demo.datagen.tables import DOMAIN_KEYS, TABLES
from gendan.models import Sequence, User
from gendan.roles import Role, roles_of
from orders import services as order_services
from orders.models import (
    Approval,
    ApprovalKind,
    Customer,
    EventType,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentKind,
    PaymentReceipt,
    PaymentStatus,
)
from orders.services import deposit_for, line_amount, order_received_total
from orders.states import TRANSITIONS
from orders.states import OrderStatus as S
from planning.models import Material, Milestone, MilestoneTemplate, Plan
from production import selectors as production_selectors
from production import services as production_services
from production.models import (
    ACTIVE_PRODUCTION_STATUSES,
    Incident,
    ProductionOrder,
    ProgressReport,
    QualityInspection,
    Stage,
)
from samples.models import ProductionSample, SampleRequest
from shipping import selectors as shipping_selectors
from shipping import services as shipping_services
from shipping.models import (
    OPEN_AFTER_SALES_STATUSES,
    AfterSalesCase,
    Shipment,
    ShipmentLine,
)

ORDERS = 300
SEED = 7
PRE_DEPOSIT = (S.DRAFT, S.CONFIRMED, S.AWAITING_DEPOSIT)
PAID_OR_LATER = (S.PAID, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED)
PRODUCED_OR_LATER = (S.PRODUCED, S.AWAITING_BALANCE, *PAID_OR_LATER)
DEPOSIT_PAID_OR_LATER = (S.DEPOSIT_PAID, S.IN_PRODUCTION, *PRODUCED_OR_LATER)
ALL_GONE = (S.SHIPPED, S.DELIVERED, S.CLOSED)
# As in the per-test settings of tests/conftest.py: PBKDF2 is slow on purpose.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generate once for the module, in a transaction rolled back afterwards (each
    test runs in a savepoint inside it)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("generate_data", orders=ORDERS, seed=SEED, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def orders(generated, db):
    return list(Order.objects.order_by("pk"))


def by_order(queryset, key="order_id"):
    grouped = defaultdict(list)
    for row in queryset:
        grouped[getattr(row, key)].append(row)
    return grouped


def test_the_run_makes_the_asked_number_of_orders_in_every_status(orders):
    assert len(orders) == ORDERS
    statuses = Counter(order.status for order in orders)
    assert set(statuses) == set(S.values)
    # Realistic proportions: three years of orders, most of them long closed.
    assert statuses[S.CLOSED] > ORDERS * 0.6
    assert statuses[S.CANCELLED] < ORDERS * 0.1


def test_open_orders_gather_in_the_last_months(orders):
    today = timezone.localdate()
    open_orders = [o for o in orders if o.status not in (S.CLOSED, S.CANCELLED)]
    recent = [o for o in open_orders if o.order_date >= today - dt.timedelta(days=180)]
    assert len(recent) >= 0.9 * len(open_orders)
    dates = [o.order_date for o in orders]
    assert min(dates) < today - dt.timedelta(days=3 * 365 - 30)
    assert max(dates) < today


def test_order_amounts_are_computed_from_the_lines_as_the_services_do(orders):
    lines = by_order(OrderLine.objects.all())
    for order in orders:
        order_lines = lines[order.pk]
        assert 1 <= len(order_lines) <= 8
        for line in order_lines:
            assert line.amount == line_amount(line.quantity, line.unit_price)
            assert line.product_id or line.description
        assert order.total_amount == sum(line.amount for line in order_lines)
        assert order.total_quantity == sum(line.quantity for line in order_lines)
        assert order.deposit_due == deposit_for(order.total_amount, order.deposit_ratio)
        assert [line.position for line in order_lines] == list(range(1, len(order_lines) + 1))


def test_amount_received_is_the_sum_of_the_receipts_net_of_refunds(orders):
    receipts = by_order(PaymentReceipt.objects.all(), key="payment_id")
    for payment in Payment.objects.all():
        received = sum((r.amount for r in receipts[payment.pk]), Decimal("0.00"))
        assert payment.amount_received == received, payment.pk
        if payment.status == PaymentStatus.RECEIVED:
            assert received == payment.amount_due
        elif payment.status == PaymentStatus.PARTIALLY_RECEIVED:
            assert 0 < received < payment.amount_due
        else:  # requested or voided: nothing came in
            assert received == 0
    for order in orders:
        assert order.amount_received == order_received_total(order), order.number


def test_paid_or_later_orders_are_fully_paid_unless_released_on_credit(orders):
    approvals = by_order(Approval.objects.all())
    released = [o for o in orders if o.credit_released]
    assert released, "some orders leave on credit"
    for order in orders:
        if order.status in PAID_OR_LATER and not order.credit_released:
            assert order.amount_received == order.total_amount, order.number
        if order.credit_released:
            kinds = {a.kind for a in approvals[order.pk]}
            assert ApprovalKind.RELEASE_ON_CREDIT in kinds
        if order.status == S.CLOSED:
            assert order.amount_received == order.total_amount, order.number


def test_deposit_paid_or_later_orders_have_the_deposit_in_or_a_supervisors_waiver(orders):
    approvals = by_order(Approval.objects.all())
    for order in orders:
        if order.status not in DEPOSIT_PAID_OR_LATER:
            continue
        if order.deposit_waived:
            approval = next(a for a in approvals[order.pk] if a.kind == ApprovalKind.DEPOSIT_WAIVER)
            assert roles_of(approval.approved_by) == {Role.SUPERVISOR}
        else:
            assert order.amount_received >= order.deposit_due, order.number


def test_shipped_orders_have_all_their_quantity_in_shipments_that_left(orders):
    for order in orders:
        gone = shipping_selectors.shipped_quantities(order)
        ordered = dict(order.lines.values_list("pk", "quantity"))
        assert all(gone[pk] <= ordered[pk] for pk in ordered)
        if order.status in ALL_GONE:
            assert shipping_selectors.all_quantity_gone(order), order.number
            assert order.fully_shipped_at is not None
        elif order.status == S.PARTIALLY_SHIPPED:
            assert 0 < sum(gone.values()) < order.total_quantity
            assert order.fully_shipped_at is None
        else:
            assert sum(gone.values()) == 0, order.number
            assert order.fully_shipped_at is None
        if order.status in (S.DELIVERED, S.CLOSED):
            assert order.delivered_at is not None
            assert set(order.shipments.values_list("status", flat=True)) == {"delivered"}


def test_production_orders_follow_the_order_status(orders):
    production_orders = by_order(ProductionOrder.objects.all())
    for order in orders:
        mine = production_orders[order.pk]
        live = [p for p in mine if p.status in ACTIVE_PRODUCTION_STATUSES]
        completed = [p for p in mine if p.status == "completed"]
        if order.status == S.IN_PRODUCTION:
            assert len(live) == 1 and not completed, order.number
            assert live[0].quantity == order.total_quantity
        elif order.status in PRODUCED_OR_LATER:
            assert len(completed) == 1 and not live, order.number
            production_order = completed[0]
            produced = production_selectors.produced_quantity(production_order)
            assert produced >= production_order.quantity or order.shortfall_accepted
            assert production_selectors.final_inspection_passed(production_order)
            assert production_order.completed_at is not None
        elif order.status in (*PRE_DEPOSIT, S.DEPOSIT_PAID):
            assert not mine, order.number
        else:  # cancelled: a production order that was out is recalled
            assert not live and not completed
            assert all(p.status == "recalled" and p.closed_at for p in mine)


def test_progress_reports_inspections_and_money_are_never_dated_in_the_future(generated, db):
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    assert not ProgressReport.objects.filter(date__gte=today).exists()
    assert not QualityInspection.objects.filter(inspected_on__gt=today).exists()
    assert not PaymentReceipt.objects.filter(received_on__gt=today).exists()
    assert not Shipment.objects.filter(actual_ship_date__gt=today).exists()
    assert not OrderEvent.objects.filter(created_at__gte=midnight).exists()
    assert not Incident.objects.filter(opened_at__gte=midnight).exists()
    assert not AfterSalesCase.objects.filter(received_at__gte=midnight).exists()
    # Every report counts at a stage, the output stage among them.
    output = Stage.objects.get(is_output=True)
    assert ProgressReport.objects.filter(stage=output).count() > ProductionOrder.objects.count()


def test_each_orders_timeline_chains_its_statuses_through_allowed_transitions(orders):
    events = by_order(OrderEvent.objects.order_by("order_id", "created_at", "pk"))
    for order in orders:
        timeline = events[order.pk]
        assert timeline[0].type == EventType.CREATED and timeline[0].to_status == S.DRAFT
        assert all(e.actor_id for e in timeline)
        changes = [e for e in timeline if e.type == EventType.STATUS_CHANGED]
        status = S.DRAFT
        for change in changes:
            assert change.from_status == status, (order.number, change.from_status, status)
            action = change.data["action"]
            sources, target = TRANSITIONS[action]
            assert change.from_status in sources
            assert target is None or change.to_status == target
            status = change.to_status
        assert status == order.status, order.number
        assert order.created_at == timeline[0].created_at
        assert order.updated_at == timeline[-1].created_at


def test_transitions_are_made_by_the_roles_that_may_make_them(orders):
    roles = {u.pk: roles_of(u) for u in User.objects.filter(username__startswith="gen-")}
    expected = {
        "confirm": Role.MERCHANDISER,
        "request_deposit": Role.MERCHANDISER,
        "deposit_received": Role.FINANCE,
        "waive_deposit": Role.SUPERVISOR,
        "issue_production": Role.MERCHANDISER,
        "complete_production": Role.MERCHANDISER,
        "balance_received": Role.FINANCE,
    }
    for event in OrderEvent.objects.filter(type=EventType.STATUS_CHANGED):
        action = event.data["action"]
        if action == "balance_received" and "payment" not in event.data:
            continue  # nothing was left to pay: the owner's balance request settled it
        if action in expected:
            assert expected[action] in roles[event.actor_id], (action, roles[event.actor_id])


def test_cancelled_orders_carry_a_reason_and_refund_what_came_in(orders):
    cancelled = [o for o in orders if o.status == S.CANCELLED]
    assert cancelled
    for order in cancelled:
        assert order.cancel_reason and order.cancelled_at
        payments = list(order.payments.all())
        assert not [p for p in payments if p.kind != PaymentKind.REFUND and p.is_open]
        incoming = sum(
            (p.amount_received for p in payments if p.kind != PaymentKind.REFUND), Decimal(0)
        )
        refunds = [p for p in payments if p.kind == PaymentKind.REFUND]
        if incoming:
            assert len(refunds) == 1 and refunds[0].amount_due == incoming
        else:
            assert not refunds


def test_closed_orders_have_no_open_after_sales_case(orders):
    cases = by_order(AfterSalesCase.objects.all())
    assert cases, "some orders have after-sales cases"
    for order in orders:
        if order.status == S.CLOSED:
            assert not [c for c in cases[order.pk] if c.status in OPEN_AFTER_SALES_STATUSES]
            assert order.closed_at is not None


def test_some_payments_are_partial_some_overdue_and_some_shipments_partial_or_late(generated, db):
    today = timezone.localdate()
    several = Counter(PaymentReceipt.objects.values_list("payment_id", flat=True))
    assert any(n > 1 for n in several.values())
    assert Payment.objects.filter(
        status__in=(PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_RECEIVED), due_date__lt=today
    ).exists()
    per_order = Counter(Shipment.objects.values_list("order_id", flat=True))
    assert any(n == 2 for n in per_order.values())
    late = [
        s
        for s in Shipment.objects.exclude(actual_ship_date=None)
        if s.actual_ship_date > s.planned_ship_date
    ]
    assert late
    assert ShipmentLine.objects.count() >= Shipment.objects.count()


def test_every_reference_points_to_a_row(generated, db):
    assert foreign_key_violations() == []


def test_generated_users_hold_their_roles_and_share_one_password(generated, db):
    users = list(User.objects.filter(username__startswith=USERNAME_PREFIX))
    assert len({u.password for u in users}) == 1
    assert check_password(PASSWORD, users[0].password)
    by_role = Counter(role for u in users for role in roles_of(u))
    assert by_role[Role.MERCHANDISER] >= 3 and by_role[Role.SUPERVISOR] >= 2
    assert by_role[Role.FINANCE] >= 1 and by_role[Role.PRODUCTION] >= 1
    assert all(len(roles_of(u)) == 1 for u in users)
    owners = set(Order.objects.values_list("owner_id", flat=True))
    assert all(Role.MERCHANDISER in roles_of(u) for u in users if u.pk in owners)


def test_the_dashboard_tallies_count_the_generated_orders(orders):
    from orders.models import DeliveryTally, StatusTally

    by_status = Counter(order.status for order in orders)
    tallied = Counter()
    for row in StatusTally.objects.all():
        tallied[row.status] += row.orders
    assert +tallied == by_status
    shipped = sum(1 for order in orders if order.fully_shipped_at is not None)
    assert sum(DeliveryTally.objects.values_list("shipped", flat=True)) == shipped > 0
    assert 0 < sum(DeliveryTally.objects.values_list("on_time", flat=True)) < shipped


def test_document_counters_are_advanced_past_the_generated_numbers(orders):
    year = timezone.localdate().year
    numbers = [o.number for o in orders if o.number.startswith(f"GD-{year}-")]
    counter = Sequence.objects.get(key=f"GD-{year}").last
    assert counter == max(int(n.rsplit("-", 1)[1]) for n in numbers)
    merchandiser = Order.objects.filter(status=S.DRAFT).first().owner
    customer = Customer.objects.order_by("pk").first()
    order = order_services.order_create(
        actor=merchandiser,
        customer_id=customer.pk,
        lines=[{"product": OrderLine.objects.first().product_id, "quantity": 10}],
        contract_delivery_date=timezone.localdate() + dt.timedelta(days=30),
    )
    assert order.number == f"GD-{year}-{counter + 1:06d}"
    assert Order.objects.filter(number=order.number).count() == 1


def test_the_services_work_on_generated_orders(generated, db):
    today = timezone.localdate()
    confirmed = Order.objects.filter(status=S.CONFIRMED).first()
    order_services.order_request_deposit(actor=confirmed.owner, order_id=confirmed.pk)
    confirmed.refresh_from_db()
    assert confirmed.status == S.AWAITING_DEPOSIT

    awaiting = Order.objects.filter(status=S.AWAITING_BALANCE, credit_released=False).first()
    balance = awaiting.payments.get(
        kind=PaymentKind.BALANCE, status__in=("requested", "partially_received")
    )
    finance = User.objects.filter(groups__name=Role.FINANCE).first()
    order_services.payment_confirm(
        actor=finance,
        payment_id=balance.pk,
        amount_received=balance.outstanding,
        received_on=today,
        method="tt",
        reference="TEST-1",
    )
    awaiting.refresh_from_db()
    assert awaiting.status == S.PAID and awaiting.fully_paid

    shipment = shipping_services.shipment_create(
        actor=awaiting.owner, order_id=awaiting.pk, planned_ship_date=today, mode="sea"
    )
    shipping_services.shipment_ship(actor=awaiting.owner, shipment_id=shipment.pk)
    awaiting.refresh_from_db()
    assert awaiting.status == S.SHIPPED

    in_production = Order.objects.filter(status=S.IN_PRODUCTION).first()
    production_order = in_production.production_orders.get(status__in=ACTIVE_PRODUCTION_STATUSES)
    pmc = User.objects.filter(groups__name=Role.PRODUCTION).first()
    production_services.progress_report_create(
        actor=pmc,
        production_order_id=production_order.pk,
        date=today,
        stage_id=Stage.objects.get(code="packing").pk,
        good_quantity=production_order.quantity,
    )
    production_services.inspection_create(
        actor=pmc, production_order_id=production_order.pk, kind="final", result="pass"
    )
    production_services.production_order_complete(
        actor=in_production.owner, production_order_id=production_order.pk
    )
    in_production.refresh_from_db()
    assert in_production.status == S.PRODUCED

    delivered = (
        Order.objects.filter(status=S.DELIVERED)
        .exclude(after_sales_cases__status__in=OPEN_AFTER_SALES_STATUSES)
        .filter(credit_released=False)
        .first()
    )
    if delivered is not None:
        order_services.order_close(actor=delivered.owner, order_id=delivered.pk)
        delivered.refresh_from_db()
        assert delivered.status == S.CLOSED


def test_a_second_run_is_refused_unless_told_to_wipe(generated, db):
    with pytest.raises(CommandError, match="--wipe"):
        call_command("generate_data", orders=10, verbosity=0)


def test_verbosity_2_shows_the_memory_at_each_step(generated, db):
    out = io.StringIO()
    call_command("generate_data", orders=20, seed=4, wipe=True, verbosity=2, stdout=out)
    lines = out.getvalue().splitlines()
    progress = [line for line in lines if "orders written" in line]
    assert len(progress) == 1
    assert re.match(r"\[(\d+ MB, )?peak \d+ MB\] orders written", progress[0])
    quiet = io.StringIO()
    call_command("generate_data", orders=20, seed=4, wipe=True, verbosity=1, stdout=quiet)
    assert "peak" not in quiet.getvalue()


def checksum() -> str:
    """A digest of the generated domain rows (ids included)."""
    digest = hashlib.sha256()
    for model, fields in (
        (
            Order,
            ("pk", "number", "status", "order_date", "total_amount", "amount_received", "owner_id"),
        ),
        (OrderLine, ("pk", "order_id", "product_id", "quantity", "unit_price")),
        (Payment, ("pk", "order_id", "kind", "status", "amount_due", "requested_at")),
        (OrderEvent, ("pk", "order_id", "type", "to_status", "created_at", "data")),
        (ProgressReport, ("pk", "production_order_id", "date", "good_quantity")),
        (Shipment, ("pk", "number", "status", "actual_ship_date")),
    ):
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(json.dumps(row, default=str, sort_keys=True).encode())
    return digest.hexdigest()


def test_the_same_seed_makes_the_same_data(generated, db):
    first = checksum()
    call_command("generate_data", orders=ORDERS, seed=SEED, wipe=True, verbosity=0)
    assert checksum() == first
    call_command("generate_data", orders=ORDERS, seed=SEED + 1, wipe=True, verbosity=0)
    assert checksum() != first


def index_definitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND ("
            " tablename LIKE 'orders_%%' OR tablename LIKE 'production_%%'"
            " OR tablename LIKE 'shipping_%%' OR tablename LIKE 'gendan_%%'"
            " OR tablename LIKE 'planning_%%' OR tablename LIKE 'samples_%%')"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgresql
def test_the_postgresql_load_puts_back_every_index_and_setting(generated, db):
    before = index_definitions()
    assert len(before) > 60
    call_command("generate_data", orders=60, seed=3, wipe=True, plans=True, verbosity=0)
    assert index_definitions() == before
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    # The id sequences continue after the generated rows.
    order = Order.objects.order_by("-pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('orders_order', 'id'))")
        assert cursor.fetchone()[0] == order.pk + 1


@pytest.mark.postgresql
def test_without_a_superuser_the_load_checks_each_foreign_key_as_rows_arrive(generated, db):
    result = generate(orders=120, seed=5, wipe=True, skip_fk_triggers=False)
    assert result.counts["order"] == 120
    assert foreign_key_violations() == []
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def empty_the_domain() -> None:
    """What a fresh database looks like to the generator (without --wipe)."""
    with connection.cursor() as cursor:
        for key in reversed(DOMAIN_KEYS):
            cursor.execute(f"DELETE FROM {TABLES[key].db_table}")
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle the deletions' checks
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.postgresql
def test_tables_that_refer_to_orders_are_emptied_along_only_when_they_are_empty(generated, db):
    # Like alerts about orders and their recipients (other apps' tables).
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE scale_note (id serial PRIMARY KEY, order_id bigint"
            " REFERENCES orders_order (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        cursor.execute(
            "CREATE TABLE scale_note_reader (id serial PRIMARY KEY, note_id integer NOT NULL"
            " REFERENCES scale_note (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    empty_the_domain()
    generate(orders=60, seed=2)  # both empty: truncated with the domain (COPY FREEZE)
    assert Order.objects.count() == 60

    empty_the_domain()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO scale_note (order_id) VALUES (NULL)")
    generate(orders=60, seed=2)  # a note about no order: kept, so no truncation
    assert Order.objects.count() == 60
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM scale_note")
        assert cursor.fetchone()[0] == 1


def plan_foreign_key_violations() -> list[str]:
    problems = []
    with connection.cursor() as cursor:
        for model in (Plan, Milestone, Milestone.depends_on.through, Material, ProductionSample):
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f"SELECT COUNT(*) FROM {model._meta.db_table} c LEFT JOIN {target.db_table} p"
                    f" ON p.{target.pk.column} = c.{field.column}"
                    f" WHERE c.{field.column} IS NOT NULL AND p.{target.pk.column} IS NULL"
                )
                if missing := cursor.fetchone()[0]:
                    problems.append(f"{model._meta.db_table}.{field.column}: {missing}")
    return problems


@pytest.mark.postgresql
def test_plans_follow_the_default_template_step_by_step(generated, db):
    result = generate(orders=200, seed=4, wipe=True, plans=True)
    template = MilestoneTemplate.objects.get(is_default=True)
    steps = list(template.steps.order_by("position", "id"))
    step_depends = {s.code: {d.code for d in s.depends_on.all()} for s in steps}
    confirmed = Order.objects.filter(confirmed_at__isnull=False)
    assert result.plans["planning_plan"] == confirmed.count() == Plan.objects.count()
    assert set(Plan.objects.values_list("order_id", flat=True)) == set(
        confirmed.values_list("pk", flat=True)
    )
    assert Milestone.objects.count() == Plan.objects.count() * len(steps)
    assert result.plans["planning_milestone_depends_on"] == Plan.objects.count() * sum(
        len(d) for d in step_depends.values()
    )
    materials_day = {}
    for plan in Plan.objects.prefetch_related("milestones__depends_on")[:40]:
        milestones = list(plan.milestones.order_by("position"))
        assert [m.code for m in milestones] == [s.code for s in steps]
        for milestone, step in zip(milestones, steps, strict=True):
            assert milestone.planned_date == plan.contract_delivery_date - dt.timedelta(
                days=int(step.offset_working_days * 7 / 5)
            )
            assert {d.code for d in milestone.depends_on.all()} == step_depends[step.code]
            assert {d.plan_id for d in milestone.depends_on.all()} <= {plan.pk}
            if step.code == "materials_in_house":
                materials_day[plan.order_id] = milestone.planned_date
    for material in Material.objects.filter(order_id__in=materials_day):
        assert material.required_by == materials_day[material.order_id]
    assert Material.objects.exists()
    assert plan_foreign_key_violations() == []
    # The ids assigned by the load are behind the id sequences.
    with connection.cursor() as cursor:
        for model in (Plan, Milestone, Milestone.depends_on.through):
            table = model._meta.db_table
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
            assert cursor.fetchone()[0] == model.objects.order_by("-pk").first().pk + 1


def _plan_rows() -> dict[str, set[tuple]]:
    """The derived rows by what they are about (their ids depend on the order of work)."""
    return {
        "plans": set(
            Plan.objects.values_list(
                "order_id", "contract_delivery_date", "projected_delivery_date"
            )
        ),
        "milestones": set(
            Milestone.objects.values_list(
                "plan__order_id", "code", "planned_date", "forecast_date", "actual_date"
            )
        ),
        "dependencies": set(
            Milestone.depends_on.through.objects.values_list(
                "from_milestone__plan__order_id",
                "from_milestone__code",
                "to_milestone__plan__order_id",
                "to_milestone__code",
            )
        ),
        "materials": set(
            Material.objects.values_list(
                "order_id", "kind", "required_by", "received_quantity", "received_on"
            )
        ),
        "samples": set(ProductionSample.objects.values_list("production_order_id", "kind")),
        "requests": set(SampleRequest.objects.values_list("order_id", "number", "status")),
    }


@pytest.mark.postgresql
def test_plans_derived_chunk_by_chunk_are_those_of_one_pass_over_all_orders(
    generated, db, monkeypatch
):
    """The load derives each chunk's plans, materials and samples from that chunk's
    orders alone (by id range); deriving them once over every order gives the same rows."""
    monkeypatch.setattr(datagen, "Generator", functools.partial(Generator, chunk_size=3))
    generate(orders=300, seed=5, wipe=True, plans=True)
    chunked = _plan_rows()
    assert Order.objects.count() == 300
    assert all(chunked.values()), {name: len(rows) for name, rows in chunked.items()}
    # Dependants first: the plans go last.
    through = Milestone.depends_on.through
    for model in (Material, SampleRequest, ProductionSample, through, Milestone, Plan):
        model.objects.all().delete()
    add_plans(today=timezone.localdate())
    assert _plan_rows() == chunked
