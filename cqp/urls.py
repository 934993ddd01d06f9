from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .views import (
    auth,
    dashboard,
    documents,
    habilitations,
    invitations,
    issuer,
    legal,
    notifications,
    organisations,
    referentiel,
)

# Every refusal, whether raised by a view or a service, is the one refusal page; so is a
# request that could not be read.
handler403 = "cqp.views.helpers.refused"
handler400 = "cqp.views.helpers.bad_request"

admin.site.site_header = _("CQP Assistant(e) de formation — back-office")
admin.site.site_title = _("Back-office CQP")
# The back-office's login is limited like the site's (cqp.limits).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oubli/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("langue/", include("django.conf.urls.i18n")),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/nouvelle/", organisations.organisation_create, name="organisation_create"),
    path(
        "organisations/<slug:slug>/", organisations.organisation_detail, name="organisation_detail"
    ),
    path(
        "organisations/<slug:slug>/modifier/",
        organisations.organisation_update,
        name="organisation_update",
    ),
    path(
        "organisations/<slug:slug>/inviter/",
        organisations.invitation_create,
        name="invitation_create",
    ),
    # Tokens are secrets.token_urlsafe: anything else (a NUL byte...) is no invitation, 404.
    path("invitation/<slug:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("habilitations/", habilitations.habilitation_list, name="habilitation_list"),
    path("habilitations/nouvelle/", habilitations.habilitation_create, name="habilitation_create"),
    path(
        "habilitations/<int:pk>/renouveler/",
        habilitations.habilitation_renew,
        name="habilitation_renew",
    ),
    path(
        "habilitations/<int:pk>/revoquer/",
        habilitations.habilitation_revoke,
        name="habilitation_revoke",
    ),
    path("emetteur/modifier/", issuer.issuer_edit, name="issuer_edit"),
    path("referentiel/", referentiel.certification_list, name="certification_list"),
    path("referentiel/<str:code>/", referentiel.certification_detail, name="certification_detail"),
    path(
        "referentiel/<str:code>/repertoire/",
        referentiel.certification_registry_edit,
        name="certification_registry_edit",
    ),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/lues/", notifications.notifications_mark_read, name="notifications_mark_read"
    ),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    path(
        "documents/apercu/<slug:code>/<int:object_id>/",
        documents.document_preview,
        name="document_preview",
    ),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.privacy_notice, name="privacy_notice"),
    path("accessibilite/", legal.accessibility_statement, name="accessibility_statement"),
    path("aide/", legal.help_contact, name="help_contact"),
    path("admin/", admin.site.urls),
    path("", include("candidates.urls")),
    path("", include("evaluations.urls")),
    path("", include("jury.urls")),
    path("", include("pilotage.urls")),
]
