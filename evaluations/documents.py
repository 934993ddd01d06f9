"""The dossier de suivi et d'évaluation as an official PDF (kind `dossier_evaluation`).

It is stored when the évaluateur externe transmits the dossier to the jury, one edition
per transmission: a dossier returned for non-conformity and transmitted again gets a new
edition, the first one staying as it was. Before that, only a draft can be previewed.
"""

from django.db.models import QuerySet

from candidates.enums import Pathway
from candidates.models import TransitionLog
from candidates.selectors import candidacy_queryset, plan_actions
from cqp.documents import DocumentKind, latest_documents, register
from cqp.models import Document, User

from . import selectors
from .models import EvaluationDossier

CODE = "dossier_evaluation"


def transmission_edition(dossier: EvaluationDossier) -> int:
    """How many times the dossier has been transmitted to the jury, the current one included.

    Read from the candidacy's audit log: the transmissions since this dossier was opened
    are its own (a candidacy has one open dossier at a time, and a return from the jury
    reopens the same one).
    """
    return TransitionLog.objects.filter(
        candidacy_id=dossier.candidacy_id,
        transition="transmit_to_jury",
        created_at__gte=dossier.opened_at,
    ).count()


def latest_edition(dossier: EvaluationDossier) -> Document | None:
    """The latest stored edition of the dossier's PDF (None until a transmission stored one)."""
    return latest_documents(CODE, [dossier.pk]).get(dossier.pk)


def _visible(user: User) -> QuerySet[EvaluationDossier]:
    return EvaluationDossier.objects.filter(
        candidacy__in=candidacy_queryset(user=user).values("pk")
    ).select_related("candidacy__candidate__user")


def _full_name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


def _title(dossier: EvaluationDossier) -> str:
    name = _full_name(dossier.candidacy.candidate.user)
    title = f"Dossier de suivi et d'évaluation — {name}"
    return title if dossier.cycle == 1 else f"{title} (cycle {dossier.cycle})"


def _context(dossier: EvaluationDossier) -> dict:
    """Everything the template prints, in a constant number of queries."""
    dossier = EvaluationDossier.objects.select_related(
        "candidacy__candidate__user",
        "candidacy__certification",
        "candidacy__organisation",
        "candidacy__professionnel",
        "candidacy__evaluateur",
        "transmitted_by",
    ).get(pk=dossier.pk)
    competences = selectors.dossier_competences(dossier)
    observations = list(selectors.observation_list(dossier))
    for competence in competences:
        competence.observations = [o for o in observations if o.competence_id == competence.pk]
    scope = {competence.pk for competence in competences}
    candidacy = dossier.candidacy
    return {
        "dossier": dossier,
        "candidacy": candidacy,
        "certification": candidacy.certification,
        "candidate_name": _full_name(candidacy.candidate.user),
        "professionnel_name": _full_name(candidacy.professionnel),
        "evaluateur_name": _full_name(candidacy.evaluateur),
        "competences": competences,
        # The parcours followed before this evaluation: its cycle's actions, done or not.
        "actions": (
            list(plan_actions(candidacy, cycle=dossier.cycle))
            if candidacy.pathway == Pathway.PARCOURS
            else []
        ),
        # Situations that name no competence (or one outside the scope) are shown apart.
        "general_observations": [o for o in observations if o.competence_id not in scope],
    }


register(
    DocumentKind(
        code=CODE,
        label="Dossier de suivi et d'évaluation",
        model=EvaluationDossier,
        template="documents/dossier_evaluation.html",
        context=_context,
        title=_title,
        visible=_visible,
        is_final=lambda dossier: dossier.transmitted_at is not None,
        candidacy_lookup="candidacy",
    )
)
