"""Certificates at the services level: revocation by the secretariat, public verification."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates.models import TransitionLog
from jury import selectors, services
from tests.factories import JuryFactory

pytestmark = pytest.mark.django_db


# Revocation and verification --------------------------------------------------------------


def test_revocation_needs_a_reason_and_the_secretariat(certificate, secretariat, candidat):
    president = certificate.deliberation.session.president.user
    for user in (president, candidat, JuryFactory()):
        with pytest.raises(PermissionDenied):
            services.certificate_revoke(certificate=certificate, by=user, reason="Fraude.")
    with pytest.raises(ValidationError) as excinfo:
        services.certificate_revoke(certificate=certificate, by=secretariat, reason="  ")
    assert "reason" in excinfo.value.message_dict

    certificate.refresh_from_db()
    assert certificate.is_valid
    assert not TransitionLog.objects.filter(transition="revoke_certificate").exists()


def test_revocation_invalidates_the_certificate_and_is_logged(certificate, secretariat):
    candidacy = certificate.deliberation.candidacy

    services.certificate_revoke(
        certificate=certificate, by=secretariat, reason=" Fraude documentaire avérée. "
    )

    certificate.refresh_from_db()
    assert not certificate.is_valid
    assert certificate.revoked_by == secretariat
    assert certificate.revocation_reason == "Fraude documentaire avérée."
    log = TransitionLog.objects.get(candidacy=candidacy, transition="revoke_certificate")
    assert (log.actor, log.role, log.source, log.target) == (
        secretariat,
        "secretariat",
        "certifie",
        "certifie",
    )
    assert "Fraude documentaire avérée." in log.comment
    assert certificate.number in log.comment

    with pytest.raises(ValidationError, match="déjà révoqué"):
        services.certificate_revoke(certificate=certificate, by=secretariat, reason="Encore.")
    assert TransitionLog.objects.filter(transition="revoke_certificate").count() == 1
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Fraude documentaire avérée."


def test_certificate_verify_by_number(certificate, secretariat):
    assert selectors.certificate_verify(number=certificate.number) == certificate
    assert selectors.certificate_verify(number=f"  {certificate.number.lower()} ") == certificate
    assert selectors.certificate_verify(number="CQP-0000-0000-0000-0000") is None
    assert selectors.certificate_verify(number="") is None

    services.certificate_revoke(certificate=certificate, by=secretariat, reason="Fraude.")
    found = selectors.certificate_verify(number=certificate.number)
    assert found == certificate and not found.is_valid
