from django.urls import include, path

from .views import candidacies

urlpatterns = [
    path("candidatures/", candidacies.candidacy_list, name="candidacy_list"),
    path("candidatures/nouvelle/", candidacies.candidacy_create, name="candidacy_create"),
    path("candidatures/<int:pk>/", candidacies.candidacy_detail, name="candidacy_detail"),
    path(
        "candidatures/<int:pk>/historique/",
        candidacies.candidacy_history,
        name="candidacy_history",
    ),
    path(
        "candidatures/<int:pk>/intervenants/", candidacies.candidacy_assign, name="candidacy_assign"
    ),
    path(
        "candidatures/<int:pk>/action/<slug:name>/",
        candidacies.candidacy_transition,
        name="candidacy_transition",
    ),
    path("recevabilite/", candidacies.recevabilite_queue, name="recevabilite_queue"),
    path("", include("candidates.urls_reperage")),
    path("", include("candidates.urls_vae")),
    path("", include("candidates.urls_recevabilite")),
    path("", include("candidates.urls_identity")),
]
