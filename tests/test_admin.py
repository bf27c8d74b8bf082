"""The Django admin: every registered model renders for the superuser; lifecycle rows
are view-only (they change through the services); reference data stays editable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import AlertSettings
from gendan.admin import ReadOnlyAdminMixin
from gendan.exceptions import ValidationFailed
from gendan.models import Holiday
from orders import services as order_services
from orders.models import Customer, Order, Product
from orders.states import OrderStatus as S
from planning import services as planning_services
from production import services as production_services
from samples import services as sample_services
from shipping import services as shipping_services
from tests.factories import CustomerFactory, ProductFactory, order_in_status

OWN_APPS = ("gendan", "orders", "production", "shipping", "samples", "planning", "alerts")
# Reference data and settings stay editable; every other model of ours is view-only.
EDITABLE = {
    "gendan.User",
    "gendan.Holiday",
    "orders.Customer",
    "orders.Product",
    "production.Stage",
    "planning.MilestoneTemplate",  # with its steps inline
}
# One row of settings: changed, never added twice or deleted.
SINGLETONS = {"alerts.AlertSettings"}


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def own_admins():
    return {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OWN_APPS
    }


@pytest.fixture
def lifecycle(cast):
    """At least one row of every model of ours, made through the services."""
    today = timezone.localdate()
    Holiday.objects.create(date=dt.date(today.year, 10, 1), name="国庆节")
    closed = order_in_status(cast, S.CLOSED)
    delivered = order_in_status(cast, S.DELIVERED)
    shipping_services.after_sales_case_open(
        actor=cast.merchandiser, order_id=delivered.pk, kind="complaint", description="Wet cartons"
    )
    in_production = order_in_status(cast, S.IN_PRODUCTION)
    production_services.incident_open(
        actor=cast.production, order_id=in_production.pk, kind="delay", description="Late fabric"
    )
    deposit_paid = order_in_status(cast, S.DEPOSIT_PAID)
    production_services.production_order_issue(
        actor=cast.merchandiser,
        order_id=deposit_paid.pk,
        factory="Outside processor",
        is_outside_processor=True,
        planned_start=today,
        planned_finish=today + dt.timedelta(days=10),
        milestones=[{"date": today + dt.timedelta(days=5), "planned_cumulative_quantity": 200}],
    )
    confirmed = order_in_status(cast, S.CONFIRMED)
    order_services.order_waive_deposit(
        actor=cast.supervisor, order_id=confirmed.pk, reason="Long-standing customer"
    )
    order_services.order_amend(
        actor=cast.merchandiser,
        order_id=confirmed.pk,
        lines=[{"product": ProductFactory().pk, "quantity": 700, "unit_price": "9.50"}],
        confirmation_method="email",
        reason="More pieces",
    )
    Holiday.objects.create(date=today + dt.timedelta(days=30), name="国庆节")
    # Issue 15: a sample request, a material and a sealed sample.
    sample_services.sample_request_create(
        actor=cast.merchandiser, customer_id=confirmed.customer_id, item_number="S-1"
    )
    planning_services.material_create(
        actor=cast.merchandiser, order_id=confirmed.pk, kind="fabric", name="棉布", quantity="5"
    )
    sample_services.production_sample_record(
        actor=cast.production,
        production_order_id=in_production.production_orders.get().pk,
        kind="sealed",
    )
    # Ten days on, production has reported nothing: an alert with its recipients.
    assert alert_services.alert_sweep(
        rule="production_behind_plan", today=today + dt.timedelta(days=10)
    )
    return closed


def test_every_registered_model_renders_its_changelist_and_change_page(admin_client, lifecycle):
    for model in admin.site._registry:
        response = admin_client.get(url(model, "changelist"))
        assert response.status_code == 200, model._meta.label
        obj = model._default_manager.first()
        if obj is None:
            assert model._meta.app_label not in OWN_APPS, f"no {model._meta.label} to show"
            continue
        response = admin_client.get(url(model, "change", obj.pk))
        assert response.status_code == 200, model._meta.label


def test_the_order_page_shows_lines_payments_approvals_revisions_and_events(
    admin_client, lifecycle
):
    order = Order.objects.filter(revision=2).get()
    response = admin_client.get(url(Order, "change", order.pk))
    content = response.content.decode()
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
    inline_models = {
        inline.opts.model._meta.model_name for inline in response.context["inline_admin_formsets"]
    }
    assert inline_models == {"orderline", "payment", "approval", "orderrevision", "orderevent"}
    assert order.number in content
    assert "Long-standing customer" in content  # the waiver approval
    assert 'name="_save"' not in content  # nothing to save


def test_order_history_is_readable(admin_client, lifecycle):
    response = admin_client.get(url(Order, "history", lifecycle.pk))
    assert response.status_code == 200


def test_the_order_changelist_searches_number_customer_and_references(admin_client, cast):
    wanted = order_in_status(cast, S.DRAFT)
    other = order_in_status(cast, S.DRAFT)
    Customer.objects.filter(pk=wanted.customer_id).update(name="Harbor Home Goods")
    changelist = url(Order, "changelist")
    for query in (wanted.number, "Harbor Home", wanted.customer.code):
        response = admin_client.get(changelist, {"q": query})
        assert list(response.context["cl"].result_list) == [wanted], query
    response = admin_client.get(changelist, {"q": "GD-"})
    assert set(response.context["cl"].result_list) == {wanted, other}


def test_the_order_changelist_searches_the_customer_po_and_external_ref(admin_client, cast):
    customer, product = CustomerFactory(), ProductFactory()
    order = order_services.order_create(
        actor=cast.integration,
        owner_id=cast.merchandiser.pk,
        customer_id=customer.pk,
        lines=[{"product": product.pk, "quantity": 10}],
        contract_delivery_date=timezone.localdate() + dt.timedelta(days=30),
        customer_po="PO-4711",
        external_ref="ERP-SO-0815",
    )
    order_in_status(cast, S.DRAFT)
    for query in ("PO-4711", "ERP-SO-0815"):
        response = admin_client.get(url(Order, "changelist"), {"q": query})
        assert [o.pk for o in response.context["cl"].result_list] == [order.pk]


def test_the_order_changelist_query_count_does_not_grow_with_the_orders(admin_client, cast):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url(Order, "changelist")).status_code == 200
        return len(captured)

    order_in_status(cast, S.DRAFT)
    one = queries()
    for status in (S.CONFIRMED, S.AWAITING_DEPOSIT, S.DEPOSIT_PAID):
        order_in_status(cast, status, owner=cast.other_merchandiser)
    assert queries() == one


def test_lifecycle_models_are_view_only_and_reference_data_editable(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    admins = own_admins()
    assert {m._meta.label for m in admins} >= EDITABLE | {
        "orders.Order",
        "orders.OrderLine",
        "orders.Payment",
        "orders.PaymentReceipt",
        "orders.Approval",
        "orders.OrderRevision",
        "orders.OrderEvent",
        "production.ProductionOrder",
        "production.ProgressReport",
        "production.PlanMilestone",
        "production.QualityInspection",
        "production.Incident",
        "shipping.Shipment",
        "shipping.ShipmentLine",
        "shipping.ShipmentDocument",
        "shipping.AfterSalesCase",
        "gendan.Sequence",
        "alerts.Alert",
    } | SINGLETONS
    for model, model_admin in admins.items():
        editable = model._meta.label in EDITABLE
        singleton = model._meta.label in SINGLETONS
        assert model_admin.has_view_permission(request)
        assert model_admin.has_add_permission(request) is editable, model._meta.label
        assert model_admin.has_change_permission(request) is (editable or singleton), model
        assert model_admin.has_delete_permission(request) is editable, model._meta.label
        for inline in model_admin.inlines:
            assert editable or issubclass(inline, ReadOnlyAdminMixin), inline


def test_the_admin_refuses_to_add_change_or_delete_an_order(admin_client, cast):
    order = order_in_status(cast, S.CONFIRMED)
    before = Order.history.filter(id=order.pk).count()

    assert admin_client.get(url(Order, "add")).status_code == 403
    assert admin_client.post(url(Order, "add"), {"number": "GD-X"}).status_code == 403
    response = admin_client.post(
        url(Order, "change", order.pk), {"status": S.CLOSED, "total_amount": "0.00"}
    )
    assert response.status_code == 403
    assert admin_client.post(url(Order, "delete", order.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(
        url(Order, "changelist"),
        {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"},
    )
    assert Order.objects.filter(pk=order.pk).exists()

    order.refresh_from_db()
    assert order.status == S.CONFIRMED
    assert Order.history.filter(id=order.pk).count() == before


def test_the_history_page_refuses_to_revert_an_order(admin_client, cast):
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    draft_version = Order.history.filter(id=order.pk, status=S.DRAFT).earliest("history_date")
    history_url = url(Order, "simple_history", order.pk, draft_version.history_id)

    assert admin_client.get(history_url).status_code == 200
    response = admin_client.post(history_url, {"status": S.DRAFT})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == S.AWAITING_DEPOSIT


def test_customers_and_products_are_added_and_changed_through_the_services(admin_client, cast):
    response = admin_client.post(
        url(Customer, "add"),
        {
            "code": "DE-NEW",
            "name": "Neukunde GmbH",
            "country": "德国",
            "owner": cast.merchandiser.pk,
            "is_active": "on",
            "default_deposit_ratio": "0.5",
            "payment_terms_days": "15",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer = Customer.objects.get(code="DE-NEW")
    assert customer.default_deposit_ratio == Decimal("0.5")
    assert customer.owner == cast.merchandiser

    product = ProductFactory(default_price=Decimal("10.00"))
    response = admin_client.post(
        url(Product, "change", product.pk),
        {
            "item_number": product.item_number,
            "name": "Renamed polo",
            "series": product.series,
            "spec": product.spec,
            "unit": "pcs",
            "default_price": "12.30",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.default_price) == ("Renamed polo", Decimal("12.30"))

    # The form reports an invalid value by field, as the service would.
    response = admin_client.post(
        url(Product, "add"),
        {"item_number": product.item_number, "name": "Dup", "unit": "pcs", "default_price": "-1"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "item_number" in errors


def test_a_staff_user_without_a_role_may_view_but_not_edit_customers(
    client, cast, django_user_model
):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_customer", "change_customer"])
    )
    client.force_login(staff)
    customer = CustomerFactory()
    assert client.get(url(Customer, "changelist")).status_code == 200
    response = client.post(url(Customer, "change", customer.pk), {"code": customer.code})
    assert response.status_code == 403  # the policy gives customer.update to roles only


def test_the_user_list_shows_display_names_and_roles(admin_client, cast):
    response = admin_client.get(url(type(cast.finance), "changelist"), {"q": "finance"})
    content = response.content.decode()
    assert "财务" in content


def test_the_add_pages_of_reference_data_render(admin_client):
    for model in own_admins():
        if model._meta.label in EDITABLE:
            assert admin_client.get(url(model, "add")).status_code == 200, model._meta.label


def test_a_refusal_of_the_customer_service_is_shown_as_a_message(admin_client, monkeypatch):
    def refuse(**fields):
        raise ValidationFailed("客户编号已被占用。", fields={"code": ["taken"]})

    monkeypatch.setattr(order_services, "customer_create", refuse)
    response = admin_client.post(
        url(Customer, "add"),
        {"code": "X-1", "name": "X", "default_deposit_ratio": "0.3", "payment_terms_days": "7"},
        follow=True,
    )
    assert response.status_code == 200
    assert "客户编号已被占用。" in [str(m) for m in response.context["messages"]]
    assert not Customer.objects.filter(code="X-1").exists()


def test_the_alert_settings_are_one_row_changed_in_the_admin(admin_client):
    settings_row = AlertSettings.load()
    assert admin_client.get(url(AlertSettings, "add")).status_code == 403
    response = admin_client.post(
        url(AlertSettings, "change", settings_row.pk),
        {
            "due_soon_days": "10,5,2",
            "behind_plan_percent": "15",
            "progress_missing_working_days": "2",
            "deposit_overdue_days": "5",
            "balance_escalation_days": "21",
            "packing_shipping_lead_days": "4",
            "run_rate_window_days": "5",
            "send_email": "on",
        },
    )
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert settings_row.due_soon_day_list == [10, 5, 2]
    assert settings_row.behind_plan_percent == 15
    # A bad value is refused by field.
    response = admin_client.post(
        url(AlertSettings, "change", settings_row.pk),
        {"due_soon_days": "7;3", "behind_plan_percent": "150", "run_rate_window_days": "1"},
    )
    errors = response.context["adminform"].form.errors
    assert {"due_soon_days", "behind_plan_percent", "run_rate_window_days"} <= set(errors)
    assert admin_client.post(url(AlertSettings, "delete", settings_row.pk), {"post": "yes"})
    assert AlertSettings.objects.filter(pk=settings_row.pk).exists()


def test_the_alert_admin_shows_the_message_and_who_got_it(admin_client, lifecycle):
    from alerts.models import Alert

    alert = Alert.objects.first()
    response = admin_client.get(url(Alert, "change", alert.pk))
    content = response.content.decode()
    assert alert.message in content
    assert "merch" in content  # the owner's inbox row
    assert admin_client.get(url(Alert, "changelist")).status_code == 200


@pytest.mark.django_db
def test_the_admin_index_names_the_third_party_apps_in_words(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    for name in ("登录防护", "API 令牌", "定时任务"):
        assert name in html
    # Their package names (Django shows an app label capitalised: AXES, KNOX) are gone.
    for label in (">Axes<", ">Knox<", ">Periodic Tasks<"):
        assert label not in html
