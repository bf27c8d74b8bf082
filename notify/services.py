"""People's notification preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gendan.exceptions import PermissionDenied, ValidationFailed
from gendan.models import User

from .models import EmailMode, NotificationPreference


def email_mode_of(user: User) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email if preference else EmailMode.IMMEDIATE


@transaction.atomic
def notification_preference_set(*, actor: User, email: str) -> NotificationPreference:
    """The actor chooses how alerts reach them by e-mail: as they happen, as a daily
    digest, or not at all (the inbox keeps them all)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(action="notification.preference")
    if email not in EmailMode.values:
        raise ValidationFailed(fields={"email": [_("请选择一种邮件提醒方式。")]})
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=actor, defaults={"email": email}
    )
    if preference.email != email:
        preference.email = email
        preference.save(update_fields=["email"])
    return preference
