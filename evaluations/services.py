"""Writes on the dossier de suivi et d'évaluation.

Every write first checks that the dossier is still open (not transmitted, not closed)
and that the user may act; the two evaluators' opinions stay independent until both are
given; the joint result is signed by both, each re-entering their password.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates import services as candidacy_services
from candidates.enums import Capacity, Pathway, State
from candidates.models import Candidacy
from cqp import uploads
from cqp.models import Competence, User
from cqp.tasks import generate_document_later

from . import documents, permissions, scope, selectors
from .enums import EVALUATORS, Opinion, SituationKind
from .evidence import KINDS, MAX_FILES_PER_COMPETENCE
from .models import (
    ACCOUNT_MAX_LENGTH,
    CandidateAccount,
    CompetenceAssessment,
    EvaluationDossier,
    Evidence,
    Observation,
)

# What the database could not store (a NUL) or the page could not show (the length) is
# refused before anything is written, with the messages of the account's form field.
ACCOUNT_VALIDATORS = (ProhibitNullCharactersValidator(), MaxLengthValidator(ACCOUNT_MAX_LENGTH))

FILE_NOT_JOINED = gettext_lazy(
    "Le fichier n'a pas été joint : corrigez le récit, puis choisissez-le à nouveau."
)
LOCKED_MESSAGE = gettext_lazy(
    "Le dossier a été transmis au jury ou clos : il ne peut plus être modifié."
)


def dossier_scope(*, candidacy: Candidacy) -> QuerySet[Competence]:
    """The competences a new cycle evaluates.

    The first cycle (and any VAE cycle) covers every competence still to validate; after a
    return to the parcours, the competences of the new plan (those not acquired) and those
    without a signed result since their last validation (one that lapsed meanwhile).
    """
    to_validate = candidacy.competences_to_validate()
    if candidacy.pathway == Pathway.PARCOURS and candidacy.cycle > 1:
        planned = candidacy.parcours_actions.filter(cycle=candidacy.cycle).values("competence_id")
        unsigned = [gap.competence.pk for gap in scope.gaps(candidacy, timezone.localdate())]
        return to_validate.filter(Q(pk__in=planned) | Q(pk__in=unsigned))
    return to_validate


def dossier_open(*, candidacy: Candidacy) -> EvaluationDossier:
    """Open (or reopen, after a return from the jury) the dossier of the candidacy's current
    cycle. Called by the entry points below, in the transaction of the transition.

    Side effects: a new dossier gets its scope and one empty assessment per competence; a
    dossier reopened (returned by the jury) gets an empty assessment for each competence back
    in scope today (its validation lapsed meanwhile) and is no longer marked as transmitted.
    """
    dossier, created = EvaluationDossier.objects.get_or_create(
        candidacy=candidacy, cycle=candidacy.cycle
    )
    if created:
        competences = list(dossier_scope(candidacy=candidacy))
    else:
        present = set(dossier.competences.values_list("pk", flat=True))
        competences = [
            gap.competence
            for gap in scope.gaps(candidacy, timezone.localdate())
            if gap.competence.pk not in present
        ]
    dossier.competences.add(*competences)
    CompetenceAssessment.objects.bulk_create(
        CompetenceAssessment(dossier=dossier, competence=competence) for competence in competences
    )
    if not created and dossier.transmitted_at is not None and candidacy.state == State.EVALUATION:
        dossier.transmitted_at = None
        dossier.transmitted_by = None
        dossier.save(update_fields=["transmitted_at", "transmitted_by"])
    return dossier


# The transitions into `evaluation`: the candidacy moves and the dossier of its cycle opens
# (or reopens), in one transaction. Side effects: those of candidates' run_transition.


def _enter_evaluation(**transition: object) -> Candidacy:
    with transaction.atomic():
        candidacy = candidacy_services.run_transition(**transition)
        dossier_open(candidacy=candidacy)
    return candidacy


def evaluation_start(
    *, candidacy: Candidacy, by: User, expected_state: str | None = None
) -> Candidacy:
    """The professionnel starts the evaluation at the end of the parcours; its dossier opens."""
    return _enter_evaluation(
        candidacy=candidacy, by=by, name="start_evaluation", expected_state=expected_state
    )


def vae_activities_submit(
    *, candidacy: Candidacy, by: User, expected_state: str | None = None
) -> Candidacy:
    """The VAE candidate submits partie 3; its dossier opens, and the dossier de VAE PDF is
    stored after commit."""
    return _enter_evaluation(
        candidacy=candidacy, by=by, name="submit_activities", expected_state=expected_state
    )


def evaluation_reopen(
    *, candidacy: Candidacy, by: User, reason: str, expected_state: str | None = None
) -> Candidacy:
    """The jury finds the dossier non-conforming (`reason`): back to the evaluators, in the
    same dossier, no longer transmitted."""
    return _enter_evaluation(
        candidacy=candidacy,
        by=by,
        name="return_to_evaluation",
        comment=reason,
        expected_state=expected_state,
    )


def _check_open(dossier: EvaluationDossier) -> None:
    if dossier.is_locked:
        raise PermissionDenied(LOCKED_MESSAGE)


def _in_scope(dossier: EvaluationDossier, competence: Competence) -> None:
    if not dossier.competences.filter(pk=competence.pk).exists():
        raise ValidationError(
            {"competence": _("Cette compétence n'est pas évaluée dans ce dossier.")}
        )


# The candidate's part --------------------------------------------------------------------


def _lock_open(
    dossier: EvaluationDossier, by: User, may: permissions.Predicate
) -> EvaluationDossier:
    """The dossier row locked for the transaction, if still open and `may(dossier, by)`."""
    dossier = (
        EvaluationDossier.objects.select_for_update().select_related("candidacy").get(pk=dossier.pk)
    )
    _check_open(dossier)
    if not may(dossier, by):
        raise PermissionDenied
    return dossier


def _account_text(text: str) -> str:
    """The account as stored (stripped), or a ValidationError on `text` saying what is wrong."""
    text = text.strip()
    try:
        for validator in ACCOUNT_VALIDATORS:
            validator(text)
    except ValidationError as error:
        raise ValidationError({"text": error.messages}) from error
    return text


def _account_write(
    *, dossier: EvaluationDossier, competence: Competence, text: str
) -> CandidateAccount:
    account, _created = CandidateAccount.objects.update_or_create(
        dossier=dossier, competence=competence, defaults={"text": text}
    )
    return account


def account_save(
    *, dossier: EvaluationDossier, by: User, competence: Competence, text: str
) -> CandidateAccount:
    """The candidate writes their account of one competence of the dossier. A text refused
    (a NUL character, too long) is a field error on `text`.

    Side effects: the account of that competence is created or replaced (stripped).
    """
    with transaction.atomic():
        # Locked: an account cannot change once a transmission has begun.
        dossier = _lock_open(dossier, by, permissions.can_edit_candidate_part)
        _in_scope(dossier, competence)
        return _account_write(dossier=dossier, competence=competence, text=_account_text(text))


def _account_beside(
    *, dossier: EvaluationDossier, competence: Competence, text: str
) -> CandidateAccount | None:
    """The (checked) account typed beside a file, saved only when there is one and it changed."""
    saved = dossier.accounts.filter(competence=competence).first()
    if not text or text == (saved.text if saved else ""):
        return None
    return _account_write(dossier=dossier, competence=competence, text=text)


def _checked_upload(
    dossier: EvaluationDossier, competence: Competence, upload: UploadedFile
) -> uploads.Checked:
    """The file, judged by its content, if the competence has room for one more."""
    if dossier.evidence.filter(competence=competence).count() >= MAX_FILES_PER_COMPETENCE:
        raise ValidationError(
            {
                "file": _(
                    "Vous avez déjà joint %(n)d fichiers pour cette compétence : c'est le maximum."
                )
                % {"n": MAX_FILES_PER_COMPETENCE}
            }
        )
    try:
        return uploads.check_upload(upload, accepted=KINDS)
    except uploads.UploadRefused as error:
        raise ValidationError({"file": str(error)}) from error


def _checked_together(
    dossier: EvaluationDossier, competence: Competence, *, upload: UploadedFile, text: str
) -> tuple[uploads.Checked, str]:
    """The file and the account typed beside it, both checked before anything is stored: one
    ValidationError names every refusal, each on its field."""
    errors = {}
    try:
        checked = _checked_upload(dossier, competence, upload)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        text = _account_text(text)
    except ValidationError as error:
        errors.update(error.error_dict)
        # A browser cannot be given the file back: say so where the user looks for it.
        errors.setdefault("file", [ValidationError(FILE_NOT_JOINED)])
    if errors:
        raise ValidationError(errors)
    return checked, text


def evidence_add(
    *,
    dossier: EvaluationDossier,
    by: User,
    competence: Competence,
    upload: UploadedFile,
    text: str = "",
) -> Evidence:
    """The candidate joins an evidence file to one competence, with the account `text` typed
    beside it (the file's form shares the account's). The file (judged whole by its content)
    and the text are checked together before anything is stored: refusals are field errors
    on `file` and `text`, and nothing changes then.

    Side effects, in one transaction: the competence's account is saved when `text` is not
    empty and differs from the saved one; then the file is stored under a name of its true
    type and its row created (the file is removed again if the row cannot be). The evidence
    returned carries that account as `saved_account` (None when it was not saved) and
    whether its name was shortened as `name_shortened`.
    """
    with transaction.atomic():
        # Locked so that two simultaneous uploads cannot exceed the per-competence maximum.
        dossier = _lock_open(dossier, by, permissions.can_edit_candidate_part)
        _in_scope(dossier, competence)
        checked, text = _checked_together(dossier, competence, upload=upload, text=text)
        saved_account = _account_beside(dossier=dossier, competence=competence, text=text)
        evidence = Evidence(dossier=dossier, competence=competence, uploaded_by=by)
        uploads.store_checked(evidence, checked, upload, stem="piece")
    evidence.saved_account = saved_account
    return evidence


def evidence_delete(*, dossier: EvaluationDossier, by: User, evidence: Evidence) -> None:
    """The candidate removes one of the dossier's files.

    Side effects: the row is deleted; the stored file only after commit.
    """
    _check_open(dossier)
    if not permissions.can_edit_candidate_part(dossier, by) or evidence.dossier_id != dossier.pk:
        raise PermissionDenied
    with transaction.atomic():
        evidence.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: evidence.file.storage.delete(evidence.file.name))


# The evaluators' part --------------------------------------------------------------------


def observation_add(
    *,
    dossier: EvaluationDossier,
    by: User,
    kind: SituationKind | str,
    date: datetime.date,
    context: str,
    observed: str,
    competence: Competence | None = None,
) -> Observation:
    """An evaluator records a situation observed or analysed (`competence`: the one it shows,
    if only one). Side effects: the observation is created, authored by `by`."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("La date ne peut pas être dans le futur.")})
    with transaction.atomic():
        # Locked: nothing is added to a dossier once its transmission has begun.
        dossier = _lock_open(dossier, by, permissions.can_assess)
        if competence is not None:
            _in_scope(dossier, competence)
        return Observation.objects.create(
            dossier=dossier,
            kind=kind,
            date=date,
            context=context,
            observed=observed,
            competence=competence,
            author=by,
        )


def _locked_assessment(
    assessment: CompetenceAssessment, by: User
) -> tuple[CompetenceAssessment, Capacity]:
    """Lock the dossier, then the assessment, and return it with the acting evaluator's role.

    The dossier row is locked first so that a transmission cannot interleave with a change
    of a result or a signature.
    """
    EvaluationDossier.objects.select_for_update().filter(pk=assessment.dossier_id).first()
    assessment = (
        CompetenceAssessment.objects.select_for_update()
        .select_related("dossier__candidacy")
        .get(pk=assessment.pk)
    )
    _check_open(assessment.dossier)
    if not permissions.can_assess(assessment.dossier, by):
        raise PermissionDenied
    return assessment, permissions.evaluator_role(assessment.dossier.candidacy, by)


def opinion_give(
    *, assessment: CompetenceAssessment, by: User, opinion: Opinion | str, comment: str = ""
) -> CompetenceAssessment:
    """Record one evaluator's opinion. It can change until the other evaluator has given theirs.

    Side effects: the evaluator's opinion, comment and time are saved; once both opinions
    agree, they are the joint result.
    """
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": _("Choisissez « acquise » ou « non acquise ».")})
    with transaction.atomic():
        assessment, role = _locked_assessment(assessment, by)
        if assessment.both_opinions_given:
            raise ValidationError(
                _(
                    "Les deux avis sont donnés : ils ne peuvent plus changer. "
                    "Arrêtez le résultat commun."
                )
            )
        setattr(assessment, f"{role}_opinion", opinion)
        setattr(assessment, f"{role}_comment", comment.strip())
        setattr(assessment, f"{role}_opinion_at", timezone.now())
        if assessment.both_opinions_given and not assessment.disagreement:
            assessment.final_result = opinion
        assessment.save()
    return assessment


def _clear_signatures(assessment: CompetenceAssessment) -> None:
    for role in EVALUATORS:
        setattr(assessment, f"{role}_signed_by", None)
        setattr(assessment, f"{role}_signed_name", "")
        setattr(assessment, f"{role}_signed_at", None)


def final_set(
    *, assessment: CompetenceAssessment, by: User, result: Opinion | str, comment: str = ""
) -> CompetenceAssessment:
    """Set the joint result once both opinions are known; a disagreement needs a motivation,
    and so does a result that differs from two agreeing opinions.

    Side effects: the result and its motivation are saved; changing them withdraws any
    signature already given.
    """
    if result not in Opinion.values:
        raise ValidationError({"result": _("Choisissez « acquise » ou « non acquise ».")})
    with transaction.atomic():
        assessment, _role = _locked_assessment(assessment, by)
        if not assessment.both_opinions_given:
            raise ValidationError(_("Le résultat commun s'arrête une fois les deux avis donnés."))
        if assessment.disagreement and not comment.strip():
            raise ValidationError(
                {"comment": _("Les avis divergent : motivez le résultat commun retenu.")}
            )
        if (
            not assessment.disagreement
            and result != assessment.professionnel_opinion
            and not comment.strip()
        ):
            raise ValidationError({"comment": _("Ce résultat diffère des deux avis : motivez-le.")})
        if (result, comment.strip()) != (assessment.final_result, assessment.final_comment):
            _clear_signatures(assessment)
        assessment.final_result = result
        assessment.final_comment = comment.strip()
        assessment.save()
    return assessment


def assessment_sign(
    *, assessment: CompetenceAssessment, by: User, password: str
) -> CompetenceAssessment:
    """Sign the joint result as the authenticated evaluator, who re-enters their password.

    A wrong password is a field error on `password` (the view counts it against the
    throttle). Side effects: the evaluator's signature (user, name, time) is saved.
    """
    with transaction.atomic():
        assessment, role = _locked_assessment(assessment, by)
        if not by.check_password(password or ""):
            raise ValidationError(
                {"password": _("Mot de passe incorrect : la signature n'a pas été enregistrée.")}
            )
        if not assessment.both_opinions_given:
            raise ValidationError(_("Les deux avis doivent être donnés avant la signature."))
        if assessment.disagreement and not assessment.final_comment:
            raise ValidationError(
                _("Les avis divergent : arrêtez et motivez le résultat commun avant de signer.")
            )
        if not assessment.final_result:
            raise ValidationError(_("Le résultat commun n'est pas arrêté."))
        setattr(assessment, f"{role}_signed_by", by)
        setattr(assessment, f"{role}_signed_name", by.get_full_name() or by.email)
        setattr(assessment, f"{role}_signed_at", timezone.now())
        assessment.save()
    return assessment


# Completeness, transmission, return to the parcours -------------------------------------


def dossier_transmit(*, dossier: EvaluationDossier, by: User) -> EvaluationDossier:
    """The évaluateur externe transmits the complete dossier; it becomes read-only.

    Side effects: the candidacy moves to `jury` (audit entry, notification after commit);
    after commit, the dossier's PDF is stored, a new edition for each transmission.
    """
    with transaction.atomic():
        dossier = _lock_open(dossier, by, permissions.can_transmit)
        candidacy_services.candidacy_transmit_to_jury(
            candidacy=dossier.candidacy,
            by=by,
            dossier_missing=lambda candidacy: selectors.assessments_missing(dossier),
            refusal=_("Le dossier n'est pas complet : il manque %(items)s."),
        )
        dossier.transmitted_at = timezone.now()
        dossier.transmitted_by = by
        dossier.save(update_fields=["transmitted_at", "transmitted_by"])
        generate_document_later(
            documents.CODE, dossier, edition=documents.transmission_edition(dossier)
        )
    return dossier


def dossier_resume_parcours(
    *, dossier: EvaluationDossier, by: User, comment: str = ""
) -> EvaluationDossier:
    """Send the candidate back to the parcours for the competences whose signed result is
    « non acquise ».

    Side effects: the candidacy moves back to `parcours` with those competences as its new
    plan (audit entry with `comment`, notification after commit); the dossier is closed.
    """
    with transaction.atomic():
        dossier = _lock_open(dossier, by, permissions.can_resume_parcours)
        assessments = list(dossier.assessments.select_related("competence"))
        unsigned = [a.competence.code for a in assessments if not a.fully_signed]
        if unsigned:
            raise ValidationError(
                _(
                    "Les résultats doivent être arrêtés et signés par les deux évaluateurs : "
                    "%(codes)s."
                )
                % {"codes": ", ".join(unsigned)}
            )
        not_acquired = [
            a.competence_id for a in assessments if a.final_result == Opinion.NON_ACQUISE
        ]
        if not not_acquired:
            raise ValidationError(
                _("Toutes les compétences sont acquises : transmettez le dossier au jury.")
            )
        candidacy_services.candidacy_resume_parcours(
            candidacy=dossier.candidacy, by=by, competence_ids=not_acquired, comment=comment
        )
        dossier.closed_at = timezone.now()
        dossier.save(update_fields=["closed_at"])
    return dossier


# The candidacy's action page takes the transitions into `evaluation` through this app.
candidacy_services.register_entry_point("start_evaluation", evaluation_start)
candidacy_services.register_entry_point("submit_activities", vae_activities_submit)
