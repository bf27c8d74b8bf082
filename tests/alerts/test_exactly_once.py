"""Each rule keeps at most one open alert per (rule, object): a re-run, a retried task
or two sweeps at the same moment add nothing. And a sweep's number of queries does not
depend on how many cases it finds."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from alerts import services, tasks
from alerts.models import Alert, AlertRecipient
from alerts.rules import RULES
from tests.alerts.world import DAY, EXTRA_RECIPIENTS, cases
from tests.test_races import run_together

ALL_RULES = sorted(RULES)


def _keys():
    return Counter(Alert.objects.values_list("rule", "day", "content_type", "object_id"))


def test_running_every_sweep_twice_leaves_one_alert_per_rule_object_and_day(
    cast, queued, django_capture_on_commit_callbacks
):
    expected = {rule: cases(rule, cast, 3) for rule in ALL_RULES}

    with django_capture_on_commit_callbacks(execute=True):
        first = {rule: services.alert_sweep(rule=rule, today=DAY) for rule in ALL_RULES}
    keys, inboxes = _keys(), AlertRecipient.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        second = {rule: services.alert_sweep(rule=rule, today=DAY) for rule in ALL_RULES}

    for rule in ALL_RULES:
        objects = set(Alert.objects.filter(rule=rule).values_list("object_id", flat=True))
        assert objects >= set(expected[rule]), rule
        assert len(first[rule]) == len(objects), rule
        assert second[rule] == [], rule
    assert set(keys.values()) == {1}
    assert _keys() == keys
    assert AlertRecipient.objects.count() == inboxes
    # The e-mails of the first run only.
    assert sorted(queued) == sorted(i for ids in first.values() for i in ids)


@pytest.mark.parametrize("rule", ["production_behind_plan", "milestone_overdue"])
def test_a_sweep_finding_old_and_new_cases_puts_only_the_new_alerts_in_inboxes(cast, rule):
    cases(rule, cast, 3)
    first = services.alert_sweep(rule=rule, today=DAY)
    inboxes = Counter(AlertRecipient.objects.values_list("alert_id", flat=True))
    cases(rule, cast, 2)

    second = services.alert_sweep(rule=rule, today=DAY)

    per_alert = 1 + len(EXTRA_RECIPIENTS[rule])
    assert len(first) == 3 and len(second) == 2
    assert not set(first) & set(second)
    after = Counter(AlertRecipient.objects.values_list("alert_id", flat=True))
    # The alerts of the first run keep their inboxes; each new one gets its own.
    assert {pk: after[pk] for pk in first} == {pk: inboxes[pk] for pk in first}
    assert {pk: after[pk] for pk in second} == dict.fromkeys(second, per_alert)
    assert sum(after.values()) == sum(inboxes.values()) + 2 * per_alert


def test_a_retried_sweep_task_raises_nothing_new(cast):
    cases("delivery_overdue", cast, 2)
    assert tasks.alert_sweep_task.apply(args=["delivery_overdue"]).get() >= 2
    assert tasks.alert_sweep_task.apply(args=["delivery_overdue"]).get() == 0


def test_the_database_refuses_a_second_open_alert_for_the_same_rule_and_object(cast):
    (order_id,) = cases("delivery_overdue", cast, 1)
    (alert,) = Alert.objects.filter(pk__in=services.alert_sweep(rule="delivery_overdue", today=DAY))
    later = alert.day + dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            rule=alert.rule, day=later, content_type=alert.content_type, object_id=order_id
        )
    # Once it has ended, the condition may start again: a new alert.
    Alert.objects.filter(pk=alert.pk).update(resolved_on=later)
    Alert.objects.create(
        rule=alert.rule, day=later, content_type=alert.content_type, object_id=order_id
    )


@pytest.mark.parametrize("rule", ALL_RULES)
def test_the_query_count_of_a_sweep_is_the_same_for_10_and_1000_cases(cast, rule):
    cases(rule, cast, 10)
    # The subject's content type as a running process has it: cached (one query, once).
    ContentType.objects.get_for_model(RULES[rule].subject)
    with CaptureQueriesContext(connection) as ten:
        assert len(services.alert_sweep(rule=rule, today=DAY)) == 10
    Alert.objects.all().delete()
    cases(rule, cast, 990)
    with CaptureQueriesContext(connection) as thousand:
        alert_ids = services.alert_sweep(rule=rule, today=DAY)

    assert len(alert_ids) == 1000
    assert len(thousand) == len(ten), [q["sql"][:80] for q in thousand.captured_queries]
    # Settings, the working-day calendar (progress reports only), the cases into a
    # temporary table, UPDATE the open alerts that end and those seen again, INSERT
    # alerts and their recipients (one statement on PostgreSQL, two on SQLite), the
    # new alerts into the outbox, within a savepoint.
    assert len(ten) <= 14
    per_alert = 1 + len(EXTRA_RECIPIENTS[rule])
    assert AlertRecipient.objects.filter(alert_id__in=alert_ids).count() == 1000 * per_alert
    print(f"{rule}: {len(ten)} queries for 10 and for 1000 cases")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_of_a_rule_at_the_same_moment_raise_each_alert_once(cast):
    subjects = {rule: cases(rule, cast, 25) for rule in ALL_RULES}

    for rule in ALL_RULES:
        results, errors = run_together(
            lambda rule=rule: services.alert_sweep(rule=rule, today=DAY),
            lambda rule=rule: services.alert_sweep(rule=rule, today=DAY),
        )

        assert errors == [], rule
        created = results[0] + results[1]
        alerts = Alert.objects.filter(rule=rule, day=DAY)
        assert len(created) == len(set(created)) == alerts.count(), rule
        objects = Counter(alerts.values_list("object_id", flat=True))
        assert set(objects.values()) == {1} and set(subjects[rule]) <= set(objects), rule
        per_alert = 1 + len(EXTRA_RECIPIENTS[rule])
        inbox = AlertRecipient.objects.filter(alert__rule=rule, alert__object_id__in=subjects[rule])
        assert inbox.count() == 25 * per_alert, rule


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_every_sweep_at_once_twice_over_raises_each_alert_once(cast):
    for rule in ALL_RULES:
        cases(rule, cast, 5)
    calls = [
        (lambda rule=rule: services.alert_sweep(rule=rule, today=DAY)) for rule in ALL_RULES * 2
    ]

    results, errors = run_together(*calls)

    assert errors == []
    created = [i for ids in results for i in ids]
    assert len(created) == len(set(created)) == Alert.objects.count()
    assert set(_keys().values()) == {1}
