from django.contrib import admin
from django.db import models

from .models import (
    Certificate,
    CompetenceDecision,
    Deliberation,
    JuryMember,
    JurySession,
    MandatingOrganisation,
    Seat,
)


@admin.register(MandatingOrganisation)
class MandatingOrganisationAdmin(admin.ModelAdmin):
    """The organisations that mandate the members of each college (kept by the CPEF)."""

    list_display = ["name", "college"]
    list_filter = ["college"]
    search_fields = ["name"]


@admin.register(JuryMember)
class JuryMemberAdmin(admin.ModelAdmin):
    """A member is seated only on a session dated within their mandate."""

    list_display = [
        "user",
        "college",
        "mandating_organisation",
        "mandate_start",
        "mandate_end",
        "substitute",
        "is_active",
    ]
    list_filter = ["college", "is_active", "mandating_organisation"]
    list_select_related = ["user", "mandating_organisation", "substitute__user"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "mandating_organisation", "substitute"]
    fields = [
        "user",
        "college",
        "is_active",
        "mandating_organisation",
        ("mandate_start", "mandate_end"),
        "substitute",
    ]


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(JurySession)
class JurySessionAdmin(admin.ModelAdmin):
    """The state moves only through the services (opening checks the quorum)."""

    list_display = ["date", "place", "state", "president"]
    list_filter = ["state"]
    list_select_related = ["president__user"]
    readonly_fields = ["state", "created_by", "opened_at", "closed_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["session", "member", "present"]
    list_filter = ["present"]
    list_select_related = ["session", "member__user"]


class CompetenceDecisionInline(admin.TabularInline):
    model = CompetenceDecision
    extra = 0
    can_delete = False
    fields = ["competence", "decision", "motivation"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Deliberation)
class DeliberationAdmin(admin.ModelAdmin):
    list_display = ["candidacy", "session", "outcome", "decided_at", "decided_by"]
    list_filter = ["outcome"]
    list_select_related = [
        "candidacy__candidate__user",
        "candidacy__certification",
        "session",
        "decided_by",
    ]
    search_fields = ["candidacy__candidate__user__email", "candidacy__candidate__user__last_name"]
    readonly_fields = ["session", "candidacy", "outcome", "decided_at", "decided_by", "validations"]
    inlines = [CompetenceDecisionInline]


@admin.register(CompetenceDecision)
class CompetenceDecisionAdmin(admin.ModelAdmin):
    list_display = ["deliberation", "competence", "decision"]
    list_filter = ["decision"]
    list_select_related = ["deliberation__candidacy__candidate__user", "competence"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Revocation goes through the application (reason kept in the audit log)."""

    list_display = ["number", "kind", "issued_on", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["number"]
    readonly_fields = [
        "deliberation",
        "kind",
        "number",
        "issued_on",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
    ]
