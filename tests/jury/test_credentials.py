"""The verifiable credentials (Open Badges 3.0, VC-JOSE): verified as a third party would,
with joserfc alone and what the site publishes (the JWKS, the issuer's profile, the status
list), fetched through the test client."""

import base64
import datetime
import gzip
import hashlib
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from joserfc import jws
from joserfc.errors import BadSignatureError, InvalidKeyIdError
from joserfc.jwk import KeySet

from candidates.models import CompetenceValidation
from jury import checks, credentials, services

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated"),
]

SITE = "https://cqp.exemple.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _path(url: str) -> str:
    assert url.startswith(SITE + "/"), url
    return url[len(SITE) :]


def _jwt_of(client, certificate) -> str:
    response = client.get(reverse("verify_credential", args=[certificate.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    envelope = response.json()
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    prefix = "data:application/vc+jwt,"
    assert envelope["id"].startswith(prefix)
    return envelope["id"][len(prefix) :]


def _keys(client) -> KeySet:
    response = client.get(reverse("issuer_jwks"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return KeySet.import_key_set(json.loads(response.content))


def _verify(client, token: str) -> tuple[dict, dict]:
    """(header, payload) of a JWS the issuer's published key verifies (raises otherwise)."""
    verified = jws.deserialize_compact(token, _keys(client), algorithms=["EdDSA"])
    return verified.headers(), json.loads(verified.payload)


def _revoked_bit(client, status: dict) -> bool:
    response = client.get(_path(status["statusListCredential"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    header, status_list = _verify(client, response.content.decode())
    assert header["typ"] == "vc+jwt"
    assert "BitstringStatusListCredential" in status_list["type"]
    assert status_list["id"] == status["statusListCredential"]
    subject = status_list["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url, no padding
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) >= 16 * 1024
    index = int(status["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_credential_verifies_with_the_published_key_and_the_revocation_flips_its_status(
    client, certificate, secretariat
):
    header, payload = _verify(client, _jwt_of(client, certificate))

    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": header["kid"]}
    assert header["kid"] in {key["kid"] for key in client.get("/emetteur/jwks.json").json()["keys"]}
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["id"] == f"{SITE}/verifier/{certificate.number}/credential.json"
    profile = client.get(_path(payload["issuer"]["id"]))
    assert profile.status_code == 200
    assert profile.json()["id"] == payload["issuer"]["id"] == f"{SITE}/emetteur/"
    assert profile.json()["type"] == ["Profile"]
    assert payload["validFrom"] == f"{certificate.issued_on.isoformat()}T00:00:00Z"
    status = payload["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.pk)
    assert status["statusListCredential"] == f"{SITE}/emetteur/statuts/1.jwt"
    assert _revoked_bit(client, status) is False

    services.certificate_revoke(certificate=certificate, by=secretariat, reason="Fraude.")

    assert _revoked_bit(client, status) is True


def test_a_tampered_credential_or_another_key_does_not_verify(
    client, certificate, settings, tmp_path
):
    token = _jwt_of(client, certificate)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["validFrom"] = "2020-01-01T00:00:00Z"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(BadSignatureError):
        _verify(client, f"{header}.{forged}.{signature}")

    settings.CREDENTIAL_KEY_FILE = tmp_path / "rotated.pem"
    credentials.key_create(settings.CREDENTIAL_KEY_FILE)
    with pytest.raises(InvalidKeyIdError):
        _verify(client, token)


def test_holder_is_a_salted_hash_of_the_email_which_appears_nowhere(client, certificate):
    candidate = certificate.deliberation.candidacy.candidate
    candidate.birth_date = datetime.date(1991, 3, 17)
    candidate.save()
    email = candidate.user.email
    token = _jwt_of(client, certificate)
    _, payload = _verify(client, token)

    hashed, name = payload["credentialSubject"]["identifier"]
    assert hashed["type"] == "IdentityObject"
    assert (hashed["identityType"], hashed["hashed"]) == ("emailAddress", True)
    assert len(hashed["salt"]) == 32
    expected = hashlib.sha256((email + hashed["salt"]).encode()).hexdigest()
    assert hashed["identityHash"] == f"sha256${expected}"
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": candidate.legal_name,
    }
    text = json.dumps(payload, ensure_ascii=False)
    assert email not in text
    assert email.split("@")[0] not in text
    assert "1991" not in text
    assert certificate.deliberation.candidacy.organisation.name not in text
    # Served twice, the credential is the same: the salt is stable.
    assert _jwt_of(client, certificate) == token


def test_certificate_achievement_is_the_certification_with_its_code_level_and_competences(
    client, certificate
):
    certification = certificate.deliberation.candidacy.certification
    certification.registry_code = "RNCP12345"
    certification.registry_level = 4
    certification.save()

    _, payload = _verify(client, _jwt_of(client, certificate))

    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["name"] == certification.title
    assert achievement["humanCode"] == "RNCP12345"
    assert achievement["otherIdentifier"] == [
        {"type": "IdentifierEntry", "identifier": "RNCP12345", "identifierType": "ext:RNCP"}
    ]
    assert achievement["tag"] == ["Niveau 4 du cadre national des certifications"]
    registry, *competences = achievement["alignment"]
    assert registry["targetUrl"] == "https://www.francecompetences.fr/recherche/rncp/12345/"
    assert [a["targetCode"] for a in competences] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert {a["targetType"] for a in competences} == {"ceasn:Competency"}
    assert "C6." in achievement["criteria"]["narrative"]
    assert len(achievement["resultDescription"]) == 6
    assert "result" not in payload["credentialSubject"]
    assert "validUntil" not in payload


def test_attestation_lists_each_validated_competence_with_its_validity(client, attestation):
    _, payload = _verify(client, _jwt_of(client, attestation))

    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["id"] == f"{SITE}/emetteur/#CQP-AF-validation-partielle"
    assert achievement["name"].startswith("Validation partielle : ")
    descriptions = {d["id"]: d["name"] for d in achievement["resultDescription"]}
    validations = CompetenceValidation.objects.filter(
        candidate=attestation.deliberation.candidacy.candidate
    ).order_by("competence__number")
    assert [v.competence.number for v in validations] == [1, 2, 4, 5, 6]
    results = payload["credentialSubject"]["result"]
    assert [
        (descriptions[r["resultDescription"]][:3], r["status"], r["validFrom"], r["validUntil"])
        for r in results
    ] == [
        (
            f"{v.competence.code}.",
            "Completed",
            f"{v.validated_on.isoformat()}T00:00:00Z",
            f"{v.valid_until.isoformat()}T23:59:59Z",
        )
        for v in validations
    ]
    assert payload["validUntil"] == f"{validations.last().valid_until.isoformat()}T23:59:59Z"


def test_unknown_or_malformed_number_answers_404(client):
    for number in ("CQP-0000-0000-0000-0000", "pas un numéro"):
        response = client.get(reverse("verify_credential", args=[number]))
        assert response.status_code == 404
        assert response.json() == {"error": "not_found"}


def test_status_list_beyond_the_certificates_is_404(client, certificate):
    assert client.get(reverse("issuer_status_list", args=[1])).status_code == 200
    assert client.get(reverse("issuer_status_list", args=[2])).status_code == 404
    assert client.get(reverse("issuer_status_list", args=[0])).status_code == 404


def test_certificates_beyond_one_list_go_to_the_next(certificate):
    certificate.pk = credentials.STATUS_LIST_BITS + 7
    assert credentials.status_location(certificate) == (2, 7)


def test_issuer_profile_reads_the_issuer(client, settings):
    from cqp.models import Issuer

    issuer = Issuer.current()
    issuer.name = "CPEF de la branche"
    issuer.city = "Lyon"
    issuer.save()

    profile = client.get(reverse("issuer_profile")).json()

    assert profile["name"] == "CPEF de la branche"
    assert profile["address"]["addressLocality"] == "Lyon"
    assert profile["url"] == f"{SITE}/"


# The key ----------------------------------------------------------------------------------


def test_a_missing_or_unreadable_key_stops_the_start(settings, tmp_path):
    settings.CREDENTIAL_KEY_FILE = tmp_path / "absente.pem"
    [error] = checks.credential_key_check(None)
    assert error.id == "jury.E001"
    assert str(settings.CREDENTIAL_KEY_FILE) in error.msg
    assert "cannot be read" in error.msg

    settings.CREDENTIAL_KEY_FILE.write_text("pas une clé")
    [error] = checks.credential_key_check(None)
    assert "is not an Ed25519 private key" in error.msg


def test_key_command_creates_a_missing_key_and_never_replaces_one(settings, tmp_path):
    settings.CREDENTIAL_KEY_FILE = tmp_path / "var" / "credential-key.pem"
    call_command("credential_key", "--create-if-missing")
    created = settings.CREDENTIAL_KEY_FILE.read_bytes()
    assert settings.CREDENTIAL_KEY_FILE.stat().st_mode & 0o077 == 0
    assert checks.credential_key_check(None) == []

    call_command("credential_key", "--create-if-missing")

    assert settings.CREDENTIAL_KEY_FILE.read_bytes() == created
