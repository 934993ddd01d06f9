"""The guards of the candidacy's transitions (named in transitions.py).

Each guard returns the list of what is missing, in French, so that a refused transition
tells the user exactly what to complete. Each item is a noun phrase that reads well in a
list and after « il manque » (« la confirmation de la mise en pratique en entreprise »,
« 5 éléments de la compétence C1 sans appréciation dans le livret de repérage »): the
refusal messages and the next-step block put them in sentences. Guards only read; they
never change anything.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cqp.models import Competence, HabilitationKind

from .enums import Pathway, ProofKind, ReperageStatus
from .experience import relevant_experience
from .permissions import is_habilitated


def today():
    return timezone.localdate()


def evaluators_missing(candidacy, day: datetime.date) -> list[str]:
    return professionnel_missing(candidacy, day) + evaluateur_missing(candidacy, day)


def professionnel_missing(candidacy, day: datetime.date) -> list[str]:
    missing = []
    if candidacy.professionnel_id is None:
        missing.append(_("un professionnel du secteur affecté à la candidature"))
    elif not is_habilitated(candidacy.professionnel, HabilitationKind.PROFESSIONNEL, day):
        missing.append(
            _("une habilitation valide à cette date du professionnel du secteur affecté")
        )
    return missing


def evaluateur_missing(candidacy, day: datetime.date) -> list[str]:
    missing = []
    if candidacy.evaluateur_id is None:
        missing.append(_("un évaluateur externe affecté à la candidature"))
    elif not is_habilitated(candidacy.evaluateur, HabilitationKind.EVALUATEUR, day):
        missing.append(_("une habilitation valide à cette date de l'évaluateur externe affecté"))
    return missing


def unassessed_phrase(count: int, code: str) -> str:
    """« 5 éléments de la compétence C1 sans appréciation dans le livret de repérage »."""
    return ngettext(
        "%(count)d élément de la compétence %(code)s sans appréciation dans le livret de repérage",
        "%(count)d éléments de la compétence %(code)s sans appréciation dans le livret de repérage",
        count,
    ) % {"count": count, "code": code}


def reperage_missing(candidacy) -> list[str]:
    """Elements of the certification not yet assessed in the livret, per competence (one
    query: each competence with its count of elements without an assessed entry)."""
    assessed = candidacy.reperage_entries.exclude(status="").values("element_id")
    competences = (
        Competence.objects.filter(certification_id=candidacy.certification_id)
        .annotate(unassessed=Count("elements", filter=~Q(elements__in=assessed)))
        .order_by("number")
    )
    missing = []
    for competence in competences:
        count = competence.unassessed
        if count:
            missing.append(unassessed_phrase(count, competence.code))
    return missing


def competences_to_develop(candidacy) -> set[int]:
    """Competence ids the parcours must cover: all for a newcomer, else those with an element to develop."""
    to_validate = set(candidacy.competences_to_validate().values_list("pk", flat=True))
    if candidacy.is_newcomer:
        return to_validate
    return to_validate & set(
        candidacy.reperage_entries.filter(status=ReperageStatus.A_DEVELOPPER).values_list(
            "element__competence_id", flat=True
        )
    )


def plan_mismatch(candidacy) -> list[str]:
    expected = competences_to_develop(candidacy)
    planned = set(
        candidacy.parcours_actions.filter(cycle=candidacy.cycle).values_list(
            "competence_id", flat=True
        )
    )
    codes = dict(
        (c.pk, c.code)
        for c in candidacy.certification.competences.filter(pk__in=expected | planned)
    )
    missing = []
    for pk in sorted(expected - planned, key=lambda pk: codes[pk]):
        missing.append(
            _("une action du parcours pour la compétence %(code)s, à développer")
            % {"code": codes[pk]}
        )
    for pk in sorted(planned - expected, key=lambda pk: codes[pk]):
        missing.append(
            _("le retrait du parcours de la compétence %(code)s, déjà acquise")
            % {"code": codes[pk]}
        )
    return missing


# The fields of partie 2 the candidate fills, by name (the secretariat may flag each one as
# to complete: candidates.recevabilite).
PARTIE_2_FIELDS = {
    "current_situation": gettext_lazy("situation actuelle"),
    "current_job_title": gettext_lazy("emploi actuel"),
    "education": gettext_lazy("formation et diplômes"),
    "motivation": gettext_lazy("motivation de la demande"),
}


def vae_request_missing(candidacy) -> list[str]:
    request = getattr(candidacy, "vae_request", None)
    if request is None:
        return [_("la partie 2 du dossier de VAE")]
    missing = []
    for field, label in PARTIE_2_FIELDS.items():
        if not getattr(request, field).strip():
            missing.append(_("la rubrique « %(field)s » de la partie 2") % {"field": label})
    if not request.experiences.exists():
        missing.append(_("au moins une expérience professionnelle déclarée en partie 2"))
    return missing


# Each kind of proof as a noun phrase that reads well in the list of what is missing.
PROOF_PHRASES = {
    ProofKind.IDENTITE: gettext_lazy("la pièce d'identité"),
    ProofKind.ATTESTATION_EMPLOYEUR: gettext_lazy("une attestation de l'employeur"),
    ProofKind.CONTRAT: gettext_lazy("un contrat de travail"),
    ProofKind.BULLETIN_SALAIRE: gettext_lazy("un bulletin de salaire"),
    ProofKind.AUTRE: gettext_lazy("un justificatif"),
}


def _one_of(kinds: list[str]) -> str:
    """« un justificatif », or the one kind asked for, or « un justificatif (a, b ou c) »."""
    if len(kinds) == 1:
        return str(PROOF_PHRASES[kinds[0]])
    every_period_kind = set(ProofKind.values) - {ProofKind.IDENTITE}
    if set(kinds) >= every_period_kind:
        return _("un justificatif")
    names = [ProofKind(kind).label.lower() for kind in kinds]
    return _("un justificatif (%(kinds)s)") % {
        "kinds": _("%(some)s ou %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}
    }


def vae_proofs_missing(candidacy) -> list[str]:
    """The proofs the certification's rules require that partie 2 lacks: one of each kind
    the request needs, and for each declared period one proof of a kind the rules accept."""
    request = getattr(candidacy, "vae_request", None)
    if request is None:
        return []
    rules = candidacy.certification.vae_proof_rules
    proofs = list(request.proofs.all())
    joined = {proof.kind for proof in proofs if proof.experience_id is None}
    missing = [str(PROOF_PHRASES[kind]) for kind in rules["request"] if kind not in joined]
    accepted = rules["per_experience"]
    if accepted:
        covered = {p.experience_id for p in proofs if p.experience_id and p.kind in accepted}
        missing += [
            _("%(proof)s pour la période « %(period)s »")
            % {"proof": _one_of(accepted), "period": period}
            for period in request.experiences.all()
            if period.pk not in covered
        ]
    return missing


def guard_complete_reperage(candidacy) -> list[str]:
    return reperage_missing(candidacy) + plan_mismatch(candidacy)


def guard_start_evaluation(candidacy) -> list[str]:
    missing = []
    if candidacy.practice_confirmed_on is None:
        missing.append(_("la confirmation de la mise en pratique en entreprise"))
    return missing + evaluators_missing(candidacy, today())


def submit_recevabilite_ready(candidacy) -> list[str]:
    """What the candidate must complete before sending the request (the sworn statement
    aside: it is ticked on the confirmation page itself)."""
    missing = vae_request_missing(candidacy) + vae_proofs_missing(candidacy)
    request = getattr(candidacy, "vae_request", None)
    if request is not None:
        minimum = candidacy.certification.vae_min_experience_years
        on = today()  # the request date, were it submitted now
        experience = relevant_experience(request.experiences.all(), on=on)
        if not experience.at_least_years(minimum, on=on):
            missing.append(
                _(
                    "une expérience en rapport avec le CQP d'au moins %(minimum)d ans à la date "
                    "de la demande, au lieu de %(found)s déclarés"
                )
                % {"found": experience.display(), "minimum": minimum}
            )
    return missing


def guard_submit_recevabilite(candidacy) -> list[str]:
    missing = submit_recevabilite_ready(candidacy)
    request = getattr(candidacy, "vae_request", None)
    if request is not None and request.sworn_at is None:
        missing.append(_("la déclaration sur l'honneur"))
    return missing


def guard_declare_non_recevable(candidacy) -> list[str]:
    return [] if candidacy.recevabilite_reason.strip() else [_("le motif de l'avis défavorable")]


def guard_request_completion(candidacy) -> list[str]:
    """A reason, and at least one item to complete: those the preparation attached to the
    candidacy (`completion_items`, recorded with the decision; see transitions.py)."""
    missing = []
    if not candidacy.recevabilite_reason.strip():
        missing.append(_("le motif de la demande de compléments"))
    if not getattr(candidacy, "completion_items", None):
        missing.append(_("au moins un élément à compléter"))
    return missing


def guard_submit_activities(candidacy) -> list[str]:
    covered = set(candidacy.vae_activities.values_list("competence_id", flat=True))
    missing = [
        _("au moins une activité de la partie 3 pour la compétence %(code)s")
        % {"code": competence.code}
        for competence in candidacy.competences_to_validate()
        if competence.pk not in covered
    ]
    return missing + evaluators_missing(candidacy, today())


def guard_resume_parcours(candidacy) -> list[str]:
    if candidacy.pathway != Pathway.PARCOURS:
        return [_("une candidature sur la voie du parcours de formation")]
    return []


def guard_transmit_to_jury(candidacy) -> list[str]:
    if candidacy.pathway == Pathway.PARCOURS:
        return reperage_missing(candidacy)
    missing = vae_request_missing(candidacy)
    if not candidacy.vae_activities.exists():
        missing.append(_("la partie 3 du dossier de VAE"))
    return missing


def guard_return_to_evaluation(candidacy) -> list[str]:
    return [] if candidacy.outcome_reason.strip() else [_("le motif de non-conformité")]


def guard_continue_after_partial(candidacy) -> list[str]:
    if not candidacy.competences_to_validate().exists():
        return [_("au moins une compétence restant à valider")]
    return []


def guard_withdraw(candidacy) -> list[str]:
    return [] if candidacy.closing_reason.strip() else [_("le motif de l'abandon")]
