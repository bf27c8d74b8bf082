"""The production floor corrects itself (issue 17): several stages in one save,
correction and withdrawal of a progress report with the reason, the stage order
and the dates of reports, an amendment that keeps the produced quantity, and the
deposit ratio typed as a percentage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertRule as R
from gendan.exceptions import InvalidTransition, PermissionDenied, ValidationFailed
from orders import services as order_services
from orders.forms import CustomerForm
from orders.models import Customer, EventType
from orders.states import OrderStatus as S
from production import selectors
from production import services as production_services
from production.models import ProductionOrder, ProgressReport
from tests.alerts.helpers import MONDAY, days, on, report, sweep_on
from tests.factories import backdate, order_in_status, stage
from tests.orders.helpers import snapshot
from tests.pages.conftest import client_for


@pytest.fixture
def production_order(cast):
    # Issued a week ago, so that reports may carry the days since.
    return backdate(order_in_status(cast, S.IN_PRODUCTION)).production_orders.get()


def _file(cast, production_order, *entries, date=None, actor=None):
    return production_services.progress_reports_create(
        actor=actor or cast.production,
        production_order_id=production_order.pk,
        date=date or timezone.localdate(),
        entries=[{"stage_id": stage(code).pk, "good_quantity": good} for code, good in entries],
    )


def _events(production_order, type_):
    return list(production_order.order.events.filter(type=type_).order_by("id"))


# --------------------------------------------------------------------------
# Several stages in one save
# --------------------------------------------------------------------------


def test_several_stages_are_filed_in_one_save_each_with_its_event(cast, production_order):
    reports = _file(cast, production_order, ("cutting", 500), ("sewing", 400), ("packing", 300))

    assert [(r.stage.code, r.good_quantity) for r in reports] == [
        ("cutting", 500),
        ("sewing", 400),
        ("packing", 300),
    ]
    events = _events(production_order, EventType.PROGRESS_REPORTED)
    assert [(e.data["stage"], e.data["good_quantity"]) for e in events] == [
        ("cutting", 500),
        ("sewing", 400),
        ("packing", 300),
    ]
    assert selectors.produced_quantity(production_order) == 300


def test_a_refused_stage_refuses_the_whole_save(cast, production_order):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        _file(cast, production_order, ("cutting", 500), ("sewing", -3))
    assert "entries[1].good_quantity" in caught.value.fields
    assert snapshot() == before


def test_the_quick_entry_saves_several_stages_of_one_production_order_at_once(
    cast, production_order
):
    prefix = f"po{production_order.pk}"
    response = client_for(cast.production).post(
        reverse("production:quick_entry"),
        {
            "date": timezone.localdate().isoformat(),
            f"{prefix}-stage": stage("cutting").pk,
            f"{prefix}-good_quantity": "500",
            f"{prefix}-stage_2": stage("packing").pk,
            f"{prefix}-good_quantity_2": "200",
        },
    )

    assert response.status_code == 302
    filed = production_order.progress_reports.order_by("stage__position")
    assert [(r.stage.code, r.good_quantity) for r in filed] == [("cutting", 500), ("packing", 200)]


def test_the_quick_entry_refuses_a_later_stage_above_the_earlier_one_and_writes_nothing(
    cast, production_order
):
    prefix = f"po{production_order.pk}"
    before = snapshot()
    response = client_for(cast.production).post(
        reverse("production:quick_entry"),
        {
            "date": timezone.localdate().isoformat(),
            f"{prefix}-stage": stage("cutting").pk,
            f"{prefix}-good_quantity": "500",
            f"{prefix}-stage_2": stage("packing").pk,
            f"{prefix}-good_quantity_2": "2000",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "包装累计良品 2000 不能超过前一道工序裁剪的累计良品 500。" in html
    assert snapshot() == before


# --------------------------------------------------------------------------
# Stage order and dates
# --------------------------------------------------------------------------


def test_packing_2000_when_500_were_cut_is_refused(cast, production_order):
    _file(cast, production_order, ("cutting", 500))
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        _file(cast, production_order, ("packing", 2000))
    assert caught.value.code == "stage_order"
    assert "2000" in str(caught.value.message) and "500" in str(caught.value.message)
    assert snapshot() == before
    # Up to what was cut is fine, over several days.
    _file(cast, production_order, ("packing", 300), date=timezone.localdate() - days(1))
    _file(cast, production_order, ("packing", 200))
    with pytest.raises(ValidationFailed):
        _file(cast, production_order, ("packing", 1), date=timezone.localdate() - days(2))


def test_a_report_before_the_production_order_started_or_in_the_future_is_refused(
    cast, production_order
):
    start = production_order.planned_start
    before = snapshot()
    for date in (start - days(1), timezone.localdate() + days(1)):
        with pytest.raises(ValidationFailed) as caught:
            _file(cast, production_order, ("cutting", 10), date=date)
        assert "date" in caught.value.fields
    assert snapshot() == before
    _file(cast, production_order, ("cutting", 10), date=start)


def test_no_report_once_the_production_order_is_completed(cast):
    order = order_in_status(cast, S.PRODUCED)
    production_order = order.production_orders.get()
    (packed,) = production_order.progress_reports.all()
    before = snapshot()
    with pytest.raises(InvalidTransition):
        _file(cast, production_order, ("packing", 1))
    with pytest.raises(InvalidTransition):
        production_services.progress_report_withdraw(
            actor=cast.supervisor, report_id=packed.pk, reason="late"
        )
    assert snapshot() == before


def test_milestones_must_rise_and_lie_inside_start_and_finish(cast):
    order = order_in_status(cast, S.DEPOSIT_PAID)
    today = timezone.localdate()
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        production_services.production_order_issue(
            actor=order.owner,
            order_id=order.pk,
            factory="Workshop 1",
            planned_start=today,
            planned_finish=today + days(10),
            milestones=[
                {"date": today + days(2), "planned_cumulative_quantity": 500},
                {"date": today + days(5), "planned_cumulative_quantity": 400},
                {"date": today + days(11), "planned_cumulative_quantity": 900},
            ],
        )
    assert set(caught.value.fields) == {
        "milestones[1].planned_cumulative_quantity",
        "milestones[2].date",
    }
    assert snapshot() == before


# --------------------------------------------------------------------------
# Correction and withdrawal
# --------------------------------------------------------------------------


def test_a_report_is_corrected_with_its_reason_and_an_event(cast, production_order):
    _cut, packed = _file(cast, production_order, ("cutting", 500), ("packing", 300))

    production_services.progress_report_correct(
        actor=cast.production,
        report_id=packed.pk,
        reason="counted a carton twice",
        good_quantity=280,
        defective_quantity=20,
    )

    packed.refresh_from_db()
    assert (packed.good_quantity, packed.defective_quantity) == (280, 20)
    (event,) = _events(production_order, EventType.PROGRESS_CORRECTED)
    assert event.note == "counted a carton twice"
    assert event.actor == cast.production
    assert event.data["previous"]["good_quantity"] == 300
    assert event.data["good_quantity"] == 280
    assert selectors.produced_quantity(production_order) == 280


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"good_quantity": -1}, "good_quantity"),
        ({"variance_reason": "bad luck"}, "variance_reason"),
    ],
)
def test_a_bad_correction_is_refused_and_writes_nothing(cast, production_order, kwargs, field):
    (packed,) = _file(cast, production_order, ("packing", 300))
    before = snapshot()
    values = {"reason": "typo", "good_quantity": 250} | kwargs
    with pytest.raises(ValidationFailed) as caught:
        production_services.progress_report_correct(
            actor=cast.production, report_id=packed.pk, **values
        )
    assert field in caught.value.fields
    assert snapshot() == before


def test_a_correction_may_not_lift_a_later_stage_above_the_earlier_one(cast, production_order):
    cut, packed = _file(cast, production_order, ("cutting", 500), ("packing", 500))
    before = snapshot()
    for report_id, good in ((cut.pk, 400), (packed.pk, 501)):
        with pytest.raises(ValidationFailed) as caught:
            production_services.progress_report_correct(
                actor=cast.production, report_id=report_id, reason="typo", good_quantity=good
            )
        assert caught.value.code == "stage_order"
    assert snapshot() == before


def test_a_report_is_withdrawn_with_its_reason_and_an_event(cast, production_order):
    (packed,) = _file(cast, production_order, ("packing", 300))

    production_services.progress_report_withdraw(
        actor=cast.supervisor, report_id=packed.pk, reason="filed on the wrong order"
    )

    assert not ProgressReport.objects.filter(pk=packed.pk).exists()
    (event,) = _events(production_order, EventType.PROGRESS_WITHDRAWN)
    assert (event.note, event.actor) == ("filed on the wrong order", cast.supervisor)
    assert (event.data["report"], event.data["good_quantity"]) == (packed.pk, 300)
    assert selectors.produced_quantity(production_order) == 0
    # The same day and stage may be filed again.
    _file(cast, production_order, ("packing", 30))


def test_withdrawing_a_cutting_report_later_stages_depend_on_is_refused(cast, production_order):
    cut, _sewn = _file(cast, production_order, ("cutting", 500), ("sewing", 400))
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        production_services.progress_report_withdraw(
            actor=cast.production, report_id=cut.pk, reason="wrong day"
        )
    assert caught.value.code == "stage_order"
    assert "车缝累计良品 400 不能超过前一道工序裁剪的累计良品 0。" in str(caught.value.message)
    with pytest.raises(ValidationFailed) as caught:
        production_services.progress_report_withdraw(
            actor=cast.production, report_id=cut.pk, reason=""
        )
    assert "reason" in caught.value.fields
    assert snapshot() == before


def test_only_who_may_report_corrects_or_withdraws(cast, production_order):
    (packed,) = _file(cast, production_order, ("packing", 300))
    before = snapshot()
    for actor in (cast.finance, cast.other_merchandiser):
        with pytest.raises(PermissionDenied):
            production_services.progress_report_withdraw(
                actor=actor, report_id=packed.pk, reason="mine"
            )
    assert snapshot() == before
    production_services.progress_report_correct(
        actor=cast.supervisor, report_id=packed.pk, reason="recount", good_quantity=290
    )


def test_the_report_page_corrects_and_withdraws_and_is_linked_from_the_production_order(
    cast, production_order
):
    (packed,) = _file(cast, production_order, ("packing", 300))
    client = client_for(cast.production)
    url = reverse("production:report_detail", args=[packed.pk])
    assert (
        url in client.get(reverse("production:detail", args=[production_order.pk])).content.decode()
    )
    assert url in client.get(reverse("production:quick_entry")).content.decode()

    page = client.get(url).content.decode()
    assert 'data-action="correct"' in page and 'data-action="withdraw"' in page
    # Without a reason: refused, nothing written.
    before = snapshot()
    response = client.post(
        reverse("production:report_action", args=[packed.pk, "withdraw"]), {"reason": ""}
    )
    assert response.status_code == 200 and snapshot() == before

    response = client.post(
        reverse("production:report_action", args=[packed.pk, "correct"]),
        {
            "good_quantity": "290",
            "defective_quantity": "0",
            "scrap_quantity": "0",
            "reason": "recount",
        },
    )
    assert response["Location"] == url
    assert "recount" in client.get(url).content.decode()

    response = client.post(
        reverse("production:report_action", args=[packed.pk, "withdraw"]), {"reason": "dup"}
    )
    assert response["Location"] == reverse("production:detail", args=[production_order.pk])
    assert not ProgressReport.objects.filter(pk=packed.pk).exists()


def test_the_api_corrects_and_withdraws_a_report(cast, production_order):
    from rest_framework.test import APIClient

    (packed,) = _file(cast, production_order, ("packing", 300))
    client = APIClient()
    client.force_authenticate(cast.production)
    base = f"/api/v1/progress-reports/{packed.pk}"

    response = client.post(f"{base}/correct/", {"good_quantity": 280}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client.post(
        f"{base}/correct/", {"good_quantity": 280, "reason": "recount"}, format="json"
    )
    assert response.status_code == 200 and response.json()["good_quantity"] == 280

    response = client.post(f"{base}/withdraw/", {"reason": "dup"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == packed.pk
    assert not ProgressReport.objects.filter(pk=packed.pk).exists()


# --------------------------------------------------------------------------
# An amendment keeps the produced quantity
# --------------------------------------------------------------------------


def _same_lines(order):
    return [
        {
            "product": line.product_id,
            **{
                name: getattr(line, name)
                for name in ("description", "series", "colour", "spec", "size", "unit")
            },
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
        }
        for line in order.lines.order_by("position")
    ]


def test_an_amendment_with_unchanged_lines_carries_the_produced_quantity_over(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION, quantities=(1800, 1200))
    old = order.production_orders.get()  # 3,000 pieces, MONDAY .. MONDAY+20
    report(cast, old, MONDAY + days(8), 1375)

    with on(MONDAY + days(10), 10):
        # The lines stay; the customer adds 500 of a free-text line.
        order_services.order_amend(
            actor=cast.merchandiser,
            order_id=order.pk,
            lines=[
                *_same_lines(order),
                {"description": "tote bag", "quantity": 500, "unit_price": "3.00"},
            ],
            confirmation_method="signed_order",
            reason="customer added bags",
        )

    new = order.production_orders.get(status=ProductionOrder.Status.ISSUED)
    assert (new.quantity, new.carried_quantity) == (3500, 1375)
    assert selectors.produced_quantity(new) == 1375
    assert new.planned_start == MONDAY + days(11)  # re-based: from tomorrow
    assert selectors.planned_cumulative(new, MONDAY + days(10)) == 1375
    # Not behind plan at once: the morning sweeps after the amendment raise nothing.
    assert sweep_on(MONDAY + days(11), R.PRODUCTION_BEHIND_PLAN) == []
    assert sweep_on(MONDAY + days(12), R.PRODUCTION_BEHIND_PLAN) != []  # no output since
    # Shown on its page, counted in its progress.
    with on(MONDAY + days(11)):
        html = (
            client_for(cast.production)
            .get(reverse("production:detail", args=[new.pk]))
            .content.decode()
        )
    assert 'id="po-carried">1,375' in html
    assert "已生产 1,375 / 3,500" in html


def test_an_amendment_that_changes_every_line_carries_nothing(cast):
    order = backdate(order_in_status(cast, S.IN_PRODUCTION))
    old = order.production_orders.get()
    _file(cast, old, ("packing", 400))
    order_services.order_amend(
        actor=cast.merchandiser,
        order_id=order.pk,
        lines=[{"description": "another style", "quantity": 900, "unit_price": "9.00"}],
        confirmation_method="signed_order",
    )
    new = order.production_orders.get(status=ProductionOrder.Status.ISSUED)
    assert (new.carried_quantity, new.planned_start) == (0, old.planned_start)


# --------------------------------------------------------------------------
# The deposit ratio is a percentage on every form
# --------------------------------------------------------------------------


def _customer_form(ratio):
    return CustomerForm(
        data={
            "code": "C-PCT",
            "name": "Percent GmbH",
            "default_deposit_ratio": ratio,
            "payment_terms_days": "7",
        }
    )


def test_the_customer_form_takes_the_deposit_ratio_as_a_percentage(cast):
    form = _customer_form("30")
    assert form.is_valid(), form.errors
    customer = form.submit(actor=cast.merchandiser)
    assert customer.default_deposit_ratio == Decimal("0.3000")
    # Shown as it was typed.
    edit = CustomerForm(instance=Customer.objects.get(pk=customer.pk))
    assert 'value="30.00"' in str(edit["default_deposit_ratio"])
    assert "(%)" in str(edit["default_deposit_ratio"].label)


@pytest.mark.parametrize("ratio", ["130", "-1", "12.345", "thirty"])
def test_a_deposit_ratio_outside_0_to_100_percent_is_refused_clearly(cast, ratio):
    before = Customer.objects.count()
    response = client_for(cast.merchandiser).post(
        reverse("orders:customer_create"),
        {
            "code": "C-PCT",
            "name": "Percent",
            "default_deposit_ratio": ratio,
            "payment_terms_days": "7",
        },
    )
    assert response.status_code == 200
    assert "请输入 0 到 100 之间的百分比" in response.content.decode()
    assert Customer.objects.count() == before


def test_the_order_form_shows_and_takes_the_same_percentage(cast):
    order = order_in_status(cast, S.DRAFT)
    html = client_for(cast.merchandiser).get(reverse("orders:edit", args=[order.pk])).content
    assert b'name="deposit_ratio" value="30.00"' in html


def test_stage_dates_are_unchanged_by_a_date_outside_the_window(cast, production_order):
    # A date long before the order: refused on the page as in the service.
    prefix = f"po{production_order.pk}"
    before = snapshot()
    day = production_order.planned_start - dt.timedelta(days=30)
    response = client_for(cast.production).post(
        reverse("production:quick_entry"),
        {
            "date": day.isoformat(),
            f"{prefix}-stage": stage("cutting").pk,
            f"{prefix}-good_quantity": "5",
        },
    )
    assert response.status_code == 200
    assert "日报日期不能早于生产单的开始日期" in response.content.decode()
    assert snapshot() == before
