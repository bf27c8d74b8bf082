"""The permission policy as a matrix: every role × every action, on one's own order
and on someone else's — first as the policy answers, then through the services.

The expected table is written out here from product.md §1 and the issue, not
read from gendan.policy.
"""

import pytest
from django.contrib.auth.models import Group

from gendan import policy
from gendan.exceptions import DomainError, PermissionDenied
from orders.models import Order
from orders.states import OrderStatus as S
from tests.factories import PATH, UserFactory, create_order, order_in_status
from tests.orders.helpers import ACTIONS, prepare, snapshot
from tests.orders.test_transitions import SPEC_TABLE

OWNER_AND_SUPERVISOR = {"merch_own", "supervisor"}
ON_THE_FLOOR = {"merch_own", "supervisor", "production"}
SEES_IT = {"merch_own", "supervisor", "finance", "production"}

# action -> who may take it on an order in production owned by "merch".
# int_own: the integration client on an order it created itself.
EXPECTED = {
    "order.view": {"merch_own", "supervisor", "finance", "production", "int_own", "int_other"},
    "order.update": {"merch_own", "supervisor", "int_own"},
    "order.confirm": OWNER_AND_SUPERVISOR,
    "order.request_deposit": OWNER_AND_SUPERVISOR,
    "order.waive_deposit": {"supervisor"},
    "order.issue_production": OWNER_AND_SUPERVISOR,
    "order.accept_shortfall": {"supervisor"},
    "order.complete_production": ON_THE_FLOOR,
    "order.request_balance": OWNER_AND_SUPERVISOR,
    "order.release_on_credit": {"supervisor"},
    "order.confirm_delivery": OWNER_AND_SUPERVISOR,
    "order.close": OWNER_AND_SUPERVISOR,
    "order.cancel": OWNER_AND_SUPERVISOR,
    "order.cancel_after_production": {"supervisor"},
    "order.amend": OWNER_AND_SUPERVISOR,
    "order.reassign": {"supervisor"},
    "payment.view": {"merch_own", "supervisor", "finance", "int_own", "int_other"},
    "payment.confirm": {"finance"},
    "production_order.start": {"supervisor", "production"},
    "progress_report.create": ON_THE_FLOOR,
    "inspection.create": ON_THE_FLOOR,
    "incident.create": ON_THE_FLOOR,
    "incident.resolve": ON_THE_FLOOR,
    "shipment.create": OWNER_AND_SUPERVISOR,
    "shipment.update": OWNER_AND_SUPERVISOR,
    "shipment.ship": OWNER_AND_SUPERVISOR,
    "shipment.deliver": OWNER_AND_SUPERVISOR,
    "shipment.cancel": OWNER_AND_SUPERVISOR,
    "after_sales.open": OWNER_AND_SUPERVISOR,
    "after_sales.update": OWNER_AND_SUPERVISOR,
    # Issue 15: trial and sealed samples, the T&A plan and the materials of an order.
    "production_sample.record": ON_THE_FLOOR,
    "plan.update": OWNER_AND_SUPERVISOR,
    "plan.supervise": {"supervisor"},
    "material.update": ON_THE_FLOOR,
    # The conversation (conversation/): who sees the order writes in its thread and sees
    # its files and requests; its owner (and the supervisor) asks; the role decides.
    "note.create": SEES_IT,
    "attachment.view": SEES_IT,
    "attachment.create": SEES_IT,
    "request.view": SEES_IT,
    "request.create": OWNER_AND_SUPERVISOR,
    "request.decide.supervisor": {"supervisor"},
    "request.decide.finance": {"finance"},
    "request.decide.production": {"production"},
    "order.change_contract_date": {"supervisor"},
    "order.apply_discount": {"supervisor"},
}
# Actions without an object: which roles may take them at all.
EXPECTED_WITHOUT_OBJECT = {
    "customer.view": {"merchandiser", "supervisor", "finance", "production", "integration"},
    "customer.create": {"merchandiser", "supervisor", "integration"},
    "customer.update": {"merchandiser", "supervisor", "integration"},
    "product.view": {"merchandiser", "supervisor", "finance", "production", "integration"},
    "product.create": {"merchandiser", "supervisor", "integration"},
    "product.update": {"merchandiser", "supervisor", "integration"},
    "order.create": {"merchandiser", "supervisor", "integration"},
    # KPI (kpi-and-pay.md §3); the merchandiser's scope is their own person-records,
    # checked on assessment objects in tests/kpi/test_policy_kpi.py.
    "assessment.view": {"merchandiser", "supervisor", "finance"},
    "assessment.compute": {"supervisor"},
    "assessment.enter": {"supervisor"},
    "assessment.send": {"supervisor"},
    "assessment.confirm": {"merchandiser"},
    "assessment.dispute": {"merchandiser"},
    "assessment.reconfirm": {"supervisor"},
    "assessment.finalize": {"supervisor"},
    "assessment.reopen": {"supervisor"},
    "pay.view": {"merchandiser", "supervisor", "finance"},
    "pay.review": {"supervisor", "finance"},
    "pay.export": {"finance"},
    "pay_scheme.assign": {"supervisor", "finance"},
    "penalty.create": {"supervisor"},
    "penalty.delete": {"supervisor"},
    "fault.create": {"supervisor"},
    "fault.delete": {"supervisor"},
    "adjustment.enter": {"supervisor"},
    # Sample requests (issue 15): a merchandiser's own (SELF: the request's owner),
    # checked on sample objects in tests/samples.
    "sample.view": {"merchandiser", "supervisor", "production"},
    "sample.create": {"merchandiser", "supervisor"},
    "sample.make": {"merchandiser", "supervisor", "production"},
    "sample.update": {"merchandiser", "supervisor"},
    "sample.approve_mould": {"supervisor"},
}


def test_the_matrix_covers_every_action_of_the_policy():
    assert set(EXPECTED) | set(EXPECTED_WITHOUT_OBJECT) == set(policy.RULES)


@pytest.fixture
def principals(cast):
    """(user, order) for each column of the matrix."""
    order = order_in_status(cast, S.IN_PRODUCTION)  # owned by "merch", has a production order
    own_client_order = Order.objects.get(pk=create_order(cast).pk)
    Order.objects.filter(pk=own_client_order.pk).update(client=cast.integration)
    own_client_order.refresh_from_db()
    return {
        "merch_own": (cast.merchandiser, order),
        "merch_other": (cast.other_merchandiser, order),
        "supervisor": (cast.supervisor, order),
        "finance": (cast.finance, order),
        "production": (cast.production, order),
        "int_own": (cast.integration, own_client_order),
        "int_other": (cast.integration, order),
    }


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_policy_matrix_on_own_and_someone_elses_order(principals, action):
    allowed = {
        name for name, (user, order) in principals.items() if policy.can(user, action, order)
    }
    assert allowed == EXPECTED[action]


@pytest.mark.parametrize("action", sorted(EXPECTED_WITHOUT_OBJECT))
def test_policy_matrix_without_an_object(cast, action):
    users = {
        "merchandiser": cast.merchandiser,
        "supervisor": cast.supervisor,
        "finance": cast.finance,
        "production": cast.production,
        "integration": cast.integration,
    }
    allowed = {role for role, user in users.items() if policy.can(user, action)}
    assert allowed == EXPECTED_WITHOUT_OBJECT[action]


def test_the_admin_may_do_everything_and_a_user_without_role_nothing(principals, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    nobody = UserFactory(username="nobody")
    _, order = principals["merch_own"]
    for action in policy.RULES:
        assert policy.can(admin, action, order)
        assert not policy.can(nobody, action, order)
        assert not policy.can(None, action, order)


def test_an_inactive_user_may_do_nothing(cast):
    order = create_order(cast)
    cast.merchandiser.is_active = False
    assert not policy.can(cast.merchandiser, "order.view", order)


def test_shared_orders_are_visible_but_not_actionable(cast):
    order = create_order(cast)
    order.shared_with.add(cast.other_merchandiser)
    assert policy.can(cast.other_merchandiser, "order.view", order)
    assert not policy.can(cast.other_merchandiser, "order.confirm", order)


def test_production_sees_only_orders_with_a_production_order(cast):
    draft = create_order(cast)
    producing = order_in_status(cast, S.IN_PRODUCTION)
    assert not policy.can(cast.production, "order.view", draft)
    assert policy.can(cast.production, "order.view", producing)


def test_querysets_are_scoped_exactly_as_the_object_policy(cast):
    own = create_order(cast)
    shared = create_order(cast, owner=cast.other_merchandiser)
    shared.shared_with.add(cast.merchandiser)
    others = create_order(cast, owner=cast.other_merchandiser)
    producing = order_in_status(cast, S.IN_PRODUCTION, owner=cast.other_merchandiser)
    multi_role = UserFactory(username="both", roles=["production", "merchandiser"])
    orders = [own, shared, others, producing]
    users = [
        cast.merchandiser,
        cast.other_merchandiser,
        cast.supervisor,
        cast.finance,
        cast.production,
        cast.integration,
        multi_role,
    ]
    for user in users:
        scoped = set(policy.order_scope(user, Order.objects.all()).values_list("pk", flat=True))
        by_object = {o.pk for o in orders if policy.can(user, "order.view", o)}
        assert scoped == by_object, user.username
    merch_scoped = policy.order_scope(cast.merchandiser, Order.objects.all())
    assert merch_scoped.count() == 2  # no duplicate rows from the shared join


# --- the same matrix through the services ------------------------------------

SERVICE_ACTION_POLICY = {
    "update_draft": "order.update",
    "confirm": "order.confirm",
    "request_deposit": "order.request_deposit",
    "waive_deposit": "order.waive_deposit",
    "issue_production": "order.issue_production",
    "accept_shortfall": "order.accept_shortfall",
    "complete_production": "order.complete_production",
    "request_balance": "order.request_balance",
    "release_on_credit": "order.release_on_credit",
    "create_shipment": "shipment.create",
    "ship": "shipment.ship",
    "confirm_delivery": "order.confirm_delivery",
    "close": "order.close",
    "cancel": "order.cancel",
    "amend": "order.amend",
    "reassign": "order.reassign",
    "open_after_sales": "after_sales.open",
}
SERVICE_PRINCIPALS = (
    "merch_own",
    "merch_other",
    "supervisor",
    "finance",
    "production",
    "int_other",
)


def _first_valid_status(action):
    return next(status for status in PATH if status in SPEC_TABLE[action])


@pytest.mark.parametrize("principal", SERVICE_PRINCIPALS)
@pytest.mark.parametrize("action", sorted(SERVICE_ACTION_POLICY))
def test_services_enforce_the_matrix(cast, action, principal):
    order = order_in_status(cast, _first_valid_status(action))
    actor = {
        "merch_own": cast.merchandiser,
        "merch_other": cast.other_merchandiser,
        "supervisor": cast.supervisor,
        "finance": cast.finance,
        "production": cast.production,
        "int_other": cast.integration,
    }[principal]
    prepare(action, order, cast.supervisor)
    # The production column depends on the order having a production order.
    allowed = principal in EXPECTED[SERVICE_ACTION_POLICY[action]] and (
        principal != "production" or order.production_orders.exists()
    )
    before = snapshot()
    if allowed:
        try:
            ACTIONS[action](cast, order, actor)
        except DomainError as exc:
            # A guard may still refuse (e.g. no final inspection yet) — but not the role.
            assert not isinstance(exc, PermissionDenied), f"{principal} was refused {action}"
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](cast, order, actor)
        assert snapshot() == before


def test_groups_are_created_by_the_data_migration(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"merchandiser", "supervisor", "finance", "production", "integration"} <= names
