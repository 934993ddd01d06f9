"""The register file of a jury session: its columns and rows, its refusals, and the date each
certificate was last reported."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.enums import Pathway
from jury.enums import CertificateKind
from jury.models import Certificate
from pilotage.models import ExportRecord
from pilotage.register import COLUMNS
from tests.factories import JurySessionFactory
from tests.pilotage.builders import SESSION_DAY, closed_session, holder, registered_certification
from tests.pilotage.readers import body, csv_rows, xlsx_sheet

pytestmark = pytest.mark.django_db


def url(session, fmt="csv"):
    return reverse("session_register", args=[session.pk, fmt])


@pytest.fixture
def session(db):
    registered_certification()
    return closed_session()


def test_one_row_per_holder_with_identity_code_date_and_kind(client, secretariat, own_org, session):
    total = holder(own_org, session=session, identity={"birth_name": "Bernard"})
    partial = holder(
        own_org,
        session=session,
        kind=CertificateKind.ATTESTATION,
        validated=[1, 3],
        pathway=Pathway.VAE,
        identity={
            "birth_name": "Dubois",
            "used_name": "Moreau",
            "first_names": "Jean",
            "civility": "monsieur",
            "birth_place": "Dakar",
            "birth_country": "Sénégal",
            "birth_date": datetime.date(1985, 12, 31),
        },
    )
    holder(own_org, session=session, revoked=True, identity={"birth_name": "Revoque"})
    client.force_login(secretariat)

    response = client.get(url(session))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="registre-session-2026-06-15.csv"'
    )
    header, *rows = csv_rows(response)
    assert header == [c.header for c in COLUMNS]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_number) == {total.number, partial.number}
    assert by_number[total.number] == {
        "idTechnique": total.number,
        "typeCertification": "RNCP",
        "codeCertification": "RNCP12345",
        "niveau": "4",
        "obtentionCertification": "PAR_ADMISSION",
        "natureValidation": "TOTALE",
        "dateObtention": "15/06/2026",
        "dateDelivrance": "15/06/2026",
        "dateFinValidite": "",
        "modaliteAcces": "FORMATION_CONTINUE",
        "sexe": "F",
        "nomNaissance": "BERNARD",
        "nomUsage": "",
        "prenom1": "Camille",
        "prenom2": "Marie",
        "prenom3": "Louise Anne",
        "dateNaissance": "04/03/1990",
        "libelleCommuneNaissance": "Lyon",
        "libellePaysNaissance": "France",
        "competencesValidees": "",
        "libellesCompetencesValidees": "",
        "finsValiditeCompetences": "",
    }
    row = by_number[partial.number]
    assert (row["natureValidation"], row["modaliteAcces"], row["sexe"]) == (
        "PARTIELLE",
        "VAE",
        "M",
    )
    assert (row["nomNaissance"], row["nomUsage"], row["prenom1"], row["prenom2"]) == (
        "DUBOIS",
        "MOREAU",
        "Jean",
        "",
    )
    assert (row["dateNaissance"], row["libellePaysNaissance"]) == ("31/12/1985", "Sénégal")
    assert row["competencesValidees"] == "1 | 3"
    assert row["libellesCompetencesValidees"].count(" | ") == 1
    assert row["finsValiditeCompetences"] == "15/06/2031 | 15/06/2031"
    assert row["dateFinValidite"] == "15/06/2031"


def test_the_xlsx_register_types_its_dates(client, secretariat, own_org, session):
    holder(own_org, session=session, identity={})
    client.force_login(secretariat)

    sheet = xlsx_sheet(client.get(url(session, "xlsx")))

    header = [cell.value for cell in sheet[1]]
    row = {h: cell for h, cell in zip(header, sheet[2], strict=True)}
    assert row["dateObtention"].value == datetime.datetime(2026, 6, 15)
    assert row["dateNaissance"].value == datetime.datetime(1990, 3, 4)
    assert row["niveau"].value == 4
    assert sheet.freeze_panes == "A2"


def test_a_successful_export_marks_the_certificates_reported(client, secretariat, own_org, session):
    reported = holder(own_org, session=session, identity={})
    revoked = holder(own_org, session=session, identity={}, revoked=True)
    elsewhere = holder(own_org, identity={})
    client.force_login(secretariat)

    body(client.get(url(session)))

    today = timezone.localdate()
    assert Certificate.objects.get(pk=reported.pk).last_reported_on == today
    assert Certificate.objects.get(pk=revoked.pk).last_reported_on is None
    assert Certificate.objects.get(pk=elsewhere.pk).last_reported_on is None
    record = ExportRecord.objects.get()
    assert (record.dataset, record.fmt, record.row_count) == ("registre", "csv", 1)
    assert record.filters == {"session": str(session.pk)}


def refusal(client, secretariat, session) -> str:
    client.force_login(secretariat)
    response = client.get(url(session))
    assert response.status_code == 403
    assert not ExportRecord.objects.exists()
    assert not Certificate.objects.filter(last_reported_on__isnull=False).exists()
    return response.content.decode()


def test_refused_with_the_list_of_what_is_missing(client, secretariat, own_org, session):
    holder(own_org, session=session, identity={}, last_name="Complet")
    holder(
        own_org,
        session=session,
        identity={"birth_place": "", "birth_date": None},
        first_name="Léa",
        last_name="Sanslieu",
    )
    holder(own_org, session=session, identity={"checked": False}, last_name="Nonverifie")
    holder(own_org, session=session, first_name="Ali", last_name="Rien")

    page = refusal(client, secretariat, session)

    assert "ces 3 points ne sont pas réglés" in page
    assert "état civil incomplet : date de naissance, commune de naissance à renseigner." in page
    assert "état civil déclaré le " in page
    assert ", pas encore vérifié par le secrétariat." in page
    assert "Ali Rien (" in page
    assert "état civil non déclaré par le candidat." in page


def test_refused_without_a_registry_code(client, secretariat, own_org):
    registered_certification(code="", level=None)
    session = closed_session()
    holder(own_org, session=session, identity={})

    page = refusal(client, secretariat, session)

    assert "n&#x27;a pas de code au répertoire national (RNCP ou RS)" in page


def test_refused_for_a_session_not_closed_or_without_certificates(
    client, secretariat, own_org, session
):
    assert "aucun certificat ni attestation en vigueur" in refusal(client, secretariat, session)
    planned = JurySessionFactory(date=SESSION_DAY)
    assert "La session n&#x27;est pas clôturée" in refusal(client, secretariat, planned)


def test_only_the_secretariat_exports_the_register(client, gestionnaire, jury, session):
    for user in (gestionnaire, jury):
        client.force_login(user)
        assert client.get(url(session)).status_code == 404


def test_an_unknown_format_or_session_is_not_found(client, secretariat, session):
    client.force_login(secretariat)

    assert client.get(url(session, "pdf")).status_code == 404
    assert client.get(reverse("session_register", args=[999999, "csv"])).status_code == 404


def test_the_session_page_offers_the_register_once_closed(client, secretariat, session):
    client.force_login(secretariat)

    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()

    assert f'href="{url(session)}"' in page
    assert f'href="{url(session, "xlsx")}"' in page
