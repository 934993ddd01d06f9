"""The evaluators' dashboard panel: their candidacies in evaluation, grouped by what waits on them.

Imported by EvaluationsConfig.ready. The group of each of at most PANEL_LIMIT candidacies is
computed by the database from the assessments of its current dossier, with the rows: a
constant number of queries whatever the number of candidacies.
"""

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
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


def waiting_on(role: Capacity) -> Case:
    """The first group, in the order of GROUPS, that the current dossier's assessments put
    the evaluator acting as `role` in, computed by the database for each candidacy (an index
    probe a group, for the rows shown only): no dossier yet, waiting; an opinion of theirs
    to give; a disagreement without its final comment; a final result they have not signed;
    for the évaluateur, every result signed by both (completeness from the assessments only:
    the livret or the VAE parts are checked on transmission), ready to transmit."""
    dossier = EvaluationDossier.objects.filter(candidacy=OuterRef("pk"), cycle=OuterRef("cycle"))
    current = CompetenceAssessment.objects.filter(
        dossier__candidacy=OuterRef("pk"), dossier__cycle=OuterRef("cycle")
    )
    disagreement = (
        current.filter(final_comment="")
        .exclude(professionnel_opinion="")
        .exclude(evaluateur_opinion="")
        .exclude(professionnel_opinion=F("evaluateur_opinion"))
    )
    whens = [
        When(~Exists(dossier), then=Value("waiting")),
        When(Exists(current.filter(**{f"{role}_opinion": ""})), then=Value("opinion")),
        When(Exists(disagreement), then=Value("disagreement")),
        When(
            Exists(current.exclude(final_result="").filter(**{f"{role}_signed_at__isnull": True})),
            then=Value("sign"),
        ),
    ]
    if role == Capacity.EVALUATEUR:
        unsigned = current.filter(
            Q(final_result="")
            | Q(professionnel_signed_at__isnull=True)
            | Q(evaluateur_signed_at__isnull=True)
        )
        whens.append(When(~Exists(unsigned), then=Value("transmit")))
    return Case(*whens, default=Value("waiting"))


# What a row shows (the candidate's name, the organisation's), with the step: not the
# other columns of three tables, 50 rows of them.
ROW_FIELDS = (
    "state",
    "candidate__user__first_name",
    "candidate__user__last_name",
    "candidate__user__email",
    "organisation__name",
)

# The panel reads at most this many candidacies (those in evaluation for the longest first);
# the candidacy list, filtered on the step, shows them all.
PANEL_LIMIT = 50


def evaluations_in_progress(user: User, role: Capacity) -> dict:
    """The user's candidacies in evaluation where they act as `role`, grouped as in GROUPS:
    at most PANEL_LIMIT of them, in evaluation for the longest first, with how many there are."""
    limit = PANEL_LIMIT
    in_evaluation = candidacy_selectors.assigned_candidacies(user=user, role=role).filter(
        state=State.EVALUATION
    )
    # The rows first (a subquery), then their groups: the planner then expects `limit` rows
    # and probes each one's dossier, where it hashed all 54,000 dossiers when it expected
    # every candidacy in evaluation (26 ms at 100,000).
    shown = in_evaluation.order_by("state_changed_at", "pk").values("pk")[:limit]
    candidacies = list(
        in_evaluation.filter(pk__in=shown)
        .only(*ROW_FIELDS)
        .annotate(waiting_on=waiting_on(role))
        .order_by("state_changed_at", "pk")
    )
    total = len(candidacies) if len(candidacies) < limit else in_evaluation.count()
    grouped = {key: [] for key, _label in GROUPS}
    for candidacy in candidacies:
        grouped[candidacy.waiting_on].append(candidacy)
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
