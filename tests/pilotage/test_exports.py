"""The exports of the lists: formats read back with real parsers, scope, filters, the
injection guard, constant queries and the export log."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.enums import State
from cqp.models import HabilitationKind
from jury.enums import CertificateKind
from pilotage.models import ExportRecord
from tests.factories import CandidacyFactory, HabilitationFactory, UserFactory
from tests.pilotage.builders import closed_session, holder
from tests.pilotage.readers import body, csv_rows, xlsx_rows, xlsx_sheet

pytestmark = pytest.mark.django_db


def export(client, user, dataset, fmt="csv", **filters):
    client.force_login(user)
    return client.get(reverse("export", args=[dataset, fmt]), filters)


def candidacy(organisation, last_name="Durand", first_name="Alice", **fields):
    user = UserFactory(last_name=last_name, first_name=first_name)
    return CandidacyFactory(organisation=organisation, candidate__user=user, **fields)


# CSV ---------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_semicolons_french_headers_and_dates(client, secretariat, own_org):
    created = candidacy(own_org, last_name="Lefèvre", first_name="Zoé", state=State.PARCOURS)

    response = export(client, secretariat, "candidatures")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = datetime.date.today()
    assert response["Content-Disposition"] == (
        f'attachment; filename="candidatures-{today:%Y-%m-%d}.csv"'
    )
    header, row = csv_rows(response)
    assert header[:6] == ["N° de candidature", "Nom", "Prénom", "E-mail", "Voie", "Étape"]
    assert row[:3] == [str(created.pk), "Lefèvre", "Zoé"]
    assert row[4:7] == [
        "Parcours de développement des compétences",
        "Parcours de formation",
        "Formapro Test",
    ]
    assert row[10] == created.created_at.astimezone().strftime("%d/%m/%Y")


def test_csv_of_zero_rows_is_its_header_row(client, secretariat):
    rows = csv_rows(export(client, secretariat, "titulaires"))

    assert rows == [rows[0]]
    assert rows[0][0] == "N° de certificat"


def test_csv_neutralises_what_a_spreadsheet_takes_for_a_formula(client, secretariat, own_org):
    for index, name in enumerate(["=1+1", "+33 6", "-2", "@SUM(A1)", "\tTab", "\rCR", "Sûr"]):
        candidacy(own_org, last_name=name, first_name=str(index))

    rows = csv_rows(export(client, secretariat, "candidatures"))

    names = {row[1] for row in rows[1:]}
    assert names == {"'=1+1", "'+33 6", "'-2", "'@SUM(A1)", "'\tTab", "'\rCR", "Sûr"}
    # A number is not text: never prefixed.
    assert all(row[0].isdigit() for row in rows[1:])


# XLSX --------------------------------------------------------------------------------------


def test_xlsx_has_typed_cells_a_frozen_header_and_widths(client, secretariat, own_org):
    session = closed_session(date=datetime.date(2026, 6, 15))
    holder(own_org, session=session, last_name="Petit")

    response = export(client, secretariat, "titulaires", "xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="titulaires-' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = xlsx_sheet(response)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 20
    assert sheet.column_dimensions["I"].width > 10
    header, row = list(sheet.iter_rows(min_row=1, max_row=2))
    assert header[0].value == "N° de certificat"
    assert header[8].value == "Date de la session"
    assert row[8].value == datetime.datetime(2026, 6, 15)
    assert row[8].number_format == "dd/mm/yyyy"
    assert row[2].value == "Petit"
    assert row[10].value == "valide"


def test_xlsx_numbers_are_numbers_and_formulas_are_neutralised(client, secretariat, own_org):
    created = candidacy(own_org, last_name='=HYPERLINK("http://x")')

    sheet = xlsx_sheet(export(client, secretariat, "candidatures", "xlsx"))

    row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert row[0].value == created.pk
    assert row[0].data_type == "n"
    assert row[1].value == '\'=HYPERLINK("http://x")'
    assert row[1].data_type == "s"


def test_xlsx_of_zero_rows_is_its_header_row(client, secretariat):
    rows = xlsx_rows(export(client, secretariat, "habilitations", "xlsx"))

    assert len(rows) == 1
    assert rows[0][:3] == ("Nom", "Prénom", "E-mail")


# Scope and filters -------------------------------------------------------------------------


def test_a_gestionnaire_exports_only_their_organisations_rows(
    client, gestionnaire, own_org, other_org
):
    candidacy(own_org, last_name="Interne")
    candidacy(other_org, last_name="Externe")
    holder(own_org, last_name="Titulaire")
    holder(other_org, last_name="Ailleurs")

    candidacies = csv_rows(export(client, gestionnaire, "candidatures"))
    holders = xlsx_rows(export(client, gestionnaire, "titulaires", "xlsx"))

    assert sorted(row[1] for row in candidacies[1:]) == ["Interne", "Titulaire"]
    assert [row[2] for row in holders[1:]] == ["Titulaire"]


@pytest.mark.parametrize("dataset", ["candidatures", "titulaires"])
def test_a_foreign_organisation_filter_is_not_found(client, gestionnaire, other_org, dataset):
    response = export(client, gestionnaire, dataset, organisation=other_org.slug)

    assert response.status_code == 404
    assert not ExportRecord.objects.exists()


def test_an_organisation_filter_keeps_that_organisation(client, secretariat, own_org, other_org):
    candidacy(own_org, last_name="Interne")
    candidacy(other_org, last_name="Externe")

    rows = csv_rows(export(client, secretariat, "candidatures", organisation=other_org.slug))

    assert [row[1] for row in rows[1:]] == ["Externe"]
    assert ExportRecord.objects.get().filters == {"organisation": other_org.slug}


def test_the_lists_filters_are_honoured(client, secretariat, own_org):
    candidacy(own_org, last_name="Repere", state=State.REPERAGE)
    candidacy(own_org, last_name="Jury", state=State.JURY)
    HabilitationFactory(kind=HabilitationKind.EVALUATEUR, user__last_name="Eval")
    HabilitationFactory(kind=HabilitationKind.PROFESSIONNEL, user__last_name="Pro")
    certified = holder(own_org, last_name="Total")
    holder(own_org, last_name="Partiel", kind=CertificateKind.ATTESTATION, validated=[1])

    candidacies = csv_rows(export(client, secretariat, "candidatures", state="jury", q="jur"))
    habilitations = csv_rows(export(client, secretariat, "habilitations", kind="evaluateur"))
    holders = csv_rows(
        export(
            client,
            secretariat,
            "titulaires",
            kind="certificat",
            session=certified.deliberation.session_id,
        )
    )

    assert [row[1] for row in candidacies[1:]] == ["Jury"]
    assert [row[0] for row in habilitations[1:]] == ["Eval"]
    assert [row[2] for row in holders[1:]] == ["Total"]


def test_a_foreign_session_filter_is_not_found(client, gestionnaire, own_org, other_org):
    holder(own_org)
    foreign = holder(other_org).deliberation.session

    response = export(client, gestionnaire, "titulaires", session=foreign.pk)

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["douze", "99999999999999999999"])
def test_an_invalid_filter_value_is_answered_clearly(client, secretariat, value):
    response = export(client, secretariat, "titulaires", session=value)

    assert response.status_code == 400
    page = response.content.decode()
    assert "<strong>Session du jury</strong> : Cette session n&#x27;existe pas." in page
    assert not ExportRecord.objects.exists()


def test_a_nul_byte_in_a_filter_is_answered_clearly(client, secretariat):
    response = export(client, secretariat, "candidatures", q="avant\x00après")

    assert response.status_code == 400
    assert "aucun fichier n'a été produit" in response.content.decode()


@pytest.mark.parametrize(
    ("dataset", "fmt"), [("inconnu", "csv"), ("candidatures", "pdf"), ("registre", "csv")]
)
def test_an_unknown_dataset_or_format_is_not_found(client, secretariat, dataset, fmt):
    assert export(client, secretariat, dataset, fmt).status_code == 404


@pytest.mark.parametrize("dataset", ["sessions", "habilitations"])
def test_the_secretariats_lists_are_not_exported_by_a_gestionnaire(client, gestionnaire, dataset):
    assert export(client, gestionnaire, dataset).status_code == 404


@pytest.mark.parametrize("dataset", ["candidatures", "titulaires", "sessions", "habilitations"])
def test_who_does_not_steer_exports_nothing(client, candidat, jury, dataset):
    assert export(client, candidat, dataset).status_code == 404
    assert export(client, jury, dataset).status_code == 404


def test_sessions_export_one_row_per_decision_and_one_per_empty_session(
    client, secretariat, own_org
):
    session = closed_session(date=datetime.date(2026, 6, 15), place="Lyon")
    holder(own_org, session=session, last_name="Alpha")
    holder(own_org, session=session, last_name="Beta", kind=CertificateKind.ATTESTATION)
    closed_session(date=datetime.date(2026, 3, 1), place="Paris")

    header, *rows = csv_rows(export(client, secretariat, "sessions"))

    assert header[0] == "Date de la session"
    # The column is named for the role, not « Président(e) ».
    assert header[4] == "Présidence"
    assert not [name for name in header if "(e)" in name]
    assert [(r[0], r[2], r[5], r[10]) for r in rows] == [
        ("15/06/2026", "Lyon", "Alpha", "Certification obtenue"),
        ("15/06/2026", "Lyon", "Beta", "Validation partielle"),
        ("01/03/2026", "Paris", "", ""),
    ]


# Constant memory and the export log --------------------------------------------------------


def _queries_for(client, dataset, fmt):
    """The queries of one export, once logged in (the login's own are not counted)."""
    with CaptureQueriesContext(connection) as queries:
        body(client.get(reverse("export", args=[dataset, fmt])))
    return queries


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_queries_do_not_grow_with_the_rows(client, secretariat, own_org, fmt, monkeypatch):
    # Which cursors the export opens: a server-side one streams its rows.
    streamed = []
    chunked_cursor = connection.chunked_cursor
    monkeypatch.setattr(
        connection, "chunked_cursor", lambda: streamed.append(1) or chunked_cursor()
    )
    client.force_login(secretariat)
    for n in range(2):
        holder(own_org, last_name=f"Premier{n}")
    few = _queries_for(client, "titulaires", fmt)
    for n in range(10):
        holder(own_org, last_name=f"Suivant{n}")

    many = _queries_for(client, "titulaires", fmt)

    assert len(many) == len(few) == 4  # user, the log's 2, the rows (the form reads none)
    # The rows are read by a server-side cursor (one per export), not all at once.
    assert len(streamed) == 2


def test_the_export_is_recorded_with_its_row_count_at_the_end(client, gestionnaire, own_org):
    candidacy(own_org)
    candidacy(own_org)

    response = export(client, gestionnaire, "candidatures", state="reperage")
    record = ExportRecord.objects.get()
    assert (record.user, record.dataset, record.fmt) == (gestionnaire, "candidatures", "csv")
    assert record.filters == {"state": "reperage"}
    assert record.row_count is None  # nothing streamed yet
    body(response)

    record.refresh_from_db()
    assert record.row_count == 2
    assert record.finished_at is not None


def test_the_xlsx_export_is_recorded_once_written(client, secretariat, own_org):
    holder(own_org)

    export(client, secretariat, "titulaires", "xlsx")

    assert ExportRecord.objects.get().row_count == 1


# The log, for the secretariat --------------------------------------------------------------


def test_the_log_lists_the_exports_filtered_by_dataset(client, secretariat, gestionnaire):
    ExportRecord.objects.create(user=gestionnaire, dataset="candidatures", fmt="csv")
    ExportRecord.objects.create(
        user=secretariat, dataset="titulaires", fmt="xlsx", row_count=12, finished_at=timezone.now()
    )
    client.force_login(secretariat)

    every = client.get(reverse("export_list"))
    holders = client.get(reverse("export_list"), {"dataset": "titulaires"})
    unknown = client.get(reverse("export_list"), {"dataset": "inconnu"})

    assert [r.dataset for r in every.context["page"]] == ["titulaires", "candidatures"]
    assert "<em>interrompu</em>" in every.content.decode()
    assert [r.row_count for r in holders.context["page"]] == [12]
    assert len(unknown.context["page"]) == 2


def test_the_log_says_when_there_is_nothing(client, secretariat):
    client.force_login(secretariat)

    page = client.get(reverse("export_list"), {"dataset": "sessions"}).content.decode()

    assert "Aucun export de ces données pour le moment." in page
