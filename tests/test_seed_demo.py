"""``manage.py seed_demo``: demo users, reference data and orders in every status,
made through the services, consistent with the lifecycle, and idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from demo.story import DEMO_PASSWORD, STORIES, USERS
from gendan.models import Holiday, User
from gendan.roles import roles_of
from orders.models import ApprovalKind, EventType, Order, OrderEvent, PaymentKind
from orders.services import order_received_total
from orders.states import OrderStatus as S
from production import selectors as production_selectors
from production.models import ACTIVE_PRODUCTION_STATUSES, ProductionOrder, ProgressReport
from shipping import selectors as shipping_selectors
from shipping.models import OPEN_AFTER_SALES_STATUSES

PAID_OR_LATER = (S.PAID, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED)
PRODUCED_OR_LATER = (S.PRODUCED, S.AWAITING_BALANCE, *PAID_OR_LATER)
GOODS_LEFT = (S.SHIPPED, S.DELIVERED, S.CLOSED)
# Pages render with plain static storage (no collectstatic manifest) over plain HTTP.
PAGE_SETTINGS = {
    "SECURE_SSL_REDIRECT": False,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module's tests, in a transaction rolled back afterwards
    (each test runs in a savepoint inside it, as Django's TestCase.setUpTestData does)."""
    with django_db_blocker.unblock(), override_settings(**PAGE_SETTINGS), transaction.atomic():
        Holiday.objects.create(date=a_recent_weekday(), name="公司庆典")
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def a_recent_weekday():
    day = timezone.localdate() - dt.timedelta(days=8)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def demo(seeded, db):
    return Order.objects.filter(customer_po__startswith="DEMO-")


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("gendan", "orders", "production", "shipping")
        for model in apps.get_app_config(app).get_models()
    }


def test_seeding_creates_each_demo_user_with_its_role_and_the_demo_password(demo):
    for demo_user in USERS:
        user = User.objects.get(username=demo_user.username)
        assert check_password(DEMO_PASSWORD, user.password)
        assert user.display_name == demo_user.display_name
        assert roles_of(user) == ({demo_user.role} if demo_user.role else set())
        # Only the admin uses the Django admin.
        assert user.is_staff is demo_user.is_superuser
        assert user.is_superuser is demo_user.is_superuser


@pytest.mark.parametrize("username", [u.username for u in USERS])
def test_each_demo_user_can_log_in_and_open_the_home_page(demo, client, username):
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert client.get("/").status_code == 200


def test_seeding_covers_every_order_status_owned_by_the_two_merchandisers(demo):
    assert demo.count() == len(STORIES) >= 40
    statuses = set(demo.values_list("status", flat=True))
    assert statuses == set(S.values)
    assert set(demo.values_list("owner__username", flat=True)) == {"merch1", "merch2"}
    assert set(demo.values_list("customer_po", flat=True)) == {
        f"DEMO-{i:03d}" for i in range(1, len(STORIES) + 1)
    }


def test_every_demo_order_has_a_timeline_that_leads_to_its_status(demo):
    for order in demo:
        events = list(order.events.order_by("created_at", "id"))
        assert events[0].type == EventType.CREATED, order.customer_po
        changes = [e for e in events if e.type == EventType.STATUS_CHANGED]
        status = S.DRAFT
        for change in changes:
            assert change.from_status == status, order.customer_po
            status = change.to_status
        assert status == order.status, order.customer_po
        # Every event happened no later than now, in the order it was written.
        assert events[-1].created_at <= timezone.now()
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)


def test_money_agrees_with_the_status(demo):
    for order in demo:
        # The order's received amount is exactly what finance's receipts add up to.
        assert order.amount_received == order_received_total(order), order.customer_po
        if order.status in PAID_OR_LATER and not order.credit_released:
            assert order.amount_received == order.total_amount, order.customer_po
        if order.status == S.AWAITING_DEPOSIT:
            assert order.amount_received < order.deposit_due, order.customer_po
        if order.status == S.DEPOSIT_PAID and not order.deposit_waived:
            assert order.amount_received >= order.deposit_due, order.customer_po
    assert demo.filter(status=S.AWAITING_DEPOSIT, amount_received__gt=0).exists()  # partial
    assert demo.filter(status=S.AWAITING_BALANCE, amount_received__gt=0).exists()
    refunds = demo.filter(status=S.CANCELLED, payments__kind=PaymentKind.REFUND)
    assert refunds.count() == 2  # deposits received before cancelling are flagged for refund


def test_production_agrees_with_the_status(demo):
    for order in demo.filter(status=S.IN_PRODUCTION):
        live = order.production_orders.filter(status__in=ACTIVE_PRODUCTION_STATUSES)
        assert live.count() == 1, order.customer_po
        assert live.get().progress_reports.exists(), order.customer_po
    for order in demo.filter(status__in=PRODUCED_OR_LATER):
        production_order = order.production_orders.get(status=ProductionOrder.Status.COMPLETED)
        assert production_selectors.final_inspection_passed(production_order)
        produced = production_selectors.produced_quantity(production_order)
        assert produced >= production_order.quantity or order.shortfall_accepted
        assert production_order.progress_reports.values("date").distinct().count() >= 5
    for order in demo.filter(status__in=(S.DRAFT, S.CONFIRMED, S.AWAITING_DEPOSIT)):
        assert not order.production_orders.exists(), order.customer_po
    assert not ProductionOrder.objects.filter(
        status__in=ACTIVE_PRODUCTION_STATUSES, order__status=S.CANCELLED
    ).exists()


def test_shipments_agree_with_the_status(demo):
    for order in demo.filter(status__in=GOODS_LEFT):
        assert shipping_selectors.all_quantity_gone(order), order.customer_po
    for order in demo.filter(status=S.PARTIALLY_SHIPPED):
        shipped = shipping_selectors.shipped_quantities(order)
        assert 0 < sum(shipped.values()) < order.total_quantity, order.customer_po
    for order in demo.exclude(status__in=(*GOODS_LEFT, S.PARTIALLY_SHIPPED)):
        assert sum(shipping_selectors.shipped_quantities(order).values()) == 0
    closed_with_cases = demo.filter(status=S.CLOSED, after_sales_cases__isnull=False)
    assert closed_with_cases.exists()
    assert not demo.filter(
        status=S.CLOSED, after_sales_cases__status__in=OPEN_AFTER_SALES_STATUSES
    ).exists()
    assert demo.filter(
        status=S.DELIVERED, after_sales_cases__status__in=OPEN_AFTER_SALES_STATUSES
    ).exists()


def test_the_demo_shows_each_exception_of_the_lifecycle(demo):
    today = timezone.localdate()
    not_shipped = demo.exclude(status__in=(*GOODS_LEFT, S.CANCELLED))
    assert not_shipped.filter(contract_delivery_date__lt=today).count() >= 2  # overdue
    assert not_shipped.filter(
        contract_delivery_date__range=(today, today + timezone.timedelta(days=7))
    ).exists()
    assert demo.filter(revision=2, revisions__revision=2).count() == 1  # amended
    assert demo.filter(credit_released=True, status=S.SHIPPED).count() == 1
    credit = demo.get(credit_released=True)
    assert credit.amount_received < credit.total_amount  # shipped before the balance came
    assert demo.filter(deposit_waived=True, status=S.DEPOSIT_PAID).count() == 1
    late_cancel = demo.get(approvals__kind=ApprovalKind.LATE_CANCELLATION)
    assert late_cancel.status == S.CANCELLED
    assert late_cancel.approvals.get().approved_by.username == "supervisor"
    assert late_cancel.production_orders.get().status == ProductionOrder.Status.RECALLED
    assert demo.filter(client__username="erp").exclude(external_ref="").count() == 2
    incidents = demo.values_list("incidents__status", flat=True)
    assert {"open", "resolved"} <= set(incidents)
    assert demo.filter(Q(shortfall_accepted=True), status=S.PRODUCED).exists()


def test_nothing_happens_on_a_configured_holiday(demo):
    holiday = Holiday.objects.get().date
    assert not ProgressReport.objects.filter(date=holiday).exists()
    event_days = {
        timezone.localdate(t) for t in OrderEvent.objects.values_list("created_at", flat=True)
    }
    assert holiday not in event_days
    assert holiday - dt.timedelta(days=7) in event_days  # the same weekday a week before


def test_running_the_seed_twice_creates_nothing_new(demo):
    before = model_counts()
    total = sum(demo.values_list("total_amount", flat=True), Decimal(0))
    call_command("seed_demo", verbosity=0)
    assert model_counts() == before
    assert sum(demo.values_list("total_amount", flat=True), Decimal(0)) == total


def test_the_demo_tells_the_samples_and_plans_stories(demo):
    from planning.models import Material, Plan
    from samples.models import ProductionSample, SampleRequest

    samples = SampleRequest.objects.filter(item_number__startswith="DEMO-S-")
    assert set(samples.values_list("status", flat=True)) == {
        "requested",
        "in_making",
        "made",
        "reviewed",
        "sent",
        "approved",
        "rejected",
        "revise",
    }
    assert samples.filter(mould_status="pending").exists()
    assert samples.filter(order__isnull=False).count() == 1
    assert (
        Plan.objects.filter(order__in=demo).count()
        == demo.exclude(status__in=[S.DRAFT]).exclude(confirmed_at__isnull=True).count()
    )
    plans = Plan.objects.filter(order__in=demo)
    assert any(p.is_late for p in plans) and any(not p.is_late for p in plans)
    today = timezone.localdate()
    assert Material.objects.filter(received_on__isnull=True, required_by__lt=today).exists()
    assert Material.objects.filter(received_on__isnull=False).exists()
    assert set(ProductionSample.objects.values_list("kind", flat=True)) == {"trial", "sealed"}


def test_the_demo_has_a_conversation_and_a_request_waiting_for_the_supervisor(seeded, db):
    from alerts.models import AlertRecipient, AlertRule
    from conversation.models import ApprovalRequest, Note

    notes = Note.objects.filter(order__customer_po__startswith="DEMO-")
    assert notes.count() >= 3
    assert notes.exclude(contact_person="").exists()  # a customer contact record
    assert notes.filter(mentions__username="supervisor").exists()
    waiting = ApprovalRequest.objects.get(status="pending")
    assert waiting.kind == "deposit_waiver"
    assert AlertRecipient.objects.filter(
        user__username="supervisor", alert__rule=AlertRule.APPROVAL_REQUESTED
    ).exists()
    # Seeding again adds nothing.
    call_command("seed_demo", verbosity=0)
    assert Note.objects.count() == notes.count() and ApprovalRequest.objects.count() == 1


def test_the_demo_pays_its_merchandisers_and_sends_the_first_assessment(seeded, db):
    from alerts.models import AlertRecipient, AlertRule
    from kpi.models import Assessment, PaySchemeAssignment
    from kpi.periods import month_of, previous_period
    from kpi.states import AssessmentStatus

    last_month = previous_period(month_of(timezone.localdate()))
    for username in ("merch1", "merch2"):
        assert PaySchemeAssignment.objects.filter(person__username=username).count() == 1
        assessment = Assessment.objects.get(person__username=username, period=last_month)
        assert assessment.total_score is not None
        assert assessment.pay_statement.total_pay > 0, username
    sent = Assessment.objects.get(person__username="merch1", period=last_month)
    assert sent.status == AssessmentStatus.SENT
    assert AlertRecipient.objects.filter(
        user__username="merch1", alert__rule=AlertRule.ASSESSMENT_SENT, alert__object_id=sent.pk
    ).exists()
    # Seeding again changes nothing of it.
    call_command("seed_demo", verbosity=0)
    assert PaySchemeAssignment.objects.count() == 2
    assert Assessment.objects.filter(period=last_month).count() == 2


def test_the_first_look_at_the_inbox_shows_the_overdue_orders(seeded, db, client):
    from alerts.models import Alert, AlertRecipient, AlertRule

    overdue = Alert.objects.filter(rule=AlertRule.DELIVERY_OVERDUE)
    assert overdue.exists()
    assert {a.order.owner.username for a in overdue} <= {"merch1", "merch2"}
    for username in ("merch1", "merch2"):
        assert AlertRecipient.objects.filter(
            user__username=username, digest=False, acknowledged_at__isnull=True
        ).exists(), username
    # The supervisor's digest of the day counts what came by role.
    assert AlertRecipient.objects.filter(
        user__username="supervisor", alert__rule=AlertRule.DAILY_DIGEST
    ).exists()
    with override_settings(**PAGE_SETTINGS):
        client.force_login(User.objects.get(username="merch1"))
        inbox = client.get("/alerts/").content.decode()
    assert overdue.filter(order__owner__username="merch1").first().order.number in inbox
    # A second seed the same day raises nothing new.
    before = Alert.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Alert.objects.count() == before
