"""Downloading the exports in a browser, through Playwright's download API: the secretariat
every list's export, the log and a session's register file; a gestionnaire their own
organisation's candidacies and holders, and nothing of another organisation."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from jury.enums import CertificateKind
from jury.models import Certificate
from tests.factories import PASSWORD, CandidacyFactory, HabilitationFactory, UserFactory
from tests.pilotage.builders import (
    SESSION_DAY,
    closed_session,
    holder,
    registered_certification,
)

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page: Page, link_name: str):
    """Click the link and return the downloaded file's suggested name and bytes."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    downloaded = info.value
    with open(downloaded.path(), "rb") as handle:
        return downloaded.suggested_filename, handle.read()


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


LATER = SESSION_DAY + datetime.timedelta(days=7)  # another session than the data's


@pytest.fixture
def data(own_org, other_org, secretariat):
    registered_certification()
    session = closed_session(place="Lyon")
    holder(own_org, session=session, last_name="Interne", identity={})
    holder(
        own_org,
        session=session,
        last_name="Partielle",
        kind=CertificateKind.ATTESTATION,
        validated=[1, 2],
        identity={"birth_name": "Partielle"},
    )
    holder(other_org, last_name="Externe", identity={}, session=closed_session(date=LATER))
    CandidacyFactory(organisation=own_org, candidate__user=UserFactory(last_name="Encours"))
    HabilitationFactory(user=UserFactory(last_name="Habilite"), granted_by=secretariat)
    return session


def test_the_secretariat_downloads_every_export(page: Page, live_server, secretariat, data):
    login(page, live_server, secretariat.email, PASSWORD)

    page.goto(live_server.url + "/candidatures/")
    name, content = download(page, "Exporter (CSV)")
    assert name.startswith("candidatures-") and name.endswith(".csv")
    rows = csv_rows(content)
    assert rows[0][:2] == ["N° de candidature", "Nom"]
    assert {"Encours", "Interne", "Externe"} <= {row[1] for row in rows[1:]}

    page.goto(live_server.url + "/habilitations/")
    name, content = download(page, "Exporter (Excel)")
    assert name.endswith(".xlsx")
    assert "Habilite" in {row[0] for row in xlsx_rows(content)[1:]}

    page.goto(live_server.url + "/jury/sessions/")
    _name, content = download(page, "Exporter (CSV)")
    assert {row[5] for row in csv_rows(content)[1:]} >= {"Interne", "Partielle"}

    page.goto(live_server.url + "/titulaires/")
    page.get_by_label(label("Document")).select_option("attestation")
    submit(page.get_by_role("button", name="Filtrer"))
    expect(page.locator("tbody tr")).to_have_count(1)
    _name, content = download(page, "Exporter (Excel)")
    assert [row[2] for row in xlsx_rows(content)[1:]] == ["Partielle"]

    page.goto(live_server.url + f"/jury/sessions/{data.pk}/")
    name, content = download(page, "Registre des titulaires (CSV)")
    assert name == f"registre-session-{data.date:%Y-%m-%d}.csv"
    register = csv_rows(content)
    assert register[0][:3] == ["idTechnique", "typeCertification", "codeCertification"]
    assert sorted(row[11] for row in register[1:]) == ["MARTIN", "PARTIELLE"]

    page.goto(live_server.url + "/titulaires/")
    reported = page.locator("tbody tr", has_text="PARTIELLE")
    expect(reported).to_contain_text(f"{timezone.localdate():%d/%m/%Y}")
    expect(page.locator("tbody tr", has_text="Autre Organisme")).to_contain_text("jamais")
    page.goto(live_server.url + "/exports/")
    expect(page.locator("tbody tr")).to_have_count(5)
    expect(page.locator("tbody tr").first).to_contain_text("Déclaration au répertoire national")


def test_a_gestionnaire_downloads_their_organisations_rows(
    page: Page, live_server, gestionnaire, data
):
    login(page, live_server, gestionnaire.email, PASSWORD)

    page.goto(live_server.url + "/candidatures/")
    _name, content = download(page, "Exporter (Excel)")
    names = {row[1] for row in xlsx_rows(content)[1:]}
    assert "Encours" in names
    assert "Externe" not in names

    page.goto(live_server.url + "/titulaires/")
    expect(page.locator("tbody tr")).to_have_count(2)
    _name, content = download(page, "Exporter (CSV)")
    # The civil name once declared (« Interne » declared « Martin »).
    assert sorted(row[2] for row in csv_rows(content)[1:]) == ["Martin", "Partielle"]

    page.goto(live_server.url + "/habilitations/")
    expect(page.get_by_role("link", name="Exporter (CSV)")).to_have_count(0)


def test_the_secretariat_types_the_organisation_and_the_session_day_of_the_holders(
    page: Page, live_server, secretariat, data
):
    """The organisation's names are suggested as they are typed; the list filtered by the
    name chosen, then by the day the session sat; the export follows the filters."""
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/titulaires/")
    field = page.get_by_label(label("Organisation"))
    field.press_sequentially("utre")
    suggested = page.locator("#organisations-suggerees option")
    expect(suggested).to_have_count(1)
    expect(suggested.first).to_have_attribute("value", "Autre Organisme")
    field.fill("Autre Organisme")
    submit(page.get_by_role("button", name="Filtrer"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Autre Organisme")
    _name, content = download(page, "Exporter (CSV)")
    rows = csv_rows(content)[1:]
    assert len(rows) == 1 and "Autre Organisme" in rows[0]

    page.get_by_label(label("Organisation")).fill("")
    page.get_by_label(label("Session du jury du")).fill(f"{data.date:%Y-%m-%d}")
    submit(page.get_by_role("button", name="Filtrer"))
    sat = Certificate.objects.filter(session__date=data.date).count()
    assert 0 < sat < Certificate.objects.count()
    expect(page.locator("tbody tr")).to_have_count(sat)
    page.get_by_label(label("Organisation")).fill("rien de tel")
    submit(page.get_by_role("button", name="Filtrer"))
    expect(page.locator("#id_organisation_name-error")).to_contain_text(
        "Aucune de vos organisations n'a un nom contenant « rien de tel »."
    )
