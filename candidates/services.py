"""Writes on candidacies. One service per transition; each authorizes, checks the guard,
transitions and saves atomically under a row lock, writes the audit entry and enqueues
notifications after commit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import InvalidResultState
from guardian.shortcuts import assign_perm, remove_perm

from cqp.documents import document_generate_later
from cqp.models import (
    Certification,
    HabilitationKind,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from cqp.permissions import can_manage_members

from . import guards, permissions
from .models import (
    FINAL_STATES,
    Candidacy,
    Candidate,
    ParcoursAction,
    Pathway,
    ReperageEntry,
    ReperageStatus,
    State,
    TransitionLog,
    VaeActivity,
    VaeExperience,
    VaeRequest,
)
from .signals import transition_done
from .tasks import notify_candidacy_created, notify_transition


class TransitionError(Exception):
    """A transition that cannot be taken now; `message` is shown to the user as is."""

    def __init__(self, message, missing=()):
        self.message = message
        self.missing = list(missing)
        super().__init__(message)


class GuardFailed(TransitionError):
    pass


class ConcurrentChange(TransitionError):
    pass


def _state_label(state):
    return State(state).label if state in State.values else state


# The capacities that may take each action, in the order they are looked for: the log
# records the capacity that actually allowed the action, not merely one the user holds.
_CAPACITIES = {
    "candidat": permissions.is_the_candidate,
    "professionnel": permissions.is_acting_professionnel,
    "evaluateur": permissions.is_acting_evaluateur,
    "secretariat": permissions.is_secretariat,
    "jury": permissions.is_jury,
    "gestionnaire": permissions.is_gestionnaire_of,
}
ACTION_CAPACITIES = {
    "create": ["gestionnaire", "secretariat", "candidat"],
    "assign_professionnel": ["secretariat", "gestionnaire"],
    "assign_evaluateur": ["secretariat", "gestionnaire"],
    "confirm_practice": ["professionnel"],
    "complete_reperage": ["professionnel"],
    "start_evaluation": ["professionnel"],
    "submit_recevabilite": ["candidat"],
    "declare_recevable": ["secretariat"],
    "declare_non_recevable": ["secretariat"],
    "submit_activities": ["candidat"],
    "resume_parcours": ["professionnel", "evaluateur"],
    "transmit_to_jury": ["evaluateur"],
    "return_to_evaluation": ["jury", "secretariat"],
    "record_decision": ["jury"],
    "continue_after_partial": ["candidat", "professionnel", "secretariat"],
    "withdraw": ["candidat", "gestionnaire", "secretariat"],
}


def actor_role(candidacy, user, action: str) -> str:
    """The capacity in which `user` takes `action` on a candidacy, for the audit log."""
    for capacity in ACTION_CAPACITIES.get(action, list(_CAPACITIES)):
        if _CAPACITIES[capacity](candidacy, user):
            return capacity
    return "autre"


def _log(candidacy, *, by, transition_name, source, target, comment=""):
    entry = TransitionLog.objects.create(
        candidacy=candidacy,
        actor=by,
        role=actor_role(candidacy, by, transition_name),
        transition=transition_name,
        source=source,
        target=target,
        comment=comment,
    )
    return entry


def _lock(candidacy) -> Candidacy:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("candidate", "certification", "professionnel", "evaluateur")
        .get(pk=candidacy.pk)
    )


def may_take(candidacy, name, user) -> bool:
    """The state allows this transition and the user may take it (guards not checked)."""
    meta = getattr(candidacy, name)._django_fsm
    return meta.has_transition(candidacy.state) and meta.has_transition_perm(
        candidacy, candidacy.state, user
    )


def run_transition(*, candidacy, by, name, comment="", expected_state=None, prepare=None, args=()):
    """Take transition `name` on `candidacy` as `by`.

    Raises ConcurrentChange when the candidacy moved since the user saw it,
    TransitionError when the state does not allow it, PermissionDenied when the user may
    not take it, GuardFailed (listing what is missing) when its guard fails.
    `prepare(candidacy)` runs under the lock before the guard (to record a reason, build
    the plan...); everything it does is rolled back if the transition is refused.
    Side effects: the audit entry; after commit, the notification task.
    """
    with transaction.atomic():
        locked = _lock(candidacy)
        source = locked.state
        if expected_state and source != expected_state:
            raise ConcurrentChange(
                _(
                    "La candidature vient d'être modifiée par quelqu'un d'autre : elle est maintenant "
                    "à l'étape « %(state)s ». Rien n'a été enregistré ; vérifiez la page avant de recommencer."
                )
                % {"state": _state_label(source)}
            )
        meta = getattr(locked, name)._django_fsm
        if not meta.has_transition(source):
            raise TransitionError(
                _("Cette action n'est pas possible à l'étape « %(state)s ».")
                % {"state": _state_label(source)}
            )
        if not meta.has_transition_perm(locked, source, by):
            raise PermissionDenied(
                _("Vous n'êtes pas autorisé(e) à effectuer cette action sur cette candidature.")
            )
        if prepare is not None:
            prepare(locked)
        missing = guards.missing(name, locked)
        if missing:
            raise GuardFailed(
                _("Action impossible : il manque %(items)s.") % {"items": " ; ".join(missing)},
                missing,
            )
        try:
            getattr(locked, name)(*args)
        except InvalidResultState as exc:
            raise TransitionError(_("Issue inconnue pour cette action.")) from exc
        locked.save()
        transition_done.send(
            sender=Candidacy, candidacy=locked, name=name, source=source, target=locked.state, by=by
        )
        entry = _log(
            locked,
            by=by,
            transition_name=name,
            source=source,
            target=locked.state,
            comment=comment.strip(),
        )
        transaction.on_commit(lambda: notify_transition.delay(entry.pk))
    candidacy.refresh_from_db()
    return locked


# Transitions ------------------------------------------------------------------------------


def _run_with_reason(*, candidacy, by, name, field, reason, expected_state):
    """A transition with a reason (or comment), stored on `field` and logged; its guard may require it."""

    def record(c):
        setattr(c, field, reason.strip())

    return run_transition(
        candidacy=candidacy,
        by=by,
        name=name,
        comment=reason,
        expected_state=expected_state,
        prepare=record,
    )


def _sync_plan(candidacy, competence_ids, *, cycle):
    """Make a cycle's plan cover exactly `competence_ids`, keeping the actions already edited."""
    actions = candidacy.parcours_actions.filter(cycle=cycle)
    actions.exclude(competence_id__in=competence_ids).delete()
    planned = set(actions.values_list("competence_id", flat=True))
    ParcoursAction.objects.bulk_create(
        ParcoursAction(candidacy=candidacy, cycle=cycle, competence_id=pk)
        for pk in sorted(set(competence_ids) - planned)
    )


def candidacy_complete_reperage(*, candidacy, by, expected_state=None):
    """Complete the livret and generate the parcours plan: one action per competence to develop.

    Side effect: after commit, the livret de repérage PDF is stored (besides the transition's own).
    """
    with transaction.atomic():
        locked = run_transition(
            candidacy=candidacy,
            by=by,
            name="complete_reperage",
            expected_state=expected_state,
            prepare=lambda c: _sync_plan(c, guards.competences_to_develop(c), cycle=c.cycle),
        )
        document_generate_later("livret", locked)
    return locked


def candidacy_start_evaluation(*, candidacy, by, expected_state=None):
    return run_transition(
        candidacy=candidacy, by=by, name="start_evaluation", expected_state=expected_state
    )


def candidacy_submit_recevabilite(*, candidacy, by, expected_state=None):
    """Submit partie 2; the request date is the day of submission."""

    def stamp(c):
        request = getattr(c, "vae_request", None)
        if request is not None:
            request.submitted_on = timezone.localdate()
            request.save(update_fields=["submitted_on"])

    return run_transition(
        candidacy=candidacy,
        by=by,
        name="submit_recevabilite",
        expected_state=expected_state,
        prepare=stamp,
    )


def candidacy_declare_recevable(*, candidacy, by, comment="", expected_state=None):
    return _run_with_reason(
        candidacy=candidacy,
        by=by,
        name="declare_recevable",
        field="recevabilite_reason",
        reason=comment,
        expected_state=expected_state,
    )


def candidacy_declare_non_recevable(*, candidacy, by, reason, expected_state=None):
    return _run_with_reason(
        candidacy=candidacy,
        by=by,
        name="declare_non_recevable",
        field="recevabilite_reason",
        reason=reason,
        expected_state=expected_state,
    )


def candidacy_submit_activities(*, candidacy, by, expected_state=None):
    """Submit partie 3 for evaluation.

    Side effect: after commit, the dossier de VAE PDF (parties 2 and 3) is stored (besides
    the transition's own).
    """
    with transaction.atomic():
        locked = run_transition(
            candidacy=candidacy, by=by, name="submit_activities", expected_state=expected_state
        )
        document_generate_later("dossier_vae", locked)
    return locked


def candidacy_resume_parcours(*, candidacy, by, competence_ids, comment="", expected_state=None):
    """Back to the parcours; the new cycle's plan covers the competences not acquired."""

    def plan(c):
        to_validate = set(c.competences_to_validate().values_list("pk", flat=True))
        if not competence_ids or not set(competence_ids) <= to_validate:
            raise ValidationError(
                _("Le nouveau parcours doit porter sur des compétences qui restent à valider.")
            )
        _sync_plan(c, competence_ids, cycle=c.cycle + 1)  # the transition moves to that cycle

    return run_transition(
        candidacy=candidacy,
        by=by,
        name="resume_parcours",
        comment=comment,
        expected_state=expected_state,
        prepare=plan,
    )


def candidacy_transmit_to_jury(*, candidacy, by, expected_state=None):
    return run_transition(
        candidacy=candidacy, by=by, name="transmit_to_jury", expected_state=expected_state
    )


def candidacy_return_to_evaluation(*, candidacy, by, reason, expected_state=None):
    return _run_with_reason(
        candidacy=candidacy,
        by=by,
        name="return_to_evaluation",
        field="outcome_reason",
        reason=reason,
        expected_state=expected_state,
    )


def candidacy_record_decision(*, candidacy, by, outcome, comment="", expected_state=None):
    return run_transition(
        candidacy=candidacy,
        by=by,
        name="record_decision",
        comment=comment,
        expected_state=expected_state,
        args=(outcome,),
    )


def candidacy_continue_after_partial(*, candidacy, by, expected_state=None):
    """Back to the parcours for the competences still to validate."""

    def plan(c):
        _sync_plan(
            c, set(c.competences_to_validate().values_list("pk", flat=True)), cycle=c.cycle + 1
        )

    return run_transition(
        candidacy=candidacy,
        by=by,
        name="continue_after_partial",
        expected_state=expected_state,
        prepare=plan,
    )


def candidacy_withdraw(*, candidacy, by, reason, expected_state=None):
    return _run_with_reason(
        candidacy=candidacy,
        by=by,
        name="withdraw",
        field="closing_reason",
        reason=reason,
        expected_state=expected_state,
    )


TRANSITION_SERVICES = {
    "complete_reperage": candidacy_complete_reperage,
    "start_evaluation": candidacy_start_evaluation,
    "submit_recevabilite": candidacy_submit_recevabilite,
    "declare_recevable": candidacy_declare_recevable,
    "declare_non_recevable": candidacy_declare_non_recevable,
    "submit_activities": candidacy_submit_activities,
    "withdraw": candidacy_withdraw,
    "continue_after_partial": candidacy_continue_after_partial,
}


# Creation ---------------------------------------------------------------------------------


def _candidate_for(user) -> Candidate:
    candidate, _created = Candidate.objects.get_or_create(user=user)
    return candidate


def _default_certification() -> Certification:
    return Certification.objects.order_by("pk").first()


def _has_open_candidacy(candidate, certification) -> bool:
    return (
        candidate.candidacies.filter(certification=certification)
        .exclude(state__in=FINAL_STATES)
        .exists()
    )


def candidacy_create_parcours(
    *,
    by: User,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    is_newcomer: bool = False,
    certification: Certification | None = None,
) -> Candidacy:
    """Open a parcours candidacy for an employee of the organisation.

    Creates the person's account (and their candidat membership) when needed.
    Side effect: after commit, the candidate receives an e-mail (with a link to choose a
    password when the account is new).
    """
    if not can_manage_members(by, organisation):
        raise PermissionDenied
    certification = certification or _default_certification()
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created_account = user is None
        if created_account:
            user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        candidate = _candidate_for(user)
        if _has_open_candidacy(candidate, certification):
            raise ValidationError(
                {
                    "email": _(
                        "Cette personne a déjà une candidature en cours pour cette certification."
                    )
                }
            )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, role=MembershipRole.CANDIDAT
        )
        candidacy = Candidacy.objects.create(
            candidate=candidate,
            certification=certification,
            organisation=organisation,
            pathway=Pathway.PARCOURS,
            state=State.REPERAGE,
            is_newcomer=is_newcomer,
            created_by=by,
        )
        _log(candidacy, by=by, transition_name="create", source="", target=State.REPERAGE)
        transaction.on_commit(lambda: notify_candidacy_created.delay(candidacy.pk, created_account))
    return candidacy


def candidacy_request_vae(
    *, user: User, organisation: Organisation | None, certification: Certification | None = None
) -> Candidacy:
    """Open a VAE request for the user, hosted by an organisation or directly by the CPEF."""
    certification = certification or _default_certification()
    with transaction.atomic():
        candidate = _candidate_for(user)
        if _has_open_candidacy(candidate, certification):
            raise ValidationError(
                _("Vous avez déjà une candidature en cours pour cette certification.")
            )
        candidacy = Candidacy.objects.create(
            candidate=candidate,
            certification=certification,
            organisation=organisation,
            pathway=Pathway.VAE,
            state=State.DEMANDE,
            created_by=user,
        )
        VaeRequest.objects.create(candidacy=candidacy)
        _log(candidacy, by=user, transition_name="create", source="", target=State.DEMANDE)
    return candidacy


def vae_signup(
    *, email, first_name, last_name, password, organisation=None, certification=None
) -> Candidacy:
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {
                    "email": _(
                        "Un compte existe déjà pour cette adresse : connectez-vous pour faire votre demande."
                    )
                }
            )
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
        return candidacy_request_vae(
            user=user, organisation=organisation, certification=certification
        )


# Assignment -------------------------------------------------------------------------------

ASSIGNABLE = {
    "professionnel": HabilitationKind.PROFESSIONNEL,
    "evaluateur": HabilitationKind.EVALUATEUR,
}


def candidacy_assign(
    *, candidacy, by, professionnel=None, evaluateur=None, day: datetime.date | None = None
) -> Candidacy:
    """Assign (or reassign) the professionnel du secteur and/or the évaluateur externe.

    Only people whose habilitation of the right kind is valid today can be assigned. The
    newcomer receives the guardian object permission to act; the person replaced loses it.
    """
    if not permissions.can_manage(candidacy, by):
        raise PermissionDenied
    day = day or timezone.localdate()
    with transaction.atomic():
        locked = _lock(candidacy)
        if locked.is_final:
            raise ValidationError(
                _("Cette candidature est close : ses intervenants ne peuvent plus changer.")
            )
        errors = {}
        for field, user in (("professionnel", professionnel), ("evaluateur", evaluateur)):
            if user is None or user.pk == getattr(locked, f"{field}_id"):
                continue
            kind = ASSIGNABLE[field]
            if not permissions.is_habilitated(user, kind, day):
                errors[field] = _(
                    "%(person)s n'a pas d'habilitation « %(kind)s » valide aujourd'hui."
                ) % {
                    "person": user,
                    "kind": kind.label,
                }
        chosen_professionnel = professionnel or locked.professionnel
        chosen_evaluateur = evaluateur or locked.evaluateur
        if chosen_professionnel is not None and chosen_professionnel == chosen_evaluateur:
            errors["evaluateur"] = _(
                "L'évaluation est conduite par deux personnes : l'évaluateur externe doit être "
                "différent du professionnel du secteur."
            )
        for field, user in (("professionnel", professionnel), ("evaluateur", evaluateur)):
            if user is not None and user.pk == locked.candidate.user_id:
                errors[field] = _("Le candidat ne peut pas intervenir sur sa propre candidature.")
        if errors:
            raise ValidationError(errors)
        for field, user in (("professionnel", professionnel), ("evaluateur", evaluateur)):
            previous = getattr(locked, field)
            if user is None or (previous is not None and previous.pk == user.pk):
                continue
            perm = permissions.PERMISSION_BY_KIND[ASSIGNABLE[field]]
            if previous is not None:
                remove_perm(perm, previous, locked)
            assign_perm(perm, user, locked)
            setattr(locked, field, user)
            locked.save(update_fields=[field, "updated_at"])
            comment = _("%(role)s : %(person)s") % {"role": ASSIGNABLE[field].label, "person": user}
            if previous is not None:
                comment += " " + _("(remplace %(person)s)") % {"person": previous}
            _log(
                locked,
                by=by,
                transition_name=f"assign_{field}",
                source=locked.state,
                target=locked.state,
                comment=comment,
            )
    candidacy.refresh_from_db()
    return locked


VAE_REQUEST_FIELDS = {"current_situation", "current_job_title", "education", "motivation"}
VAE_EXPERIENCE_FIELDS = {
    "employer",
    "job_title",
    "start_date",
    "end_date",
    "is_relevant",
    "activities",
}
VAE_ACTIVITY_FIELDS = {"competence", "title", "description", "context"}
ACTION_FIELDS = {"kind", "provider", "description", "start_date", "end_date", "done"}


def _only(fields, allowed):
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")


# Livret de repérage and parcours ----------------------------------------------------------


def reperage_save(*, candidacy, by, entries: dict[int, dict]) -> None:
    """Save the livret (draft): `entries` maps an element id to its status, comment and training need."""
    if not permissions.can_edit_reperage(candidacy, by):
        raise PermissionDenied
    valid_ids = set(candidacy.certification.competences.values_list("elements__pk", flat=True))
    with transaction.atomic():
        existing = {e.element_id: e for e in candidacy.reperage_entries.all()}
        to_create, to_update = [], []
        for element_id, data in entries.items():
            if element_id not in valid_ids:
                raise ValidationError(_("Élément inconnu pour cette certification."))
            entry = existing.get(element_id) or ReperageEntry(
                candidacy=candidacy, element_id=element_id
            )
            status = data.get("status", "")
            if status not in ReperageStatus.values and status != "":
                raise ValidationError(_("Statut de repérage inconnu : « %s ».") % status)
            entry.status = status
            entry.comment = data.get("comment", "")
            entry.training_need = data.get("training_need", "")
            (to_update if entry.pk else to_create).append(entry)
        ReperageEntry.objects.bulk_create(to_create)
        ReperageEntry.objects.bulk_update(
            to_update, ["status", "comment", "training_need", "updated_at"]
        )


def _check_action_dates(start, end):
    if start and end and end < start:
        raise ValidationError(
            {"end_date": _("La date de fin doit être postérieure ou égale à la date de début.")}
        )


def parcours_action_update(*, action: ParcoursAction, by, **fields) -> ParcoursAction:
    if (
        not permissions.can_edit_plan(action.candidacy, by)
        or action.cycle != action.candidacy.cycle
    ):
        raise PermissionDenied
    _only(fields, ACTION_FIELDS)
    # Dates not passed keep their stored value: the order is checked on the result.
    _check_action_dates(
        fields.get("start_date", action.start_date), fields.get("end_date", action.end_date)
    )
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action


def parcours_action_add(*, candidacy, by, **fields) -> ParcoursAction:
    """A further action for a competence already in the plan (several actions may serve one competence)."""
    if not permissions.can_edit_plan(candidacy, by):
        raise PermissionDenied
    _only(fields, ACTION_FIELDS | {"competence"})
    competence = fields.get("competence")
    if (
        competence is None
        or not candidacy.parcours_actions.filter(
            cycle=candidacy.cycle, competence=competence
        ).exists()
    ):
        raise ValidationError({"competence": _("Choisissez une compétence du parcours.")})
    _check_action_dates(fields.get("start_date"), fields.get("end_date"))
    return ParcoursAction.objects.create(candidacy=candidacy, cycle=candidacy.cycle, **fields)


def practice_confirm(*, candidacy, by, note: str) -> Candidacy:
    """The professionnel confirms the mise en pratique des compétences en entreprise."""
    if not permissions.can_confirm_practice(candidacy, by):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError(
            {"note": _("Décrivez la mise en pratique (missions confiées, période).")}
        )
    with transaction.atomic():
        locked = _lock(candidacy)
        locked.practice_confirmed_on = timezone.localdate()
        locked.practice_note = note.strip()
        locked.save(update_fields=["practice_confirmed_on", "practice_note", "updated_at"])
        _log(
            locked,
            by=by,
            transition_name="confirm_practice",
            source=locked.state,
            target=locked.state,
            comment=note.strip(),
        )
    candidacy.refresh_from_db()
    return locked


# VAE dossier ------------------------------------------------------------------------------


def vae_request_update(*, candidacy, by, **fields) -> VaeRequest:
    if not permissions.can_edit_vae_request(candidacy, by):
        raise PermissionDenied
    _only(fields, VAE_REQUEST_FIELDS)
    request = candidacy.vae_request
    for name, value in fields.items():
        setattr(request, name, value)
    request.save()
    return request


def _check_period(start, end):
    today = timezone.localdate()
    errors = {}
    if start and start > today:
        errors["start_date"] = _("La date de début ne peut pas être dans le futur.")
    if end and end > today:
        errors["end_date"] = _("La date de fin ne peut pas être dans le futur.")
    elif start and end and end < start:
        errors["end_date"] = _("La date de fin doit être postérieure ou égale à la date de début.")
    if errors:
        raise ValidationError(errors)


def vae_experience_save(
    *, candidacy, by, experience: VaeExperience | None = None, **fields
) -> VaeExperience:
    if not permissions.can_edit_vae_request(candidacy, by):
        raise PermissionDenied
    _only(fields, VAE_EXPERIENCE_FIELDS)
    experience = experience or VaeExperience(request=candidacy.vae_request)
    if experience.request_id != candidacy.vae_request.pk:
        raise PermissionDenied
    _check_period(
        fields.get("start_date", experience.start_date), fields.get("end_date", experience.end_date)
    )
    for name, value in fields.items():
        setattr(experience, name, value)
    experience.save()
    return experience


def vae_experience_delete(*, candidacy, by, experience: VaeExperience) -> None:
    if (
        not permissions.can_edit_vae_request(candidacy, by)
        or experience.request_id != candidacy.vae_request.pk
    ):
        raise PermissionDenied
    experience.delete()


def vae_activity_save(
    *, candidacy, by, activity: VaeActivity | None = None, **fields
) -> VaeActivity:
    if not permissions.can_edit_vae_activities(candidacy, by):
        raise PermissionDenied
    _only(fields, VAE_ACTIVITY_FIELDS)
    competence = fields.get("competence")
    if (
        competence is not None
        and not candidacy.competences_to_validate().filter(pk=competence.pk).exists()
    ):
        raise ValidationError(
            {
                "competence": _(
                    "Choisissez une compétence qui reste à valider pour cette certification."
                )
            }
        )
    activity = activity or VaeActivity(candidacy=candidacy)
    if activity.candidacy_id != candidacy.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    return activity


def vae_activity_delete(*, candidacy, by, activity: VaeActivity) -> None:
    if (
        not permissions.can_edit_vae_activities(candidacy, by)
        or activity.candidacy_id != candidacy.pk
    ):
        raise PermissionDenied
    activity.delete()
