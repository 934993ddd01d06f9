"""Completeness of the dossier, its transmission to the jury by the évaluateur externe,
and the read-only dossier once transmitted (or once the candidacy is withdrawn)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from candidates import services as candidacy_services
from candidates.models import TransitionLog, VaeActivity
from cqp.exceptions import GuardFailed
from evaluations import selectors, services
from evaluations.models import EvaluationDossier
from tests.candidates.builders import (
    DAY,
    competence,
    fill_livret,
    today,
)
from tests.factories import PASSWORD
from tests.helpers import stored_names

from .builders import (
    ACQUISE,
    ALL_CODES,
    NON_ACQUISE,
    assessment,
    dossier_of,
    opinions,
    pdf,
    settle,
    sign,
    snapshot,
    stranger,
)

pytestmark = pytest.mark.django_db


def test_an_untouched_dossier_misses_every_opinion(parcours):
    dossier = dossier_of(parcours())
    assert selectors.dossier_missing(dossier) == [
        item
        for code in ALL_CODES
        for item in (
            f"l'avis du professionnel du secteur sur {code}",
            f"l'avis de l'évaluateur externe sur {code}",
        )
    ]


def test_dossier_missing_lists_exactly_what_is_missing(
    parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours(livret=False)
    fill_livret(candidacy, unassessed={"C2.3"})
    dossier = dossier_of(candidacy)
    opinions(dossier, 1, **evaluators, pro=None)
    opinions(dossier, 2, **evaluators, eva=None)
    opinions(dossier, 3, **evaluators, pro=ACQUISE, eva=NON_ACQUISE)
    opinions(dossier, 4, **evaluators)
    sign(dossier, 4, professionnel)
    opinions(dossier, 5, **evaluators, pro=NON_ACQUISE, eva=NON_ACQUISE)
    sign(dossier, 5, evaluateur)
    opinions(dossier, 6, **evaluators)
    sign(dossier, 6, evaluateur, professionnel)
    assert selectors.dossier_missing(dossier) == [
        "l'avis du professionnel du secteur sur C1",
        "l'avis de l'évaluateur externe sur C2",
        "le résultat commun motivé sur C3, où les avis divergent",
        "la signature du professionnel du secteur sur C3",
        "la signature de l'évaluateur externe sur C3",
        "la signature de l'évaluateur externe sur C4",
        "la signature du professionnel du secteur sur C5",
        "1 élément de la compétence C2 sans appréciation dans le livret de repérage",
    ]


def test_vae_dossier_missing_lists_the_partie_2_and_partie_3_items(vae, evaluators):
    candidacy = vae()
    dossier = settle(dossier_of(candidacy), **evaluators)
    assert selectors.dossier_missing(dossier) == []
    request = candidacy.vae_request
    request.motivation = ""
    request.save()
    VaeActivity.objects.filter(candidacy=candidacy).delete()
    assert selectors.dossier_missing(dossier_of(candidacy)) == [
        "la rubrique « motivation de la demande » de la partie 2",
        "la partie 3 du dossier de VAE",
    ]


def test_transmitting_an_incomplete_dossier_is_refused_and_changes_nothing(
    parcours, evaluators, evaluateur, professionnel
):
    candidacy = parcours()
    dossier = settle(dossier_of(candidacy), **evaluators)
    services.final_set(
        assessment=assessment(dossier, 4), by=professionnel, result=NON_ACQUISE, comment="Revu."
    )
    sign(dossier, 4, professionnel)
    expected = ["la signature de l'évaluateur externe sur C4"]
    assert selectors.dossier_missing(dossier) == expected
    before = snapshot(dossier)
    with pytest.raises(GuardFailed) as excinfo:
        services.dossier_transmit(dossier=dossier, by=evaluateur)
    assert excinfo.value.missing == expected
    assert "la signature de l'évaluateur externe sur C4" in excinfo.value.message
    assert snapshot(dossier) == before
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert (candidacy.state, dossier.transmitted_at) == ("evaluation", None)


@pytest.mark.parametrize("pathway", ["parcours", "vae"])
def test_transmitting_a_complete_dossier_moves_the_candidacy_to_the_jury(
    pathway, request, evaluators, evaluateur
):
    candidacy = request.getfixturevalue(pathway)()
    dossier = settle(dossier_of(candidacy), **evaluators, non_acquises={2})
    assert selectors.dossier_missing(dossier) == []
    start = timezone.now()
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert candidacy.state == "jury"
    assert start <= dossier.transmitted_at <= timezone.now()
    assert dossier.transmitted_by == evaluateur
    assert dossier.is_locked
    log = TransitionLog.objects.filter(candidacy=candidacy).last()
    assert (log.transition, log.role, log.actor, log.source, log.target) == (
        "transmit_to_jury",
        "evaluateur",
        evaluateur,
        "evaluation",
        "jury",
    )


@pytest.mark.parametrize("who", ["professionnel", "candidat", "secretariat", "other_evaluateur"])
def test_only_the_evaluateur_externe_transmits(who, request, parcours, evaluators):
    dossier = settle(dossier_of(parcours()), **evaluators)
    user = stranger(who, request) if who == "other_evaluateur" else request.getfixturevalue(who)
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_transmit(dossier=dossier, by=user)
    assert snapshot(dossier) == before


# Read-only once transmitted ---------------------------------------------------------------


WRITES = {
    "account_save": lambda d, p: services.account_save(
        dossier=d, by=p["candidat"], competence=competence(1), text="Récit réécrit"
    ),
    "evidence_add": lambda d, p: services.evidence_add(
        dossier=d, by=p["candidat"], competence=competence(1), upload=pdf("autre.pdf")
    ),
    "evidence_delete": lambda d, p: services.evidence_delete(
        dossier=d, by=p["candidat"], evidence=d.evidence.get()
    ),
    "observation_add": lambda d, p: services.observation_add(
        dossier=d,
        by=p["evaluateur"],
        kind="observee",
        date=today(),
        context="Réunion",
        observed="Nouvelle observation",
        competence=competence(1),
    ),
    "opinion_give": lambda d, p: services.opinion_give(
        assessment=assessment(d, 1), by=p["professionnel"], opinion=NON_ACQUISE
    ),
    "final_set": lambda d, p: services.final_set(
        assessment=assessment(d, 1), by=p["evaluateur"], result=NON_ACQUISE, comment="Revu"
    ),
    "assessment_sign": lambda d, p: services.assessment_sign(
        assessment=assessment(d, 1), by=p["evaluateur"], password=PASSWORD
    ),
    "dossier_transmit": lambda d, p: services.dossier_transmit(dossier=d, by=p["evaluateur"]),
    "dossier_resume_parcours": lambda d, p: services.dossier_resume_parcours(
        dossier=d, by=p["evaluateur"]
    ),
}


@pytest.fixture
def transmitted(parcours, candidat, evaluators, evaluateur):
    """A parcours dossier with an account, an evidence file and an observation, transmitted."""
    candidacy = parcours()
    dossier = dossier_of(candidacy)
    services.account_save(dossier=dossier, by=candidat, competence=competence(1), text="Récit")
    services.evidence_add(dossier=dossier, by=candidat, competence=competence(1), upload=pdf())
    services.observation_add(
        dossier=dossier,
        by=evaluateur,
        kind="observee",
        date=today() - DAY,
        context="Accueil des stagiaires",
        observed="Accueil conduit seul",
        competence=competence(1),
    )
    settle(dossier, **evaluators, non_acquises={6})
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    return dossier_of(candidacy)


@pytest.mark.parametrize("write", list(WRITES))
def test_a_transmitted_dossier_is_read_only(write, transmitted, candidat, evaluators):
    people = {"candidat": candidat, **evaluators}
    before = snapshot(transmitted)
    files = stored_names()
    assert len(files) == 1  # the evidence file
    with pytest.raises(PermissionDenied):
        WRITES[write](transmitted, people)
    assert snapshot(transmitted) == before
    assert stored_names() == files


def test_return_to_evaluation_reopens_the_same_dossier(
    transmitted, secretariat, candidat, professionnel, evaluateur
):
    candidacy = transmitted.candidacy
    services.evaluation_reopen(
        candidacy=candidacy, by=secretariat, reason="Motivation de C6 illisible."
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    assert EvaluationDossier.objects.filter(candidacy=candidacy).count() == 1
    dossier = dossier_of(candidacy)
    assert dossier.pk == transmitted.pk
    assert (dossier.transmitted_at, dossier.transmitted_by) == (None, None)
    assert not dossier.is_locked
    # Editable again by each party.
    services.account_save(dossier=dossier, by=candidat, competence=competence(1), text="Complété")
    assert dossier.accounts.get(competence=competence(1)).text == "Complété"
    services.final_set(
        assessment=assessment(dossier, 6),
        by=evaluateur,
        result=NON_ACQUISE,
        comment="Mises en situation insuffisantes.",
    )
    assert selectors.dossier_missing(dossier) == [
        "la signature du professionnel du secteur sur C6",
        "la signature de l'évaluateur externe sur C6",
    ]
    sign(dossier, 6, professionnel, evaluateur)
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert candidacy.state == "jury" and dossier.transmitted_by == evaluateur


# Once the candidacy is withdrawn during the evaluation (dossier neither transmitted nor
# closed), every write on the dossier is refused.
AFTER_WITHDRAWAL = {
    name: write for name, write in WRITES.items() if not name.startswith("evidence_")
}
# C2 has no opinion yet there: giving one is refused for the withdrawal alone.
AFTER_WITHDRAWAL["opinion_give"] = lambda d, p: services.opinion_give(
    assessment=assessment(d, 2), by=p["professionnel"], opinion=ACQUISE
)


@pytest.mark.parametrize("write", list(AFTER_WITHDRAWAL))
def test_the_dossier_of_a_withdrawn_candidacy_cannot_change(write, parcours, evaluators, candidat):
    candidacy = parcours()
    dossier = dossier_of(candidacy)
    opinions(dossier, 1, **evaluators)  # agreed, not signed yet
    candidacy_services.run_transition(
        name="withdraw", candidacy=candidacy, by=candidat, comment="Départ"
    )
    dossier = dossier_of(candidacy)
    assert candidacy.state == "abandonne"
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        AFTER_WITHDRAWAL[write](dossier, {"candidat": candidat, **evaluators})
    assert snapshot(dossier) == before
