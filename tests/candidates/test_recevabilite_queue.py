"""The recevabilité deadline, the secretariat's queue (due dates, flags, filters,
completeness, second requests) and what the candidate sees of the deadline."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from candidates import selectors, services
from candidates.enums import ProofKind, RecevabiliteOutcome
from candidates.models import Candidacy, RecevabiliteDecision, VaeProof
from cqp.exceptions import GuardFailed
from cqp.utils import add_months, count_up_to
from tests.factories import (
    CandidacyFactory,
    CertificationFactory,
    UserFactory,
    VaeCandidacyFactory,
    VaeExperienceFactory,
)
from tests.helpers import page_text, query_count

from .builders import DAY, REASON, candidate_of, decide, vae_candidacy, vae_ready

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 29)
NOW = datetime.datetime(2026, 11, 29, 9, 0, tzinfo=datetime.UTC)
QUEUE = reverse("recevabilite_queue")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def waiting(user, organisation, *, submitted_on, due_on=None, candidate=None) -> Candidacy:
    """A VAE request of `user` (or of `candidate`) awaiting its decision, submitted on that
    day, due on `due_on` (two months later unless given)."""
    candidacy = VaeCandidacyFactory(
        candidate=candidate or candidate_of(user), organisation=organisation, state="recevabilite"
    )
    request = candidacy.vae_request
    request.submitted_on = submitted_on
    request.decision_due_on = due_on or add_months(submitted_on, 2)
    request.save()
    return candidacy


def proof(candidacy, *, kind=ProofKind.ATTESTATION_EMPLOYEUR, experience=None) -> VaeProof:
    return VaeProof.objects.create(
        request=candidacy.vae_request,
        experience=experience,
        kind=kind,
        file="vae/preuve.pdf",
        original_name="preuve.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        uploaded_by=candidacy.candidate.user,
    )


def sent_back(candidacy, by) -> RecevabiliteDecision:
    return RecevabiliteDecision.objects.create(
        candidacy=candidacy,
        outcome=RecevabiliteOutcome.INCOMPLET,
        reason=REASON,
        submitted_on=candidacy.vae_request.submitted_on,
        experience_days=1200,
        decided_by=by,
    )


def shown(client, **params) -> list[Candidacy]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [row["candidacy"] for row in response.context["rows"]]


# The deadline ------------------------------------------------------------------------------


def test_submission_sets_the_decision_due_two_months_later(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy)
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.submitted_on == TODAY
    assert candidacy.vae_request.decision_due_on == D(2027, 1, 29)


def test_the_delay_is_a_setting_in_calendar_months(candidat, own_org, settings):
    settings.VAE_DECISION_MONTHS = 3
    candidacy = vae_candidacy(candidat, own_org)
    with time_machine.travel(D(2026, 11, 30), tick=False):
        vae_ready(candidacy, days=4 * 365)
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.decision_due_on == D(2027, 2, 28)


def test_a_refused_submission_sets_no_deadline(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=100)
    with pytest.raises(GuardFailed, match="au lieu de"):
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.decision_due_on is None


def test_a_resubmission_sets_the_deadline_again_from_its_own_date(candidat, own_org, secretariat):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=4 * 365)
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    decide(candidacy, secretariat, "incomplet", reason=REASON)
    with time_machine.travel(D(2026, 12, 31), tick=False):
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.submitted_on == D(2026, 12, 31)
    assert candidacy.vae_request.decision_due_on == D(2027, 2, 28)


def test_the_candidate_sees_the_date_a_decision_is_expected(client, candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy)
    client.force_login(candidat)
    partie_2 = reverse("vae_request_edit", args=[candidacy.pk])
    detail = reverse("candidacy_detail", args=[candidacy.pk])
    assert "29/01/2027" not in page_text(client.get(partie_2))
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    assert "<dt>Décision attendue au plus tard le</dt><dd>29/01/2027</dd>" in page_text(
        client.get(partie_2)
    )
    assert "Décision attendue au plus tard le 29/01/2027." in page_text(client.get(detail))


# The queue ---------------------------------------------------------------------------------


def test_the_queue_sorts_by_due_date_then_request_date(client, secretariat, own_org, other_org):
    late = waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 1), due_on=D(2026, 11, 25))
    tie_newer = waiting(UserFactory(), None, submitted_on=D(2026, 10, 2), due_on=D(2026, 12, 2))
    tie_older = waiting(
        UserFactory(), other_org, submitted_on=D(2026, 10, 1), due_on=D(2026, 12, 2)
    )
    far = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 20), due_on=D(2027, 1, 20))
    undated = waiting(UserFactory(), own_org, submitted_on=D(2026, 8, 1))
    undated.vae_request.decision_due_on = None
    undated.vae_request.save()
    vae_candidacy(UserFactory(), own_org)  # in demande: not in the queue
    client.force_login(secretariat)
    assert shown(client) == [late, tie_older, tie_newer, far, undated]


def test_each_request_shows_its_age_and_where_it_stands_against_its_due_date(
    client, secretariat, own_org
):
    waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 25), due_on=D(2026, 11, 25))
    waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 17), due_on=D(2026, 12, 14))
    waiting(UserFactory(), own_org, submitted_on=TODAY, due_on=D(2027, 1, 29))
    client.force_login(secretariat)
    content = page_text(client.get(QUEUE))
    assert "déposée il y a 65 jours" in content
    assert "en retard de 4 jours" in content
    assert "déposée il y a 12 jours" in content
    assert '14/12/2026 <span class="badge badge--bientot">à échéance sous 15 jours' in content
    assert "déposée aujourd'hui" in content and "29/01/2027" in content
    assert content.count("badge--bientot") == 1 and content.count("badge--en_retard") == 1


@pytest.mark.parametrize(
    ("due_on", "flag"),
    [
        (D(2026, 11, 28), "en retard de 1 jour"),
        (TODAY, "à échéance sous 15 jours"),
        (D(2026, 12, 14), "à échéance sous 15 jours"),
        (D(2026, 12, 15), None),
    ],
)
def test_the_due_flags_at_their_boundaries(client, secretariat, own_org, due_on, flag):
    waiting(UserFactory(), own_org, submitted_on=D(2026, 10, 1), due_on=due_on)
    client.force_login(secretariat)
    content = page_text(client.get(QUEUE))
    for text in ("en retard de", "à échéance sous 15 jours"):
        assert (text in content) is bool(flag and flag.startswith(text))
    if flag:
        assert flag in content


def test_each_request_shows_its_completeness_at_a_glance(client, secretariat, own_org):
    candidacy = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 1))
    periods = [
        VaeExperienceFactory(request=candidacy.vae_request, start_date=D(2015 + n, 1, 1))
        for n in range(3)
    ]
    proof(candidacy, experience=periods[0])
    proof(candidacy, experience=periods[0], kind=ProofKind.BULLETIN_SALAIRE)
    proof(candidacy, experience=periods[2], kind=ProofKind.CONTRAT)
    bare = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 2))
    VaeExperienceFactory(request=bare.vae_request)
    # An identity document of this request, and of no period.
    proof(bare, kind=ProofKind.IDENTITE)
    client.force_login(secretariat)
    rows = {c.pk: c for c in shown(client)}
    assert (rows[candidacy.pk].periods, rows[candidacy.pk].periods_with_proof) == (3, 2)
    assert rows[candidacy.pk].has_identity is False
    assert (rows[bare.pk].periods, rows[bare.pk].periods_with_proof) == (1, 0)
    assert rows[bare.pk].has_identity is True
    content = page_text(client.get(QUEUE))
    assert "3 périodes, 2 avec justificatif ; pièce d'identité : non" in content
    assert "1 période, 0 avec justificatif ; pièce d'identité : oui" in content


def test_a_request_sent_back_for_completion_before_is_a_new_submission(
    client, secretariat, own_org
):
    resubmitted = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 1))
    sent_back(resubmitted, secretariat)
    first = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 2))
    client.force_login(secretariat)
    rows = {c.pk: c for c in shown(client)}
    assert rows[resubmitted.pk].resubmitted is True and rows[first.pk].resubmitted is False
    assert page_text(client.get(QUEUE)).count("nouvelle soumission") == 1


def test_the_filters_keep_their_choice_and_show_their_own_requests(client, secretariat, own_org):
    overdue = waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 1), due_on=D(2026, 11, 1))
    due_today = waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 29), due_on=TODAY)
    soon = waiting(UserFactory(), own_org, submitted_on=D(2026, 10, 14), due_on=D(2026, 12, 14))
    later = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 20), due_on=D(2027, 1, 20))
    sent_back(later, secretariat)
    client.force_login(secretariat)
    assert shown(client) == [overdue, due_today, soon, later]
    assert shown(client, show="bientot") == [due_today, soon]
    assert shown(client, show="en_retard") == [overdue]
    assert shown(client, show="nouvelle_soumission") == [later]
    assert shown(client, show="n'importe quoi") == [overdue, due_today, soon, later]
    content = page_text(client.get(QUEUE, {"show": "en_retard"}))
    assert '<label for="id_show">Demandes affichées' in content
    assert '<option value="en_retard" selected>En retard</option>' in content


@pytest.mark.parametrize(
    ("show", "empty"),
    [
        ("", "Aucune demande n'attend d'avis de recevabilité."),
        ("bientot", "Aucune demande n'arrive à échéance sous 15 jours."),
        ("en_retard", "Aucune demande en retard."),
        ("nouvelle_soumission", "Aucune demande renvoyée après une demande de compléments."),
    ],
)
def test_each_filter_has_its_empty_state(client, secretariat, own_org, show, empty):
    if show:  # one request, in none of the filtered views
        waiting(UserFactory(), own_org, submitted_on=TODAY)
    client.force_login(secretariat)
    assert empty in page_text(client.get(QUEUE, {"show": show}))


def test_the_pages_of_a_filtered_queue_keep_the_filter(client, secretariat, own_org):
    for n in range(21):
        waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 1), due_on=D(2026, 11, 1 + n))
    client.force_login(secretariat)
    response = client.get(QUEUE, {"show": "en_retard"})
    assert len(response.context["rows"]) == 20
    assert "?show=en_retard&amp;page=2" in response.content.decode()
    assert len(client.get(QUEUE, {"show": "en_retard", "page": 2}).context["rows"]) == 1


def test_each_row_links_to_the_candidacy(client, secretariat, own_org):
    candidacy = waiting(UserFactory(), own_org, submitted_on=TODAY)
    client.force_login(secretariat)
    assert reverse("candidacy_detail", args=[candidacy.pk]) in client.get(QUEUE).content.decode()


def test_the_queue_takes_as_many_queries_for_30_requests_as_for_1(client, secretariat, own_org):
    def busy(n):
        candidacy = waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 1) + n * DAY)
        period = VaeExperienceFactory(request=candidacy.vae_request)
        proof(candidacy, experience=period)
        proof(candidacy, kind=ProofKind.IDENTITE)
        sent_back(candidacy, secretariat)
        VaeCandidacyFactory(candidate=candidacy.candidate, organisation=None)

    busy(0)
    client.force_login(secretariat)
    one = query_count(client, QUEUE)
    for n in range(1, 30):
        busy(n)
    with_30 = query_count(client, QUEUE + "?show=nouvelle_soumission")
    assert with_30 == one
    assert len(client.get(QUEUE).context["rows"]) == 20


def test_the_queue_is_the_secretariat_s(client, candidat, gestionnaire):
    for user in (candidat, gestionnaire):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 404


# The second request of the year -------------------------------------------------------------


def _another(candidacy, *, submitted_on=None, created=None, **fields) -> Candidacy:
    """Another VAE candidacy of the same person (same certification unless told)."""
    other = VaeCandidacyFactory(candidate=candidacy.candidate, organisation=None, **fields)
    other.vae_request.submitted_on = submitted_on
    other.vae_request.save()
    if created:
        Candidacy.objects.filter(pk=other.pk).update(created_at=created)
    return other


@pytest.mark.parametrize(
    ("submitted_on", "created", "state", "second"),
    [
        (D(2026, 1, 10), None, "non_recevable", True),  # submitted this year
        (D(2025, 12, 31), None, "non_recevable", False),  # submitted the year before
        (None, datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC), "abandonne", True),
        (None, datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC), "abandonne", False),
        (D(2026, 3, 1), datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC), "abandonne", True),
    ],
    ids=[
        "submitted-same-year",
        "submitted-year-before",
        "created-same-year",
        "created-year-before",
        "submitted-counts-not-created",
    ],
)
def test_a_second_request_in_the_same_calendar_year_is_flagged(
    client, secretariat, own_org, submitted_on, created, state, second
):
    candidacy = waiting(UserFactory(), own_org, submitted_on=D(2026, 11, 1))
    _another(candidacy, submitted_on=submitted_on, created=created, state=state)
    client.force_login(secretariat)
    [row] = shown(client)
    assert row.second_request is second
    assert ("2e demande cette année" in page_text(client.get(QUEUE))) is second
    assert selectors.is_second_request(candidacy) is second


def test_two_requests_of_the_same_year_flag_each_other(client, secretariat, own_org):
    first = waiting(UserFactory(), own_org, submitted_on=D(2026, 3, 1))
    second = waiting(None, own_org, submitted_on=D(2026, 11, 1), candidate=first.candidate)
    client.force_login(secretariat)
    assert [c.second_request for c in shown(client)] == [True, True]
    assert selectors.is_second_request(first) and selectors.is_second_request(second)


def test_requests_of_other_people_or_certifications_or_pathways_are_not_flagged(own_org, candidat):
    candidacy = waiting(candidat, own_org, submitted_on=D(2026, 11, 1))
    waiting(UserFactory(), own_org, submitted_on=D(2026, 10, 1))  # someone else
    _another(candidacy, submitted_on=D(2026, 5, 1), certification=CertificationFactory())
    CandidacyFactory(candidate=candidacy.candidate, organisation=own_org)  # a parcours
    assert not selectors.is_second_request(candidacy)


def test_the_candidacy_page_flags_a_second_request_to_the_secretariat_only(
    client, secretariat, candidat, own_org
):
    candidacy = waiting(candidat, own_org, submitted_on=D(2026, 11, 1))
    url = reverse("candidacy_detail", args=[candidacy.pk])
    client.force_login(secretariat)
    assert "2e demande cette année" not in page_text(client.get(url))
    _another(candidacy, submitted_on=D(2026, 2, 1), state="non_recevable")
    assert "2e demande cette année" in page_text(client.get(url))
    client.force_login(candidat)
    assert "2e demande cette année" not in page_text(client.get(url))


# The dashboard -------------------------------------------------------------------------------


def test_the_secretariat_dashboard_counts_overdue_and_due_soon_requests(
    client, secretariat, own_org
):
    waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 1), due_on=D(2026, 11, 1))
    waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 2), due_on=D(2026, 11, 2))
    waiting(UserFactory(), own_org, submitted_on=D(2026, 10, 14), due_on=D(2026, 12, 14))
    waiting(UserFactory(), own_org, submitted_on=TODAY)
    counts = count_up_to(None, **selectors.recevabilite_querysets(today=TODAY))
    assert counts == {"total": 4, "overdue": 2, "due_soon": 1}
    client.force_login(secretariat)
    content = page_text(client.get(reverse("dashboard")))
    assert "2 demandes en retard" in content
    assert "1 demande à échéance sous 15 jours" in content
    assert f'href="{QUEUE}?show=en_retard"' in content
    assert (
        '<span class="card__value">4</span><span class="card__label">demandes en attente' in content
    )


def test_the_secretariat_dashboard_counts_one_request_in_the_singular(client, secretariat, own_org):
    waiting(UserFactory(), own_org, submitted_on=TODAY)
    client.force_login(secretariat)
    content = page_text(client.get(reverse("dashboard")))
    assert (
        '<span class="card__value">1</span><span class="card__label">demande en attente d\'avis'
    ) in content


def test_the_queue_reads_its_keys_then_its_rows_and_keeps_its_order_across_pages(
    client, secretariat, own_org, django_assert_max_num_queries
):
    """Sorted from the candidacy and its request alone (keys first), then the 20 rows shown
    with their flags: the second page continues where the first stopped."""
    made = [
        waiting(UserFactory(), own_org, submitted_on=D(2026, 9, 1), due_on=D(2027, 1, 30) - n * DAY)
        for n in range(25)
    ]
    client.force_login(secretariat)
    with django_assert_max_num_queries(4):
        first = client.get(QUEUE)
    second = client.get(QUEUE, {"page": 2})
    listed = [
        row["candidacy"].pk for response in (first, second) for row in response.context["rows"]
    ]
    assert listed == [c.pk for c in reversed(made)]
