"""Admin for alerts (view-only) and the alert thresholds (one editable row).

The sweep schedules are django-celery-beat's periodic tasks, in its own admin section.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gendan.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Alert, AlertRecipient, AlertSettings


class AlertRecipientInline(ReadOnlyTabularInline):
    model = AlertRecipient
    fields = ("user", "read_at", "acknowledged_at", "emailed_at")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Alerts are raised by the sweeps only; the admin shows them and who got them."""

    list_display = ("day", "rule", "order", "message", "escalated", "created_at")
    list_filter = ("rule", "escalated", "day")
    search_fields = ("order__number",)
    date_hierarchy = "day"
    fields = (
        "rule",
        "day",
        "order",
        "content_type",
        "object_id",
        "escalated",
        "message",
        "data",
        "created_at",
    )
    inlines = [AlertRecipientInline]

    @admin.display(description=_("内容"))
    def message(self, obj: Alert) -> str:
        return obj.message


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    """The one row of thresholds: changed here, never added twice or deleted."""

    list_display = (
        "__str__",
        "due_soon_days",
        "behind_plan_percent",
        "progress_missing_working_days",
        "deposit_overdue_days",
        "balance_escalation_days",
        "packing_shipping_lead_days",
        "run_rate_window_days",
        "send_email",
        "updated_at",
    )

    def has_add_permission(self, request) -> bool:
        return not AlertSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
