"""The production order's transition table, held against the services exhaustively.

The table below is written out here (not imported from production/states.py), so a
drift in either shows. Each (status, action) pair is tried through the service on a
production order of an order in production: outside the table the service refuses
with InvalidTransition and changes nothing; inside, the state lets the action through.
"""

import pytest
from django.utils import timezone

from gendan.exceptions import AlreadyDone, GuardFailed, InvalidTransition
from orders.states import OrderStatus
from production import services as production_services
from production.models import ProductionOrder
from production.states import PRODUCTION_ORDER_TRANSITIONS, ProductionOrderStatus
from tests.factories import order_in_status, stage
from tests.orders.helpers import snapshot

PO = ProductionOrderStatus
LIVE = {PO.ISSUED, PO.IN_PROGRESS}
# action -> statuses it may start from.
SPEC_TABLE = {
    "start": {PO.ISSUED},
    "complete": LIVE,
    "progress_report": LIVE,
    "inspection": LIVE,
    "supersede": LIVE,
    "recall": LIVE,
}
# The repeated request the service answers with AlreadyDone before asking the table.
ALREADY_DONE = {("start", PO.IN_PROGRESS)}


def test_the_production_order_table_is_the_one_written_here():
    assert set(PRODUCTION_ORDER_TRANSITIONS.table) == set(SPEC_TABLE)
    for action, sources in SPEC_TABLE.items():
        assert PRODUCTION_ORDER_TRANSITIONS.allowed_from(action) == sources, action


def _start(cast, po):
    return production_services.production_order_start(
        actor=cast.production, production_order_id=po.pk
    )


def _complete(cast, po):
    return production_services.production_order_complete(
        actor=cast.merchandiser, production_order_id=po.pk
    )


def _report(cast, po):
    return production_services.progress_report_create(
        actor=cast.production,
        production_order_id=po.pk,
        date=timezone.localdate(),
        stage_id=stage("sewing").pk,
        good_quantity=10,
    )


def _inspect(cast, po):
    return production_services.inspection_create(
        actor=cast.production, production_order_id=po.pk, kind="inline_early", result="pass"
    )


SERVICES = {
    "start": _start,
    "complete": _complete,
    "progress_report": _report,
    "inspection": _inspect,
}
PAIRS = [
    pytest.param(status, action, id=f"{status}-{action}")
    for action in SERVICES
    for status in PO.values
]


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_status_and_action_of_a_production_order(cast, status, action):
    order = order_in_status(cast, OrderStatus.IN_PRODUCTION)
    po = order.production_orders.get()
    # The production order in ``status``, its order still in production: only the
    # production order's own table can refuse.
    ProductionOrder.objects.filter(pk=po.pk).update(status=status)
    before = snapshot()

    if (action, status) in ALREADY_DONE:
        with pytest.raises(AlreadyDone):
            SERVICES[action](cast, po)
        assert snapshot() == before
    elif status not in SPEC_TABLE[action]:
        with pytest.raises(InvalidTransition) as refused:
            SERVICES[action](cast, po)
        assert refused.value.code == "invalid_transition"
        assert refused.value.data == {"status": status, "action": action}
        assert snapshot() == before
    elif action == "complete":
        # The state lets it through; the quantity guard speaks next.
        with pytest.raises(GuardFailed) as guarded:
            SERVICES[action](cast, po)
        assert guarded.value.code == "quantity_short"
    else:
        SERVICES[action](cast, po)
        assert snapshot() != before


def test_a_report_on_a_production_order_no_longer_live_names_it(cast):
    order = order_in_status(cast, OrderStatus.IN_PRODUCTION)
    po = order.production_orders.get()
    ProductionOrder.objects.filter(pk=po.pk).update(status=PO.RECALLED)
    with pytest.raises(InvalidTransition) as refused:
        _report(cast, po)
    assert str(refused.value.message) == f"生产单 {po.number} 不在生产中。"
