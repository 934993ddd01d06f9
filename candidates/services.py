"""Writes on candidacies. Every transition goes through `run_transition`, driven by its
entry in transitions.py: authorize, prepare, check the guard once, transition and save
atomically under a row lock, write the audit entry, and enqueue the notification and the
official documents after commit."""

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import InvalidResultState
from guardian.shortcuts import assign_perm, remove_perm

from cqp.exceptions import ConcurrentChange, GuardFailed, TransitionError
from cqp.models import (
    Certification,
    Competence,
    HabilitationKind,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from cqp.permissions import can_manage_members
from cqp.tasks import generate_document_later
from cqp.utils import add_months, join_phrases

from . import permissions
from .enums import FINAL_STATES, Capacity, Pathway, ReperageStatus, State, state_label
from .models import (
    LOG_COMMENTS,
    Candidacy,
    Candidate,
    CompetenceValidation,
    ParcoursAction,
    ReperageEntry,
    TransitionLog,
    VaeActivity,
    VaeExperience,
    VaeRequest,
)
from .selectors import holds_certification
from .tasks import notify_candidacy_created, notify_transition
from .transitions import TRANSITIONS, capacities


def _actor_role(candidacy: Candidacy, user: User, action: str) -> str:
    """The capacity in which `user` takes `action` on a candidacy, for the audit log."""
    return permissions.capacity_of(candidacy, user, capacities(action)) or Capacity.AUTRE


def candidacy_log(
    *,
    candidacy: Candidacy,
    by: User,
    action: str,
    comment: str = "",
    comment_key: str = "",
    comment_values: dict | None = None,
    source: str | None = None,
    target: str | None = None,
    at: datetime.datetime | None = None,
) -> TransitionLog:
    """Append an entry to the candidacy's audit log (source and target: the current state,
    for an action that does not change it), dated `at` (now by default). `comment` is what
    someone typed; a comment the platform writes is given as its `comment_key` (one of
    LOG_COMMENTS) and `comment_values`, its French text kept in `comment`. An entry that
    changes the state dates the candidacy's `state_changed_at` too (one UPDATE, unless the
    caller already saved it with that date, as run_transition and the creations do)."""
    if comment_key:
        with translation.override(settings.LANGUAGE_CODE):
            comment = LOG_COMMENTS[comment_key](comment_values)
    entry = TransitionLog.objects.create(
        candidacy=candidacy,
        actor=by,
        role=_actor_role(candidacy, by, action),
        transition=action,
        source=candidacy.state if source is None else source,
        target=candidacy.state if target is None else target,
        comment=comment,
        comment_key=comment_key,
        comment_values=comment_values if comment_key else None,
        created_at=at or timezone.now(),
    )
    if entry.source != entry.target and candidacy.state_changed_at != entry.created_at:
        Candidacy.objects.filter(pk=candidacy.pk).update(state_changed_at=entry.created_at)
        candidacy.state_changed_at = entry.created_at
    return entry


def _lock(candidacy: Candidacy) -> Candidacy:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("candidate", "certification", "professionnel", "evaluateur")
        .get(pk=candidacy.pk)
    )


def check_expected(*, state: str, expected_state: str | None) -> None:
    """ConcurrentChange, saying where the candidacy is now (`state`), when it is no longer at
    the step the user saw it at (`expected_state`, when known): whoever loses a race, or
    posts a page left open while someone else moved the candidacy on."""
    if expected_state and state != expected_state:
        raise ConcurrentChange(
            _(
                "La candidature vient d'être modifiée par quelqu'un d'autre : elle est maintenant "
                "à l'étape « %(state)s ». Rien n'a été enregistré ; vérifiez la page avant de recommencer."
            )
            % {"state": state_label(state)}
        )


def run_transition(
    *,
    candidacy: Candidacy,
    by: User,
    name: str,
    comment: str = "",
    expected_state: str | None = None,
    also_missing: Callable[[Candidacy], list[str]] | None = None,
    refusal: str | None = None,
    **params,
) -> Candidacy:
    """Take transition `name` on `candidacy` as `by`, as its entry in TRANSITIONS says.

    The comment is logged, and kept on the entry's `reason_field` if it has one. `params`
    go to the entry's preparation if it has one, else to the transition method (the
    outcome of `record_decision`). A higher app's service adds what its own data lacks
    (`also_missing`, checked under the lock with the guard) and its refusal message
    (`refusal`, with %(items)s).

    Raises ConcurrentChange when the candidacy moved since the user saw it (`expected_state`),
    TransitionError when the state does not allow it, PermissionDenied when the user may
    not take it, GuardFailed (listing what is missing) when its guard fails; nothing is
    recorded then. Side effects: the audit entry; after commit, the notification task and
    the entry's official documents.
    """
    spec = TRANSITIONS[name]
    with transaction.atomic():
        locked = _lock(candidacy)
        source = locked.state
        check_expected(state=source, expected_state=expected_state)
        meta = getattr(locked, name)._django_fsm
        if not meta.has_transition(source):
            raise TransitionError(
                _("Cette action n'est pas possible à l'étape « %(state)s ».")
                % {"state": state_label(source)}
            )
        if not meta.has_transition_perm(locked, source, by):
            raise PermissionDenied(_("Cette action sur cette candidature ne vous est pas permise."))
        if spec.reason_field:
            setattr(locked, spec.reason_field, comment.strip())
        if spec.prepare is not None:
            spec.prepare(locked, **params)
        missing = (also_missing(locked) if also_missing else []) + spec.missing(locked)
        if missing:
            if refusal:
                raise GuardFailed(refusal % {"items": join_phrases(missing)}, missing)
            raise GuardFailed(spec.refusal(missing), missing)
        with spec.guard_checked(locked):
            try:
                getattr(locked, name)(**({} if spec.prepare else params))
            except InvalidResultState as exc:
                raise TransitionError(_("Issue inconnue pour cette action.")) from exc
        changed = locked.state != source
        if changed:
            locked.state_changed_at = timezone.now()
        locked.save()
        entry = candidacy_log(
            candidacy=locked,
            by=by,
            action=name,
            comment=comment.strip(),
            source=source,
            at=locked.state_changed_at if changed else None,
        )
        for code in spec.documents:
            generate_document_later(code, locked)
        transaction.on_commit(lambda: notify_transition.delay(entry.pk))
    candidacy.refresh_from_db()
    return locked


# The transitions that take more than a comment: a higher app's check, the new plan, the
# jury's outcome. The others are taken with run_transition; start_evaluation,
# submit_activities and return_to_evaluation open the evaluation dossier: the evaluations
# app owns them.


def candidacy_resume_parcours(
    *,
    candidacy: Candidacy,
    by: User,
    competence_ids: Iterable[int],
    comment: str = "",
    expected_state: str | None = None,
) -> Candidacy:
    """Back to the parcours; the new cycle's plan covers `competence_ids` (the competences
    not acquired), which must all be still to validate (ValidationError otherwise)."""
    return run_transition(
        candidacy=candidacy,
        by=by,
        name="resume_parcours",
        comment=comment,
        expected_state=expected_state,
        competence_ids=list(competence_ids),
    )


def candidacy_transmit_to_jury(
    *,
    candidacy: Candidacy,
    by: User,
    dossier_missing: Callable[[Candidacy], list[str]] | None = None,
    refusal: str | None = None,
) -> Candidacy:
    """Called by the evaluations app, which checks the completeness of the dossier
    (`dossier_missing`) under the candidacy's lock, with the guard."""
    return run_transition(
        candidacy=candidacy,
        by=by,
        name="transmit_to_jury",
        also_missing=dossier_missing,
        refusal=refusal,
    )


def candidacy_record_decision(
    *,
    candidacy: Candidacy,
    by: User,
    outcome: str,
    comment: str = "",
    expected_state: str | None = None,
) -> Candidacy:
    """The jury's outcome: certifie, partiel or non_certifie (TransitionError otherwise)."""
    return run_transition(
        candidacy=candidacy,
        by=by,
        name="record_decision",
        comment=comment,
        expected_state=expected_state,
        outcome=outcome,
    )


# Transitions whose entry point belongs to an app built on candidates: the evaluations app
# opens the evaluation dossier in the same transaction as the transition into `evaluation`.
_entry_points: dict[str, Callable[..., Candidacy]] = {}


def register_entry_point(name: str, service: Callable[..., Candidacy]) -> None:
    """Called once from an AppConfig.ready: `service` takes transition `name` from the
    candidacy's action page (same keyword arguments as run_transition, without `name`)."""
    _entry_points[name] = service


def transition_take(*, name: str, **kwargs) -> Candidacy:
    """Take a transition offered by the candidacy's action page, through its entry point."""
    service = _entry_points.get(name)
    if service is None:
        return run_transition(name=name, **kwargs)
    return service(**kwargs)


# The competence ledger ---------------------------------------------------------------------


def validations_grant(
    *, candidacy: Candidacy, competences: Iterable[Competence], on: datetime.date
) -> list[CompetenceValidation]:
    """Record in the candidate's ledger the competences the jury validated on `on`, each
    valid for the certification's `partial_validation_years` (same calendar date)."""
    years = candidacy.certification.partial_validation_years
    return [
        CompetenceValidation.objects.create(
            candidate=candidacy.candidate,
            competence=competence,
            validated_on=on,
            valid_until=add_months(on, 12 * years),
        )
        for competence in competences
    ]


# Creation ---------------------------------------------------------------------------------


def _candidate_for(user: User) -> Candidate:
    candidate, _created = Candidate.objects.get_or_create(user=user)
    return candidate


def _default_certification() -> Certification:
    return Certification.objects.order_by("pk").first()


def _has_open_candidacy(candidate: Candidate, certification: Certification) -> bool:
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
        candidacy_log(
            candidacy=candidacy, by=by, action="create", source="", at=candidacy.state_changed_at
        )
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
        if holds_certification(candidate_user=user, certification=certification):
            raise ValidationError(
                _(
                    "Vous êtes déjà titulaire de cette certification : une demande de VAE pour "
                    "elle n'est pas possible. Votre certificat est sur votre tableau de bord."
                )
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
        candidacy_log(
            candidacy=candidacy, by=user, action="create", source="", at=candidacy.state_changed_at
        )
    return candidacy


def vae_signup(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    organisation: Organisation | None = None,
    certification: Certification | None = None,
) -> Candidacy:
    """Create the account and its VAE request together (a visitor signing up).

    Side effects: those of candidacy_request_vae."""
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
    *,
    candidacy: Candidacy,
    by: User,
    professionnel: User | None = None,
    evaluateur: User | None = None,
    day: datetime.date | None = None,
) -> Candidacy:
    """Assign (or reassign) the professionnel du secteur and/or the évaluateur externe.

    Only people whose habilitation of the right kind is valid today can be assigned; the
    évaluateur externe is external: neither the professionnel nor a member (any role) of the
    candidacy's organisation. The newcomer receives the guardian object permission to act; the person replaced loses it.
    Side effect: an audit entry per change.
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
        elif (
            "evaluateur" not in errors
            and evaluateur is not None
            and evaluateur.pk != locked.evaluateur_id
            and evaluateur.memberships.filter(organisation_id=locked.organisation_id).exists()
        ):
            errors["evaluateur"] = _(
                "L'évaluateur externe est extérieur à l'organisation du candidat : "
                "%(person)s est membre de « %(organisation)s »."
            ) % {"person": evaluateur, "organisation": locked.organisation}
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
            candidacy_log(
                candidacy=locked,
                by=by,
                action=f"assign_{field}",
                comment_key="assigned",
                comment_values={
                    "kind": ASSIGNABLE[field].value,
                    "person": str(user),
                    "previous": str(previous) if previous is not None else "",
                },
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
    "working_time",
}
VAE_ACTIVITY_FIELDS = {"competence", "title", "description", "context"}
ACTION_FIELDS = {"kind", "provider", "description", "start_date", "end_date", "done"}


def _only(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")


# Livret de repérage and parcours ----------------------------------------------------------


def reperage_save(
    *,
    candidacy: Candidacy,
    by: User,
    entries: dict[int, dict],
    complete: bool = False,
    expected_state: str | None = None,
) -> None:
    """Save the livret (draft): `entries` maps an element id to its status, comment and
    training need. With `complete`, then complete the repérage (complete_reperage generates
    the plan and the livret's PDF): the draft is saved first, in its own transaction, so a
    refused completion keeps it. Nothing is saved (ConcurrentChange) when the candidacy is
    no longer at `expected_state`."""
    with transaction.atomic():
        locked = _lock(candidacy)
        check_expected(state=locked.state, expected_state=expected_state)
        _reperage_save_draft(candidacy=locked, by=by, entries=entries)
    if complete:
        run_transition(
            candidacy=candidacy, by=by, name="complete_reperage", expected_state=expected_state
        )


def _reperage_save_draft(*, candidacy: Candidacy, by: User, entries: dict[int, dict]) -> None:
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


def _check_action_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError(
            {"end_date": _("La date de fin doit être postérieure ou égale à la date de début.")}
        )


def parcours_action_update(*, action: ParcoursAction, by: User, **fields) -> ParcoursAction:
    """Change an action of the current cycle's plan (`fields`: ACTION_FIELDS)."""
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


def parcours_action_add(*, candidacy: Candidacy, by: User, **fields) -> ParcoursAction:
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


def practice_confirm(*, candidacy: Candidacy, by: User, note: str) -> Candidacy:
    """The professionnel confirms the mise en pratique des compétences en entreprise.

    Side effect: an audit entry."""
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
        candidacy_log(candidacy=locked, by=by, action="confirm_practice", comment=note.strip())
    candidacy.refresh_from_db()
    return locked


# VAE dossier ------------------------------------------------------------------------------


def vae_request_update(*, candidacy: Candidacy, by: User, **fields) -> VaeRequest:
    """Change partie 2 (`fields`: VAE_REQUEST_FIELDS) while the request is not submitted."""
    if not permissions.can_edit_vae_request(candidacy, by):
        raise PermissionDenied
    _only(fields, VAE_REQUEST_FIELDS)
    request = candidacy.vae_request
    for name, value in fields.items():
        setattr(request, name, value)
    request.save()
    return request


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
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
    *, candidacy: Candidacy, by: User, experience: VaeExperience | None = None, **fields
) -> VaeExperience:
    """Add (no `experience`) or change a period of partie 2; dates not in the future, in order."""
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


def vae_experience_delete(*, candidacy: Candidacy, by: User, experience: VaeExperience) -> None:
    """Side effects: the period and its proofs are deleted; their stored files after commit."""
    if (
        not permissions.can_edit_vae_request(candidacy, by)
        or experience.request_id != candidacy.vae_request.pk
    ):
        raise PermissionDenied
    with transaction.atomic():
        files = [proof.file for proof in experience.proofs.all()]
        experience.delete()
        for file in files:
            transaction.on_commit(lambda file=file: file.storage.delete(file.name))


def vae_activity_save(
    *, candidacy: Candidacy, by: User, activity: VaeActivity | None = None, **fields
) -> VaeActivity:
    """Add (no `activity`) or change an activity of partie 3, for a competence still to validate."""
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


def vae_activity_delete(*, candidacy: Candidacy, by: User, activity: VaeActivity) -> None:
    if (
        not permissions.can_edit_vae_activities(candidacy, by)
        or activity.candidacy_id != candidacy.pk
    ):
        raise PermissionDenied
    activity.delete()
