"""Admin of production: stages are configurable here; production orders, progress
reports, plan milestones, inspections and incidents are view-only (they change
through ``production.services``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gendan.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from . import selectors
from .models import (
    REPORT_FIELDS,
    Incident,
    PlanMilestone,
    ProductionOrder,
    ProgressReport,
    QualityInspection,
    Stage,
)


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    """The stages of the daily progress report (工序): configurable reference data."""

    list_display = ("position", "code", "name", "is_output", "is_active")
    list_display_links = ("code", "name")
    list_editable = ("position", "is_output", "is_active")
    list_filter = ("is_output", "is_active")
    search_fields = ("code", "name")
    ordering = ("position", "id")


class ProgressReportInline(ReadOnlyTabularInline):
    model = ProgressReport
    fields = REPORT_FIELDS

    ordering = ("date", "stage__position")


class PlanMilestoneInline(ReadOnlyTabularInline):
    model = PlanMilestone
    fields = ("date", "planned_cumulative_quantity")
    show_change_link = False


class QualityInspectionInline(ReadOnlyTabularInline):
    model = QualityInspection
    fields = (
        "inspected_on",
        "kind",
        "result",
        "sample_size",
        "defects_found",
        "defects",
        "estimated_loss",
        "inspector",
    )


@admin.register(ProductionOrder)
class ProductionOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "order",
        "revision",
        "factory",
        "is_outside_processor",
        "status",
        "quantity",
        "planned_start",
        "planned_finish",
        "issued_at",
    )
    list_filter = ("status", "is_outside_processor")
    date_hierarchy = "planned_finish"
    search_fields = ("number", "order__number", "order__customer__name", "factory")
    fieldsets = (
        (None, {"fields": ("number", "order", "revision", "status", "superseded_by")}),
        (
            _("生产安排"),
            {
                "fields": (
                    "factory",
                    "is_outside_processor",
                    "processing_fee",
                    "quantity",
                    "produced_quantity",
                    "planned_start",
                    "planned_finish",
                )
            },
        ),
        (
            _("记录"),
            {
                "fields": (
                    "issued_by",
                    "issued_at",
                    "started_at",
                    "completed_at",
                    "closed_at",
                    "note",
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = ("produced_quantity",)
    inlines = (QualityInspectionInline, PlanMilestoneInline, ProgressReportInline)

    @admin.display(description=_("已生产良品数"))
    def produced_quantity(self, obj: ProductionOrder) -> int:
        return selectors.produced_quantity(obj)


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = (
        "date",
        "production_order",
        "stage",
        "good_quantity",
        "defective_quantity",
        "scrap_quantity",
        "variance_reason",
        "reported_by",
    )
    list_filter = ("stage", "variance_reason")
    date_hierarchy = "date"
    search_fields = ("production_order__number", "production_order__order__number", "note")


@admin.register(PlanMilestone)
class PlanMilestoneAdmin(ReadOnlyAdmin):
    list_display = ("production_order", "date", "planned_cumulative_quantity")
    search_fields = ("production_order__number",)


@admin.register(QualityInspection)
class QualityInspectionAdmin(ReadOnlyAdmin):
    list_display = (
        "inspected_on",
        "production_order",
        "kind",
        "result",
        "sample_size",
        "defects_found",
        "estimated_loss",
        "inspector",
    )
    list_filter = ("kind", "result")
    date_hierarchy = "inspected_on"
    search_fields = ("production_order__number", "production_order__order__number", "defects")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = (
        "opened_at",
        "order",
        "production_order",
        "kind",
        "status",
        "loss_amount",
        "responsible",
        "resolved_at",
    )
    list_filter = ("kind", "status")
    date_hierarchy = "opened_at"
    search_fields = ("order__number", "production_order__number", "description", "resolution")
