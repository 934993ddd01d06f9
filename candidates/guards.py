"""The guards of the candidacy's transitions (named in transitions.py).

Each guard returns the list of what is missing, in French, so that a refused transition
tells the user exactly what to complete. Guards only read; they never change anything.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cqp.models import HabilitationKind

from .enums import Pathway, ReperageStatus
from .experience import relevant_experience
from .permissions import is_habilitated


def today():
    return timezone.localdate()


def evaluators_missing(candidacy, day: datetime.date) -> list[str]:
    missing = []
    if candidacy.professionnel_id is None:
        missing.append(_("aucun professionnel du secteur n'est affecté"))
    elif not is_habilitated(candidacy.professionnel, HabilitationKind.PROFESSIONNEL, day):
        missing.append(
            _("le professionnel du secteur affecté n'a pas d'habilitation valide à cette date")
        )
    if candidacy.evaluateur_id is None:
        missing.append(_("aucun évaluateur externe n'est affecté"))
    elif not is_habilitated(candidacy.evaluateur, HabilitationKind.EVALUATEUR, day):
        missing.append(_("l'évaluateur externe affecté n'a pas d'habilitation valide à cette date"))
    return missing


def reperage_missing(candidacy) -> list[str]:
    """Elements of the certification not yet assessed in the livret, per competence."""
    assessed = set(
        candidacy.reperage_entries.exclude(status="").values_list("element_id", flat=True)
    )
    missing = []
    for competence in candidacy.certification.competences.prefetch_related("elements").order_by(
        "number"
    ):
        count = sum(1 for element in competence.elements.all() if element.pk not in assessed)
        if count:
            missing.append(
                _(
                    "livret de repérage : %(count)d élément(s) de la compétence %(code)s non renseigné(s)"
                )
                % {"count": count, "code": competence.code}
            )
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
            _("parcours : aucune action prévue pour la compétence %(code)s à développer")
            % {"code": codes[pk]}
        )
    for pk in sorted(planned - expected, key=lambda pk: codes[pk]):
        missing.append(
            _("parcours : la compétence %(code)s est acquise mais figure au parcours")
            % {"code": codes[pk]}
        )
    return missing


def vae_request_missing(candidacy) -> list[str]:
    request = getattr(candidacy, "vae_request", None)
    if request is None:
        return [_("partie 2 du dossier de VAE absente")]
    missing = []
    labels = {
        "current_situation": _("situation actuelle"),
        "current_job_title": _("emploi actuel"),
        "education": _("formation et diplômes"),
        "motivation": _("motivation de la demande"),
    }
    for field, label in labels.items():
        if not getattr(request, field).strip():
            missing.append(_("partie 2 : « %(field)s » non renseigné") % {"field": label})
    if not request.experiences.exists():
        missing.append(_("partie 2 : aucune expérience professionnelle déclarée"))
    return missing


def guard_complete_reperage(candidacy) -> list[str]:
    return reperage_missing(candidacy) + plan_mismatch(candidacy)


def guard_start_evaluation(candidacy) -> list[str]:
    missing = []
    if candidacy.practice_confirmed_on is None:
        missing.append(_("la mise en pratique des compétences en entreprise n'est pas confirmée"))
    return missing + evaluators_missing(candidacy, today())


def guard_submit_recevabilite(candidacy) -> list[str]:
    missing = vae_request_missing(candidacy)
    request = getattr(candidacy, "vae_request", None)
    if request is not None:
        minimum = candidacy.certification.vae_min_experience_years
        on = today()  # the request date, were it submitted now
        experience = relevant_experience(request.experiences.all(), on=on)
        if not experience.at_least_years(minimum, on=on):
            missing.append(
                _(
                    "expérience en rapport avec le CQP insuffisante : %(found)s déclarés, "
                    "%(minimum)d ans minimum à la date de la demande"
                )
                % {"found": experience.display(), "minimum": minimum}
            )
    return missing


def guard_declare_non_recevable(candidacy) -> list[str]:
    return [] if candidacy.recevabilite_reason.strip() else [_("le motif de l'avis défavorable")]


def guard_request_completion(candidacy) -> list[str]:
    return (
        []
        if candidacy.recevabilite_reason.strip()
        else [_("le motif de la demande de compléments")]
    )


def guard_submit_activities(candidacy) -> list[str]:
    covered = set(candidacy.vae_activities.values_list("competence_id", flat=True))
    missing = [
        _("partie 3 : aucune activité pour la compétence %(code)s") % {"code": competence.code}
        for competence in candidacy.competences_to_validate()
        if competence.pk not in covered
    ]
    return missing + evaluators_missing(candidacy, today())


def guard_resume_parcours(candidacy) -> list[str]:
    if candidacy.pathway != Pathway.PARCOURS:
        return [_("le retour en parcours ne concerne que la voie du parcours de formation")]
    return []


def guard_transmit_to_jury(candidacy) -> list[str]:
    if candidacy.pathway == Pathway.PARCOURS:
        return reperage_missing(candidacy)
    missing = vae_request_missing(candidacy)
    if not candidacy.vae_activities.exists():
        missing.append(_("partie 3 du dossier de VAE absente"))
    return missing


def guard_return_to_evaluation(candidacy) -> list[str]:
    return [] if candidacy.outcome_reason.strip() else [_("le motif de non-conformité")]


def guard_continue_after_partial(candidacy) -> list[str]:
    if not candidacy.competences_to_validate().exists():
        return [_("aucune compétence ne reste à valider")]
    return []


def guard_withdraw(candidacy) -> list[str]:
    return [] if candidacy.closing_reason.strip() else [_("le motif de l'abandon")]
