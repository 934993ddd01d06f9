from django.urls import include, path

urlpatterns = [
    path("", include("evaluations.urls_dossier")),
    path("", include("evaluations.urls_assessment")),
]
