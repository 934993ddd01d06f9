from django.urls import path

from .views import identity

urlpatterns = [
    path(
        "candidatures/<int:pk>/etat-civil/", identity.candidate_identity, name="candidate_identity"
    ),
    path(
        "candidatures/<int:pk>/etat-civil/verifier/",
        identity.candidate_identity_check,
        name="candidate_identity_check",
    ),
]
