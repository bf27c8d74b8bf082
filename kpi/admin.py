"""Admin: templates and pay schemes (components, penalty rules, brackets) are
configuration finance and admins edit here; workflow rows are read-only (they
change through the services, i.e. the KPI pages and API)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gendan.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from . import periods, services
from .models import (
    Assessment,
    AssessmentEvent,
    AssessmentTemplate,
    PayAdjustment,
    PayComponent,
    PayScheme,
    PaySchemeAssignment,
    PayStatement,
    PayStatementLine,
    PenaltyBracket,
    PenaltyRecord,
    PenaltyRule,
    ShipmentFault,
)
from .states import LOCKED

# --- configuration ---------------------------------------------------------


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_default",
        "weight_on_time",
        "weight_completion",
        "weight_complaints",
        "weight_resolution",
        "incident_limit_hours",
        "after_sales_limit_hours",
    )


class PayComponentInline(admin.TabularInline):
    model = PayComponent
    extra = 0
    fields = (
        "position",
        "kind",
        "label",
        "enabled",
        "amount",
        "rate_permille",
        "basis",
        "scaled_by_score",
        "penalty_threshold",
        "loss_threshold",
    )


class PenaltyRuleInline(admin.TabularInline):
    model = PenaltyRule
    extra = 0
    show_change_link = True  # brackets are edited on the rule's own page
    fields = ("position", "code", "name", "kind", "amount", "min_amount", "max_amount", "is_active")


@admin.register(PayScheme)
class PaySchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_preset", "is_active", "assessment_template", "updated_at")
    list_filter = ("is_active", "is_preset")
    search_fields = ("name", "code")
    inlines = [PayComponentInline, PenaltyRuleInline]


class PenaltyBracketInline(admin.TabularInline):
    model = PenaltyBracket
    extra = 0
    fields = ("up_to", "percent", "fixed_amount", "flag")


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "scheme", "kind", "amount", "min_amount", "max_amount", "is_active")
    list_filter = ("scheme", "kind")
    inlines = [PenaltyBracketInline]


class PaySchemeAssignmentForm(forms.ModelForm):
    class Meta:
        model = PaySchemeAssignment
        fields = ("person", "scheme", "effective_from", "probation_until", "note")

    def clean(self):
        data = super().clean()
        person, effective_from = data.get("person"), data.get("effective_from")
        if person and effective_from:
            month = periods.month_of(effective_from)
            locked = Assessment.objects.filter(
                person=person, period=month, status__in=LOCKED
            ).exists()
            if locked:
                raise forms.ValidationError(
                    _("%(month)s 的考核已定稿，不能从该月起更换薪酬方案。")
                    % {"month": periods.label(month)}
                )
        return data


@admin.register(PaySchemeAssignment)
class PaySchemeAssignmentAdmin(admin.ModelAdmin):
    """Assignments are added through ``pay_scheme_assign`` (policy, finalised months)
    and kept as history: never edited afterwards."""

    form = PaySchemeAssignmentForm
    list_display = ("person", "scheme", "effective_from", "probation_until", "created_by")
    list_filter = ("scheme",)
    search_fields = ("person__username", "person__display_name")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = services.pay_scheme_assign(
            actor=request.user,
            person_id=obj.person_id,
            scheme_id=obj.scheme_id,
            effective_from=obj.effective_from,
            probation_until=obj.probation_until,
            note=obj.note,
        )
        obj.pk = saved.pk


# --- workflow rows: read-only ---------------------------------------------------


class AssessmentEventInline(ReadOnlyTabularInline):
    model = AssessmentEvent
    fields = ("created_at", "action", "actor", "from_status", "to_status", "note")
    show_change_link = False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = (
        "person",
        "period",
        "status",
        "performance",
        "teamwork",
        "attitude",
        "total_score",
    )
    list_filter = ("status", "period")
    search_fields = ("person__username", "person__display_name")
    inlines = [AssessmentEventInline]


class PayStatementLineInline(ReadOnlyTabularInline):
    model = PayStatementLine
    fields = ("position", "label", "effect", "amount", "explanation")


@admin.register(PayStatement)
class PayStatementAdmin(ReadOnlyAdmin):
    list_display = (
        "assessment",
        "scheme",
        "total_score",
        "total_pay",
        "declaration_bonus_accrued",
        "resignation_review",
    )
    list_filter = ("assessment__period", "resignation_review", "year_end_bonus_cancelled")
    list_select_related = ("assessment__person",)  # an assessment's label names its person
    inlines = [PayStatementLineInline]


@admin.register(PenaltyRecord)
class PenaltyRecordAdmin(ReadOnlyAdmin):
    list_display = ("person", "period", "rule", "amount", "flag", "order", "shipment", "created_by")
    list_filter = ("period", "rule__scheme")


@admin.register(ShipmentFault)
class ShipmentFaultAdmin(ReadOnlyAdmin):
    list_display = ("shipment", "person", "period", "kind", "created_by")
    list_filter = ("period", "kind")


@admin.register(PayAdjustment)
class PayAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("person", "period", "overtime_hours", "absence_hours", "days_absent")
    list_filter = ("period",)


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "action", "actor", "from_status", "to_status", "created_at")
    list_filter = ("action",)
    list_select_related = ("assessment__person",)
