"""Admin for users and number sequences, and the read-only building blocks every app's admin uses.

The admin is for reference data and settings (product.md §5). Lifecycle rows
(orders, payments, production orders, shipments, …) change only through the
services, which lock the order, check the policy and write the timeline; so
their admin pages show everything and change nothing (``ReadOnlyAdminMixin``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import bounds
from .models import Holiday, Sequence, User
from .roles import Role

admin.site.site_header = _("Gendan 跟单系统管理后台")
admin.site.site_title = _("Gendan 管理后台")
admin.site.index_title = _("基础数据与设置")


def shown_foreign_keys(model, names) -> list[str]:
    """The forward foreign keys (and one-to-ones) of ``model`` among the column or
    field ``names`` of an admin (methods and other names are passed over)."""
    keys = []
    for name in names or ():
        if not isinstance(name, str):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and (field.many_to_one or field.one_to_one):
            keys.append(name)
    return keys


class ReadOnlyAdminMixin:
    """View-only: no add, change or delete, for a model admin or an inline.

    Viewing stays as Django decides it (staff with the view or change
    permission, superusers). A state change made here would skip the row lock,
    the policy and the order's event, so it must go through the services.

    A list reads the foreign keys among its columns in the same query (one query
    a page, whatever the rows' labels); ``list_select_related`` names only the
    deeper relations a label needs (``payment__order``: a payment's label is its
    order's number).
    """

    def get_list_select_related(self, request):
        extra = self.list_select_related
        if isinstance(extra, bool):
            extra = ()
        related = [*shown_foreign_keys(self.model, self.list_display), *extra]
        return tuple(dict.fromkeys(related)) or False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # Every field shown is read-only, so non-editable ones (created_at, …) may be
        # shown too; without declared fields, that is every field of the model.
        if self.fieldsets:
            shown = flatten_fieldsets(self.fieldsets)
        elif self.fields:
            shown = list(self.fields)
        else:
            opts = self.model._meta
            shown = [f.name for f in opts.fields if not f.auto_created]
            shown += [f.name for f in opts.many_to_many]
        return list(dict.fromkeys([*super().get_readonly_fields(request, obj), *shown]))


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A view-only model admin."""


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """A view-only model admin with the row's field history (django-simple-history)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's "revert" form saves the old version on POST without asking
        # has_change_permission; the history stays readable, reverting is refused.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    """A view-only inline: the rows are shown, none can be added, changed or deleted."""

    extra = 0
    can_delete = False
    # A link to the row's own admin page (Django shows it only when the row's model
    # has one).
    show_change_link = True
    # The deeper relations the rows' labels need; their parent and the foreign keys
    # among their ``fields`` are read in the same query anyway.
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        parent = [
            field.name
            for field in self.model._meta.fields
            if field.many_to_one
            and field.related_model is self.parent_model
            and self.fk_name in (None, field.name)
        ]
        related = [
            *parent,
            *shown_foreign_keys(self.model, self.fields),
            *self.select_related,
        ]
        queryset = super().get_queryset(request)
        return queryset.select_related(*dict.fromkeys(related)) if related else queryset


class ReadOnlyTabularInline(ReadOnlyInlineMixin, admin.TabularInline):
    """A view-only inline as a table."""


class ReadOnlyStackedInline(ReadOnlyInlineMixin, admin.StackedInline):
    """A view-only inline as stacked forms."""


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users stay editable: the admin manages accounts and their role groups."""

    list_display = (
        "username",
        "display_name",
        "email",
        "phone",
        "role_list",
        "is_staff",
        "is_superuser",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "phone")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("个人信息"),
            {"fields": ("display_name", "first_name", "last_name", "email", "phone")},
        ),
        (
            _("角色与权限"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "email",
                    "phone",
                    "groups",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_list(self, obj: User) -> str:
        labels = dict(Role.choices)
        return "、".join(str(labels.get(g.name, g.name)) for g in obj.groups.all()) or "—"


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    """Document number counters: taken by the services only, shown for support."""

    list_display = ("key", "last")
    search_fields = ("key",)
    ordering = ("key",)


class HolidayForm(forms.ModelForm):
    """A calendar entry within the date horizon (``gendan.bounds``)."""

    class Meta:
        model = Holiday
        fields = ("date", "name", "is_working_day")

    def clean_date(self):
        errors: dict = {}
        day = bounds.check_date(errors, "date", self.cleaned_data.get("date"))
        if errors:
            raise forms.ValidationError(errors["date"])
        return day


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The working-day calendar (holidays, make-up working days): settings, editable."""

    form = HolidayForm

    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("-date",)
