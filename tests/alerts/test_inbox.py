"""The in-app inbox: a user sees the alerts sent to them, reads and acknowledges them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from alerts import selectors, services
from alerts.models import AlertRecipient, AlertRule
from gendan.exceptions import NotFound, PermissionDenied
from orders.states import OrderStatus as S
from tests.alerts.helpers import MONDAY, days, on, sweep_on
from tests.factories import order_in_status

R = AlertRule


@pytest.fixture
def alert(cast):
    """A delivery_overdue alert: in the inboxes of merch (owner) and boss (supervisor)."""
    with on(MONDAY):
        order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    (alert,) = sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)
    return alert


def test_a_user_sees_the_alerts_sent_to_them_and_no_others(cast, alert):
    assert [a.pk for a in selectors.alert_list_for(cast.merchandiser)] == [alert.pk]
    assert [a.pk for a in selectors.alert_list_for(cast.supervisor)] == [alert.pk]
    for user in (cast.finance, cast.production, cast.other_merchandiser, AnonymousUser()):
        assert not selectors.alert_list_for(user).exists()
        assert selectors.alert_unread_count_for(user) == 0
        assert selectors.alert_get_for(user, alert.pk) is None
    (mine,) = selectors.alert_list_for(cast.merchandiser)
    assert mine.read_at is None and mine.acknowledged_at is None
    assert selectors.alert_unread_count_for(cast.merchandiser) == 1


def test_the_inbox_reads_in_one_query_however_many_alerts(cast, django_assert_num_queries):
    with on(MONDAY):
        for _ in range(3):
            order_in_status(cast, S.CONFIRMED, days_to_delivery=3)
    sweep_on(MONDAY + days(4), R.DELIVERY_OVERDUE)
    with django_assert_num_queries(1):
        rows = [
            (a.order.number, a.message, a.read_at)
            for a in selectors.alert_list_for(cast.supervisor)
        ]
    assert len(rows) == 3


def test_acknowledging_marks_the_alert_read_and_acknowledged_for_that_user_only(cast, alert):
    with on(MONDAY + days(5), hour=9):
        recipient = services.alert_acknowledge(actor=cast.merchandiser, alert_id=alert.pk)
    first = recipient.acknowledged_at
    assert first is not None and recipient.read_at == first

    # Again, later: nothing changes.
    with on(MONDAY + days(6), hour=9):
        again = services.alert_acknowledge(actor=cast.merchandiser, alert_id=alert.pk)
    assert again.acknowledged_at == first
    assert AlertRecipient.objects.get(pk=recipient.pk).acknowledged_at == first

    (mine,) = selectors.alert_list_for(cast.merchandiser, acknowledged=True)
    assert mine.acknowledged_at == first
    assert not selectors.alert_list_for(cast.merchandiser, unread=True).exists()
    assert selectors.alert_unread_count_for(cast.merchandiser) == 0
    # The supervisor's copy is untouched.
    (theirs,) = selectors.alert_list_for(cast.supervisor, acknowledged=False)
    assert theirs.read_at is None and theirs.acknowledged_at is None


def test_only_a_recipient_may_acknowledge(cast, alert):
    before = list(AlertRecipient.objects.values_list("read_at", "acknowledged_at"))
    for user in (cast.finance, cast.other_merchandiser):
        with pytest.raises(NotFound):
            services.alert_acknowledge(actor=user, alert_id=alert.pk)
    with pytest.raises(NotFound):  # no such alert: the same answer
        services.alert_acknowledge(actor=cast.merchandiser, alert_id=alert.pk + 1000)
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=AnonymousUser(), alert_id=alert.pk)
    cast.merchandiser.is_active = False
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=cast.merchandiser, alert_id=alert.pk)
    assert list(AlertRecipient.objects.values_list("read_at", "acknowledged_at")) == before


def test_reading_marks_read_once(cast, alert):
    with on(MONDAY + days(5)):
        first = services.alert_mark_read(actor=cast.supervisor, alert_id=alert.pk).read_at
    with on(MONDAY + days(6)):
        assert services.alert_mark_read(actor=cast.supervisor, alert_id=alert.pk).read_at == first
    assert selectors.alert_unread_count_for(cast.supervisor) == 0
    assert selectors.alert_unread_count_for(cast.merchandiser) == 1
    with pytest.raises(NotFound):
        services.alert_mark_read(actor=cast.finance, alert_id=alert.pk)
