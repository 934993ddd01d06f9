from django.urls import path

from .views import assessment

PREFIX = "candidatures/<int:pk>/evaluation/"

urlpatterns = [
    path(f"{PREFIX}evaluer/", assessment.assessment, name="assessment"),
    path(
        f"{PREFIX}evaluer/<int:assessment_pk>/avis/",
        assessment.assessment_step,
        {"step": assessment.OPINION},
        name="assessment_opinion",
    ),
    path(
        f"{PREFIX}evaluer/<int:assessment_pk>/resultat/",
        assessment.assessment_step,
        {"step": assessment.FINAL},
        name="assessment_final",
    ),
    path(
        f"{PREFIX}evaluer/<int:assessment_pk>/signer/",
        assessment.assessment_step,
        {"step": assessment.SIGN},
        name="assessment_sign",
    ),
    path(f"{PREFIX}observations/ajouter/", assessment.observation_add, name="observation_add"),
    path(f"{PREFIX}transmettre/", assessment.dossier_transmit, name="dossier_transmit"),
    path(
        f"{PREFIX}retour-parcours/",
        assessment.dossier_resume_parcours,
        name="dossier_resume_parcours",
    ),
]
