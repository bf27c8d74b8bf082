"""The lifecycle table of product.md §2, held against the services exhaustively.

The table below is written out from the spec (not imported from states.py), so
a drift in either shows here.
"""

import pytest

from gendan.exceptions import DomainError, InvalidTransition
from orders.states import TRANSITIONS, OrderStatus
from tests.factories import order_in_status
from tests.orders.helpers import ACTIONS, prepare, snapshot

S = OrderStatus
BEFORE_SHIPMENT = {
    S.DRAFT,
    S.CONFIRMED,
    S.AWAITING_DEPOSIT,
    S.DEPOSIT_PAID,
    S.IN_PRODUCTION,
    S.PRODUCED,
    S.AWAITING_BALANCE,
    S.PAID,
}
# action -> statuses it may start from, as product.md §2 says.
SPEC_TABLE = {
    "update_draft": {S.DRAFT},
    "confirm": {S.DRAFT},
    "request_deposit": {S.CONFIRMED},
    "waive_deposit": {S.CONFIRMED, S.AWAITING_DEPOSIT},
    "issue_production": {S.DEPOSIT_PAID},
    "accept_shortfall": {S.IN_PRODUCTION},
    "complete_production": {S.IN_PRODUCTION},
    "request_balance": {S.PRODUCED},
    "release_on_credit": {S.PRODUCED, S.AWAITING_BALANCE},
    "create_shipment": {S.PRODUCED, S.AWAITING_BALANCE, S.PAID, S.PARTIALLY_SHIPPED},
    "ship": {S.PRODUCED, S.AWAITING_BALANCE, S.PAID, S.PARTIALLY_SHIPPED},
    "confirm_delivery": {S.SHIPPED},
    "close": {S.DELIVERED},
    "cancel": BEFORE_SHIPMENT,
    "amend": {S.CONFIRMED, S.AWAITING_DEPOSIT, S.DEPOSIT_PAID, S.IN_PRODUCTION},
    # From confirmation while money is still to come (after full payment: a refund).
    "discount": set(S) - {S.DRAFT, S.PAID, S.CLOSED, S.CANCELLED},
    "reassign": set(S) - {S.CLOSED, S.CANCELLED},
    "open_after_sales": {S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED},
}

OUTSIDE_THE_TABLE = [
    pytest.param(status, action, id=f"{status}-{action}")
    for action, sources in SPEC_TABLE.items()
    for status in S
    if status not in sources
]


def test_the_transition_table_matches_the_spec():
    for action, sources in SPEC_TABLE.items():
        assert set(TRANSITIONS[action][0]) == sources, action


def test_every_order_action_is_covered_by_the_matrix():
    user_actions = set(TRANSITIONS) - {"deposit_received", "balance_received", "skip_deposit"}
    assert user_actions == set(ACTIONS) == set(SPEC_TABLE)


@pytest.mark.parametrize(("status", "action"), OUTSIDE_THE_TABLE)
def test_an_action_outside_the_lifecycle_table_is_refused_and_changes_nothing(cast, status, action):
    order = order_in_status(cast, status)
    prepare(action, order, cast.supervisor)
    before = snapshot()

    # The supervisor may take every order action, so only the state can refuse.
    with pytest.raises(DomainError) as caught:
        ACTIONS[action](cast, order, cast.supervisor)

    assert isinstance(caught.value, InvalidTransition), caught.value
    assert caught.value.code == "invalid_transition"
    assert snapshot() == before
