"""The hooks of orders.signals: orders asks production and shipping to act without
importing them, inside its own transaction, in a fixed order, and lets their errors
through (a refusal rolls the whole transition back)."""

import pytest

from gendan.exceptions import GuardFailed
from orders import services as order_services
from orders import signals
from orders.forms import ORDER_ACTIONS
from orders.forms.actions import ACTION_ORDER
from orders.models import EventType, Order
from orders.states import OrderStatus as S
from tests.factories import order_in_status
from tests.orders.helpers import planned_shipment, snapshot


def test_cancelling_recalls_production_before_it_cancels_shipments(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    planned_shipment(order, cast.merchandiser)

    order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="withdrawn")

    types = list(order.events.order_by("pk").values_list("type", flat=True))
    recalled = types.index(EventType.PRODUCTION_RECALLED)
    cancelled = types.index(EventType.SHIPMENT_CANCELLED)
    moved = max(i for i, t in enumerate(types) if t == EventType.STATUS_CHANGED)
    # Production's receiver, then shipping's (INSTALLED_APPS order), then the order moves.
    assert recalled < cancelled < moved
    assert order.production_orders.get().status == "recalled"
    assert order.shipments.get().status == "cancelled"


def test_a_receiver_that_refuses_rolls_the_whole_transition_back(cast):
    order = order_in_status(cast, S.IN_PRODUCTION)
    planned_shipment(order, cast.merchandiser)
    before = snapshot()

    def refuse(sender, **kwargs):
        raise GuardFailed("not today", code="test_refusal")

    # Connected last: production and shipping have done their part when it refuses.
    signals.order_cancelling.connect(refuse, sender=Order, dispatch_uid="test.refuse")
    try:
        with pytest.raises(GuardFailed) as refused:
            order_services.order_cancel(actor=cast.supervisor, order_id=order.pk, reason="x")
    finally:
        signals.order_cancelling.disconnect(sender=Order, dispatch_uid="test.refuse")

    assert refused.value.code == "test_refusal"
    assert snapshot() == before


def test_the_order_page_offers_every_app_s_actions_in_the_order_of_the_lifecycle():
    assert list(ORDER_ACTIONS) == list(ACTION_ORDER)
    assert ORDER_ACTIONS["issue_production"].__module__ == "production.forms"
    assert ORDER_ACTIONS["open_after_sales"].__module__ == "shipping.forms"
