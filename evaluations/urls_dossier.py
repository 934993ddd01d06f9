from django.urls import path

from .views import dossier

urlpatterns = [
    path("candidatures/<int:pk>/evaluation/", dossier.dossier_detail, name="dossier_detail"),
    path(
        "candidatures/<int:pk>/evaluation/mon-dossier/",
        dossier.candidate_dossier,
        name="candidate_dossier",
    ),
    path(
        "candidatures/<int:pk>/evaluation/recit/<int:competence_pk>/",
        dossier.account_save,
        name="account_save",
    ),
    path(
        "candidatures/<int:pk>/evaluation/pieces/ajouter/",
        dossier.evidence_add,
        name="evidence_add",
    ),
    path(
        "candidatures/<int:pk>/evaluation/pieces/<int:evidence_pk>/supprimer/",
        dossier.evidence_delete,
        name="evidence_delete",
    ),
    path("pieces/<int:evidence_pk>/", dossier.evidence_download, name="evidence_download"),
]
