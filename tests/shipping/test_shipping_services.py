"""Shipments (partial, cancelled, delivered one by one), documents, after-sales cases."""

import pytest
from django.utils import timezone

from gendan.exceptions import AlreadyDone, InvalidTransition, ValidationFailed
from orders.models import EventType
from orders.states import OrderStatus as S
from shipping import selectors
from shipping import services as shipping_services
from shipping.models import AfterSalesCase, ShipmentDocument
from tests.factories import order_in_status
from tests.orders.helpers import snapshot


def _create(cast, order, **kwargs):
    return shipping_services.shipment_create(
        actor=cast.merchandiser,
        order_id=order.pk,
        planned_ship_date=timezone.localdate(),
        mode="sea",
        **kwargs,
    )


def test_a_shipment_takes_the_open_quantity_and_gets_its_documents_checklist(cast):
    order = order_in_status(cast, S.PAID)
    shipment = _create(cast, order)
    assert sum(line.quantity for line in shipment.lines.all()) == order.total_quantity
    assert selectors.open_quantities(order) == {line.pk: 0 for line in order.lines.all()}
    required = set(shipment.documents.filter(required=True).values_list("kind", flat=True))
    assert required == {"commercial_invoice", "packing_list", "customs_declaration"}
    assert shipment.documents.count() == len(ShipmentDocument.Kind.values)
    assert shipment.number.startswith("SH-")


def test_cancelling_a_planned_shipment_opens_its_quantity_again(cast):
    order = order_in_status(cast, S.PAID)
    shipment = _create(cast, order)
    shipping_services.shipment_cancel(
        actor=cast.merchandiser, shipment_id=shipment.pk, reason="vessel full"
    )
    assert selectors.open_quantities(order) == {
        line.pk: line.quantity for line in order.lines.all()
    }
    with pytest.raises(InvalidTransition):
        shipping_services.shipment_ship(actor=cast.merchandiser, shipment_id=shipment.pk)


def test_shipping_twice_is_answered_without_a_second_effect(cast):
    order = order_in_status(cast, S.PAID)
    shipment = _create(cast, order)
    shipping_services.shipment_ship(
        actor=cast.merchandiser,
        shipment_id=shipment.pk,
        tracking_number="MSKU1234567",
        customs_declaration_number="2230 2026 0000 1234",
    )
    before = snapshot()
    with pytest.raises(AlreadyDone):
        shipping_services.shipment_ship(actor=cast.merchandiser, shipment_id=shipment.pk)
    assert snapshot() == before
    shipment.refresh_from_db()
    assert shipment.customs_declaration_number == "2230 2026 0000 1234"
    assert shipment.actual_ship_date == timezone.localdate()


def test_the_order_is_delivered_when_its_last_shipment_is_signed_for(cast):
    order = order_in_status(cast, S.PAID)
    first_line, second_line = order.lines.order_by("position")
    first = _create(cast, order, lines=[{"order_line": first_line.pk, "quantity": 600}])
    second = _create(cast, order)
    assert [(sl.order_line_id, sl.quantity) for sl in second.lines.all()] == [(second_line.pk, 400)]
    for shipment in (first, second):
        shipping_services.shipment_ship(actor=cast.merchandiser, shipment_id=shipment.pk)
    order.refresh_from_db()
    assert order.status == S.SHIPPED

    shipping_services.shipment_deliver(actor=cast.merchandiser, shipment_id=first.pk)
    order.refresh_from_db()
    assert order.status == S.SHIPPED
    shipping_services.shipment_deliver(actor=cast.merchandiser, shipment_id=second.pk)
    order.refresh_from_db()
    assert order.status == S.DELIVERED
    assert order.events.filter(type=EventType.SHIPMENT_DELIVERED).count() == 2


def test_pack_and_tick_documents(cast):
    order = order_in_status(cast, S.PAID)
    shipment = _create(cast, order)
    shipping_services.shipment_pack(actor=cast.merchandiser, shipment_id=shipment.pk, packages=42)
    shipment.refresh_from_db()
    assert (shipment.status, shipment.packages) == ("packed", 42)
    document = shipment.documents.get(kind="packing_list")
    shipping_services.shipment_document_update(
        actor=cast.merchandiser, document_id=document.pk, is_ready=True
    )
    document.refresh_from_db()
    assert document.is_ready and document.updated_by == cast.merchandiser
    assert order.events.filter(type=EventType.SHIPMENT_PACKED).count() == 1


def test_after_sales_cases_need_goods_out_and_follow_their_states(cast):
    paid = order_in_status(cast, S.PAID)
    with pytest.raises(InvalidTransition):
        shipping_services.after_sales_case_open(
            actor=cast.merchandiser, order_id=paid.pk, kind="complaint", description="late"
        )
    order = order_in_status(cast, S.SHIPPED)
    with pytest.raises(ValidationFailed) as caught:
        shipping_services.after_sales_case_open(
            actor=cast.merchandiser, order_id=order.pk, kind="refund please", description=""
        )
    assert {"kind", "description"} <= set(caught.value.fields)
    case = shipping_services.after_sales_case_open(
        actor=cast.merchandiser, order_id=order.pk, kind="rework", description="loose buttons"
    )
    with pytest.raises(InvalidTransition):
        shipping_services.after_sales_case_close(actor=cast.merchandiser, case_id=case.pk)
    with pytest.raises(ValidationFailed) as caught:
        shipping_services.after_sales_case_resolve(
            actor=cast.merchandiser,
            case_id=case.pk,
            root_cause="",
            corrective_action="",
            cost="-5",
        )
    assert {"root_cause", "corrective_action", "cost"} <= set(caught.value.fields)
    shipping_services.after_sales_case_resolve(
        actor=cast.merchandiser,
        case_id=case.pk,
        root_cause="thread",
        corrective_action="resew",
        cost="120.50",
    )
    with pytest.raises(ValidationFailed):
        shipping_services.after_sales_case_close(
            actor=cast.merchandiser, case_id=case.pk, customer_satisfaction=6
        )
    shipping_services.after_sales_case_close(
        actor=cast.merchandiser, case_id=case.pk, customer_satisfaction=5
    )
    case.refresh_from_db()
    assert (case.status, case.customer_satisfaction) == (AfterSalesCase.Status.CLOSED, 5)
    assert case.closed_at is not None
