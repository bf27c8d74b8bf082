"""A request waiting longer than the approval settings allow alerts the approver's
supervisor, exactly once, through the alerts' sweep (``approval_overdue``)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, AlertRecipient, AlertRule
from conversation import services
from conversation.models import ApprovalRequest, ApprovalSettings
from gendan.models import User
from orders.states import OrderStatus as S
from tests.factories import UserFactory, order_in_status

RULE = AlertRule.APPROVAL_OVERDUE


def recipients() -> set[str]:
    return set(
        AlertRecipient.objects.filter(alert__rule=RULE).values_list("user__username", flat=True)
    )


def test_a_waiting_request_alerts_the_approvers_supervisor_once(cast):
    settings = ApprovalSettings.load()
    settings.overdue_hours = 4
    settings.save()
    chief = UserFactory(username="chief")
    settings.escalate_to.add(chief)
    order = order_in_status(cast, S.CONFIRMED)
    request = services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    now = timezone.now()
    with time_machine.travel(now + dt.timedelta(hours=3), tick=False):
        assert alert_services.alert_sweep(rule=RULE) == []
    with time_machine.travel(now + dt.timedelta(hours=5), tick=False):
        created = alert_services.alert_sweep(rule=RULE)
        assert len(created) == 1
        assert alert_services.alert_sweep(rule=RULE) == []
    # The next day, still waiting: no second alert.
    with time_machine.travel(now + dt.timedelta(days=1, hours=5), tick=False):
        assert alert_services.alert_sweep(rule=RULE) == []
    assert Alert.objects.filter(rule=RULE).count() == 1
    # The supervisors' own request goes to the one above them.
    assert recipients() == {"chief"}
    alert = Alert.objects.get(rule=RULE)
    assert alert.object_id == request.pk and "4" in alert.message
    services.request_approve(actor=cast.supervisor, request_id=request.pk)
    assert AlertRecipient.objects.get(alert=alert).acknowledged_at is not None


def test_a_finance_request_waiting_goes_to_the_supervisors(cast, settings):
    settings.GENDAN_WRITE_OFF_MAX = "50.00"
    order = order_in_status(cast, S.AWAITING_DEPOSIT)
    from tests.factories import pay

    deposit = order.payments.get(kind="deposit")
    pay(cast, order, "deposit", deposit.amount_due - 5)
    services.request_open(actor=cast.merchandiser, order_id=order.pk, kind="write_off", reason="r")
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        assert len(alert_services.alert_sweep(rule=RULE)) == 1
    assert recipients() == {"boss"}


def test_without_anyone_named_the_superusers_are_told(cast):
    admin = User.objects.create_superuser("root", "root@example.com", "x")
    order = order_in_status(cast, S.CONFIRMED)
    services.request_open(
        actor=cast.merchandiser, order_id=order.pk, kind="deposit_waiver", reason="r"
    )
    ApprovalRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    assert len(alert_services.alert_sweep(rule=RULE)) == 1
    assert recipients() == {admin.username}
