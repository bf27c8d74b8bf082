"""Admin of customers and products (editable reference data) and of orders, payments,
approvals, revisions and the timeline (view-only: they change through ``orders.services``)."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from gendan import policy
from gendan.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyTabularInline
from gendan.exceptions import DomainError

from . import services
from .models import (
    APPROVAL_AND_CLOSING_FIELDS,
    LINE_FIELDS,
    PAYMENT_FIELDS,
    Approval,
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    OrderRevision,
    Payment,
    PaymentReceipt,
    Product,
)

# --------------------------------------------------------------------------
# Reference data: editable, saved through the services
# --------------------------------------------------------------------------


class ReferenceDataAdmin(admin.ModelAdmin):
    """Add and change through ``<entity>_create`` / ``<entity>_update``, so the admin
    applies the same policy and validation as the pages and the API.

    Adding or changing needs the Django model permission *and* the policy's
    ``<entity>.create`` / ``<entity>.update`` (superusers pass both).
    """

    entity: str  # "customer" or "product"
    readonly_fields = ("created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and policy.can(
            request.user, f"{self.entity}.create"
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and policy.can(
            request.user, f"{self.entity}.update", obj
        )

    def save_model(self, request, obj, form, change) -> None:
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = self.update(actor=request.user, pk=obj.pk, **changed)
        else:
            saved = self.create(actor=request.user, **form.cleaned_data)
        # The admin goes on with ``obj`` (log entry, redirect): give it the saved row's state.
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    def create(self, *, actor, **fields):
        # Looked up when called (``orders.services.customer_create``…), not bound once.
        return getattr(services, f"{self.entity}_create")(actor=actor, **fields)

    def update(self, *, actor, pk, **fields):
        update = getattr(services, f"{self.entity}_update")
        return update(actor=actor, **{f"{self.entity}_id": pk}, **fields)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # The form already validated what the model knows; a refusal of the service
            # (e.g. a concurrent duplicate code) is shown as a message, not a 500.
            self.message_user(request, str(exc.message), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Customer)
class CustomerAdmin(ReferenceDataAdmin):
    entity = "customer"
    list_display = (
        "code",
        "name",
        "country",
        "contact_name",
        "contact_phone",
        "default_deposit_ratio",
        "payment_terms_days",
        "owner",
        "is_active",
    )
    list_filter = ("is_active", "country", ("owner", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "contact_name", "contact_email", "contact_phone")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    fieldsets = (
        (None, {"fields": ("code", "name", "country", "owner", "is_active")}),
        (_("联系方式"), {"fields": ("contact_name", "contact_phone", "contact_email", "address")}),
        (_("付款条件"), {"fields": ("default_deposit_ratio", "payment_terms_days")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )


@admin.register(Product)
class ProductAdmin(ReferenceDataAdmin):
    entity = "product"
    list_display = ("item_number", "name", "series", "spec", "unit", "default_price", "is_active")
    list_filter = ("is_active", "unit", "series")
    search_fields = ("item_number", "name", "series", "spec")
    fieldsets = (
        (None, {"fields": ("item_number", "name", "series", "spec", "unit")}),
        (_("价格"), {"fields": ("default_price", "is_active")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )


# --------------------------------------------------------------------------
# Orders and their children: view-only
# --------------------------------------------------------------------------


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = LINE_FIELDS


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = (
        "kind",
        "status",
        "amount_due",
        "amount_received",
        "requested_at",
        "due_date",
        "received_on",
        "method",
        "reference",
        "confirmed_by",
    )


class ApprovalInline(ReadOnlyTabularInline):
    model = Approval
    fields = ("kind", "reason", "approved_by", "created_at")
    show_change_link = False


class OrderRevisionInline(ReadOnlyTabularInline):
    model = OrderRevision
    fields = (
        "revision",
        "total_amount",
        "confirmation_method",
        "confirmation_reference",
        "reason",
        "created_by",
        "created_at",
    )


class OrderEventInline(ReadOnlyTabularInline):
    model = OrderEvent
    fields = ("created_at", "type", "actor", "from_status", "to_status", "note")
    show_change_link = False


@admin.register(Order)
class OrderAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "number",
        "customer",
        "owner",
        "status",
        "contract_delivery_date",
        "currency",
        "total_amount",
        "amount_received",
        "updated_at",
    )
    list_filter = (
        "status",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "currency",
        "deposit_waived",
        "credit_released",
    )
    date_hierarchy = "contract_delivery_date"
    search_fields = (
        "number",
        "customer__name",
        "customer__code",
        "customer_po",
        "external_ref",
    )
    ordering = ("-id",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "status",
                    "revision",
                    "customer",
                    "owner",
                    "shared_with",
                    "customer_po",
                    "external_ref",
                    "client",
                )
            },
        ),
        (
            _("日期"),
            {"fields": ("order_date", "contract_delivery_date", "planned_ship_date")},
        ),
        (
            _("金额"),
            {
                "fields": (
                    "currency",
                    "total_quantity",
                    "total_amount",
                    "discount_amount",
                    "deposit_ratio",
                    "deposit_due",
                    "amount_received",
                    "balance_due",
                )
            },
        ),
        (
            _("确认"),
            {
                "fields": (
                    "confirmation_method",
                    "confirmation_reference",
                    "phone_confirmed",
                    "confirmed_at",
                )
            },
        ),
        (_("要求"), {"fields": ("quality_requirements", "packing_requirements")}),
        (
            _("主管批准与结案"),
            {"fields": APPROVAL_AND_CLOSING_FIELDS},
        ),
    )
    readonly_fields = ("balance_due",)
    inlines = (
        OrderLineInline,
        PaymentInline,
        ApprovalInline,
        OrderRevisionInline,
        OrderEventInline,
    )

    @admin.display(description=_("未收金额"))
    def balance_due(self, obj: Order):
        return obj.balance_due


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "order",
        "position",
        "product",
        "description",
        "colour",
        "size",
        "quantity",
        "unit_price",
        "amount",
    )
    search_fields = ("order__number", "description", "product__item_number", "product__name")


class PaymentReceiptInline(ReadOnlyTabularInline):
    model = PaymentReceipt
    fields = ("amount", "received_on", "method", "reference", "confirmed_by", "confirmed_at")
    select_related = ("payment__order",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "order",
        *PAYMENT_FIELDS,
        "received_on",
        "confirmed_by",
    )
    list_filter = ("kind", "status", "method")
    date_hierarchy = "due_date"
    search_fields = ("order__number", "order__customer__name", "reference")
    readonly_fields = ("outstanding",)
    inlines = (PaymentReceiptInline,)

    @admin.display(description=_("未收金额"))
    def outstanding(self, obj: Payment):
        return obj.outstanding


@admin.register(PaymentReceipt)
class PaymentReceiptAdmin(ReadOnlyHistoryAdmin):
    list_display = ("payment", *PaymentReceiptInline.fields)
    list_filter = ("method",)
    date_hierarchy = "received_on"
    search_fields = ("reference", "payment__order__number")
    list_select_related = ("payment__order",)


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("order", "kind", "approved_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("order__number", "reason")


@admin.register(OrderRevision)
class OrderRevisionAdmin(ReadOnlyAdmin):
    list_display = (
        "order",
        "revision",
        "total_amount",
        "confirmation_method",
        "created_by",
        "created_at",
    )
    list_filter = ("confirmation_method",)
    search_fields = ("order__number", "reason", "confirmation_reference")


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order", "type", "from_status", "to_status", "actor", "note")
    list_filter = ("type", "to_status")
    date_hierarchy = "created_at"
    search_fields = ("order__number", "note")
