"""Certificates and attestations as verifiable credentials: W3C Verifiable Credentials data
model 2.0 with the Open Badges 3.0 vocabulary, secured as JWTs (VC-JOSE: a JWS compact
serialization, `typ: vc+jwt`, `alg: EdDSA`, Ed25519) by joserfc; never hand-written crypto.

- The issuer is the CPEF's OB 3.0 `Profile`, published at `issuer_profile` (`/emetteur/`);
  its public key at `issuer_jwks` (`/emetteur/jwks.json`), `kid` = the key's RFC 7638
  thumbprint, so a rotated key gets a new `kid`.
- The holder is identified by a salted hash of their e-mail (`IdentityObject`, `hashed`,
  `identityHash` = "sha256$" + hex sha256(email + salt), as OB 3.0 specifies) and by their
  name, which the public verification page shows anyway; the salt is derived from the
  certificate's number and the site's secret key, so the same credential is served every time.
- An attestation's competences are `result` entries of the credential subject, one per
  validated competence, each pointing at the achievement's `resultDescription` of that
  competence and carrying its own `validFrom` / `validUntil` (terms of the VC 2.0
  issuer-dependent vocabulary: OB 3.0 has no validity per result); the credential's own
  `validUntil` is the last of them, so an attestation whose validations all lapsed is expired.
- Revocation: a Bitstring Status List v1.0 credential (`issuer_status_list`), built fresh
  on every request from the certificates' `revoked_at`, so revoking through
  `services.certificate_revoke` flips the bit with nothing to invalidate. The index of a
  certificate is its primary key: list n (from 1) holds the pks n-1 × STATUS_LIST_BITS to
  n × STATUS_LIST_BITS - 1, at index pk modulo STATUS_LIST_BITS.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import hmac
import json
import warnings
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from cqp.models import Issuer

from .enums import CertificateKind
from .models import Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ALG = "EdDSA"
TYP = "vc+jwt"
MEDIA_TYPE = "application/vc+jwt"
# The spec's minimum: 16 KB uncompressed, so that one revoked entry hides among many.
STATUS_LIST_BITS = 16 * 1024 * 8


class CredentialKeyError(Exception):
    """The signing key named by CREDENTIAL_KEY_FILE is missing or not an Ed25519 private key."""


# The key ---------------------------------------------------------------------------------


def key_path() -> Path:
    return Path(settings.CREDENTIAL_KEY_FILE)


def key_create(path: Path) -> None:
    """Write a new Ed25519 private key (PKCS#8 PEM, readable by its owner only) at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = OKPKey.generate_key("Ed25519").as_pem(private=True)
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(pem)


def signing_key() -> OKPKey:
    """The issuer's private key, read from CREDENTIAL_KEY_FILE (a clear error otherwise)."""
    path = key_path()
    try:
        key = OKPKey.import_key(path.read_bytes())
    except OSError as error:
        raise CredentialKeyError(
            f"CREDENTIAL_KEY_FILE {path} cannot be read ({error.strerror}); create it with "
            "`manage.py credential_key --create-if-missing`."
        ) from error
    except (JoseError, ValueError, TypeError) as error:
        raise CredentialKeyError(
            f"CREDENTIAL_KEY_FILE {path} is not an Ed25519 private key in PEM: {error}"
        ) from error
    if key.curve_name != "Ed25519" or not key.is_private:
        raise CredentialKeyError(f"CREDENTIAL_KEY_FILE {path} is not an Ed25519 private key.")
    return key


def public_jwk(key: OKPKey | None = None) -> dict:
    key = key or signing_key()
    return key.as_dict(private=False, kid=key.thumbprint(), use="sig", alg=ALG)


def jwks() -> dict:
    """The JSON Web Key Set that verifies the credentials."""
    return {"keys": [public_jwk()]}


def _sign(payload: dict) -> str:
    key = signing_key()
    header = {"alg": ALG, "typ": TYP, "kid": key.thumbprint()}
    with warnings.catch_warnings():
        # RFC 9864 prefers the fully specified "Ed25519"; "EdDSA" is what VC and Open Badges
        # verifiers accept today (README « Why joserfc »).
        warnings.simplefilter("ignore")
        return jws.serialize_compact(
            header, json.dumps(payload, ensure_ascii=False), key, algorithms=[ALG]
        )


# The issuer --------------------------------------------------------------------------------


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def issuer_url() -> str:
    return _url("issuer_profile")


def _issuer(issuer: Issuer) -> dict:
    profile = {
        "id": issuer_url(),
        "type": ["Profile"],
        "name": issuer.name,
        "url": settings.SITE_URL + "/",
        "address": {
            "type": ["Address"],
            "streetAddress": issuer.street,
            "postalCode": issuer.postal_code,
            "addressLocality": issuer.city,
            "addressCountry": "France",
            "addressCountryCode": "FR",
        },
    }
    if issuer.short_name:
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": issuer.short_name, "identifierType": "name"}
        ]
    if issuer.email:
        profile["email"] = issuer.email
    if issuer.phone:
        profile["phone"] = issuer.phone
    return profile


def issuer_profile() -> dict:
    """The issuer's OB 3.0 Profile as a JSON-LD document."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **_issuer(Issuer.current())}


# The achievement ---------------------------------------------------------------------------


def _achievement(certification, kind: str) -> dict:
    base = f"{issuer_url()}#{certification.code}"
    competences = list(certification.competences.all())
    listing = "\n".join(f"{c.code}. {c.title}" for c in competences)
    if kind == CertificateKind.ATTESTATION:
        achievement = {
            "id": f"{base}-validation-partielle",
            "achievementType": "Achievement",
            "name": f"Validation partielle : {certification.title}",
            "description": (
                f"Compétences du {certification.title} validées par le jury paritaire, "
                f"acquises pour {certification.partial_validation_years} ans."
            ),
            "criteria": {
                "narrative": "Chaque compétence validée par le jury paritaire au vu de "
                "l'évaluation par un professionnel du secteur et un évaluateur externe "
                "habilités :\n" + listing
            },
        }
    else:
        achievement = {
            "id": base,
            "achievementType": "Certification",
            "name": certification.title,
            "description": (
                f"{certification.title}, délivré par le jury paritaire de la branche "
                f"{certification.branch}."
                if certification.branch
                else certification.title
            ),
            "criteria": {
                "narrative": "Toutes les compétences du référentiel validées par le jury "
                "paritaire :\n" + listing
            },
        }
    achievement["type"] = ["Achievement"]
    achievement["inLanguage"] = "fr"
    achievement["resultDescription"] = [
        {
            "id": f"{base}-{c.code}",
            "type": ["ResultDescription"],
            "name": f"{c.code}. {c.title}",
            "resultType": "Status",
        }
        for c in competences
    ]
    achievement["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": f"{c.code}. {c.title}",
            "targetCode": c.code,
            "targetType": "ceasn:Competency",
            "targetUrl": f"{base}-{c.code}",
        }
        for c in competences
    ]
    if certification.registry_code:
        achievement["humanCode"] = certification.registry_code
        achievement["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": certification.registry_code,
                "identifierType": f"ext:{certification.registry}",
            }
        ]
        number = certification.registry_code[len(certification.registry) :]
        alignment = {
            "type": ["Alignment"],
            "targetName": certification.registry_reference,
            "targetCode": certification.registry_code,
            "targetType": "ceterms:Credential",
            "targetUrl": "https://www.francecompetences.fr/recherche/"
            f"{certification.registry.lower()}/{number}/",
        }
        if certification.registry_level:
            level = f"Niveau {certification.registry_level} du cadre national des certifications"
            alignment["targetDescription"] = level
            achievement["tag"] = [level]
        achievement["alignment"].insert(0, alignment)
    return achievement


# The credential ----------------------------------------------------------------------------


def holder_salt(certificate: Certificate) -> str:
    """Stable per certificate, not guessable without the site's secret key."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"credential-salt:{certificate.number}".encode(), "sha256"
    ).hexdigest()[:32]


def identity_hash(value: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


def status_location(certificate: Certificate) -> tuple[int, int]:
    """(list number from 1, index in that list) of a certificate."""
    return certificate.pk // STATUS_LIST_BITS + 1, certificate.pk % STATUS_LIST_BITS


def status_list_url(number: int) -> str:
    return _url("issuer_status_list", number=number)


def credential_url(certificate: Certificate) -> str:
    return _url("verify_credential", number=certificate.number)


def _date_time(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _date_time_end(day: datetime.date) -> str:
    # A validation counts up to `valid_until` included.
    return f"{day.isoformat()}T23:59:59Z"


def attestation_validations(certificate: Certificate) -> list:
    """The competences an attestation validated, in the référentiel's order."""
    return sorted(
        certificate.deliberation.validations.select_related("competence"),
        key=lambda v: v.competence.number,
    )


def credential(certificate: Certificate) -> dict:
    """The unsigned credential of a certificate or an attestation (a JSON-LD document)."""
    candidacy = certificate.deliberation.candidacy
    user = candidacy.candidate.user
    certification = candidacy.certification
    salt = holder_salt(certificate)
    identifiers = [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": identity_hash(user.email, salt),
            "salt": salt,
        },
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": candidacy.candidate.legal_name,
        },
    ]
    subject = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": _achievement(certification, certificate.kind),
    }
    valid_until = None
    if certificate.kind == CertificateKind.ATTESTATION:
        validations = attestation_validations(certificate)
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{issuer_url()}#{certification.code}-{v.competence.code}",
                "status": "Completed",
                "validFrom": _date_time(v.validated_on),
                "validUntil": _date_time_end(v.valid_until),
            }
            for v in validations
        ]
        if validations:
            valid_until = max(v.valid_until for v in validations)
    list_number, index = status_location(certificate)
    list_url = status_list_url(list_number)
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.get_kind_display()} n° {certificate.number}",
        "issuer": _issuer(Issuer.current()),
        "validFrom": _date_time(certificate.issued_on),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }
    if valid_until is not None:
        document["validUntil"] = _date_time_end(valid_until)
    return document


def signed_credential(certificate: Certificate) -> str:
    """The credential secured as a JWT (compact JWS, `typ: vc+jwt`)."""
    return _sign(credential(certificate))


def enveloped_credential(certificate: Certificate) -> dict:
    """The JSON served at `verify_credential`: VC 2.0's EnvelopedVerifiableCredential, whose
    `id` is a data: URL holding the JWT, so that the JSON-LD world and a bare JOSE library
    both read it."""
    return {
        "@context": [VC_CONTEXT],
        "id": f"data:{MEDIA_TYPE},{signed_credential(certificate)}",
        "type": "EnvelopedVerifiableCredential",
    }


# Revocation ------------------------------------------------------------------------------


def encode_bitstring(indexes) -> str:
    """Multibase base64url (prefix "u", no padding) of the GZIP of the bitstring; index 0 is
    the left-most bit of the first byte."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_bitstring(encoded: str) -> bytes:
    """The inverse of `encode_bitstring` (what a verifier does)."""
    data = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_list_credential(number: int) -> dict:
    """The revocation status list `number` (from 1), as of now."""
    first = (number - 1) * STATUS_LIST_BITS
    revoked = Certificate.objects.filter(
        pk__gte=first, pk__lt=first + STATUS_LIST_BITS, revoked_at__isnull=False
    ).values_list("pk", flat=True)
    url = status_list_url(number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(pk - first for pk in revoked),
        },
    }


def signed_status_list(number: int) -> str:
    return _sign(status_list_credential(number))
