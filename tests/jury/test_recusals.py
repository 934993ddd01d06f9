"""Conflicts of interest: a member who belongs to the candidacy's organisation (any role), or
is its professionnel or évaluateur, is recused on it: not counted in its quorum, never its
president; the secretariat names another president for that deliberation; the recusals are
shown on the deliberation pages and printed on the fiche and the PV."""

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cqp import documents
from cqp.models import MembershipRole
from jury import services
from jury.models import Deliberation
from jury.permissions import deliberation_quorum_problems, quorum_problems
from jury.recusals import is_recused, recusals, session_recusals
from tests.factories import JuryMemberFactory, MembershipFactory, OrganisationFactory
from tests.helpers import page_text

from .builders import (
    ALL,
    EMPLOYEURS,
    SALARIES,
    cheap_on_agenda,
    fiche,
    member,
    open_session,
    place,
    record,
)

pytestmark = pytest.mark.django_db

RECUSED_PRESIDENT = (
    "La personne qui préside la session est récusée sur cette candidature : elle ne peut pas "
    "en délibérer. Le secrétariat confie la présidence de cette candidature à un autre membre "
    "ou la retire de la session."
)


def _belongs(m, organisation, role=MembershipRole.GESTIONNAIRE):
    MembershipFactory(user=m.user, organisation=organisation, role=role)
    return m


@pytest.fixture
def panel(db):
    """Two members of each college; the first employeur presides."""
    return {
        "e1": member(EMPLOYEURS, first_name="Eva", last_name="Présidente"),
        "e2": member(EMPLOYEURS, first_name="Émile", last_name="Second"),
        "s1": member(SALARIES, first_name="Sam", last_name="Salarié"),
        "s2": member(SALARIES, first_name="Sacha", last_name="Autre"),
    }


def test_members_of_the_organisation_and_the_evaluators_are_recused(
    secretariat, to_jury, own_org, professionnel, evaluateur
):
    in_org = _belongs(member(EMPLOYEURS, last_name="Gestion"), own_org)
    candidat_elsewhere = _belongs(
        member(SALARIES, last_name="Ailleurs"), OrganisationFactory(), MembershipRole.CANDIDAT
    )
    as_evaluateur = JuryMemberFactory(user=evaluateur, college=SALARIES)
    as_professionnel = JuryMemberFactory(user=professionnel, college=EMPLOYEURS)
    session = open_session(
        by=secretariat,
        members=[in_org, candidat_elsewhere, as_evaluateur, as_professionnel],
        president=candidat_elsewhere,
        present=[in_org, candidat_elsewhere, as_evaluateur, as_professionnel],
    )
    deliberation = place(session, to_jury(), by=secretariat)

    found = {r.member: r.reasons for r in recusals(deliberation)}
    assert found == {
        in_org: ["membre de l'organisation de la candidature"],
        as_evaluateur: ["évaluateur externe de la candidature"],
        # The professionnel belongs to the organisation too.
        as_professionnel: [
            "membre de l'organisation de la candidature",
            "professionnel du secteur de la candidature",
        ],
    }
    assert is_recused(in_org, deliberation.candidacy)
    assert not is_recused(candidat_elsewhere, deliberation.candidacy)


def test_the_recusals_of_a_session_take_a_constant_number_of_queries(secretariat, panel):
    session = open_session(by=secretariat, members=list(panel.values()), president=panel["e1"])
    organisations = [OrganisationFactory() for _ in range(2)]
    _belongs(panel["e2"], organisations[0])
    for organisation in organisations:
        cheap_on_agenda(session, secretariat=secretariat, organisation=organisation)

    def read():
        found = session_recusals(session)
        return {pk: [r.member.user.last_name for r in rs] for pk, rs in found.items()}

    with CaptureQueriesContext(connection) as few:
        small = read()
    assert sorted(small.values()) == [[], ["Second"]]
    for _ in range(6):
        cheap_on_agenda(session, secretariat=secretariat, organisation=organisations[0])
    with CaptureQueriesContext(connection) as many:
        large = read()
    # The deliberations, the seats with their members' organisations, the signers.
    assert len(many) == len(few) == 3
    assert sum(1 for names in large.values() if names == ["Second"]) == 7


def test_a_recused_member_does_not_count_in_the_quorum_of_that_deliberation(
    secretariat, panel, to_jury, own_org
):
    # The salariés' only representative belongs to the candidacy's organisation.
    _belongs(panel["s1"], own_org)
    session = open_session(
        by=secretariat, members=[panel["e1"], panel["s1"]], president=panel["e1"]
    )
    deliberation = place(session, to_jury(), by=secretariat)
    present = [panel["e1"], panel["s1"]]
    assert quorum_problems(present) == []
    assert deliberation_quorum_problems(present, recused=[panel["s1"].pk]) == [
        "aucun représentant du collège salariés n'est présent"
    ]
    with pytest.raises(ValidationError) as error:
        record(deliberation, decisions=fiche(validated=ALL))
    assert error.value.messages == [
        "Le quorum n'est pas atteint pour cette candidature : aucun représentant du collège "
        "salariés n'est présent."
    ]
    assert not Deliberation.objects.get(pk=deliberation.pk).is_decided


def test_a_recused_president_cannot_record_and_the_secretariat_names_another(
    client, secretariat, panel, to_jury, own_org
):
    # Both the president and a salarié are recused: the parity holds without them.
    _belongs(panel["e1"], own_org)
    _belongs(panel["s2"], own_org)
    session = open_session(by=secretariat, members=list(panel.values()), president=panel["e1"])
    deliberation = place(session, to_jury(), by=secretariat)

    with pytest.raises(ValidationError) as error:
        record(deliberation, decisions=fiche(validated=ALL))
    assert error.value.messages == [RECUSED_PRESIDENT]

    # The president's page offers no form, says why, and refuses a post.
    client.force_login(panel["e1"].user)
    url = reverse("deliberation_detail", args=[deliberation.pk])
    response = client.get(url)
    assert response.context["form"] is None
    assert RECUSED_PRESIDENT in page_text(response)
    assert client.post(url, {"expected_state": "jury"}).status_code == 403

    # The secretariat ticks the recused president: refused next to the field.
    client.force_login(secretariat)
    naming = reverse("deliberation_president", args=[deliberation.pk])
    response = client.post(naming, {"president": panel["e1"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "president": ["Ce membre est récusé sur cette candidature : il ne peut pas la présider."]
    }
    assert "Eva Présidente (Collège employeurs) — récusé" in page_text(response)
    assert Deliberation.objects.get(pk=deliberation.pk).president is None

    response = client.post(naming, {"president": panel["e2"].pk}, follow=True)
    assert "Président désigné pour cette candidature : Émile Second." in page_text(response)
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert deliberation.president == panel["e2"]

    # The session's president may not record it; the named one does.
    with pytest.raises(PermissionDenied):
        record(deliberation, by=panel["e1"].user, decisions=fiche(validated=ALL))
    record(deliberation, by=panel["e2"].user, decisions=fiche(validated=ALL))
    assert Deliberation.objects.get(pk=deliberation.pk).decided_by == panel["e2"].user


def test_the_named_president_is_present_and_seated(secretariat, panel, to_jury):
    session = open_session(
        by=secretariat,
        members=list(panel.values()),
        president=panel["e1"],
        present=[panel["e1"], panel["s1"]],
    )
    outsider = member(SALARIES)
    deliberation = place(session, to_jury(), by=secretariat)
    for absent_or_not_seated in (panel["e2"], outsider, panel["s2"]):
        with pytest.raises(ValidationError) as error:
            services.deliberation_name_president(
                deliberation=deliberation, by=secretariat, president=absent_or_not_seated
            )
        assert error.value.message_dict == {
            "president": ["Choisissez la présidence parmi les membres présents de la session."]
        }
    with pytest.raises(PermissionDenied):
        services.deliberation_name_president(
            deliberation=deliberation, by=panel["e1"].user, president=panel["s1"]
        )


def test_recusals_are_shown_on_the_dashboard_and_the_fiche_and_printed(
    client, secretariat, panel, to_jury, own_org
):
    _belongs(panel["e2"], own_org)
    session = open_session(by=secretariat, members=list(panel.values()), president=panel["e1"])
    deliberation = place(session, to_jury(), by=secretariat)
    client.force_login(panel["e1"].user)

    dashboard = page_text(client.get(reverse("session_dashboard", args=[session.pk])))
    assert "Émile Second <small>(membre de l'organisation de la candidature)</small>" in dashboard
    fiche_page = page_text(client.get(reverse("deliberation_detail", args=[deliberation.pk])))
    assert "<strong>Émile Second</strong> (Collège employeurs) — membre de l'organisation" in (
        fiche_page
    )

    kind = documents.get_kind("fiche_decision")
    printed = html.unescape(documents.document_html(kind, deliberation))
    assert "<strong>Émile Second</strong> (Collège employeurs) : membre de l'organisation" in (
        printed
    )
    kind = documents.get_kind("proces_verbal")
    printed = html.unescape(documents.document_html(kind, session))
    assert "Émile Second (membre de l'organisation de la candidature)" in printed
