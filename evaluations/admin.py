from django.contrib import admin

from .models import CandidateAccount, CompetenceAssessment, EvaluationDossier, Evidence, Observation


class AssessmentInline(admin.TabularInline):
    model = CompetenceAssessment
    extra = 0
    fields = [
        "competence",
        "professionnel_opinion",
        "evaluateur_opinion",
        "final_result",
        "professionnel_signed_at",
        "evaluateur_signed_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvaluationDossier)
class EvaluationDossierAdmin(admin.ModelAdmin):
    list_display = ["candidacy", "cycle", "opened_at", "transmitted_at", "closed_at"]
    list_select_related = ["candidacy__candidate__user"]
    readonly_fields = [
        "candidacy",
        "cycle",
        "opened_at",
        "transmitted_at",
        "transmitted_by",
        "closed_at",
    ]
    inlines = [AssessmentInline]


@admin.register(CompetenceAssessment)
class CompetenceAssessmentAdmin(admin.ModelAdmin):
    list_display = [
        "dossier",
        "competence",
        "professionnel_opinion",
        "evaluateur_opinion",
        "final_result",
    ]
    list_select_related = ["dossier__candidacy__candidate__user", "competence"]
    list_filter = ["final_result"]


@admin.register(CandidateAccount)
class CandidateAccountAdmin(admin.ModelAdmin):
    list_display = ["dossier", "competence", "updated_at"]
    list_select_related = ["dossier__candidacy__candidate__user", "competence"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "dossier", "competence", "content_type", "size", "uploaded_at"]
    list_select_related = ["dossier__candidacy__candidate__user", "competence"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["dossier", "date", "kind", "context", "author"]
    list_select_related = ["dossier__candidacy__candidate__user", "author"]
