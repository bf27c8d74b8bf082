"""The sweep schedules installed by migration, and the command that runs sweeps now."""

import json

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from alerts import tasks
from alerts.models import SWEPT_RULES, Alert, AlertRule, AlertSettings
from gendan.celery import app as celery_app
from orders.states import OrderStatus as S
from tests.alerts.helpers import MONDAY, days, on, sweep_on
from tests.factories import order_in_status


def test_the_migration_schedules_every_rule_daily_in_shanghai_time(db):
    scheduled = {}
    for task in PeriodicTask.objects.filter(name__startswith="alerts.").select_related("crontab"):
        assert task.task in celery_app.tasks, task.task
        assert task.enabled and task.crontab is not None
        assert str(task.crontab.timezone) == "Asia/Shanghai"
        if task.task == "gendan.tasks.alert_sweep_task":
            (rule,) = json.loads(task.args)
            scheduled[rule] = (task.crontab.hour, task.crontab.day_of_week)
    assert set(scheduled) == set(SWEPT_RULES)
    assert all(day_of_week == "*" for _, day_of_week in scheduled.values())
    pending = PeriodicTask.objects.get(name="alerts.email_pending")
    assert pending.task == "gendan.tasks.alert_email_queue_pending_task"
    assert pending.crontab.hour == "*"


def test_the_migration_installs_the_default_thresholds(db):
    config = AlertSettings.objects.get()
    assert config.due_soon_day_list == [7, 3, 1]
    assert (
        config.behind_plan_percent,
        config.progress_missing_working_days,
        config.deposit_overdue_days,
        config.balance_escalation_days,
        config.packing_shipping_lead_days,
        config.run_rate_window_days,
        config.send_email,
    ) == (10, 1, 7, 14, 3, 7, True)


def test_the_thresholds_are_read_from_the_database(cast):
    AlertSettings.objects.filter(pk=1).update(due_soon_days="5")
    with on(MONDAY):
        order = order_in_status(cast, S.CONFIRMED, days_to_delivery=10)
    assert sweep_on(MONDAY + days(3), AlertRule.DELIVERY_DUE_SOON) == []  # 7 days left
    assert [a.order for a in sweep_on(MONDAY + days(5), AlertRule.DELIVERY_DUE_SOON)] == [order]


def test_the_command_runs_sweeps_now_or_queues_them(cast, monkeypatch, capsys):
    with on(MONDAY):
        order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    with on(MONDAY + days(4)):
        call_command("alerts_sweep", "delivery_overdue")
        call_command("alerts_sweep")
    out = capsys.readouterr().out
    assert "delivery_overdue: 1 new alert(s)" in out
    assert "delivery_overdue: 0 new alert(s)" in out
    assert Alert.objects.count() == 1

    queued = []
    monkeypatch.setattr(tasks.alert_sweep_task, "delay", queued.append)
    call_command("alerts_sweep", "--queue", "balance_overdue", "deposit_overdue")
    assert queued == ["balance_overdue", "deposit_overdue"]
    with pytest.raises(CommandError):
        call_command("alerts_sweep", "nonsense")
