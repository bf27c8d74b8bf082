"""Admin of samples: view-only (sample requests and production samples change through
``samples.services``)."""

from django.contrib import admin

from gendan.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import ProductionSample, PurchaseRequest, RetainedSample, SampleRequest


class PurchaseRequestInline(ReadOnlyTabularInline):
    model = PurchaseRequest
    fields = ("material", "quantity", "unit", "needed_by", "status", "requested_by")


class RetainedSampleInline(ReadOnlyTabularInline):
    model = RetainedSample
    fields = ("location", "quantity", "retained_on", "recorded_by")


@admin.register(SampleRequest)
class SampleRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "customer",
        "item_number",
        "status",
        "mould_status",
        "owner",
        "tracking_number",
        "order",
    )
    list_filter = ("status", "mould_status")
    search_fields = ("number", "item_number", "customer__name", "tracking_number")
    inlines = [PurchaseRequestInline, RetainedSampleInline]


@admin.register(ProductionSample)
class ProductionSampleAdmin(ReadOnlyAdmin):
    list_display = ("production_order", "kind", "recorded_on", "is_correct", "recorded_by")
    list_filter = ("kind", "is_correct")
    search_fields = ("production_order__number", "production_order__order__number")
