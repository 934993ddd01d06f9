"""The public verification page: whether a document is valid, revoked or expired, an
attestation's competences with their validity, the link to the signed credential; never the
holder's e-mail, birth date or organisation."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import CompetenceValidation
from jury import services
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _page(client, certificate) -> str:
    response = client.get(reverse("verify_number", args=[certificate.number]))
    assert response.status_code == 200
    return page_text(response)


def _status(page: str) -> str:
    """The verdict at the top of the page, as read (tags dropped)."""
    verdict = re.search(r'<p class="[^"]*verify-status">(.*?)</p>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", verdict).split())


def _validations(certificate):
    return CompetenceValidation.objects.filter(
        candidate=certificate.deliberation.candidacy.candidate
    ).order_by("competence__number")


def test_attestation_shows_each_competence_and_its_expiry(client, attestation):
    page = _page(client, attestation)

    assert _status(page) == (
        "Valide — cette attestation a été délivrée par la CPEF et n'a pas été révoquée."
    )
    assert "Compétences validées par le jury et leur validité" in page
    validations = list(_validations(attestation))
    assert [v.competence.code for v in validations] == ["C1", "C2", "C4", "C5", "C6"]
    for v in validations:
        assert f"{v.competence.title}</th>" in page
        assert v.valid_until.strftime("%d/%m/%Y") in page
    assert (
        attestation.deliberation.candidacy.certification.competences.get(number=3).title not in page
    )


def test_attestation_whose_validations_all_lapsed_is_expired(client, attestation):
    last = timezone.localdate() - datetime.timedelta(days=1)
    _validations(attestation).update(valid_until=last)

    page = _page(client, attestation)

    assert _status(page) == (
        f"Expirée depuis le {last:%d/%m/%Y} — la validité de toutes les compétences de cette "
        "attestation a pris fin."
    )
    assert page.count('class="badge badge--expiree"') == 5


def test_attestation_with_one_lapsed_validation_is_still_valid(client, attestation):
    _validations(attestation).filter(competence__number=1).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    page = _page(client, attestation)

    assert _status(page).startswith("Valide — ")
    assert page.count('class="badge badge--expiree"') == 1


def test_revoked_certificate_says_so_with_the_date(client, certificate, secretariat):
    services.certificate_revoke(certificate=certificate, by=secretariat, reason="Fraude.")
    certificate.refresh_from_db()

    page = _page(client, certificate)

    revoked_on = timezone.localdate(certificate.revoked_at)
    assert _status(page) == f"Révoqué le {revoked_on:%d/%m/%Y} — ce document n'a plus de valeur."
    assert "Fraude." not in page


def test_certificate_page_links_to_its_credential_and_the_key(client, certificate):
    page = _page(client, certificate)

    assert _status(page) == (
        "Valide — ce certificat a été délivré par la CPEF et n'a pas été révoqué."
    )
    url = reverse("verify_credential", args=[certificate.number])
    assert f'href="{url}" download="{certificate.number}.credential.json"' in page
    assert f'href="{reverse("issuer_jwks")}"' in page
    assert "Compétences validées par le jury" not in page


def test_page_never_shows_email_birth_date_or_organisation(client, attestation):
    candidacy = attestation.deliberation.candidacy
    candidate = candidacy.candidate
    candidate.birth_date = datetime.date(1991, 3, 17)
    candidate.birth_place = "Quimperlé"
    candidate.save()

    page = _page(client, attestation)

    assert candidate.user.get_full_name() in page
    for secret in (
        candidate.user.email,
        "17/03/1991",
        "1991-03-17",
        "17 mars 1991",
        "Quimperlé",
        candidacy.organisation.name,
    ):
        assert secret not in page


def test_verification_page_queries_are_bounded(client, attestation, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        _page(client, attestation)
