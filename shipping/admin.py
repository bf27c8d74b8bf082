"""Admin of shipments, their lines and documents, and after-sales cases: view-only
(they change through ``shipping.services``)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gendan.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyTabularInline

from .models import AfterSalesCase, Shipment, ShipmentDocument, ShipmentLine
from .selectors import document_files


class ShipmentLineInline(ReadOnlyTabularInline):
    model = ShipmentLine
    fields = ("order_line", "quantity")

    select_related = ("order_line__product",)
    ordering = ("order_line__position",)


class DocumentFileMixin:
    """The document's file as a link to its download view (never a media URL)."""

    @admin.display(description=_("文件"))
    def file_download(self, document: ShipmentDocument) -> str:
        stored = document_files([document]).get(document.pk)
        if stored is None:
            return "–"
        url = reverse("shipping:document_download", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, stored.download_name)


class ShipmentDocumentInline(DocumentFileMixin, ReadOnlyTabularInline):
    model = ShipmentDocument
    fields = ("kind", "required", "is_ready", "file_download", "updated_by", "updated_at")


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "number",
        "order",
        "status",
        "mode",
        "planned_ship_date",
        "actual_ship_date",
        "forwarder",
        "tracking_number",
        "packages",
    )
    list_filter = ("status", "mode")
    date_hierarchy = "planned_ship_date"
    search_fields = (
        "number",
        "order__number",
        "order__customer__name",
        "tracking_number",
        "container",
        "customs_declaration_number",
    )
    inlines = (ShipmentLineInline, ShipmentDocumentInline)


@admin.register(ShipmentLine)
class ShipmentLineAdmin(ReadOnlyAdmin):
    list_display = ("shipment", "order_line", "quantity")
    search_fields = ("shipment__number", "shipment__order__number")
    list_select_related = ("order_line__product",)


@admin.register(ShipmentDocument)
class ShipmentDocumentAdmin(DocumentFileMixin, ReadOnlyAdmin):
    list_display = (
        "shipment",
        "kind",
        "required",
        "is_ready",
        "file_download",
        "updated_by",
        "updated_at",
    )
    fields = list_display
    list_filter = ("kind", "required", "is_ready")
    search_fields = ("shipment__number", "shipment__order__number")


@admin.register(AfterSalesCase)
class AfterSalesCaseAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "order",
        "kind",
        "status",
        "cost",
        "customer_satisfaction",
        "opened_by",
        "resolved_at",
        "closed_at",
    )
    list_filter = ("kind", "status", "customer_satisfaction")
    date_hierarchy = "received_at"
    search_fields = ("order__number", "order__customer__name", "description", "root_cause")
