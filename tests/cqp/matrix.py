"""What the core's rows of the authorization matrix post (the table: tests/cqp/matrix.md;
its format: tests/matrix.py), and the arguments and steps of its password reset rows."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD

NEW_PASSWORD = "Un-nouveau-secret-2026!"
NEW_PASSWORDS = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
ORGANISATION = {"name": "Renommée", "kind": "entreprise", "siret": "73282932000074", "city": ""}


def reset_link(o) -> list[str]:
    """The arguments of the link of a password reset e-mail, for a user who asked for one."""
    user = o["reset_user"]
    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


def _open_reset_link(client, o):
    # The link puts its token in the session, then sends to the form that sets the password.
    client.get(reverse("password_reset_confirm", args=reset_link(o)))


ARGS = {"reset_link": reset_link, "reset_uid": lambda o: reset_link(o)[:1]}
BEFORE = {"open_reset_link": _open_reset_link}

# By URL name: (objects, the values of the URL's arguments) -> what is posted.
DATA = {
    "certification_registry_edit": lambda o, code: {
        "registry": "RNCP",
        "registry_code": "RNCP38912",
        "registry_level": "4",
    },
    "issuer_edit": lambda o: {
        "name": "Commission paritaire",
        "short_name": "CPEF",
        "street": "1 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "president_name": "Marc Aubry",
        "president_title": "Président de la CPEF",
        "vice_president_name": "Nadia Benali",
        "vice_president_title": "Vice-présidente de la CPEF",
    },
    "login": lambda o: {"username": o["candidat_user"].email, "password": PASSWORD},
    "password_change": lambda o: {"old_password": PASSWORD, **NEW_PASSWORDS},
    "password_reset": lambda o: {"email": o["reset_user"].email},
    "password_reset_confirm": lambda o, *link: NEW_PASSWORDS,
    "set_language": lambda o: {"language": "en", "next": "/"},
    "organisation_create": lambda o: {**ORGANISATION, "name": "Nouvelle"},
    "organisation_update": lambda o, slug: {**ORGANISATION, "is_active": "on"},
    "invitation_create": lambda o, slug: {"email": "nouveau@exemple.fr", "role": "candidat"},
    "invitation_accept": lambda o, token: {
        "first_name": "Nina",
        "last_name": "Nouvelle",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    },
    "habilitation_create": lambda o: {
        "email": "x@exemple.fr",
        "first_name": "X",
        "last_name": "Y",
        "kind": "evaluateur",
        "valid_from": "2026-01-01",
        "valid_until": "2027-01-01",
    },
    "habilitation_renew": lambda o, habilitation: {"valid_until": "2099-01-01"},
    "habilitation_revoke": lambda o, habilitation: {"reason": "Intrusion"},
}
