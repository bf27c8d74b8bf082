"""Issue 15: the month's missing trial and sealed samples appear in the supervisor's
penalty inputs, and confirming one records the scheme's 100.00 penalty."""

from decimal import Decimal

from kpi.models import PenaltyRecord
from production.models import ProductionOrder, ProgressReport
from samples.models import ProductionSample
from tests.factories import stage
from tests.kpi.helpers import PRODUCTION, D, assign, at, compute, make_order

SEPT = D(2026, 9, 1)


def _production_order(order, number: str) -> ProductionOrder:
    return ProductionOrder.objects.create(
        number=number,
        order=order,
        revision=1,
        issued_by=order.owner,
        issued_at=at(2026, 9, 1),
        factory="一车间",
        planned_start=D(2026, 9, 1),
        planned_finish=D(2026, 9, 30),
        quantity=100,
    )


def _report(po, day, code):
    ProgressReport.objects.create(
        production_order=po, date=day, stage=stage(code), good_quantity=10, reported_by=po.issued_by
    )


def test_missing_samples_are_penalty_inputs_the_supervisor_confirms(client, cast):
    person = cast.merchandiser
    assign(person, PRODUCTION)
    order = make_order(person, contract=D(2026, 10, 20))
    missing = _production_order(order, "PO-T-1")
    _report(missing, D(2026, 9, 5), "cutting")
    _report(missing, D(2026, 9, 8), "sewing")
    sealed = _production_order(make_order(person, contract=D(2026, 10, 20)), "PO-T-2")
    _report(sealed, D(2026, 9, 9), "sewing")
    ProductionSample.objects.create(
        production_order=sealed, kind="sealed", recorded_on=D(2026, 9, 7), recorded_by=person
    )
    ProductionSample.objects.create(
        production_order=sealed, kind="trial", recorded_on=D(2026, 9, 7), recorded_by=person
    )
    # Beyond cutting only in October: not September's.
    later = _production_order(make_order(person, contract=D(2026, 11, 20)), "PO-T-3")
    _report(later, D(2026, 10, 2), "sewing")
    assessment = compute(person, SEPT)

    client.force_login(cast.supervisor)
    page = client.get(f"/kpi/assessments/{assessment.pk}/").content.decode()
    assert 'data-missing="PO-T-1:sealed"' in page and 'data-missing="PO-T-1:trial"' in page
    assert "PO-T-2" not in page and "PO-T-3" not in page

    client.post(
        f"/kpi/assessments/{assessment.pk}/penalty/",
        {
            "rule": PenaltyRecord._meta.get_field("rule")
            .related_model.objects.get(scheme__code=PRODUCTION, code="no-first-article-seal")
            .pk,
            "occurred_on": "2026-09-08",
            "order_number": order.number,
            "note": "首件封样 PO-T-1",
        },
    )
    record = PenaltyRecord.objects.get()
    assert (record.amount, record.order) == (Decimal("100.00"), order)
    page = client.get(f"/kpi/assessments/{assessment.pk}/").content.decode()
    assert 'data-missing="PO-T-1:sealed"' not in page
    assert 'data-missing="PO-T-1:trial"' in page  # still to confirm
    # A merchandiser sees no such inputs.
    client.force_login(person)
    assert (
        "missing-samples" not in client.get(f"/kpi/assessments/{assessment.pk}/").content.decode()
    )
