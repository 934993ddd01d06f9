from django.urls import path

from .views import credentials, deliberation, verify

urlpatterns = [
    path(
        "jury/sessions/<int:pk>/deliberations/",
        deliberation.session_dashboard,
        name="session_dashboard",
    ),
    path(
        "jury/deliberations/<int:pk>/",
        deliberation.deliberation_detail,
        name="deliberation_detail",
    ),
    path(
        "jury/deliberations/<int:pk>/president/",
        deliberation.deliberation_president,
        name="deliberation_president",
    ),
    path("verifier/", verify.verify, name="verify"),
    path("verifier/document/", verify.verify_upload, name="verify_upload"),
    path("verifier/<str:number>/", verify.verify_number, name="verify_number"),
    path(
        "verifier/<str:number>/credential.json",
        credentials.verify_credential,
        name="verify_credential",
    ),
    path("emetteur/", credentials.issuer_profile, name="issuer_profile"),
    path("emetteur/jwks.json", credentials.issuer_jwks, name="issuer_jwks"),
    path(
        "emetteur/statuts/<int:number>.jwt",
        credentials.issuer_status_list,
        name="issuer_status_list",
    ),
]
