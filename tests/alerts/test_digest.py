"""Alerts people can read: one alert per (rule, object) while the condition lasts, and
a per-person daily digest of what came by role, grouped by rule, with links to the
filtered list."""

from __future__ import annotations

from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils.http import urlencode

from alerts import selectors, services
from alerts.models import Alert, AlertRecipient, AlertRule
from notify.models import EmailMode, NotificationPreference
from orders.states import OrderStatus as S
from planning.models import Plan
from tests.alerts.helpers import MONDAY, days, on, recipients, report, sweep_on
from tests.factories import order_in_status, ship_all

R = AlertRule


def test_an_alert_lasts_while_its_condition_does_and_a_new_one_comes_when_it_starts_again(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.CONFIRMED, days_to_delivery=10)
    due = order.contract_delivery_date

    (first,) = sweep_on(due - days(7), R.DELIVERY_DUE_SOON)
    assert sweep_on(due - days(6), R.DELIVERY_DUE_SOON) == []
    first.refresh_from_db()
    assert first.resolved_on == due - days(6)
    (again,) = sweep_on(due - days(3), R.DELIVERY_DUE_SOON)
    assert again.pk != first.pk and again.data["days_left"] == 3
    assert Alert.objects.filter(rule=R.DELIVERY_DUE_SOON, resolved_on=None).get() == again


def test_an_overdue_order_alerts_once_until_it_ships(cast):
    with on(MONDAY):
        order = order_in_status(cast, S.PAID, days_to_delivery=3)
    (alert,) = sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)
    for n in range(5, 9):
        assert sweep_on(MONDAY + days(n), R.DELIVERY_OVERDUE) == []
    alert.refresh_from_db()
    assert (alert.last_seen_on, alert.resolved_on) == (MONDAY + days(8), None)

    with on(MONDAY + days(8), hour=10):
        ship_all(cast, order)
    assert sweep_on(MONDAY + days(9), R.DELIVERY_OVERDUE) == []
    alert.refresh_from_db()
    assert alert.resolved_on == MONDAY + days(9)
    assert Alert.objects.filter(rule=R.DELIVERY_OVERDUE).count() == 1


def test_a_day_off_does_not_end_a_missing_report_alert(cast):
    with on(MONDAY):
        order_in_status(cast, S.IN_PRODUCTION)
    (alert,) = sweep_on(MONDAY + days(2), R.PROGRESS_REPORT_MISSING)
    assert sweep_on(MONDAY + days(5), R.PROGRESS_REPORT_MISSING) == []  # Saturday
    alert.refresh_from_db()
    assert alert.resolved_on is None and alert.last_seen_on == MONDAY + days(2)
    assert sweep_on(MONDAY + days(7), R.PROGRESS_REPORT_MISSING) == []  # Monday: still on
    alert.refresh_from_db()
    assert alert.resolved_on is None and alert.last_seen_on == MONDAY + days(7)


def overdue_orders(cast, n: int):
    with on(MONDAY):
        orders = [order_in_status(cast, S.CONFIRMED, days_to_delivery=3) for _ in range(n)]
    day = MONDAY + days(4)
    alerts = sweep_on(day, R.DELIVERY_OVERDUE)
    assert {a.order for a in alerts} == set(orders)
    return day, alerts


def test_role_recipients_get_one_digest_a_day_grouped_by_rule(cast):
    day, alerts = overdue_orders(cast, 3)
    boss, merch = cast.supervisor, cast.merchandiser
    assert all(recipients(a) == {"merch", "boss"} for a in alerts)
    # The owner is told of each; the supervisor's rows wait for the digest.
    assert selectors.alert_unread_count_for(merch) == 3
    assert selectors.alert_unread_count_for(boss) == 0
    assert AlertRecipient.objects.filter(user=boss, digest=True).count() == 3

    (digest,) = sweep_on(day, R.DAILY_DIGEST, hour=12)
    assert recipients(digest) == {"boss"}
    assert digest.data == {
        "day": day.isoformat(),
        "rules": [{"rule": "delivery_overdue", "count": 3, "escalated": 0}],
    }
    assert selectors.alert_unread_count_for(boss) == 1
    assert "交期已过 3 条" in digest.message
    # Again the same day: nothing new. The next day, nothing new came: no digest, and
    # yesterday's has ended.
    assert sweep_on(day, R.DAILY_DIGEST, hour=13) == []
    assert sweep_on(day + days(1), R.DELIVERY_OVERDUE) == []
    assert sweep_on(day + days(1), R.DAILY_DIGEST, hour=12) == []
    digest.refresh_from_db()
    assert digest.resolved_on == day + days(1)


def test_the_owner_reads_behind_plan_production_orders_in_the_digest_not_one_by_one(cast):
    """At a million orders thousands of production orders fall behind plan and catch up
    each day: production is told of each, the owner reads them in the digest."""
    with on(MONDAY):
        order = order_in_status(cast, S.IN_PRODUCTION)
    report(cast, order.production_orders.get(), MONDAY, 200)
    day = MONDAY + days(5)
    mail.outbox.clear()

    (alert,) = sweep_on(day, R.PRODUCTION_BEHIND_PLAN)
    assert recipients(alert) == {"merch", "pmc"}
    assert AlertRecipient.objects.get(alert=alert, user=cast.merchandiser).digest
    assert selectors.alert_unread_count_for(cast.merchandiser) == 0
    assert services.alert_email_send(alert_id=alert.pk) == 0  # nobody one by one
    assert mail.outbox == []

    digests = {frozenset(recipients(d)): d for d in sweep_on(day, R.DAILY_DIGEST, hour=12)}
    assert set(digests) == {frozenset({"merch"}), frozenset({"pmc"})}
    rules = digests[frozenset({"merch"})].data["rules"]
    assert rules == [{"rule": "production_behind_plan", "count": 1, "escalated": 0}]
    assert selectors.alert_unread_count_for(cast.merchandiser) == 1


def test_the_owner_reads_milestones_due_soon_in_the_digest_and_is_told_of_an_overdue_one(
    cast, client
):
    """A milestone due within its lead days is a heads-up (at a million orders tens of
    thousands a day): the owner reads them in the digest, with the link to the list.
    Once a milestone is overdue the owner is told of it directly."""
    with on(MONDAY):
        order = order_in_status(cast, S.CONFIRMED, days_to_delivery=120)
    lab_dip = Plan.objects.get(order=order).milestones.get(code="lab_dip")
    due = lab_dip.forecast_date
    mail.outbox.clear()

    soon = sweep_on(due, R.MILESTONE_DUE_SOON)
    assert lab_dip.pk in {a.object_id for a in soon}
    for alert in soon:
        assert recipients(alert) == {"merch"}
        assert AlertRecipient.objects.get(alert=alert, user=cast.merchandiser).digest
        assert services.alert_email_send(alert_id=alert.pk) == 0  # not one by one
    assert selectors.alert_unread_count_for(cast.merchandiser) == 0
    assert mail.outbox == []

    (digest,) = sweep_on(due, R.DAILY_DIGEST, hour=12)
    assert recipients(digest) == {"merch"}
    assert digest.data["rules"] == [
        {"rule": "milestone_due_soon", "count": len(soon), "escalated": 0}
    ]
    assert selectors.alert_unread_count_for(cast.merchandiser) == 1
    assert services.alert_email_send(alert_id=digest.pk) == 1
    link = f"{reverse('alerts')}?{urlencode({'rule': 'milestone_due_soon', 'day': due})}"
    assert link in mail.outbox[0].body
    client.force_login(cast.merchandiser)
    assert order.number in client.get(link).content.decode()

    late = sweep_on(due + days(1), R.MILESTONE_OVERDUE)
    (overdue,) = [a for a in late if a.object_id == lab_dip.pk]
    assert recipients(overdue) == {"merch", "boss"}
    assert not AlertRecipient.objects.get(alert=overdue, user=cast.merchandiser).digest
    assert AlertRecipient.objects.get(alert=overdue, user=cast.supervisor).digest
    assert selectors.alert_unread_count_for(cast.merchandiser) == 1 + len(late)
    mail.outbox.clear()
    assert services.alert_email_send(alert_id=overdue.pk) == 1
    assert [m.to for m in mail.outbox] == [[cast.merchandiser.email]]


def test_the_owner_reads_missing_daily_reports_in_the_digest(cast):
    """Production files the daily reports and is told of each missing one in its digest;
    so is the owner, not one by one (at a million orders, thousands a day)."""
    with on(MONDAY):
        order_in_status(cast, S.IN_PRODUCTION)
    day = MONDAY + days(2)

    (alert,) = sweep_on(day, R.PROGRESS_REPORT_MISSING)
    assert recipients(alert) == {"merch", "pmc"}
    assert all(alert.recipients.values_list("digest", flat=True))
    assert selectors.alert_unread_count_for(cast.merchandiser) == 0
    assert services.alert_email_send(alert_id=alert.pk) == 0

    digests = {frozenset(recipients(d)): d for d in sweep_on(day, R.DAILY_DIGEST, hour=12)}
    assert set(digests) == {frozenset({"merch"}), frozenset({"pmc"})}
    rules = digests[frozenset({"merch"})].data["rules"]
    assert rules == [{"rule": "progress_report_missing", "count": 1, "escalated": 0}]


def test_the_digest_links_to_the_filtered_list_of_the_day(cast, client):
    day, alerts = overdue_orders(cast, 3)
    with on(day, hour=12):
        services.alert_sweep(rule=R.DAILY_DIGEST)
    link = f"{reverse('alerts')}?{urlencode({'rule': 'delivery_overdue', 'day': day})}"

    client.force_login(cast.supervisor)
    inbox = client.get(reverse("alerts")).content.decode()
    assert link.replace("&", "&amp;") in inbox
    # The inbox by default shows what came to me directly: the digest, not its rows.
    assert all(a.order.number not in inbox for a in alerts)
    listed = client.get(link).content.decode()
    assert all(a.order.number in listed for a in alerts)

    client.force_login(cast.finance)
    assert all(a.order.number not in client.get(link).content.decode() for a in alerts)


def test_email_as_it_happens_or_as_a_digest_as_each_person_chose(cast, client):
    client.force_login(cast.merchandiser)
    page = client.get(reverse("alert_preferences"))
    assert page.status_code == 200
    response = client.post(reverse("alert_preferences"), {"email": EmailMode.DIGEST})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=cast.merchandiser).email == EmailMode.DIGEST

    day, alerts = overdue_orders(cast, 2)
    # Nobody is e-mailed one by one: the owner chose the digest, the supervisor has
    # them by role.
    assert [services.alert_email_send(alert_id=a.pk) for a in alerts] == [0, 0]

    digests = sweep_on(day, R.DAILY_DIGEST, hour=12)
    assert {u for d in digests for u in recipients(d)} == {"merch", "boss"}
    for digest in digests:
        assert services.alert_email_send(alert_id=digest.pk) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.merchandiser.email, cast.supervisor.email]
    )
    message = mail.outbox[0]
    assert "每日汇总" in message.subject
    assert "交期已过 2 条" in message.body
    assert f"{reverse('alerts')}?rule=delivery_overdue&day={day}" in message.body


def test_no_email_at_all_when_a_person_chose_none(cast):
    NotificationPreference.objects.create(user=cast.supervisor, email=EmailMode.OFF)
    day, _alerts = overdue_orders(cast, 1)
    (digest,) = sweep_on(day, R.DAILY_DIGEST, hour=12)
    assert services.alert_email_send(alert_id=digest.pk) == 0
    assert mail.outbox == []


def test_a_bogus_preference_is_refused_and_nothing_is_written(cast, client):
    client.force_login(cast.merchandiser)
    response = client.post(reverse("alert_preferences"), {"email": "sms\x00"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not NotificationPreference.objects.exists()


def test_the_unread_count_reads_only_the_rows_that_came_directly(cast):
    """Rows that came by role stay unread (the digest counts them): thousands a day for a
    production person at a million orders. The menu's count on every page reads by an
    index that leaves them out, instead of stepping over each of them."""
    with on(MONDAY):
        orders = [order_in_status(cast, S.CONFIRMED, days_to_delivery=1) for _ in range(3)]
    day = orders[0].contract_delivery_date + days(2)
    sweep_on(day, R.DELIVERY_OVERDUE)
    boss = cast.supervisor
    assert AlertRecipient.objects.filter(user=boss, digest=True, read_at=None).count() == 3
    assert selectors.alert_unread_count_for(boss) == 0
    assert selectors.alert_unread_count_for(cast.merchandiser) == 3
    if connection.vendor != "postgresql":
        return
    count = next(iter(selectors._unread_counts.values()))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # (a table of a few rows)
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {count.sql}", [boss.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "alert_inbox_unread_idx" in plan
    assert "Rows Removed by Filter" not in plan and "Heap Fetches: 3" not in plan
