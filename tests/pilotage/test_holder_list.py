"""/titulaires/: the certificates and attestations the user sees, filtered and paginated."""

import datetime

import pytest
from django.urls import reverse

from jury.enums import CertificateKind
from tests.pilotage.builders import closed_session, holder

pytestmark = pytest.mark.django_db
URL = reverse("holder_list")


def names(response) -> list[str]:
    return [c.deliberation.candidacy.candidate.user.last_name for c in response.context["page"]]


def test_the_secretariat_sees_every_holder(client, secretariat, own_org, other_org):
    holder(own_org, last_name="Interne")
    holder(other_org, last_name="Externe")
    client.force_login(secretariat)

    response = client.get(URL)

    assert response.status_code == 200
    assert sorted(names(response)) == ["Externe", "Interne"]


def test_a_gestionnaire_sees_their_organisations_holders_only(
    client, gestionnaire, own_org, other_org
):
    holder(own_org, last_name="Interne")
    holder(other_org, last_name="Externe")
    client.force_login(gestionnaire)

    response = client.get(URL)

    assert names(response) == ["Interne"]
    assert "Externe" not in response.content.decode()


@pytest.mark.parametrize("role", ["candidat", "jury", "professionnel", "evaluateur"])
def test_who_does_not_steer_finds_no_list(client, actors, role):
    client.force_login(actors[role])

    assert client.get(URL).status_code == 404


def test_filters_kind_status_session_organisation_and_search(
    client, secretariat, own_org, other_org
):
    june = closed_session(date=datetime.date(2026, 6, 15))
    march = closed_session(date=datetime.date(2026, 3, 2))
    total = holder(own_org, session=june, last_name="Total")
    holder(own_org, session=june, last_name="Partiel", kind=CertificateKind.ATTESTATION)
    holder(other_org, session=march, last_name="Revoque", revoked=True)
    client.force_login(secretariat)

    assert names(client.get(URL, {"kind": "attestation"})) == ["Partiel"]
    assert names(client.get(URL, {"status": "revoque"})) == ["Revoque"]
    assert sorted(names(client.get(URL, {"session": june.pk}))) == ["Partiel", "Total"]
    assert sorted(names(client.get(URL, {"session_date": "2026-06-15"}))) == ["Partiel", "Total"]
    assert names(client.get(URL, {"session_date": "2026-03-02"})) == ["Revoque"]
    assert names(client.get(URL, {"session_date": "2026-03-03"})) == []
    assert names(client.get(URL, {"organisation": other_org.slug})) == ["Revoque"]
    assert names(client.get(URL, {"organisation_name": other_org.name.upper()})) == ["Revoque"]
    # The name typed wins over the key a link carried.
    typed = {"organisation": other_org.slug, "organisation_name": own_org.name}
    assert sorted(names(client.get(URL, typed))) == ["Partiel", "Total"]
    assert names(client.get(URL, {"q": total.number[-4:]})) == ["Total"]
    assert names(client.get(URL, {"q": "parti"})) == ["Partiel"]


def test_a_foreign_organisation_or_session_is_not_found(client, gestionnaire, own_org, other_org):
    holder(own_org)
    foreign = holder(other_org).deliberation.session
    client.force_login(gestionnaire)

    assert client.get(URL, {"organisation": other_org.slug}).status_code == 404
    assert client.get(URL, {"session": foreign.pk}).status_code == 404


def test_an_invalid_filter_is_shown_next_to_its_field(client, secretariat, own_org):
    holder(own_org)
    client.force_login(secretariat)

    response = client.get(URL, {"session": "douze", "session_date": "douze"})

    assert response.status_code == 200
    assert "Cette session n&#x27;existe pas." in response.content.decode()
    assert (
        'id="id_session_date-error">Saisissez une date, par exemple 15/06/2026.</p>'
        in response.content.decode()
    )


def test_the_empty_states(client, secretariat):
    client.force_login(secretariat)

    assert "Aucun certificat ni attestation délivré pour le moment." in (
        client.get(URL).content.decode()
    )
    assert "Aucun titulaire ne correspond à ces critères." in (
        client.get(URL, {"q": "personne"}).content.decode()
    )


def test_each_certificate_shows_its_last_report(client, secretariat, own_org):
    holder(own_org, last_name="Declare", last_reported_on=datetime.date(2026, 7, 1))
    holder(own_org, last_name="Jamais")
    client.force_login(secretariat)

    page = client.get(URL).content.decode()

    assert "01/07/2026" in page
    assert "<em>jamais</em>" in page


def test_the_export_links_carry_the_filters(client, secretariat, own_org):
    holder(own_org)
    client.force_login(secretariat)

    page = client.get(URL, {"kind": "certificat", "page": "1"}).content.decode()

    assert 'href="/exports/titulaires.csv?kind=certificat"' in page
    assert 'href="/exports/titulaires.xlsx?kind=certificat"' in page


def test_the_list_is_paginated_in_constant_queries(
    client, secretariat, own_org, django_assert_num_queries
):
    for n in range(25):
        holder(own_org, last_name=f"Titulaire{n:02d}")
    client.force_login(secretariat)
    client.get(URL)  # the session's first read

    # The user with what the header shows (cqp.user_facts; the session is in the cache), the
    # count, the page's keys and its rows: the filters are typed, not listed.
    with django_assert_num_queries(4):
        response = client.get(URL)

    assert len(response.context["page"]) == 20
    assert response.context["page"].paginator.count == 25


def test_a_gestionnaires_list_reads_their_organisations_without_a_query(
    client, gestionnaire, own_org, other_org, django_assert_max_num_queries
):
    for n in range(25):
        holder(own_org, last_name=f"Titulaire{n:02d}")
    holder(other_org, last_name="Externe")
    client.force_login(gestionnaire)
    client.get(URL)  # the session's first read

    # As the secretariat's: the organisations managed are the memberships the header read
    # (no query to know whether there is any, none to list their keys in each query).
    with django_assert_max_num_queries(6):
        response = client.get(URL)

    assert len(response.context["page"]) == 20
    assert response.context["page"].paginator.count == 25
    assert "Externe" not in response.content.decode()


def test_a_certificate_carries_its_session_and_organisation(own_org):
    """Copied from the deliberation when issued: what the list filters on without joins."""
    certificate = holder(own_org)

    certificate.refresh_from_db()
    assert certificate.session_id == certificate.deliberation.session_id
    assert certificate.organisation_id == own_org.pk


def test_a_decision_issues_a_certificate_with_its_session_and_organisation(secretariat):
    from tests.jury.builders import certified

    certificate = certified(secretariat=secretariat)

    certificate.refresh_from_db()
    deliberation = certificate.deliberation
    assert certificate.session_id == deliberation.session_id
    assert certificate.organisation_id == deliberation.candidacy.organisation_id


def test_the_organisation_is_found_by_its_name_or_a_part_of_it(
    client, secretariat, gestionnaire, own_org, other_org
):
    holder(own_org, last_name="Interne")
    holder(other_org, last_name="Externe")
    client.force_login(secretariat)
    part = other_org.name[2:-2].lower()
    assert names(client.get(URL, {"organisation_name": part})) == ["Externe"]
    page = client.get(URL, {"organisation_name": "zzz introuvable"}).content.decode()
    assert "Aucune de vos organisations n&#x27;a un nom contenant « zzz introuvable »." in page
    assert 'id="id_organisation_name-error"' in page
    assert 'aria-describedby="id_organisation_name-error"' in page
    assert 'aria-invalid="true"' in page
    # A part of several names asks for more.
    page = client.get(URL, {"organisation_name": "or"}).content.decode()  # Formapro, Organisme
    assert "Plusieurs organisations ont un nom contenant" in page
    # One organisation's gestionnaire has none to name.
    client.force_login(gestionnaire)
    page = client.get(URL).content.decode()
    assert 'name="organisation_name"' not in page and "organisations-suggerees" not in page


def test_the_organisations_are_suggested_as_they_are_typed_among_those_one_sees(
    client, secretariat, gestionnaire, candidat, own_org, other_org
):
    url = reverse("holder_organisation_suggestions")
    client.force_login(secretariat)
    assert client.get(url, {"q": other_org.name[1:5]}).json() == [other_org.name]
    assert client.get(url, {"q": "x"}).json() == []  # two characters at least
    client.force_login(gestionnaire)
    assert client.get(url, {"q": other_org.name[1:5]}).json() == []
    assert client.get(url, {"q": own_org.name[1:5]}).json() == [own_org.name]
    client.force_login(candidat)
    assert client.get(url, {"q": own_org.name[1:5]}).status_code == 404
    page = client.get(URL)
    assert page.status_code == 404


def test_a_gestionnaires_holders_are_counted_and_paged_along_one_index(gestionnaire, own_org):
    """The count and the page's keys read the certificates alone (their organisation's
    index), without the deliberation or the candidacy."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilotage import selectors

    holder(own_org)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.holder_list(user=gestionnaire)
        rows.order_by().values("pk")[:101].count()
        list(rows.values_list("pk", flat=True)[:20])
    for query in queries.captured_queries:
        assert "jury_deliberation" not in query["sql"], query["sql"]
        assert "candidates_candidacy" not in query["sql"], query["sql"]
