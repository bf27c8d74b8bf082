"""Admin of the notifications: the outbox and the delivery log (view-only, with a
"redeliver" action), the ERP webhook subscriptions and the teams' group robots."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gendan.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from gendan.exceptions import ValidationFailed

from . import dispatch
from .models import (
    Delivery,
    DeliveryAttempt,
    GroupRobot,
    NotificationPreference,
    OutboxEvent,
    WebhookSubscription,
)
from .webhooks import check_url


class DeliveryInline(ReadOnlyTabularInline):
    model = Delivery
    fields = ("channel", "target", "status", "attempts", "next_attempt_at", "delivered_at")


class AttemptInline(ReadOnlyTabularInline):
    """The delivery log: one row per try."""

    model = DeliveryAttempt
    fields = ("at", "ok", "status_code", "error", "duration_ms")


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """The outbox: each domain event as written in its transaction, and its deliveries."""

    list_display = ("id", "topic", "subject_label", "title", "created_at", "fanned_out_at")
    list_filter = ("topic",)
    search_fields = ("subject_label", "title", "=event_id")
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: each target's state and tries; redeliver with the same id."""

    list_display = ("id", "delivery_id", "channel", "target", "event", "status", "attempts")
    list_filter = ("status", "channel")
    search_fields = ("=delivery_id", "event__topic")
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.action(description=_("重新投递所选通知"), permissions=["view"])
    def redeliver(self, request, queryset) -> None:
        count = dispatch.redeliver(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("已重新排队 %(n)d 条投递。", "已重新排队 %(n)d 条投递。", count)
            % {"n": count},
            messages.SUCCESS,
        )


class UrlCheckedAdmin(admin.ModelAdmin):
    """Saving checks the URL field ``url_field`` as the API does."""

    url_field = "url"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        name = self.url_field

        def clean_url(self_form):
            try:
                return check_url(self_form.cleaned_data.get(name), field=name)
            except ValidationFailed as exc:
                raise ValidationError(list(exc.fields.get(name, [])) or str(exc)) from None

        setattr(form, f"clean_{name}", clean_url)
        return form


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(UrlCheckedAdmin):
    list_display = ("id", "client", "url", "event_types", "is_active", "updated_at")
    list_filter = ("is_active", "client")
    readonly_fields = ("created_at", "updated_at")


@admin.register(GroupRobot)
class GroupRobotAdmin(UrlCheckedAdmin):
    url_field = "webhook_url"
    list_display = ("name", "platform", "event_types", "is_active")
    list_filter = ("platform", "is_active")
    filter_horizontal = ("members",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email")
    list_filter = ("email",)
    autocomplete_fields = ("user",)
