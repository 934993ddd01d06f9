from django.urls import path

from .views import vae

urlpatterns = [
    path("vae/demande/", vae.vae_signup, name="vae_signup"),
    path("candidatures/vae/nouvelle/", vae.vae_request_create, name="vae_request_create"),
    path("candidatures/<int:pk>/vae/partie-2/", vae.vae_request_edit, name="vae_request_edit"),
    path(
        "candidatures/<int:pk>/vae/experiences/ajouter/",
        vae.vae_experience_add,
        name="vae_experience_add",
    ),
    path(
        "candidatures/<int:pk>/vae/experiences/<int:exp_pk>/",
        vae.vae_experience_edit,
        name="vae_experience_edit",
    ),
    path(
        "candidatures/<int:pk>/vae/experiences/<int:exp_pk>/supprimer/",
        vae.vae_experience_delete,
        name="vae_experience_delete",
    ),
    path("candidatures/<int:pk>/vae/partie-3/", vae.vae_activities, name="vae_activities"),
    path(
        "candidatures/<int:pk>/vae/partie-3/ajouter/",
        vae.vae_activity_add,
        name="vae_activity_add",
    ),
    path(
        "candidatures/<int:pk>/vae/partie-3/<int:act_pk>/",
        vae.vae_activity_edit,
        name="vae_activity_edit",
    ),
    path(
        "candidatures/<int:pk>/vae/partie-3/<int:act_pk>/supprimer/",
        vae.vae_activity_delete,
        name="vae_activity_delete",
    ),
]
