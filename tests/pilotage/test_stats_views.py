import datetime
import re

import pytest
from django.urls import reverse

from candidates.enums import State
from jury.enums import SessionState
from tests.factories import DeliberationFactory, JurySessionFactory, OrganisationFactory
from tests.helpers import error_summary

from .builders import at, created, log

pytestmark = pytest.mark.django_db

URL = reverse("pilotage")
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}
# The page's queries whatever the data: 30 today (the figures, pilotage.stats.all_figures: 21;
# the session, the user and the base template's context: 7; the filters' organisations and
# certifications: 2), with a little room for the base template.
MAX_QUERIES = 32


def history(organisation, n):
    """n candidacies with a full parcours history in the period, and their decisions."""
    session = JurySessionFactory(date=datetime.date(2026, 5, 5), state=SessionState.CLOSED)
    for i in range(n):
        candidacy = created(
            at(datetime.date(2026, 1, 5)), organisation=organisation, state=State.CERTIFIE
        )
        log(
            candidacy,
            "complete_reperage",
            State.REPERAGE,
            State.PARCOURS,
            at(datetime.date(2026, 1, 10 + i)),
        )
        log(
            candidacy,
            "start_evaluation",
            State.PARCOURS,
            State.EVALUATION,
            at(datetime.date(2026, 2, 1)),
        )
        log(
            candidacy,
            "transmit_to_jury",
            State.EVALUATION,
            State.JURY,
            at(datetime.date(2026, 3, 1)),
        )
        log(candidacy, "record_decision", State.JURY, State.CERTIFIE, at(datetime.date(2026, 5, 5)))
        DeliberationFactory(session=session, candidacy=candidacy, outcome=State.CERTIFIE)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["jury", "candidat", "professionnel", "evaluateur"])
def test_other_roles_get_404(client, actors, role):
    client.force_login(actors[role])
    assert client.get(URL).status_code == 404


def test_secretariat_sees_every_organisation(client, secretariat, own_org, other_org):
    history(own_org, 1)
    history(other_org, 2)
    client.force_login(secretariat)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert response.context["figures"]["flows"]["entering"]["current"] == 3
    assert "kind" in response.context["form"].fields
    content = response.content.decode()
    assert 'role="img"' in content
    assert 'id="graphique-flux-donnees"' in content


def test_gestionnaire_sees_their_organisations_only(client, gestionnaire, own_org, other_org):
    history(own_org, 1)
    history(other_org, 2)
    client.force_login(gestionnaire)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    assert response.context["figures"]["flows"]["entering"]["current"] == 1
    assert response.context["figures"]["outcomes"]["current"]["total"] == 1
    assert "kind" not in response.context["form"].fields
    assert [o for o, _label in response.context["form"].fields["organisation"].choices] == [
        "",
        own_org.slug,
    ]
    assert other_org.name not in response.content.decode()


def test_naming_an_organisation_one_may_not_see_is_a_404(client, gestionnaire, other_org):
    client.force_login(gestionnaire)
    assert client.get(URL, {"organisation": other_org.slug}).status_code == 404
    assert client.get(URL, {"organisation": "inconnue"}).status_code == 404


def test_the_secretariat_filters_by_organisation_and_kind(client, secretariat, own_org, other_org):
    history(own_org, 1)
    history(other_org, 2)
    client.force_login(secretariat)
    response = client.get(URL, {**PERIOD, "organisation": other_org.slug})
    assert response.context["figures"]["flows"]["entering"]["current"] == 2
    response = client.get(
        URL,
        {
            **PERIOD,
            "kind": "entreprise"
            if own_org.kind == "organisme_formation"
            else "organisme_formation",
        },
    )
    assert response.status_code == 200


def test_end_before_start_is_a_clear_error_kept_in_the_form(client, secretariat):
    client.force_login(secretariat)
    response = client.get(URL, {"start": "2026-06-30", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == [
        "La date de fin (01/01/2026) est antérieure à la date de début (30/06/2026) : "
        "indiquez une date de fin postérieure ou égale."
    ]
    content = response.content.decode()
    assert 'value="2026-06-30"' in content
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : Pilotage")
    assert links == ["id_end"]
    assert items == [f"Date de fin : {response.context['form'].errors['end'][0]}"]
    assert "figures" not in response.context


@pytest.mark.parametrize(
    "query",
    [
        {"start": "hier"},
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "2000-01-01", "end": "2099-12-31"},
        {"certification": "X"},
        {"pathway": "x"},
    ],
)
def test_bad_input_is_an_error_on_the_form(client, secretariat, query):
    client.force_login(secretariat)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_default_period_is_the_last_twelve_months(client, secretariat):
    client.force_login(secretariat)
    filters = client.get(URL).context["filters"]
    assert filters.start.day == 1
    assert len({(m.year, m.month) for m in [filters.start, filters.end]}) == 2
    assert (
        filters.end.year - filters.start.year
    ) * 12 + filters.end.month - filters.start.month == 11


@pytest.mark.parametrize("role", ["secretariat", "gestionnaire"])
def test_query_count_does_not_grow_with_the_candidacies(
    client, actors, own_org, role, django_assert_max_num_queries
):
    client.force_login(actors[role])
    history(own_org, 2)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        client.get(URL, PERIOD)
    history(own_org, 10)
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        response = client.get(URL, PERIOD)
    assert response.context["figures"]["flows"]["entering"]["current"] == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_chart_of_the_sessions_shows_the_latest_24_and_says_so(client, secretariat, own_org):
    from pilotage.presenters import SESSIONS_SHOWN

    for n in range(SESSIONS_SHOWN + 2):
        session = JurySessionFactory(
            date=datetime.date(2026, 1, 5) + datetime.timedelta(days=5 * n),
            state=SessionState.CLOSED,
        )
        candidacy = created(at(datetime.date(2026, 1, 2)), organisation=own_org)
        DeliberationFactory(session=session, candidacy=candidacy, outcome=State.CERTIFIE)
    client.force_login(secretariat)
    response = client.get(URL, PERIOD)
    chart = next(c for c in response.context["charts"] if c["id"] == "graphique-sessions")
    assert len(chart["table"]["rows"]) == SESSIONS_SHOWN
    assert chart["data"]["labels"][-1] == "10/05/2026"  # the latest session of the period
    assert f"Pour les {SESSIONS_SHOWN} dernières sessions" in chart["caption"]
    assert f"sur {SESSIONS_SHOWN + 2}" in chart["caption"]


def test_the_organisation_filter_offers_every_organisation_in_as_many_queries(
    client, secretariat, own_org, django_assert_max_num_queries
):
    """The secretariat's select lists every organisation, by name, « Toutes les
    organisations » first; the queries do not grow with the organisations."""
    client.force_login(secretariat)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        client.get(URL, PERIOD)
    others = [OrganisationFactory(name=f"Organisme {n:02d} & fils") for n in range(12)]
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        response = client.get(URL, {**PERIOD, "organisation": others[3].slug})
    assert len(many.captured_queries) == len(few.captured_queries)
    content = response.content.decode()
    select = content[content.index('<select name="organisation"') :]
    select = select[: select.index("</select>")]
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options[0] == ("", "", "Toutes les organisations")
    assert [(value, label) for value, _selected, label in options[1:]] == [
        (o.slug, o.name.replace("&", "&amp;"))
        for o in sorted([own_org, *others], key=lambda o: o.name)
    ]
    assert [value for value, selected, _label in options if selected] == [others[3].slug]
