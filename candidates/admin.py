from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import (
    Candidacy,
    Candidate,
    CompetenceValidation,
    ParcoursAction,
    ReperageEntry,
    TransitionLog,
    VaeActivity,
    VaeExperience,
    VaeRequest,
)


class ReadOnlyMixin:
    """The state machine and the audit log are changed only through the application's services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionLogInline(ReadOnlyMixin, admin.TabularInline):
    model = TransitionLog
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "role", "transition", "source", "target", "comment"]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Candidacy)
class CandidacyAdmin(GuardedModelAdmin):
    list_display = [
        "candidate",
        "pathway",
        "state",
        "organisation",
        "professionnel",
        "evaluateur",
        "updated_at",
    ]
    list_filter = ["pathway", "state", "certification"]
    list_select_related = ["candidate__user", "organisation", "professionnel", "evaluateur"]
    search_fields = ["candidate__user__email", "candidate__user__last_name"]
    readonly_fields = [
        "state",
        "cycle",
        "professionnel",
        "evaluateur",
        "created_by",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["organisation"]
    inlines = [TransitionLogInline]

    def has_add_permission(self, request):
        return False


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user"]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "candidacy", "actor", "role", "transition", "source", "target"]
    list_filter = ["transition", "role"]
    list_select_related = ["candidacy__candidate__user", "actor"]
    readonly_fields = [
        "candidacy",
        "actor",
        "role",
        "transition",
        "source",
        "target",
        "comment",
        "created_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReperageEntry)
class ReperageEntryAdmin(admin.ModelAdmin):
    list_display = ["candidacy", "element", "status"]
    list_select_related = ["candidacy__candidate__user", "element__competence"]
    list_filter = ["status"]


@admin.register(ParcoursAction)
class ParcoursActionAdmin(admin.ModelAdmin):
    list_display = ["candidacy", "cycle", "competence", "kind", "done"]
    list_select_related = ["candidacy__candidate__user", "competence"]


class VaeExperienceInline(admin.TabularInline):
    model = VaeExperience
    extra = 0


@admin.register(VaeRequest)
class VaeRequestAdmin(admin.ModelAdmin):
    list_display = ["candidacy", "submitted_on"]
    list_select_related = ["candidacy__candidate__user"]
    inlines = [VaeExperienceInline]


@admin.register(VaeExperience)
class VaeExperienceAdmin(admin.ModelAdmin):
    list_display = ["request", "employer", "job_title", "start_date", "end_date", "is_relevant"]
    list_select_related = ["request__candidacy__candidate__user"]


@admin.register(VaeActivity)
class VaeActivityAdmin(admin.ModelAdmin):
    list_display = ["candidacy", "competence", "title"]
    list_select_related = ["candidacy__candidate__user", "competence"]


@admin.register(CompetenceValidation)
class CompetenceValidationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "competence", "validated_on", "valid_until"]
    list_select_related = ["candidate__user", "competence"]
