"""The authorization matrix's rows of the core's pages (tests/matrix.py explains a row)."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD
from tests.matrix import (
    CANDIDACY_VIEWERS,
    EVERYONE,
    OTHER_VIEWERS,
    OWN_MEMBERS,
    download,
    expect,
    get,
    pks,
    post,
    reads,
)

NEW_PASSWORD = "Un-nouveau-secret-2026!"
NEW_PASSWORDS = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
ORGANISATION = {"name": "Renommée", "kind": "entreprise", "siret": "73282932000074", "city": ""}


def no_args(o):
    return []


def _slug(key):
    return lambda o: [o[key].slug]


def reset_link(o) -> list[str]:
    """The arguments of the link of a password reset e-mail, for a user who asked for one."""
    user = o["reset_user"]
    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


def _open_reset_link(client, o):
    # The link puts its token in the session, then sends to the form that sets the password.
    client.get(reverse("password_reset_confirm", args=reset_link(o)))


ROWS = [
    get("dashboard", "dashboard", no_args, expect(EVERYONE)),
    # Authentication: whoever is logged in is sent on from the login and sign-up pages
    get("login page", "login", no_args, expect(EVERYONE, 302, anonymous=200)),
    post(
        "log in",
        "login",
        no_args,
        lambda o: {"username": o["candidat_user"].email, "password": PASSWORD},
        expect(EVERYONE, 302, anonymous=302),
        changes=frozenset({"anonymous"}),  # last_login
    ),
    post(
        "log out",
        "logout",
        no_args,
        lambda o: {},
        expect(EVERYONE, 302, anonymous=302),
        changes=frozenset(),  # the session
    ),
    get("password change", "password_change", no_args, expect(EVERYONE)),
    post(
        "change one's password",
        "password_change",
        no_args,
        lambda o: {"old_password": PASSWORD, **NEW_PASSWORDS},
        expect(EVERYONE, 302),
    ),
    get("password reset", "password_reset", no_args, expect(EVERYONE, anonymous=200)),
    post(
        "ask for a password reset",
        "password_reset",
        no_args,
        lambda o: {"email": o["reset_user"].email},
        expect(EVERYONE, 302, anonymous=302),
        changes=frozenset(),
    ),
    get("password reset sent", "password_reset_done", no_args, expect(EVERYONE, anonymous=200)),
    get(
        "password reset link",
        "password_reset_confirm",
        reset_link,
        expect(EVERYONE, 302, anonymous=302),
    ),
    get(
        "password reset link, wrong token",
        "password_reset_confirm",
        lambda o: [reset_link(o)[0], "mauvais-jeton"],
        expect(EVERYONE, anonymous=200),
    ),
    post(
        "set a new password from the reset link",
        "password_reset_confirm",
        lambda o: [reset_link(o)[0], "set-password"],
        lambda o: NEW_PASSWORDS,
        expect(EVERYONE, 302, anonymous=302),
        before=_open_reset_link,
    ),
    get("password reset done", "password_reset_complete", no_args, expect(EVERYONE, anonymous=200)),
    post(
        "choose the language",
        "set_language",
        no_args,
        lambda o: {"language": "en", "next": "/"},
        expect(EVERYONE, 302, anonymous=302),
        changes=frozenset(),  # a cookie
    ),
    # Organisations and invitations
    get("organisation list", "organisation_list", no_args, expect(EVERYONE)),
    *reads(
        "organisation",
        "organisation_detail",
        own=_slug("own_org"),
        other=_slug("other_org"),
        readers={"secretariat"} | OWN_MEMBERS,
    ),
    get("organisation create", "organisation_create", no_args, expect({"secretariat"})),
    post(
        "create an organisation",
        "organisation_create",
        no_args,
        lambda o: {**ORGANISATION, "name": "Nouvelle"},
        expect({"secretariat"}, 302),
    ),
    get(
        "organisation update (own)",
        "organisation_update",
        _slug("own_org"),
        expect({"secretariat"}),
    ),
    post(
        "update own organisation",
        "organisation_update",
        _slug("own_org"),
        lambda o: {**ORGANISATION, "is_active": "on"},
        expect({"secretariat"}, 302),
    ),
    post(
        "update another organisation",
        "organisation_update",
        _slug("other_org"),
        lambda o: {**ORGANISATION, "is_active": "on"},
        expect({"secretariat"}, 302),
        fuzz=False,
    ),
    *reads(
        "invite someone",
        "invitation_create",
        own=_slug("own_org"),
        other=_slug("other_org"),
        readers={"secretariat", "gestionnaire"},
    ),
    post(
        "invite someone to own organisation",
        "invitation_create",
        _slug("own_org"),
        lambda o: {"email": "nouveau@exemple.fr", "role": "candidat"},
        expect({"secretariat", "gestionnaire"}, 302),
    ),
    post(
        "invite someone to another organisation",
        "invitation_create",
        _slug("other_org"),
        lambda o: {"email": "nouveau@exemple.fr", "role": "candidat"},
        expect(OTHER_VIEWERS, 302),
        fuzz=False,
    ),
    # The link of an invitation is its own credential: open to visitors; a logged-in
    # account is told it is not the one invited, and nothing happens.
    get(
        "invitation link",
        "invitation_accept",
        lambda o: [o["invitation"].token],
        expect(EVERYONE, anonymous=200),
    ),
    post(
        "accept an invitation",
        "invitation_accept",
        lambda o: [o["invitation"].token],
        lambda o: {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        expect(EVERYONE, anonymous=302),
    ),
    get(
        "invitation link, unknown token",
        "invitation_accept",
        lambda o: ["jeton-inconnu"],
        expect(anonymous=404),
    ),
    # Habilitations
    get("habilitation list", "habilitation_list", no_args, expect({"secretariat"})),
    get("habilitation grant", "habilitation_create", no_args, expect({"secretariat"})),
    post(
        "grant a habilitation",
        "habilitation_create",
        no_args,
        lambda o: {
            "email": "x@exemple.fr",
            "first_name": "X",
            "last_name": "Y",
            "kind": "evaluateur",
            "valid_from": "2026-01-01",
            "valid_until": "2027-01-01",
        },
        expect({"secretariat"}, 302),
    ),
    get(
        "habilitation renew",
        "habilitation_renew",
        pks("habilitation"),
        expect({"secretariat"}),
    ),
    post(
        "renew a habilitation",
        "habilitation_renew",
        pks("habilitation"),
        lambda o: {"valid_until": "2099-01-01"},
        expect({"secretariat"}, 302),
    ),
    get(
        "habilitation revoke",
        "habilitation_revoke",
        pks("habilitation"),
        expect({"secretariat"}),
    ),
    post(
        "revoke a habilitation",
        "habilitation_revoke",
        pks("habilitation"),
        lambda o: {"reason": "Intrusion"},
        expect({"secretariat"}, 302),
    ),
    # The référentiel and the notifications
    get("référentiel list", "certification_list", no_args, expect(EVERYONE)),
    get(
        "référentiel detail",
        "certification_detail",
        lambda o: ["CQP-AF"],
        expect(EVERYONE),
    ),
    get("unknown référentiel", "certification_detail", lambda o: ["CQP-XX"], expect()),
    get("my notifications", "notification_list", no_args, expect(EVERYONE)),
    post(
        "mark one's notifications read",
        "notifications_mark_read",
        no_args,
        lambda o: {},
        expect(EVERYONE, 302),
        needs=("notifications",),
    ),
    # Official documents: each download is logged (a change), a refused one is not
    download(
        "livret PDF (own)",
        "document_download",
        pks("livret_pdf"),
        CANDIDACY_VIEWERS,
    ),
    download(
        "livret PDF (other)",
        "document_download",
        pks("other_livret_pdf"),
        OTHER_VIEWERS,
    ),
    download(
        "dossier VAE PDF (own)",
        "document_download",
        pks("vae_pdf"),
        {"secretariat", "gestionnaire", "candidat"},
    ),
    download(
        "dossier de suivi PDF (own)",
        "document_download",
        pks("dossier_pdf"),
        CANDIDACY_VIEWERS,
    ),
    download(
        "dossier de suivi PDF (other)",
        "document_download",
        pks("other_dossier_pdf"),
        OTHER_VIEWERS,
    ),
    download(
        "fiche de décision PDF (my session)",
        "document_download",
        pks("fiche_pdf"),
        {"secretariat", "jury", "gestionnaire"},
    ),
    download(
        "fiche de décision PDF (other session)",
        "document_download",
        pks("other_fiche_pdf"),
        OTHER_VIEWERS,
    ),
    download(
        "certificate PDF (my session)",
        "document_download",
        pks("certificate_pdf"),
        {"secretariat", "jury", "gestionnaire"},
    ),
    download(
        "procès-verbal PDF (my session)",
        "document_download",
        pks("pv_pdf"),
        {"secretariat", "jury"},
    ),
    download(
        "procès-verbal PDF (other session)",
        "document_download",
        pks("other_pv_pdf"),
        {"secretariat"},
    ),
    download(
        "livret draft preview (own)",
        "document_preview",
        lambda o: ["livret", o["candidacy"].pk],
        CANDIDACY_VIEWERS,
    ),
    download(
        "livret draft preview (other)",
        "document_preview",
        lambda o: ["livret", o["other_candidacy"].pk],
        OTHER_VIEWERS,
    ),
    get(
        "draft preview of an unknown kind",
        "document_preview",
        lambda o: ["inconnu", o["candidacy"].pk],
        expect(),
    ),
]
