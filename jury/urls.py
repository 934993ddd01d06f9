from django.urls import include, path

from .views import instruction, sessions

urlpatterns = [
    path("jury/instruction/", instruction.jury_instruction, name="jury_instruction"),
    path(
        "jury/instruction/inscrire/",
        instruction.jury_instruction_place,
        name="jury_instruction_place",
    ),
    path(
        "jury/instruction/<int:pk>/renvoyer/",
        instruction.jury_instruction_return,
        name="jury_instruction_return",
    ),
    path("jury/sessions/", sessions.session_list, name="session_list"),
    path("jury/sessions/nouvelle/", sessions.session_create, name="session_create"),
    path("jury/sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path(
        "jury/sessions/<int:pk>/dossiers.zip",
        sessions.session_dossiers_zip,
        name="session_dossiers_zip",
    ),
    path("jury/sessions/<int:pk>/modifier/", sessions.session_edit, name="session_edit"),
    path("jury/sessions/<int:pk>/annuler/", sessions.session_cancel, name="session_cancel"),
    path("jury/sessions/<int:pk>/composer/", sessions.session_compose, name="session_compose"),
    path(
        "jury/sessions/<int:pk>/retirer/<int:deliberation_pk>/",
        sessions.session_remove_candidacy,
        name="session_remove_candidacy",
    ),
    path("jury/sessions/<int:pk>/ouvrir/", sessions.session_open, name="session_open"),
    path("jury/sessions/<int:pk>/clore/", sessions.session_close, name="session_close"),
    path(
        "jury/certificats/<int:pk>/revoquer/",
        sessions.certificate_revoke,
        name="certificate_revoke",
    ),
    path("", include("jury.urls_deliberation")),
]
