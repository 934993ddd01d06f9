from django.urls import path

from .views import deliberation, verify

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
]
