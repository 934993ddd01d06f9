"""Back to the parcours from the evaluation: the competences not acquired become the next
cycle's plan."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from candidates.models import TransitionLog
from evaluations import services
from tests.candidates.builders import (
    plan_codes,
)

from .builders import (
    NON_ACQUISE,
    assessment,
    dossier_of,
    opinions,
    settle,
    sign,
    snapshot,
)

pytestmark = pytest.mark.django_db


def test_resume_parcours_is_refused_on_a_vae_candidacy(vae, evaluators, evaluateur):
    dossier = settle(dossier_of(vae()), **evaluators, non_acquises={3})
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_resume_parcours(dossier=dossier, by=evaluateur)
    assert snapshot(dossier) == before


def test_resume_parcours_is_refused_while_a_result_is_unsigned(
    parcours, evaluators, professionnel, evaluateur
):
    dossier = dossier_of(parcours())
    for number in range(1, 7):
        opinions(dossier, number, **evaluators, pro=NON_ACQUISE, eva=NON_ACQUISE)
        sign(dossier, number, professionnel, *([evaluateur] if number != 6 else []))
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_resume_parcours(dossier=dossier, by=professionnel)
    assert "C6" in excinfo.value.messages[0]
    assert snapshot(dossier) == before


def test_resume_parcours_is_refused_when_every_competence_is_acquired(
    parcours, evaluators, evaluateur
):
    dossier = settle(dossier_of(parcours()), **evaluators)
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_resume_parcours(dossier=dossier, by=evaluateur)
    assert "transmettez le dossier au jury" in excinfo.value.messages[0]
    assert snapshot(dossier) == before


@pytest.mark.parametrize("actor", ["professionnel", "evaluateur"])
def test_resume_parcours_sends_the_candidate_back_for_the_competences_not_acquired(
    actor, request, parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours()
    dossier = settle(dossier_of(candidacy), **evaluators, non_acquises={3})
    # C5: a disagreement resolved as « non acquise ».
    services.final_set(
        assessment=assessment(dossier, 5), by=evaluateur, result=NON_ACQUISE, comment="Revu."
    )
    sign(dossier, 5, professionnel, evaluateur)
    user = request.getfixturevalue(actor)
    start = timezone.now()
    services.dossier_resume_parcours(dossier=dossier, by=user, comment="Reprendre C3 et C5.")
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy, cycle=2) == {"C3", "C5"}
    assert start <= dossier.closed_at <= timezone.now()
    assert dossier.is_locked and dossier.transmitted_at is None
    log = TransitionLog.objects.filter(candidacy=candidacy).last()
    assert (log.transition, log.role, log.actor, log.source, log.target, log.comment) == (
        "resume_parcours",
        actor,
        user,
        "evaluation",
        "parcours",
        "Reprendre C3 et C5.",
    )


def test_resume_parcours_by_the_candidate_is_denied(parcours, evaluators, candidat):
    dossier = settle(dossier_of(parcours()), **evaluators, non_acquises={3})
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_resume_parcours(dossier=dossier, by=candidat)
    assert snapshot(dossier) == before
