"""Reads of the alert inbox. A user sees the alerts they are a recipient of, no others."""

from __future__ import annotations

from django.db.models import F, FilteredRelation, Q, QuerySet

from gendan.models import User

from .models import Alert, AlertRecipient


def alert_list_for(
    user: User, *, unread: bool | None = None, acknowledged: bool | None = None
) -> QuerySet[Alert]:
    """The alerts in ``user``'s inbox, newest first, each annotated with the user's own
    ``read_at`` and ``acknowledged_at``; ``unread``/``acknowledged`` narrow it."""
    if user is None or not user.is_authenticated:
        return Alert.objects.none()
    alerts = (
        Alert.objects.annotate(
            mine=FilteredRelation("recipients", condition=Q(recipients__user=user))
        )
        .filter(mine__isnull=False)
        .annotate(read_at=F("mine__read_at"), acknowledged_at=F("mine__acknowledged_at"))
        .select_related("order")
        .order_by("-created_at", "-id")
    )
    if unread is not None:
        alerts = alerts.filter(mine__read_at__isnull=unread)
    if acknowledged is not None:
        alerts = alerts.filter(mine__acknowledged_at__isnull=not acknowledged)
    return alerts


def alert_get_for(user: User, alert_id: int) -> Alert | None:
    """One alert of ``user``'s inbox (None when it is not theirs)."""
    return alert_list_for(user).filter(pk=alert_id).first()


def alert_unread_count_for(user: User) -> int:
    """How many alerts in ``user``'s inbox are unread (for the page header)."""
    if user is None or not user.is_authenticated:
        return 0
    return AlertRecipient.objects.filter(user=user, read_at__isnull=True).count()
