"""Admin for the conversation: the thread, attachments and requests are shown, never
changed here (their services write them); the approval settings are one editable row."""

from __future__ import annotations

from django.contrib import admin

from gendan.admin import ReadOnlyAdmin

from .models import ApprovalRequest, ApprovalSettings, Attachment, Note


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order", "kind", "author", "contact_person")
    list_filter = ("kind",)
    search_fields = ("order__number", "body", "contact_person")
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order", "category", "file_name", "file_size", "uploaded_by")
    list_filter = ("category",)
    search_fields = ("order__number", "file_name")
    exclude = ("file", "thumbnail")  # downloaded through the order page only


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order", "kind", "status", "requested_by", "decided_by")
    list_filter = ("kind", "status", "approver_role")
    search_fields = ("order__number", "reason")


@admin.register(ApprovalSettings)
class ApprovalSettingsAdmin(admin.ModelAdmin):
    """The one row (installed by the migration): changed here, never added or deleted."""

    list_display = ("__str__", "overdue_hours")
    filter_horizontal = ("escalate_to",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
