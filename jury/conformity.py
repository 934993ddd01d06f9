"""The jury's conformity checklist: the items of the certification's référentiel
(`rules.jury_checklist`, cqp.referentiel.jury_checklist), each pre-ticked on the fiche de
décision from what can be computed, with what fails in French:

- `habilitations`: each signer of a result the jury decides on was habilité, in their
  role, on the day they signed;
- `signatures`: every competence still to validate on the session's date has a result
  signed by both evaluators;
- `pieces`: the livret (parcours) or the VAE parties 2 and 3 are present and the dossier
  de suivi et d'évaluation is transmitted;
- `demarche` (and any item the code does not know): pre-ticked, the president confirms.

The president confirms or unticks each item with a note; the fiche stores the checklist as
answered (`Deliberation.checklist`: [{code, label, ok, note}]), and an unticked item is a
non-conformity naming the failed items.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.transitions import TRANSITIONS
from cqp.models import Habilitation, HabilitationKind
from cqp.referentiel import jury_checklist
from evaluations.selectors import current_dossier, latest_results

from .models import Deliberation
from .selectors import competences_to_decide


@dataclass
class Check:
    """One item of the checklist as computed: `ok`, and what fails (`problems`)."""

    code: str
    label: str
    ok: bool
    problems: list[str]


def checklist_items(deliberation: Deliberation) -> list[dict]:
    """The checklist of the candidacy's certification: [{code, label}, …]."""
    return jury_checklist(deliberation.candidacy.certification.rules)


def computed_checks(deliberation: Deliberation, *, results: dict | None = None) -> list[Check]:
    """Each item of the checklist with its computed answer. `results`: the evaluators'
    (`latest_results`), when already read."""
    candidacy = deliberation.candidacy
    results = latest_results(candidacy) if results is None else results
    in_scope = competences_to_decide(deliberation)
    used = [results[c.pk] for c in in_scope if c.pk in results]
    problems = {
        "signatures": _signatures(in_scope, results),
        "habilitations": _habilitations(used),
        "pieces": _pieces(candidacy),
    }
    return [
        Check(
            code=item["code"],
            label=item["label"],
            ok=not problems.get(item["code"]),
            problems=problems.get(item["code"], []),
        )
        for item in checklist_items(deliberation)
    ]


def _signatures(in_scope, results) -> list[str]:
    return [
        _("%(code)s : aucun résultat signé par les deux évaluateurs") % {"code": c.code}
        for c in in_scope
        if c.pk not in results
    ]


def _habilitations(assessments) -> list[str]:
    """Each signature of a result, checked against the signer's habilitations of its kind on
    the day of signing (one query)."""
    signatures = []
    for a in assessments:
        signatures.append((a, a.professionnel_signed_by_id, a.professionnel_signed_at, "pro"))
        signatures.append((a, a.evaluateur_signed_by_id, a.evaluateur_signed_at, "eval"))
    users = {user_id for _a, user_id, _at, _role in signatures if user_id}
    held = {}
    for h in Habilitation.objects.filter(user_id__in=users):
        held.setdefault((h.user_id, h.kind), []).append(h)
    problems = []
    for a, user_id, at, role in signatures:
        kind = HabilitationKind.PROFESSIONNEL if role == "pro" else HabilitationKind.EVALUATEUR
        day = timezone.localdate(at)
        if any(h.is_valid_on(day) for h in held.get((user_id, kind), [])):
            continue
        who = _("le professionnel du secteur") if role == "pro" else _("l'évaluateur externe")
        problems.append(
            _("%(code)s : %(who)s n'était pas habilité le %(day)s, jour de sa signature")
            % {"code": a.competence.code, "who": who, "day": day.strftime("%d/%m/%Y")}
        )
    return problems


def _pieces(candidacy) -> list[str]:
    problems = list(TRANSITIONS["transmit_to_jury"].missing(candidacy))
    dossier = current_dossier(candidacy)  # the latest cycle's: transmitted in this cycle?
    if not (dossier and dossier.cycle == candidacy.cycle and dossier.transmitted_at is not None):
        problems.append(_("dossier de suivi et d'évaluation transmis au jury"))
    return problems


def failed_items(checklist: list[dict]) -> list[dict]:
    return [item for item in checklist if not item["ok"]]


def non_conformity_reason(checklist: list[dict], notes: str = "") -> str:
    """The reason sent to the evaluators: each failed item with its note, then the notes."""
    lines = [
        _("Non conforme : %(label)s — %(note)s") % {"label": item["label"], "note": item["note"]}
        if item["note"]
        else _("Non conforme : %(label)s") % {"label": item["label"]}
        for item in failed_items(checklist)
    ]
    if notes.strip():
        lines.append(notes.strip())
    return "\n".join(lines)
