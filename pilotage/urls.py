from django.urls import path

from . import views_exports, views_stats

urlpatterns = [
    path("pilotage/", views_stats.pilotage, name="pilotage"),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/<slug:dataset>.<slug:fmt>", views_exports.export, name="export"),
    path("titulaires/", views_exports.holder_list, name="holder_list"),
    path(
        "titulaires/organisations/",
        views_exports.organisation_suggestions,
        name="holder_organisation_suggestions",
    ),
    # The register file belongs to a session's page, hence its address; it is served here,
    # beside the other exports, which the jury app does not know of.
    path(
        "jury/sessions/<int:pk>/registre.<slug:fmt>",
        views_exports.session_register,
        name="session_register",
    ),
]
