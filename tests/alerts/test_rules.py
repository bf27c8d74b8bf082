"""The alert rules of product.md §4, each on a frozen clock: it fires on its boundary day,
not the day before, not for cancelled or shipped orders, and to the right people.

Cast: merch (owner), boss (supervisor), finance, pmc (production).
"""

from decimal import Decimal

import pytest

from alerts.models import SWEPT_RULES, Alert, AlertRule
from gendan.models import Holiday
from orders import services as order_services
from orders.models import PaymentKind
from orders.states import OrderStatus as S
from production import selectors
from production import services as production_services
from tests.alerts.helpers import MONDAY, days, on, recipients, report, sweep_on
from tests.alerts.world import PLAN_RULES
from tests.factories import UserFactory, open_payment, order_in_status, pay, ship_all

R = AlertRule


# --------------------------------------------------------------------------
# delivery_due_soon, delivery_overdue
# --------------------------------------------------------------------------


@pytest.mark.parametrize("days_left", [7, 3, 1])
def test_delivery_due_soon_fires_7_3_and_1_days_before_the_contract_date_to_the_owner(
    cast, days_left
):
    with on(MONDAY):
        order = order_in_status(cast, S.CONFIRMED, days_to_delivery=10)
    due = order.contract_delivery_date

    assert sweep_on(due - days(days_left + 1), R.DELIVERY_DUE_SOON) == []
    (alert,) = sweep_on(due - days(days_left), R.DELIVERY_DUE_SOON)

    assert (alert.subject, alert.order, alert.day) == (order, order, due - days(days_left))
    assert alert.data["days_left"] == days_left
    assert alert.data["contract_delivery_date"] == due.isoformat()
    assert not alert.escalated
    assert recipients(alert) == {"merch"}
    assert order.number in alert.message and str(days_left) in alert.message


def test_delivery_due_soon_tells_the_supervisors_too_when_production_is_behind_plan(cast):
    with on(MONDAY):
        behind = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=30)
        on_plan = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=30)
    # Planned MONDAY .. MONDAY+20; on_plan packs everything on day 2, behind nothing.
    report(cast, on_plan.production_orders.get(), MONDAY + days(1), 1000)

    alerts = {a.order: a for a in sweep_on(MONDAY + days(23), R.DELIVERY_DUE_SOON)}

    assert set(alerts) == {behind, on_plan}
    assert alerts[behind].escalated
    assert recipients(alerts[behind]) == {"merch", "boss"}
    assert not alerts[on_plan].escalated
    assert recipients(alerts[on_plan]) == {"merch"}


def test_delivery_overdue_fires_once_while_overdue_to_owner_and_supervisor(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.AWAITING_DEPOSIT, days_to_delivery=5)
    due = order.contract_delivery_date

    assert sweep_on(due, R.DELIVERY_OVERDUE) == []
    (first,) = sweep_on(due + days(1), R.DELIVERY_OVERDUE)
    # One alert while the condition lasts: the next days' sweeps see it again.
    assert sweep_on(due + days(2), R.DELIVERY_OVERDUE) == []

    assert (first.order, first.data["days_overdue"]) == (order, 1)
    assert recipients(first) == {"merch", "boss"}
    first.refresh_from_db()
    assert (first.last_seen_on, first.resolved_on) == (due + days(2), None)


def test_a_partially_shipped_order_is_still_overdue_and_due_soon(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.PARTIALLY_SHIPPED, days_to_delivery=10)
    due = order.contract_delivery_date

    assert [a.order for a in sweep_on(due - days(3), R.DELIVERY_DUE_SOON)] == [order]
    assert [a.order for a in sweep_on(due + days(1), R.DELIVERY_OVERDUE)] == [order]


@pytest.mark.parametrize("status", [S.DRAFT, S.SHIPPED, S.DELIVERED, S.CLOSED, S.CANCELLED])
def test_delivery_alerts_leave_out_drafts_and_shipped_delivered_closed_or_cancelled_orders(
    cast, status
):
    with on(MONDAY):
        order = order_in_status(cast, status, days_to_delivery=10)
    due = order.contract_delivery_date

    assert sweep_on(due - days(3), R.DELIVERY_DUE_SOON) == []
    assert sweep_on(due + days(1), R.DELIVERY_OVERDUE) == []


def test_the_recipients_are_the_owner_and_every_active_user_of_the_role_each_once(cast):
    second_boss = UserFactory(username="boss2", roles=["supervisor"])
    UserFactory(username="retired", roles=["supervisor"], is_active=False)
    # A merchandiser who is a supervisor too is told once about the order they own.
    lead = UserFactory(username="lead", roles=["merchandiser", "supervisor"])
    with on(MONDAY):
        merch_order = order_in_status(cast, S.CONFIRMED, days_to_delivery=5)
        lead_order = order_in_status(cast, S.CONFIRMED, days_to_delivery=5, owner=lead)

    alerts = {a.order: a for a in sweep_on(MONDAY + days(6), R.DELIVERY_OVERDUE)}

    assert recipients(alerts[merch_order]) == {"merch", "boss", "boss2", "lead"}
    assert recipients(alerts[lead_order]) == {"lead", "boss", second_boss.username}
    assert alerts[lead_order].recipients.count() == 3


# --------------------------------------------------------------------------
# production_behind_plan
# --------------------------------------------------------------------------


def test_production_behind_plan_fires_when_output_is_more_than_10_percent_short(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()  # 1000 pieces, MONDAY .. MONDAY+20
    report(cast, production_order, MONDAY, 200)
    # The plan curve passes 200 / 0.9 between these two days.
    assert selectors.planned_cumulative(production_order, MONDAY + days(3)) == 190
    assert selectors.planned_cumulative(production_order, MONDAY + days(4)) == 238

    # Each morning's sweep judges the day before (the last whole day of reports).
    assert sweep_on(MONDAY + days(4), R.PRODUCTION_BEHIND_PLAN) == []
    (alert,) = sweep_on(MONDAY + days(5), R.PRODUCTION_BEHIND_PLAN)

    assert (alert.subject, alert.order) == (production_order, order)
    assert alert.data["planned"] == 238
    assert alert.data["produced"] == 200
    assert alert.data["as_of"] == (MONDAY + days(4)).isoformat()
    assert recipients(alert) == {"merch", "pmc"}
    assert "16%" in alert.message


def test_exactly_10_percent_short_is_not_behind_plan(cast):
    with on(MONDAY):
        exactly = order_in_status(cast, S.IN_PRODUCTION)
        more = order_in_status(cast, S.IN_PRODUCTION)
    report(cast, exactly.production_orders.get(), MONDAY, 900)
    report(cast, more.production_orders.get(), MONDAY, 899)

    # As of the planned finish the plan is the whole 1000.
    alerts = sweep_on(MONDAY + days(21), R.PRODUCTION_BEHIND_PLAN)

    assert [a.order for a in alerts] == [more]


def test_only_output_stages_count_as_produced(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    report(cast, production_order, MONDAY, 1000, stage_code="sewing")

    assert [a.order for a in sweep_on(MONDAY + days(5), R.PRODUCTION_BEHIND_PLAN)] == [order]


@pytest.mark.parametrize(
    "rule", [R.PRODUCTION_BEHIND_PLAN, R.DELIVERY_AT_RISK, R.PROGRESS_REPORT_MISSING]
)
def test_production_alerts_leave_out_cancelled_and_completed_production(cast, rule):
    with on(MONDAY):
        # Planned finish MONDAY+20, delivery MONDAY+22: the plan leaves 2 of 3 days to pack.
        running = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=22)
        cancelled = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=22)
        order_services.order_cancel(actor=cast.supervisor, order_id=cancelled.pk, reason="test")
        order_in_status(cast, S.PRODUCED, days_to_delivery=22)
        order_in_status(cast, S.SHIPPED, days_to_delivery=22)

    assert [a.order for a in sweep_on(MONDAY + days(9), rule)] == [running]


# --------------------------------------------------------------------------
# delivery_at_risk
# --------------------------------------------------------------------------


@pytest.fixture
def tight(cast):
    """An order whose plan finishes exactly the lead time (3 days) before delivery."""
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=23)
    production_order = order.production_orders.get()
    assert production_order.planned_finish + days(3) == order.contract_delivery_date
    return order, production_order


def test_a_pace_that_finishes_5_days_late_is_flagged_with_its_projected_date(cast, tight):
    order, production_order = tight
    for i in range(7):
        report(cast, production_order, MONDAY + days(i), 39)

    (alert,) = sweep_on(MONDAY + days(7), R.DELIVERY_AT_RISK)

    # 273 packed in 7 days, 727 to go at 39 a day: 19 more days after the last report.
    projected = production_order.planned_finish + days(5)
    assert projected == MONDAY + days(6 + 19)
    assert (alert.subject, alert.order) == (production_order, order)
    assert alert.data["projected_date"] == projected.isoformat()
    assert alert.data["days_late"] == 5
    assert alert.data["window_start"] == MONDAY.isoformat()
    assert alert.data["window_end"] == (MONDAY + days(6)).isoformat()
    assert (alert.data["window_quantity"], alert.data["remaining"]) == (273, 727)
    assert recipients(alert) == {"merch", "boss"}
    assert projected.strftime("%Y-%m-%d") in alert.message


def test_a_pace_that_finishes_on_time_is_not_flagged(cast, tight):
    _, production_order = tight
    for i in range(7):
        report(cast, production_order, MONDAY + days(i), 50)

    # 650 to go at 50 a day: done MONDAY+19, packed by MONDAY+22, before MONDAY+23.
    assert sweep_on(MONDAY + days(7), R.DELIVERY_AT_RISK) == []


def test_with_fewer_than_2_reported_days_the_plan_stands_and_nothing_is_flagged(cast, tight):
    _, production_order = tight
    report(cast, production_order, MONDAY, 1)  # one dismal day is no evidence yet

    assert sweep_on(MONDAY + days(1), R.DELIVERY_AT_RISK) == []
    # The second dismal day is: at 1 a day the rest takes years.
    report(cast, production_order, MONDAY + days(1), 1)
    (alert,) = sweep_on(MONDAY + days(2), R.DELIVERY_AT_RISK)
    assert alert.data["days_late"] > 900
    assert alert.data["projected_date"] == (MONDAY + days(1 + 998)).isoformat()


def test_a_standstill_projects_no_later_than_ten_years_out(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION, quantities=(5_000_000,))
    production_order = order.production_orders.get()
    report(cast, production_order, MONDAY, 1)
    report(cast, production_order, MONDAY + days(30), 1)

    (alert,) = sweep_on(MONDAY + days(31), R.DELIVERY_AT_RISK)

    assert alert.data["projected_date"] == (MONDAY + days(30 + 3650)).isoformat()
    assert "2036" in alert.message


def test_a_plan_that_leaves_too_little_time_to_pack_is_flagged_on_the_plan(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=22)
    production_order = order.production_orders.get()

    (alert,) = sweep_on(MONDAY + days(1), R.DELIVERY_AT_RISK)

    assert alert.data["projected_date"] == production_order.planned_finish.isoformat()
    assert alert.data["days_late"] == 1
    assert alert.data["window_start"] is None
    assert "计划" in alert.message


def test_the_run_rate_is_that_of_the_last_7_reported_days(cast, tight):
    _, production_order = tight
    for i in range(3):
        report(cast, production_order, MONDAY + days(i), 1)  # a slow start ...
    for i in range(3, 10):
        report(cast, production_order, MONDAY + days(i), 60)  # ... then 60 a day

    # Over all 10 days (42.3 a day) the rest would take 14 days: flagged. Over the last 7
    # (60 a day) it takes 10: done MONDAY+19, in time.
    assert sweep_on(MONDAY + days(10), R.DELIVERY_AT_RISK) == []


def test_no_risk_warning_once_the_contract_date_has_passed(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION, days_to_delivery=22)
    due = order.contract_delivery_date

    assert sweep_on(due, R.DELIVERY_AT_RISK) != []
    assert sweep_on(due + days(1), R.DELIVERY_AT_RISK) == []  # delivery_overdue tells now


# --------------------------------------------------------------------------
# progress_report_missing (working days)
# --------------------------------------------------------------------------


def test_progress_report_missing_fires_after_more_than_1_working_day_without_a_report(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    report(cast, production_order, MONDAY, 10, stage_code="cutting")  # any stage is a report

    assert sweep_on(MONDAY + days(1), R.PROGRESS_REPORT_MISSING) == []  # Tuesday
    (alert,) = sweep_on(MONDAY + days(2), R.PROGRESS_REPORT_MISSING)  # Wednesday

    assert (alert.subject, alert.order) == (production_order, order)
    assert alert.data["last_report_date"] == MONDAY.isoformat()
    assert alert.data["working_days"] == 1
    assert recipients(alert) == {"merch", "pmc"}


def test_weekends_and_holidays_are_not_working_days_for_progress_reports(cast):
    friday = MONDAY + days(4)
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION)
    production_order = order.production_orders.get()
    Holiday.objects.create(date=friday + days(3), name="测试假日")  # the next Monday
    report(cast, production_order, friday, 10)

    for day in range(1, 5):  # Saturday, Sunday, the holiday Monday, Tuesday
        assert sweep_on(friday + days(day), R.PROGRESS_REPORT_MISSING) == [], day
    (alert,) = sweep_on(friday + days(5), R.PROGRESS_REPORT_MISSING)  # Wednesday
    assert alert.data["last_report_date"] == friday.isoformat()


def test_before_the_first_report_the_clock_starts_at_the_planned_start(cast):
    with on(MONDAY):
        started = order_in_status(cast, S.IN_PRODUCTION)
        later = order_in_status(cast, S.DEPOSIT_PAID)
        production_services.production_order_issue(
            actor=cast.merchandiser,
            order_id=later.pk,
            factory="W2",
            planned_start=MONDAY + days(7),
            planned_finish=MONDAY + days(20),
        )

    assert sweep_on(MONDAY + days(1), R.PROGRESS_REPORT_MISSING) == []
    (alert,) = sweep_on(MONDAY + days(2), R.PROGRESS_REPORT_MISSING)
    assert alert.order == started
    assert alert.data["last_report_date"] is None
    # The later one is due its first report on its planned start, the next Monday.
    alerts = sweep_on(MONDAY + days(9), R.PROGRESS_REPORT_MISSING)
    # The first one's alert goes on (still no report): only the later one is new.
    assert {a.order for a in alerts} == {later}
    alert.refresh_from_db()
    assert (alert.last_seen_on, alert.resolved_on) == (MONDAY + days(9), None)


# --------------------------------------------------------------------------
# deposit_overdue, balance_overdue
# --------------------------------------------------------------------------


def test_deposit_overdue_fires_7_days_after_the_request_to_owner_and_finance(cast):
    with on(MONDAY, hour=17):
        order = order_in_status(cast, S.AWAITING_DEPOSIT)
    payment = open_payment(order, PaymentKind.DEPOSIT)

    assert sweep_on(MONDAY + days(6), R.DEPOSIT_OVERDUE) == []
    # At 08:00, earlier in the day than the request was made: days are local dates.
    (alert,) = sweep_on(MONDAY + days(7), R.DEPOSIT_OVERDUE)

    assert (alert.subject, alert.order) == (payment, order)
    assert alert.data["days_since_request"] == 7
    assert alert.data["amount_due"] == payment.amount_due
    assert recipients(alert) == {"merch", "finance"}
    # The amount with its currency and thousands separators (issue 17): "CNY 3,000.00".
    assert f"{order.currency} {payment.amount_due:,}" in alert.message


def test_days_since_a_request_are_counted_in_local_dates(cast):
    # 00:30 in Shanghai is still the previous day in UTC.
    with on(MONDAY + days(1), hour=0):
        order = order_in_status(cast, S.AWAITING_DEPOSIT)

    assert sweep_on(MONDAY + days(7), R.DEPOSIT_OVERDUE) == []
    assert [a.order for a in sweep_on(MONDAY + days(8), R.DEPOSIT_OVERDUE)] == [order]


def test_a_partly_paid_deposit_still_alerts_and_a_paid_or_voided_one_does_not(cast):
    with on(MONDAY):
        partly = order_in_status(cast, S.AWAITING_DEPOSIT)
        pay(cast, partly, PaymentKind.DEPOSIT, amount=Decimal("100.00"))
        order_in_status(cast, S.DEPOSIT_PAID)
        cancelled = order_in_status(cast, S.AWAITING_DEPOSIT)
        order_services.order_cancel(actor=cast.merchandiser, order_id=cancelled.pk, reason="x")
        waived = order_in_status(cast, S.AWAITING_DEPOSIT)
        order_services.order_waive_deposit(actor=cast.supervisor, order_id=waived.pk, reason="y")

    (alert,) = sweep_on(MONDAY + days(7), R.DEPOSIT_OVERDUE)
    assert alert.order == partly
    assert alert.data["amount_received"] == Decimal("100.00")


def test_balance_overdue_fires_after_the_payment_terms_and_escalates_after_14_days(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.AWAITING_BALANCE)  # the customer pays within 7 days
    payment = open_payment(order, PaymentKind.BALANCE)
    assert payment.due_date == MONDAY + days(7)

    assert sweep_on(payment.due_date, R.BALANCE_OVERDUE) == []
    (first,) = sweep_on(payment.due_date + days(1), R.BALANCE_OVERDUE)
    assert sweep_on(payment.due_date + days(13), R.BALANCE_OVERDUE) == []  # still the first
    # It escalates: a new alert, to the supervisor too; the first one ends.
    (day_14,) = sweep_on(payment.due_date + days(14), R.BALANCE_OVERDUE)

    assert (first.subject, first.data["days_overdue"], first.escalated) == (payment, 1, False)
    assert recipients(first) == {"merch", "finance"}
    first.refresh_from_db()
    assert first.resolved_on == payment.due_date + days(14)
    assert day_14.escalated and day_14.data["days_overdue"] == 14
    assert recipients(day_14) == {"merch", "finance", "boss"}


def test_a_balance_released_on_credit_keeps_alerting_after_shipment_until_paid(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.AWAITING_BALANCE)
        order_services.order_release_on_credit(
            actor=cast.supervisor, order_id=order.pk, reason="good customer"
        )
        ship_all(cast, order)
        order.refresh_from_db()
        assert order.status == S.SHIPPED
        paid = order_in_status(cast, S.AWAITING_BALANCE)
        pay(cast, paid, PaymentKind.BALANCE)
        cancelled = order_in_status(cast, S.AWAITING_BALANCE)
        order_services.order_cancel(actor=cast.supervisor, order_id=cancelled.pk, reason="x")

    assert [a.order for a in sweep_on(MONDAY + days(8), R.BALANCE_OVERDUE)] == [order]


def test_a_sweep_on_a_day_with_nothing_to_say_writes_nothing(cast):
    with on(MONDAY):
        order_in_status(cast, S.CONFIRMED, days_to_delivery=30)
    # assessment_due follows the KPI month, not orders (tests/alerts/test_assessment_due.py);
    # the order's T&A plan, confirmed with 30 days to go, has milestones due at once
    # (tests/planning: a plan with nothing due says nothing).
    for rule in set(SWEPT_RULES) - {R.ASSESSMENT_DUE} - PLAN_RULES:
        assert sweep_on(MONDAY + days(1), rule) == [], rule
    assert not Alert.objects.exists()


def test_an_unknown_rule_is_refused(db):
    with pytest.raises(KeyError):
        sweep_on(MONDAY, "assessment_due_typo")
