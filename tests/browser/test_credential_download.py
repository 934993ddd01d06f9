"""The certified candidate downloads her signed credential from her dashboard, in a real
browser; the file verifies with joserfc and the key the site publishes."""

import json
from pathlib import Path

import pytest
from joserfc import jws
from joserfc.jwk import KeySet
from playwright.sync_api import expect

from cqp import seal
from cqp.models import MembershipRole
from jury import credentials
from jury.demo import CERTIFIED_EMAIL, CERTIFIED_FIRST_NAME, CERTIFIED_LAST_NAME
from jury.models import Certificate
from tests.factories import PASSWORD, MembershipFactory
from tests.jury.builders import ALL, candidacy_in_jury, fiche, open_session, place, record

from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated"),
]


@pytest.fixture
def certified(own_org, secretariat, professionnel, evaluateur):
    """Like the demo's certified candidate: her parcours decided « certifié » by a jury."""
    candidat = MembershipFactory(
        organisation=own_org,
        role=MembershipRole.CANDIDAT,
        user__first_name=CERTIFIED_FIRST_NAME,
        user__last_name=CERTIFIED_LAST_NAME,
        user__email=CERTIFIED_EMAIL,
    ).user
    candidacy = candidacy_in_jury(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    session = open_session(by=secretariat)
    deliberation = record(place(session, candidacy, by=secretariat), decisions=fiche(ALL))
    return Certificate.objects.get(deliberation=deliberation)


def test_certified_candidate_downloads_her_credential_from_her_dashboard(
    live_server, page, certified, settings
):
    settings.SITE_URL = live_server.url
    login(page, live_server, CERTIFIED_EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/")
    panel = page.get_by_role("list", name="Mes certificats et attestations")
    expect(panel).to_contain_text(certified.number)

    with page.expect_download() as info:
        panel.get_by_role("link", name="Télécharger le justificatif numérique signé").click()
    download = info.value

    assert download.suggested_filename == f"{certified.number}.credential.json"
    envelope = json.loads(Path(download.path()).read_text())
    token = envelope["id"].removeprefix("data:application/vc+jwt,")
    keys = page.request.get(f"{live_server.url}/emetteur/jwks.json").json()
    verified = jws.deserialize_compact(token, KeySet.import_key_set(keys), algorithms=["EdDSA"])
    payload = json.loads(verified.payload)
    assert payload["issuer"]["id"] == f"{live_server.url}/emetteur/"
    assert payload["credentialSubject"]["achievement"]["achievementType"] == "Certification"
    assert CERTIFIED_EMAIL not in verified.payload.decode()
    assert credentials.credential_url(certified) == payload["id"]

    # Her sealed certificate, from the same card: the seal verifies.
    with page.expect_download() as info:
        panel.get_by_role(
            "link", name="Télécharger : Certificat de qualification professionnelle (PDF scellé)"
        ).click()
    assert seal.verify(Path(info.value.path()).read_bytes()).valid

    # The public page of the same number offers the same credential.
    page.get_by_role("link", name="Page de vérification publique").click()
    expect(page.locator(".verify-status")).to_contain_text("Valide")
    expect(
        page.get_by_role("link", name="Télécharger le justificatif numérique signé")
    ).to_be_visible()
