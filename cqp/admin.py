from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    ActivityBlock,
    Certification,
    Competence,
    CompetenceElement,
    DownloadLog,
    Habilitation,
    Invitation,
    Membership,
    Notification,
    Organisation,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "platform_role", "is_active", "is_staff"]
    list_filter = ["platform_role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (
            _("Rôles"),
            {
                "fields": [
                    "platform_role",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ActivityBlockInline(admin.StackedInline):
    model = ActivityBlock
    extra = 0


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0
    show_change_link = True


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "vae_min_experience_years",
        "partial_validation_years",
        "loaded_at",
    ]
    search_fields = ["code", "title"]
    inlines = [CompetenceInline, ActivityBlockInline]


class CompetenceElementInline(admin.TabularInline):
    model = CompetenceElement
    extra = 0


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "certification", "number"]
    list_filter = ["certification"]
    search_fields = ["title"]
    inlines = [CompetenceElementInline]


@admin.register(CompetenceElement)
class CompetenceElementAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "competence"]
    list_filter = ["competence__certification", "competence"]
    list_select_related = ["competence"]
    search_fields = ["title"]


@admin.register(ActivityBlock)
class ActivityBlockAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "certification"]
    list_filter = ["certification"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "city", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "siret", "city"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    list_select_related = ["organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token"]


@admin.register(Habilitation)
class HabilitationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "valid_from", "valid_until", "revoked_on", "granted_by"]
    list_filter = ["kind"]
    list_select_related = ["user", "granted_by"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "granted_by", "revoked_by", "renewal_of"]
    date_hierarchy = "valid_until"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "created_at", "read_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "subject"]


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    """Read-only: the download log is written only by the download views."""

    list_display = ["downloaded_at", "user", "kind", "title", "candidacy_pk"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__last_name", "title", "=candidacy_pk"]
    date_hierarchy = "downloaded_at"
    fields = readonly_fields = [
        "downloaded_at",
        "user",
        "kind",
        "title",
        "candidacy_pk",
        "content_type",
        "object_id",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
