"""The conformity checklist of the fiche de décision: its items come from the référentiel,
each pre-ticked from the computed checks (habilitations on the day of signing, both
signatures on every competence in scope, pieces present); the president's answers are
stored; a non-conformity names the failed items; the fiche and the PV print it."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cqp import documents
from cqp.models import Habilitation
from evaluations.models import CompetenceAssessment
from jury.conformity import computed_checks
from jury.models import Deliberation
from tests.evaluations.builders import dossier_of

from .builders import ALL, fiche, record

pytestmark = pytest.mark.django_db


def _failing(deliberation) -> dict[str, list[str]]:
    return {c.code: c.problems for c in computed_checks(deliberation) if not c.ok}


def _answers(**unticked) -> list[dict]:
    return [
        {"code": code, "ok": code not in unticked, "note": unticked.get(code, "")}
        for code in ("demarche", "habilitations", "signatures", "pieces")
    ]


def test_a_complete_dossier_has_every_item_ticked(on_agenda):
    deliberation = on_agenda()
    checks = computed_checks(deliberation)
    assert [(c.code, c.ok) for c in checks] == [
        ("demarche", True),
        ("habilitations", True),
        ("signatures", True),
        ("pieces", True),
    ]
    assert checks[0].label == "Démarche conforme au dispositif CQP"


def test_a_signer_not_habilitated_on_the_day_of_signing_unticks_habilitations(
    on_agenda, professionnel
):
    deliberation = on_agenda()
    signed = CompetenceAssessment.objects.filter(dossier__candidacy=deliberation.candidacy)
    day = timezone.localdate(signed.first().professionnel_signed_at)
    # The habilitation begins the day after the signatures.
    Habilitation.objects.filter(user=professionnel).update(
        valid_from=day + datetime.timedelta(days=1)
    )
    problems = _failing(deliberation)
    assert list(problems) == ["habilitations"]
    assert problems["habilitations"][0] == (
        f"C1 : le professionnel du secteur n'était pas habilité le {day:%d/%m/%Y}, jour de sa "
        "signature"
    )
    assert len(problems["habilitations"]) == len(ALL)


def test_a_competence_in_scope_without_both_signatures_unticks_signatures(on_agenda):
    deliberation = on_agenda()
    CompetenceAssessment.objects.filter(
        dossier__candidacy=deliberation.candidacy, competence__number=3
    ).update(evaluateur_signed_at=None)
    assert _failing(deliberation) == {
        "signatures": ["C3 : aucun résultat signé par les deux évaluateurs"]
    }


def test_a_dossier_not_transmitted_unticks_pieces(on_agenda):
    deliberation = on_agenda()
    dossier = dossier_of(deliberation.candidacy)
    type(dossier).objects.filter(pk=dossier.pk).update(transmitted_at=None)
    assert _failing(deliberation) == {
        "pieces": ["dossier de suivi et d'évaluation transmis au jury"]
    }


def test_the_answers_are_stored_and_printed(on_agenda):
    deliberation = on_agenda()
    record(deliberation, decisions=fiche(validated=ALL), checklist=_answers())
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert deliberation.conform
    assert [(i["code"], i["ok"]) for i in deliberation.checklist] == [
        ("demarche", True),
        ("habilitations", True),
        ("signatures", True),
        ("pieces", True),
    ]
    kind = documents.get_kind("fiche_decision")
    printed = html.unescape(documents.document_html(kind, deliberation))
    assert (
        "<tr><td>Professionnel et évaluateur habilités à la date de leurs actes</td>"
        '<td class="decision">Conforme</td>'
    ) in printed


def test_an_unticked_item_is_a_non_conformity_naming_it_on_the_fiche_and_the_pv(on_agenda):
    deliberation = on_agenda()
    with pytest.raises(ValidationError) as error:
        record(deliberation, checklist=_answers(signatures=""))
    assert error.value.message_dict == {
        "note_signatures": ["Précisez ce qui n'est pas conforme : c'est transmis aux évaluateurs."]
    }
    with pytest.raises(ValidationError) as error:
        record(deliberation, checklist=_answers()[:3])
    assert error.value.messages == [
        "Répondez à chaque point du contrôle de conformité : Pièces du dossier présentes "
        "(livret de repérage ou dossier de VAE, dossier de suivi et d'évaluation)."
    ]
    assert not Deliberation.objects.get(pk=deliberation.pk).is_decided

    # `conform=True` does not override an unticked item.
    record(
        deliberation,
        conform=True,
        decisions=fiche(validated=ALL),
        checklist=_answers(signatures="C2 signée par le seul professionnel."),
    )
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert (deliberation.conform, deliberation.outcome) == (False, "non_conforme")
    assert deliberation.candidacy.outcome_reason == (
        "Non conforme : Résultats signés par les deux évaluateurs pour chaque compétence à "
        "valider — C2 signée par le seul professionnel."
    )
    kind = documents.get_kind("proces_verbal")
    printed = html.unescape(documents.document_html(kind, deliberation.session))
    assert (
        'Non conforme<br><span class="muted">Résultats signés par les deux évaluateurs pour '
        "chaque compétence à valider</span>"
    ) in printed
    assert "<h3>Contrôle de conformité</h3>" in printed
