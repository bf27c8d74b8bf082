"""Admin of planning: the milestone templates are configurable here (the default
garment-export template is installed by a data migration); plans, milestones and
materials are view-only (they change through ``planning.services``)."""

from django.contrib import admin

from gendan.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Material, Milestone, MilestoneTemplate, Plan, TemplateStep


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    fields = (
        "position",
        "code",
        "name",
        "owner_role",
        "offset_working_days",
        "lifecycle_event",
        "is_delivery",
        "depends_on",
    )
    extra = 0
    ordering = ("position", "id")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A step depends on steps of its own template only.
        template_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "depends_on":
            kwargs["queryset"] = TemplateStep.objects.filter(template_id=template_id or 0)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_default", "is_active", "due_soon_working_days")
    list_editable = ("is_active",)
    search_fields = ("code", "name")
    inlines = [TemplateStepInline]


class MilestoneInline(ReadOnlyTabularInline):
    model = Milestone
    fields = ("position", "name", "owner_role", "planned_date", "forecast_date", "actual_date")


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("order", "template", "contract_delivery_date", "projected_delivery_date")
    search_fields = ("order__number",)
    inlines = [MilestoneInline]


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = (
        "order",
        "kind",
        "name",
        "supplier",
        "quantity",
        "received_quantity",
        "required_by",
        "eta",
        "received_on",
    )
    list_filter = ("kind",)
    search_fields = ("order__number", "name", "supplier", "purchase_reference")
