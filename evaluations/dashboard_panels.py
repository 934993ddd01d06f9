"""The evaluators' dashboard panel: their candidacies in evaluation, grouped by what waits on them.

Imported by EvaluationsConfig.ready. The groups are computed from the prefetched
assessments of each current dossier, for at most PANEL_LIMIT candidacies: a constant number
of queries whatever the number of candidacies.
"""

from collections.abc import Iterable

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _

from candidates import selectors as candidacy_selectors
from candidates.enums import Capacity, State
from cqp.dashboard import register_panel
from cqp.models import HabilitationKind, User

from .models import CompetenceAssessment, EvaluationDossier

GROUPS = [
    ("opinion", _("Avis à donner")),
    ("disagreement", _("Désaccords à résoudre")),
    ("sign", _("À signer")),
    ("transmit", _("Prêt à transmettre")),
    ("waiting", _("En attente de l'autre évaluateur / du candidat")),
]


def waiting_on(role: Capacity, assessments: Iterable[CompetenceAssessment]) -> str:
    """The first group, in the order of GROUPS, that the dossier's assessments put the evaluator in."""
    if any(not getattr(a, f"{role}_opinion") for a in assessments):
        return "opinion"
    if any(a.disagreement and not a.final_comment for a in assessments):
        return "disagreement"
    if any(a.final_result and not getattr(a, f"{role}_signed_at") for a in assessments):
        return "sign"
    # Completeness from the assessments only: the livret or the VAE parts are checked on transmission.
    if role == Capacity.EVALUATEUR and all(a.fully_signed for a in assessments):
        return "transmit"
    return "waiting"


# The panel reads at most this many candidacies (those in evaluation for the longest first);
# the candidacy list, filtered on the step, shows them all.
PANEL_LIMIT = 50


def evaluations_in_progress(user: User, role: Capacity) -> dict:
    """The user's candidacies in evaluation where they act as `role`, grouped as in GROUPS:
    at most PANEL_LIMIT of them, in evaluation for the longest first, with how many there are."""
    limit = PANEL_LIMIT
    current_dossiers = EvaluationDossier.objects.filter(
        cycle=F("candidacy__cycle")
    ).prefetch_related(Prefetch("assessments", queryset=CompetenceAssessment.objects.order_by()))
    in_evaluation = candidacy_selectors.assigned_candidacies(user=user, role=role).filter(
        state=State.EVALUATION
    )
    candidacies = list(
        in_evaluation.order_by("state_changed_at", "pk").prefetch_related(
            Prefetch("dossiers", queryset=current_dossiers, to_attr="current")
        )[:limit]
    )
    total = len(candidacies) if len(candidacies) < limit else in_evaluation.count()
    grouped = {key: [] for key, _label in GROUPS}
    for candidacy in candidacies:
        dossier = candidacy.current[0] if candidacy.current else None
        key = waiting_on(role, dossier.assessments.all()) if dossier else "waiting"
        grouped[key].append(candidacy)
    groups = [
        {"key": key, "label": label, "candidacies": grouped[key]}
        for key, label in GROUPS
        if grouped[key]
    ]
    return {"groups": groups, "shown": len(candidacies), "total": total}


TEMPLATE = "evaluations/panels/evaluations.html"


@register_panel(HabilitationKind.PROFESSIONNEL, TEMPLATE, order=30)
def professionnel_panel(request) -> dict:
    return evaluations_in_progress(request.user, Capacity.PROFESSIONNEL)


@register_panel(HabilitationKind.EVALUATEUR, TEMPLATE, order=30)
def evaluateur_panel(request) -> dict:
    return evaluations_in_progress(request.user, Capacity.EVALUATEUR)
