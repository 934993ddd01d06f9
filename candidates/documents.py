"""The candidacy's official documents: the livret de repérage, the dossier de VAE and the
letter of each recevabilité decision (« avis de recevabilité »).

They are registered with `cqp.documents` from `CandidatesConfig.ready`. Each context
function loads the whole document in a fixed number of queries, whatever the number of
competences, elements, actions, experiences or activities.
"""

from django.conf import settings
from django.utils import timezone

from cqp.documents import DocumentKind, register

from . import recevabilite, selectors
from .enums import LETTER, Pathway, RecevabiliteOutcome, ReperageStatus
from .experience import experience_summary
from .models import Candidacy, RecevabiliteDecision, TransitionLog, VaeActivity

AVIS_LABEL = "Avis de recevabilité de la demande de VAE"
LIVRET_LABEL = "Livret de repérage des compétences acquises et des besoins en formation"
DOSSIER_VAE_LABEL = "Dossier de VAE — parties 2 et 3"


def _load(candidacy, *related) -> Candidacy:
    """The candidacy with everything the header and identity block read, in one query."""
    return Candidacy.objects.select_related(
        "candidate__user", "organisation", "certification", "professionnel", "evaluateur", *related
    ).get(pk=candidacy.pk)


def _last_log(candidacy, *transitions) -> TransitionLog | None:
    return (
        TransitionLog.objects.filter(candidacy_id=candidacy.pk, transition__in=transitions)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def _happened(transition):
    def is_final(candidacy) -> bool:
        return TransitionLog.objects.filter(
            candidacy_id=candidacy.pk, transition=transition
        ).exists()

    return is_final


def _visible(pathway):
    def visible(user):
        return selectors.candidacy_queryset(user=user).filter(pathway=pathway)

    return visible


def _candidate_name(candidacy) -> str:
    return str(candidacy.candidate.user)


# Livret de repérage ------------------------------------------------------------------------


def livret_context(candidacy) -> dict:
    candidacy = _load(candidacy)
    completion = _last_log(candidacy, "complete_reperage")
    rows = []
    for competence in selectors.reperage_competences(candidacy):
        elements = list(competence.elements.all())
        statuses = [element.entry.status if element.entry else "" for element in elements]
        rows.append(
            {
                "competence": competence,
                "elements": elements,
                "acquis": statuses.count(ReperageStatus.ACQUIS),
                "a_developper": statuses.count(ReperageStatus.A_DEVELOPPER),
                "non_renseignes": statuses.count(""),
            }
        )
    return {
        "candidacy": candidacy,
        "certification": candidacy.certification,
        "candidate_name": _candidate_name(candidacy),
        "completion": completion,
        # Who completed the livret, even if another professionnel is assigned since.
        "professionnel": completion.actor if completion else candidacy.professionnel,
        "competences": rows,
        "plan": list(selectors.plan_actions(candidacy, cycle=1)),
    }


def livret_title(candidacy) -> str:
    return f"{LIVRET_LABEL} — {_candidate_name(candidacy)}"


# Dossier de VAE ----------------------------------------------------------------------------


def dossier_vae_context(candidacy) -> dict:
    candidacy = _load(candidacy, "vae_request")
    vae_request = getattr(candidacy, "vae_request", None)
    summary = experience_summary(candidacy)
    submission = _last_log(candidacy, "submit_activities")
    submitted_on = timezone.localdate(submission.created_at) if submission else None
    activities = list(VaeActivity.objects.filter(candidacy_id=candidacy.pk))
    to_validate = set(
        candidacy.competences_to_validate(on=submitted_on).values_list("pk", flat=True)
    )
    sections = [
        {
            "competence": competence,
            "to_validate": competence.pk in to_validate,
            "activities": [a for a in activities if a.competence_id == competence.pk],
        }
        for competence in candidacy.certification.competences.order_by("number")
    ]
    proofs = (
        list(vae_request.proofs.select_related("experience").order_by("uploaded_at", "pk"))
        if vae_request
        else []
    )
    return {
        "candidacy": candidacy,
        "certification": candidacy.certification,
        "candidate_name": _candidate_name(candidacy),
        "vae_request": vae_request,
        **summary,
        # The request's own first (the identity document), then by period as on partie 2.
        "proofs": sorted(proofs, key=lambda proof: proof.experience_id is not None),
        "decision": _last_log(candidacy, "declare_recevable", "declare_non_recevable"),
        "submission": submission,
        "sections": sections,
    }


def dossier_vae_title(candidacy) -> str:
    return f"{DOSSIER_VAE_LABEL} — {_candidate_name(candidacy)}"


register(
    DocumentKind(
        code="livret",
        label=LIVRET_LABEL,
        model=Candidacy,
        template="documents/livret.html",
        context=livret_context,
        title=livret_title,
        visible=_visible(Pathway.PARCOURS),
        is_final=_happened("complete_reperage"),
        candidacy_lookup="pk",
    )
)
register(
    DocumentKind(
        code="dossier_vae",
        label=DOSSIER_VAE_LABEL,
        model=Candidacy,
        template="documents/dossier_vae.html",
        context=dossier_vae_context,
        title=dossier_vae_title,
        visible=_visible(Pathway.VAE),
        is_final=_happened("submit_activities"),
        candidacy_lookup="pk",
    )
)


# Avis de recevabilité ----------------------------------------------------------------------


def avis_context(decision: RecevabiliteDecision) -> dict:
    decision = RecevabiliteDecision.objects.select_related("decided_by").get(pk=decision.pk)
    candidacy = _load(decision.candidacy, "vae_request")
    return {
        "decision": decision,
        "candidacy": candidacy,
        "certification": candidacy.certification,
        "candidate_name": _candidate_name(candidacy),
        "vae_request": candidacy.vae_request,
        **experience_summary(candidacy),
        "items": recevabilite.labels(decision.items),
        "outcomes": RecevabiliteOutcome,
        "place": settings.RECEVABILITE_LETTER_PLACE,
        "recourse": settings.RECEVABILITE_RECOURSE_TEXT,
    }


def avis_title(decision: RecevabiliteDecision) -> str:
    candidacy = Candidacy.objects.select_related("candidate__user").get(pk=decision.candidacy_id)
    day = timezone.localtime(decision.decided_at)
    return f"{AVIS_LABEL} — {_candidate_name(candidacy)} — {day:%d/%m/%Y}"


def _visible_decisions(user):
    return RecevabiliteDecision.objects.filter(
        candidacy__in=selectors.candidacy_queryset(user=user)
    )


register(
    DocumentKind(
        code=LETTER,
        label=AVIS_LABEL,
        model=RecevabiliteDecision,
        template="documents/avis_recevabilite.html",
        context=avis_context,
        title=avis_title,
        visible=_visible_decisions,
        candidacy_lookup="candidacy",
        candidacy_latest=("-decided_at", "-pk"),
    )
)
