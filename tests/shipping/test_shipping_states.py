"""The transition tables of shipments and after-sales cases, held against the services
exhaustively.

The tables below are written out here (not imported from shipping/states.py), so a
drift in either shows. Each (status, action) pair is tried through the service on an
order whose own status allows it: outside the table the service refuses with
InvalidTransition and changes nothing; a repeated action that finds its work done is
answered with AlreadyDone, again changing nothing; inside the table the action is done.
"""

import pytest
from django.utils import timezone

from gendan.exceptions import AlreadyDone, InvalidTransition
from orders.states import OrderStatus
from shipping import services as shipping_services
from shipping.models import AfterSalesCase, Shipment
from shipping.states import (
    AFTER_SALES_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    AfterSalesStatus,
    ShipmentStatus,
)
from tests.factories import order_in_status
from tests.orders.helpers import snapshot

SH = ShipmentStatus
AS = AfterSalesStatus

# action -> statuses it may start from.
SHIPMENT_SPEC = {
    "pack": {SH.PLANNED},
    "ship": {SH.PLANNED, SH.PACKED},
    "deliver": {SH.SHIPPED},
    "cancel_shipment": {SH.PLANNED, SH.PACKED},
}
AFTER_SALES_SPEC = {
    "investigate": {AS.OPEN},
    "resolve": {AS.OPEN, AS.INVESTIGATING},
    "close": {AS.RESOLVED},
}
# Repeated requests the services answer with AlreadyDone before asking the table.
ALREADY_DONE = {
    ("ship", SH.SHIPPED),
    ("ship", SH.DELIVERED),
    ("deliver", SH.DELIVERED),
    ("resolve", AS.RESOLVED),
    ("close", AS.CLOSED),
}


def test_the_shipment_and_after_sales_tables_are_the_ones_written_here():
    for table, spec in (
        (SHIPMENT_TRANSITIONS, SHIPMENT_SPEC),
        (AFTER_SALES_TRANSITIONS, AFTER_SALES_SPEC),
    ):
        assert set(table.table) == set(spec)
        for action, sources in spec.items():
            assert table.allowed_from(action) == sources, action


SHIPMENT_SERVICES = {
    "pack": lambda c, s: shipping_services.shipment_pack(actor=c.merchandiser, shipment_id=s.pk),
    "ship": lambda c, s: shipping_services.shipment_ship(actor=c.merchandiser, shipment_id=s.pk),
    "deliver": lambda c, s: shipping_services.shipment_deliver(
        actor=c.merchandiser, shipment_id=s.pk
    ),
    "cancel_shipment": lambda c, s: shipping_services.shipment_cancel(
        actor=c.merchandiser, shipment_id=s.pk, reason="vessel full"
    ),
}
CASE_SERVICES = {
    "investigate": lambda c, case: shipping_services.after_sales_case_investigate(
        actor=c.merchandiser, case_id=case.pk
    ),
    "resolve": lambda c, case: shipping_services.after_sales_case_resolve(
        actor=c.merchandiser, case_id=case.pk, root_cause="washing", corrective_action="new dye"
    ),
    "close": lambda c, case: shipping_services.after_sales_case_close(
        actor=c.merchandiser, case_id=case.pk, customer_satisfaction=4
    ),
}


def _try(call, status, action, spec):
    """Call the service; assert what the table (and the repeated-request rule) says."""
    before = snapshot()
    if (action, status) in ALREADY_DONE:
        with pytest.raises(AlreadyDone):
            call()
        assert snapshot() == before
    elif status not in spec[action]:
        with pytest.raises(InvalidTransition) as refused:
            call()
        assert refused.value.code == "invalid_transition"
        assert refused.value.data == {"status": status, "action": action}
        assert snapshot() == before
    else:
        result = call()
        result.refresh_from_db()
        assert (
            result.status
            == {
                "pack": SH.PACKED,
                "ship": SH.SHIPPED,
                "deliver": SH.DELIVERED,
                "cancel_shipment": SH.CANCELLED,
                "investigate": AS.INVESTIGATING,
                "resolve": AS.RESOLVED,
                "close": AS.CLOSED,
            }[action]
        )


@pytest.mark.parametrize(
    ("status", "action"),
    [
        pytest.param(status, action, id=f"{status}-{action}")
        for action in SHIPMENT_SPEC
        for status in SH.values
    ],
)
def test_every_status_and_action_of_a_shipment(cast, status, action):
    order = order_in_status(cast, OrderStatus.PAID)
    shipment = shipping_services.shipment_create(
        actor=cast.merchandiser,
        order_id=order.pk,
        planned_ship_date=timezone.localdate(),
        mode="sea",
    )
    # The shipment in ``status``, its order paid: only the shipment's table can refuse.
    Shipment.objects.filter(pk=shipment.pk).update(status=status)
    _try(lambda: SHIPMENT_SERVICES[action](cast, shipment), status, action, SHIPMENT_SPEC)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        pytest.param(status, action, id=f"{status}-{action}")
        for action in AFTER_SALES_SPEC
        for status in AS.values
    ],
)
def test_every_status_and_action_of_an_after_sales_case(cast, status, action):
    order = order_in_status(cast, OrderStatus.SHIPPED)
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser, order_id=order.pk, kind="complaint", description="stains"
    )
    AfterSalesCase.objects.filter(pk=case.pk).update(status=status)
    _try(lambda: CASE_SERVICES[action](cast, case), status, action, AFTER_SALES_SPEC)


def test_closing_a_case_not_yet_resolved_says_to_resolve_it_first(cast):
    order = order_in_status(cast, OrderStatus.SHIPPED)
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser, order_id=order.pk, kind="complaint", description="stains"
    )
    with pytest.raises(InvalidTransition) as refused:
        CASE_SERVICES["close"](cast, case)
    assert str(refused.value.message) == "请先解决售后案例。"
