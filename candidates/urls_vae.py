from django.urls import path

from .views import vae, vae_proofs

EXPERIENCE = {"kind": "experience"}
ACTIVITY = {"kind": "activity"}

urlpatterns = [
    path("vae/demande/", vae.vae_signup, name="vae_signup"),
    path("candidatures/vae/nouvelle/", vae.vae_request_create, name="vae_request_create"),
    path("candidatures/<int:pk>/vae/partie-2/", vae.vae_request_edit, name="vae_request_edit"),
    path(
        "candidatures/<int:pk>/vae/experiences/ajouter/",
        vae.vae_item_form,
        EXPERIENCE,
        name="vae_experience_add",
    ),
    path(
        "candidatures/<int:pk>/vae/experiences/<int:item_pk>/",
        vae.vae_item_form,
        EXPERIENCE,
        name="vae_experience_edit",
    ),
    path(
        "candidatures/<int:pk>/vae/experiences/<int:item_pk>/supprimer/",
        vae.vae_item_delete,
        EXPERIENCE,
        name="vae_experience_delete",
    ),
    path(
        "candidatures/<int:pk>/vae/justificatifs/ajouter/",
        vae_proofs.vae_proof_add,
        name="vae_proof_add",
    ),
    path(
        "candidatures/<int:pk>/vae/justificatifs/<int:proof_pk>/",
        vae_proofs.vae_proof_download,
        name="vae_proof_download",
    ),
    path(
        "candidatures/<int:pk>/vae/justificatifs/<int:proof_pk>/supprimer/",
        vae_proofs.vae_proof_delete,
        name="vae_proof_delete",
    ),
    path("candidatures/<int:pk>/vae/partie-3/", vae.vae_activities, name="vae_activities"),
    path(
        "candidatures/<int:pk>/vae/partie-3/ajouter/",
        vae.vae_item_form,
        ACTIVITY,
        name="vae_activity_add",
    ),
    path(
        "candidatures/<int:pk>/vae/partie-3/<int:item_pk>/",
        vae.vae_item_form,
        ACTIVITY,
        name="vae_activity_edit",
    ),
    path(
        "candidatures/<int:pk>/vae/partie-3/<int:item_pk>/supprimer/",
        vae.vae_item_delete,
        ACTIVITY,
        name="vae_activity_delete",
    ),
]
