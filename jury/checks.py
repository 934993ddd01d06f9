"""Start-up checks of the jury app: the credentials' signing key must be usable before the
site serves a single credential."""

from django.core.checks import Error, register

from . import credentials


@register()
def credential_key_check(app_configs, **kwargs):
    try:
        credentials.signing_key()
    except credentials.CredentialKeyError as error:
        return [
            Error(
                str(error),
                hint="Set CREDENTIAL_KEY_FILE to the CPEF's Ed25519 key, or run "
                "`manage.py credential_key --create-if-missing` (README « Verifiable "
                "credentials »).",
                id="jury.E001",
            )
        ]
    return []
