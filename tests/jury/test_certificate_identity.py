"""What a certificate and an attestation say of their holder and of the certification's
registration: the legal name, the birth name when another is used, the date and place of
birth, and « Certification enregistrée au RNCP sous le numéro …, niveau … » once known."""

import datetime

import pytest

from candidates import services_identity
from cqp import services_registry
from cqp.models import Certification
from jury.models import Certificate
from tests.candidates.builders import identity_of
from tests.helpers import pdf_text, stored_bytes

from .builders import ALL, fiche, record
from .test_documents import _only

pytestmark = pytest.mark.django_db


def _holder(candidacy, secretariat, **overrides):
    candidate = services_identity.identity_declare(
        candidate=candidacy.candidate,
        by=secretariat,
        **identity_of(candidacy.candidate.user, **overrides),
    )
    services_identity.identity_check(candidate=candidate, by=secretariat)


def _decide(deliberation, capture, **decisions):
    with capture(execute=True):
        record(deliberation, decisions=fiche(**decisions))
    return Certificate.objects.get(deliberation=deliberation)


def test_the_certificate_names_the_holder_and_the_registration(
    on_agenda, secretariat, django_capture_on_commit_callbacks
):
    services_registry.certification_registry_update(
        certification=Certification.objects.get(code="CQP-AF"),
        by=secretariat,
        registry="RNCP",
        registry_code="RNCP38912",
        registry_level=4,
    )
    deliberation = on_agenda()
    _holder(
        deliberation.candidacy,
        secretariat,
        civility="madame",
        birth_name="Lambert",
        used_name="Moreau",
        first_names="Inès Claire",
        birth_date=datetime.date(1991, 3, 14),
        birth_place="Liège",
        birth_country="Belgique",
    )
    certificate = _decide(deliberation, django_capture_on_commit_callbacks, validated=ALL)
    text = pdf_text(stored_bytes(_only("certificat", certificate)))
    assert "Inès Claire MOREAU" in text
    assert "née LAMBERT le 14/03/1991 à Liège (Belgique)" in text
    assert "Certification enregistrée au RNCP sous le numéro RNCP38912, niveau 4" in text


def test_the_attestation_names_the_holder_and_no_registration_while_unknown(
    on_agenda, secretariat, django_capture_on_commit_callbacks
):
    deliberation = on_agenda(non_acquises={3})
    _holder(deliberation.candidacy, secretariat, first_names="Théo Julien", birth_name="Garnier")
    certificate = _decide(
        deliberation,
        django_capture_on_commit_callbacks,
        validated=[1, 2, 4, 5, 6],
        not_validated=[3],
    )
    text = pdf_text(stored_bytes(_only("attestation", certificate)))
    assert (
        "atteste que Théo Julien GARNIER, date de naissance : 17/05/1990, lieu de naissance : "
        "Nantes, détient"
    ) in text
    assert "Certification enregistrée" not in text
