"""The jury paritaire: sessions, quorum, deliberations, certificates.

The president records each decision during an open session that holds a quorum; the
outcome follows from the competences validated, counting earlier validations still in force.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from candidates import services as candidacy_services
from candidates.enums import State
from candidates.models import Candidacy, CompetenceValidation
from candidates.services_identity import identity_problem
from cqp.exceptions import ConcurrentChange
from cqp.models import Competence, User
from cqp.permissions import is_secretariat
from cqp.tasks import generate_document_later
from evaluations import scope
from evaluations import services as evaluation_services
from evaluations.enums import Opinion
from evaluations.models import CompetenceAssessment
from evaluations.selectors import latest_results

from .conformity import checklist_items, failed_items, non_conformity_reason
from .enums import NON_CONFORME, CertificateKind, College, Decision, SessionState
from .models import Certificate, CompetenceDecision, Deliberation, JuryMember, JurySession, Seat
from .permissions import (
    can_steer,
    deliberation_quorum_problems,
    presides_deliberation,
    quorum_problems,
)
from .recusals import recused_ids
from .tasks import (
    notify_candidacy_scheduled,
    notify_candidacy_taken_off,
    notify_certificate_revoked,
    notify_session_cancelled,
    notify_session_changed,
    notify_session_closed,
    notify_session_convened,
    notify_session_unseated,
)


def _secretariat(by: User) -> None:
    if not is_secretariat(by):
        raise PermissionDenied


def _lock_session(session: JurySession) -> JurySession:
    """The session locked until the end of the transaction: its changes happen one at a time."""
    return JurySession.objects.select_for_update().get(pk=session.pk)


# Sessions ---------------------------------------------------------------------------------

ALREADY_REMOVED = gettext_lazy("Cette candidature a déjà été retirée de la session.")


def session_check_expected(*, state: str, expected_state: str | None) -> None:
    """ConcurrentChange, saying what the session is now (`state`), when it is no longer as
    the user saw it (`expected_state`, when known): opened, closed or recomposed meanwhile."""
    if expected_state and state != expected_state:
        raise ConcurrentChange(
            _(
                "La session vient d'être modifiée par quelqu'un d'autre : elle est maintenant "
                "« %(state)s ». Rien n'a été enregistré ; vérifiez la page avant de recommencer."
            )
            % {"state": SessionState(state).label if state in SessionState.values else state}
        )


def _check_schedule(
    *,
    date: datetime.date,
    start_time: datetime.time,
    place: str,
    video_link: str,
    session: JurySession | None = None,
) -> None:
    """A session meets today or later (today at any hour: the secretariat may program a
    sitting for the afternoon), somewhere or by video, and never at the time and place of
    another session not cancelled. Errors keyed by field."""
    errors = {}
    if date < timezone.localdate():
        errors["date"] = _("Cette date est passée : choisissez aujourd'hui ou une date à venir.")
    if not (place or video_link):
        errors["place"] = _("Indiquez un lieu ou un lien de visioconférence.")
    elif place:
        others = JurySession.objects.filter(
            date=date, start_time=start_time, place__iexact=place
        ).exclude(state=SessionState.CANCELLED)
        if session is not None:
            others = others.exclude(pk=session.pk)
        if others.exists():
            errors["place"] = _(
                "Une autre session se tient déjà à ce lieu le %(date)s à %(time)s : "
                "changez le lieu, la date ou l'heure."
            ) % {"date": date.strftime("%d/%m/%Y"), "time": start_time.strftime("%H:%M")}
    if errors:
        raise ValidationError(errors)


def session_create(
    *,
    by: User,
    date: datetime.date,
    start_time: datetime.time,
    place: str = "",
    video_link: str = "",
) -> JurySession:
    """The secretariat programs a session, today or later, at a time, somewhere or by video
    (not where and when another one meets). Writes the session only."""
    _secretariat(by)
    place = place.strip()
    _check_schedule(date=date, start_time=start_time, place=place, video_link=video_link)
    return JurySession.objects.create(
        date=date, start_time=start_time, place=place, video_link=video_link, created_by=by
    )


def _still_planned(session: JurySession, refused: str) -> None:
    """`refused` (with what the session is now) unless the session is still programmed."""
    if session.state != SessionState.PLANNED:
        raise ValidationError(refused % {"state": SessionState(session.state).label.lower()})


def session_edit(
    *,
    session: JurySession,
    by: User,
    date: datetime.date,
    start_time: datetime.time,
    place: str = "",
    video_link: str = "",
) -> JurySession:
    """The secretariat changes the date, time, place or link of a session until it opens.
    A change counts as a new version of the session (`sequence`); after commit, its members
    are told with the updated calendar file (event `session_changed`) and the candidates on
    its agenda with the new date (event `candidacy_scheduled`). A new date is refused when a
    member seated holds no mandate on it. Nothing changed: nothing written, nobody told."""
    _secretariat(by)
    place = place.strip()
    with transaction.atomic():
        session = _lock_session(session)
        _still_planned(session, _("La session est %(state)s : elle ne peut plus être modifiée."))
        new = {"date": date, "start_time": start_time, "place": place, "video_link": video_link}
        if all(getattr(session, name) == value for name, value in new.items()):
            return session
        _check_schedule(session=session, **new)
        if date != session.date:
            # The members seated must hold a mandate on the new date too.
            seated = [seat.member for seat in session.seats.select_related("member__user")]
            try:
                _check_mandates(seated, on=date)
            except ValidationError as error:
                raise ValidationError({"date": error.message_dict["members"]}) from None
        for name, value in new.items():
            setattr(session, name, value)
        session.sequence += 1
        session.save()
        pk = session.pk
        transaction.on_commit(lambda: notify_session_changed.delay(pk))
    return session


def session_cancel(*, session: JurySession, by: User, reason: str) -> JurySession:
    """The secretariat cancels a session that has not opened, with a reason. Its candidacies
    go back to the waiting list (their undecided fiches are deleted); its seats stay, to
    tell the members. After commit, the members are told with the calendar file that
    cancels the meeting (event `session_cancelled`), and each candidate whose dossier was on
    it (event `candidacy_unscheduled`)."""
    _secretariat(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    with transaction.atomic():
        session = _lock_session(session)
        _still_planned(session, _("La session est %(state)s : elle ne peut plus être annulée."))
        deliberations = session.deliberations.filter(decided_at__isnull=True)
        candidacy_ids = list(deliberations.values_list("candidacy_id", flat=True))
        deliberations.delete()
        session.cancel()
        session.cancelled_at = timezone.now()
        session.cancellation_reason = reason.strip()
        session.sequence += 1
        session.save()
        pk = session.pk
        transaction.on_commit(lambda: notify_session_cancelled.delay(pk, candidacy_ids))
    return session


def session_compose(
    *, session: JurySession, by: User, members: Iterable[JuryMember], president: JuryMember | None
) -> JurySession:
    """The secretariat sets the members (active, from both colleges, with a mandate valid on the
    session's date) and the president (one of them) of a programmed session. Seats of members
    no longer convened are deleted; after commit, the members are convened by notification,
    and those taken off are told, with the calendar file that withdraws the meeting (event
    `session_unseated`)."""
    _secretariat(by)
    members = list(members)
    if any(not m.is_active for m in members):
        raise ValidationError({"members": _("Un membre inactif ne peut pas siéger.")})
    if president is None or president not in members:
        raise ValidationError(
            {"president": _("Choisissez la présidence parmi les membres de la session.")}
        )
    colleges = {m.college for m in members}
    if colleges != {College.EMPLOYEURS, College.SALARIES}:
        raise ValidationError(
            {"members": _("La session doit réunir des membres des deux collèges.")}
        )
    with transaction.atomic():
        session = _lock_session(session)
        if session.state != SessionState.PLANNED:
            raise ValidationError(
                _("La session n'est plus programmée : sa composition ne peut plus changer.")
            )
        _check_mandates(members, on=session.date)
        leaving = session.seats.exclude(member__in=members)
        unseated = list(leaving.values_list("member__user_id", flat=True))
        leaving.delete()
        for member in members:
            Seat.objects.get_or_create(session=session, member=member)
        session.president = president
        update = ["president"]
        if unseated:
            # A new version of the meeting: the withdrawn members' calendars drop it.
            session.sequence += 1
            update.append("sequence")
        session.save(update_fields=update)
        pk = session.pk
        transaction.on_commit(lambda: notify_session_convened.delay(pk))
        if unseated:
            transaction.on_commit(lambda: notify_session_unseated.delay(pk, unseated))
    return session


def _check_mandates(members: list[JuryMember], *, on: datetime.date) -> None:
    """Only members whose mandate covers the session's date are seated; the refusal names
    each one and the dates of their mandate."""
    problems = []
    for member in members:
        if member.mandate_valid_on(on):
            continue
        name = member.user.get_full_name() or member.user.email
        if member.mandate_start is None or member.mandate_end is None:
            problems.append(_("%(name)s n'a pas de mandat enregistré") % {"name": name})
        elif member.mandate_end < on:
            problems.append(
                _("le mandat de %(name)s a pris fin le %(end)s")
                % {"name": name, "end": member.mandate_end.strftime("%d/%m/%Y")}
            )
        else:
            problems.append(
                _("le mandat de %(name)s ne commence que le %(start)s")
                % {"name": name, "start": member.mandate_start.strftime("%d/%m/%Y")}
            )
    if problems:
        raise ValidationError(
            {
                "members": _("Mandat non valable à la date de la session (%(day)s) : %(p)s.")
                % {"day": on.strftime("%d/%m/%Y"), "p": " ; ".join(problems)}
            }
        )


def session_add_candidacy(*, session: JurySession, by: User, candidacy: Candidacy) -> Deliberation:
    """The secretariat puts a transmitted candidacy (state `jury`), waiting on no other
    session, on the agenda of a session not yet closed nor cancelled; refused when a
    competence still to validate on the session's date has no result signed since its last
    validation (one that lapsed before the session), and until the candidate's civil identity
    is checked by the secretariat. Writes its (undecided) fiche; after
    commit, the candidate is told the session's date (event `candidacy_scheduled`)."""
    _secretariat(by)
    with transaction.atomic():
        # The session locked as its closure locks it: a candidacy cannot join a session
        # while it closes (it would stay pending in a closed session for good).
        session = _lock_session(session)
        if session.state == SessionState.CLOSED:
            raise ValidationError(_("La session est close."))
        if session.state == SessionState.CANCELLED:
            raise ValidationError(_("La session est annulée."))
        # Locked: two simultaneous placements of one candidacy cannot both pass the checks.
        candidacy = Candidacy.objects.select_for_update(of=("self",)).get(pk=candidacy.pk)
        if candidacy.state != State.JURY:
            raise ValidationError(
                {
                    "candidacy": _(
                        "Seules les candidatures transmises au jury peuvent être inscrites."
                    )
                }
            )
        if Deliberation.objects.filter(candidacy=candidacy, decided_at__isnull=True).exists():
            raise ValidationError(
                {"candidacy": _("Cette candidature est déjà inscrite à une session.")}
            )
        _check_scope(
            candidacy,
            session=session,
            act=_("Cette candidature ne peut pas être inscrite"),
            field="candidacy",
        )
        _check_identity(candidacy)
        deliberation = Deliberation.objects.create(session=session, candidacy=candidacy)
        pk = deliberation.pk
        transaction.on_commit(lambda: notify_candidacy_scheduled.delay(pk))
        return deliberation


def _check_identity(candidacy: Candidacy) -> None:
    """Refused until the secretariat has checked the candidate's civil identity, the one the
    certificate will carry (candidates.services_identity), saying what is missing."""
    problem = identity_problem(candidacy.candidate)
    if problem:
        raise ValidationError(
            {
                "candidacy": _(
                    "Cette candidature ne peut pas être inscrite : %(problem)s (page « État "
                    "civil » de la candidature)."
                )
                % {"problem": problem}
            }
        )


def _check_scope(
    candidacy: Candidacy, *, session: JurySession, act: str, field: str | None = None
) -> None:
    """Refused (naming each competence and the day its validation lapsed; a field error on
    `field` when given) when a competence still to validate on the session's date has no
    result signed by both evaluators since its last validation."""
    gaps = scope.gaps(candidacy, session.date)
    if gaps:
        message = _("%(act)s : %(gaps)s.") % {
            "act": act,
            "gaps": " ; ".join(g.message(session_date=session.date) for g in gaps),
        }
        raise ValidationError({field: message} if field else message)


def session_place_candidacies(
    *, session: JurySession, by: User, candidacies: Iterable[Candidacy]
) -> tuple[list[Deliberation], list[tuple[Candidacy, list[str]]]]:
    """The secretariat places several candidacies on a session, each on its own through
    `session_add_candidacy` (one transaction each: a refused one does not keep the others
    off the agenda). Returns the fiches written and, for each candidacy refused, the
    reasons (French). Side effects: those of session_add_candidacy, per candidacy placed."""
    _secretariat(by)
    placed, refused = [], []
    for candidacy in candidacies:
        try:
            placed.append(session_add_candidacy(session=session, by=by, candidacy=candidacy))
        except ValidationError as error:
            refused.append((candidacy, error.messages))
    return placed, refused


def pending_session_of(candidacy: Candidacy) -> JurySession | None:
    """The session whose agenda holds the candidacy undecided, if any."""
    deliberation = (
        Deliberation.objects.filter(candidacy=candidacy, decided_at__isnull=True)
        .select_related("session")
        .first()
    )
    return deliberation.session if deliberation else None


def on_session_message(session: JurySession) -> str:
    return _(
        "Cette candidature est inscrite à la session du %(date)s : retirez-la d'abord de son "
        "ordre du jour."
    ) % {"date": session.date.strftime("%d/%m/%Y")}


def candidacy_return_to_evaluation(
    *, candidacy: Candidacy, by: User, reason: str, expected_state: str | None = None
) -> Candidacy:
    """The secretariat, instructing a dossier that waits for a session, finds it
    non-conforming and sends it back to the evaluators with `reason`
    (evaluations.services.evaluation_reopen: the transition `return_to_evaluation`, its
    audit entry and notification, the dossier reopened). Refused while the candidacy is on
    a session's agenda (it is taken off first, on the session's page)."""
    _secretariat(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du renvoi à l'évaluation.")})
    with transaction.atomic():
        locked = Candidacy.objects.select_for_update(of=("self",)).get(pk=candidacy.pk)
        candidacy_services.check_expected(state=locked.state, expected_state=expected_state)
        session = pending_session_of(locked)
        if session is not None:
            raise ValidationError(on_session_message(session))
        return evaluation_services.evaluation_reopen(
            candidacy=locked, by=by, reason=reason.strip(), expected_state=expected_state
        )


def session_remove_candidacy(*, deliberation: Deliberation, by: User) -> None:
    """The secretariat takes an undecided candidacy off the agenda of a session not yet
    closed. Deletes its fiche; after commit, the candidate is told their dossier waits for
    another session (event `candidacy_unscheduled`)."""
    _secretariat(by)
    with transaction.atomic():
        deliberation = (
            Deliberation.objects.select_for_update(of=("self",))
            .select_related("session")
            .filter(pk=deliberation.pk)
            .first()
        )
        if deliberation is None:
            raise ValidationError(ALREADY_REMOVED)
        if deliberation.is_decided or deliberation.session.state == SessionState.CLOSED:
            raise ValidationError(_("Cette candidature a déjà fait l'objet d'une décision."))
        candidacy_id, session_id = deliberation.candidacy_id, deliberation.session_id
        deliberation.delete()
        transaction.on_commit(lambda: notify_candidacy_taken_off.delay(candidacy_id, session_id))


def _president_absent(president) -> str:
    """Why the session cannot open, naming the person who presides (no « le président » for
    someone the reader knows by name)."""
    return _("La session ne peut pas être ouverte sans %(name)s, qui la préside.") % {
        "name": president.user
    }


def session_open(
    *, session: JurySession, by: User, present_member_ids: Iterable[int]
) -> JurySession:
    """The secretariat or the president records attendance and opens a programmed session.
    Refused without the president or without a quorum (nothing recorded). Writes each seat's
    presence, the session's state and opening time."""
    if not can_steer(by, session):
        raise PermissionDenied
    present_ids = set(present_member_ids)
    with transaction.atomic():
        session = _lock_session(session)
        if session.state != SessionState.PLANNED:
            raise ValidationError(_("Seule une session programmée peut être ouverte."))
        seats = list(session.seats.select_related("member"))
        present = [s.member for s in seats if s.member_id in present_ids]
        if session.president is None:
            raise ValidationError(
                {"present": _("Désignez la présidence de la session avant de l'ouvrir.")}
            )
        if session.president not in present:
            raise ValidationError({"present": _president_absent(session.president)})
        problems = quorum_problems(present)
        if problems:
            raise ValidationError(
                {"present": _("Quorum non atteint : %(p)s.") % {"p": " ; ".join(problems)}}
            )
        for seat in seats:
            seat.present = seat.member in present
            seat.save(update_fields=["present"])
        session.open()
        session.opened_at = timezone.now()
        session.save()
    return session


def session_close(*, session: JurySession, by: User) -> JurySession:
    """The secretariat or the president closes an open session whose candidacies are all
    decided; it is read-only from then on. After commit, its procès-verbal is generated and
    the closure is notified (event `session_closed`)."""
    if not can_steer(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = _lock_session(session)
        if session.state != SessionState.OPEN:
            raise ValidationError(_("Seule une session ouverte peut être close."))
        pending = session.deliberations.filter(decided_at__isnull=True).count()
        if pending:
            raise ValidationError(
                ngettext(
                    "Une candidature attend encore une décision : décidez-en ou retirez-la de la session.",
                    "%(n)d candidatures attendent encore une décision : décidez-en ou retirez-les de la session.",
                    pending,
                )
                % {"n": pending}
            )
        session.close()
        session.closed_at = timezone.now()
        session.save()
        generate_document_later("proces_verbal", session)
        pk, by_pk = session.pk, by.pk
        transaction.on_commit(lambda: notify_session_closed.delay(pk, by_pk))
    return session


# The fiche de décision ------------------------------------------------------------------------

# What the candidacy receives for each outcome that delivers a document.
CERTIFICATE_KINDS = {
    State.CERTIFIE: CertificateKind.CERTIFICAT,
    State.PARTIEL: CertificateKind.ATTESTATION,
}


def deliberation_record(
    *,
    deliberation: Deliberation,
    by: User,
    conform: bool,
    decisions: dict[int, tuple[str, str]],
    motivation: str = "",
    conformity_notes: str = "",
    checklist: list[dict] | None = None,
) -> Deliberation:
    """The president records the fiche de décision, in one transaction.

    `checklist`: the conformity checklist as the president answered it ([{code, ok, note}],
    one per item of the certification's `rules.jury_checklist`); any item unticked is a
    non-conformity (then `conform` is ignored), each with a note. Without it, `conform` says.
    `decisions` maps a competence id to (decision, motivation). Non-conformity sends the
    candidacy back to the evaluation with the reason, naming the failed items (the dossier
    is reopened). Otherwise
    one decision is written per competence still to validate, the validated ones go to the
    candidate's ledger (valid `partial_validation_years` from the session date), the
    candidacy takes its outcome (audit log, notifications), and a certificate (certifie) or
    an attestation (partiel) is issued. After commit, the fiche de décision and the
    certificate or attestation are generated as PDFs. Refused (nothing written) when the
    fiche is already decided, the user does not preside the open session or it has lost its
    quorum, a competence still to validate on the session's date lacks a signed result (a
    validation lapsed before it), or the decisions are incomplete or unmotivated.
    """
    with transaction.atomic():
        deliberation = _lock_undecided(deliberation)
        _check_president_during_open_session(deliberation, by=by)
        if checklist is not None:
            checklist = _check_checklist(deliberation, checklist)
            conform = not failed_items(checklist)
            conformity_notes = (
                conformity_notes if conform else non_conformity_reason(checklist, conformity_notes)
            )
        deliberation.checklist = checklist or []
        if conform:
            _check_scope(
                deliberation.candidacy,
                session=deliberation.session,
                act=_("La décision ne peut pas être enregistrée"),
            )
            expected = _check_decisions(deliberation, decisions=decisions)
            validated = _record_decisions(deliberation, competences=expected, decisions=decisions)
            outcome = _take_outcome(deliberation, by=by, validated=validated, motivation=motivation)
            _issue_certificate(deliberation, outcome=outcome)
        else:
            outcome = _return_to_evaluation(deliberation, by=by, notes=conformity_notes)
        _close_fiche(
            deliberation, by=by, outcome=outcome, motivation=motivation, notes=conformity_notes
        )
    return deliberation


def _lock_undecided(deliberation: Deliberation) -> Deliberation:
    """The fiche locked until the end of the transaction: two recordings cannot both pass."""
    deliberation = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("session__president", "candidacy")
        .get(pk=deliberation.pk)
    )
    if deliberation.is_decided:
        # Recorded meanwhile (the president's other post won): its candidacy has moved on,
        # read afresh (the row joined above may predate the wait for the lock).
        state = Candidacy.objects.values_list("state", flat=True).get(pk=deliberation.candidacy_id)
        candidacy_services.check_expected(state=state, expected_state=State.JURY)
        raise ValidationError(_("La décision a déjà été enregistrée."))
    return deliberation


def _check_president_during_open_session(deliberation: Deliberation, *, by: User) -> None:
    """Decisions are the deliberation's president's (not recused on it), while the session
    is open and holds its quorum without the members recused on the candidacy."""
    session = deliberation.session
    if session.state != SessionState.OPEN:
        raise ValidationError(_("Les décisions se prennent pendant une session ouverte."))
    if not presides_deliberation(by, deliberation):
        raise PermissionDenied
    recused = recused_ids(deliberation)
    if deliberation.presiding_member.pk in recused:
        raise ValidationError(RECUSED_PRESIDENT)
    present = [s.member for s in session.seats.select_related("member") if s.present]
    problems = deliberation_quorum_problems(present, recused=recused)
    if problems:
        raise ValidationError(
            _("Le quorum n'est pas atteint pour cette candidature : %(p)s.")
            % {"p": " ; ".join(problems)}
        )


RECUSED_PRESIDENT = gettext_lazy(
    "La personne qui préside la session est récusée sur cette candidature : elle ne peut pas "
    "en délibérer. Le secrétariat confie la présidence de cette candidature à un autre membre "
    "ou la retire de la session."
)


def deliberation_name_president(
    *, deliberation: Deliberation, by: User, president: JuryMember | None
) -> Deliberation:
    """The secretariat names the president of one deliberation, when the session's president
    is recused on it: a member seated on the session (present, once it is open) and not
    recused on the candidacy. Writes the fiche's president; None gives it back to the
    session's president."""
    _secretariat(by)
    with transaction.atomic():
        deliberation = (
            Deliberation.objects.select_for_update(of=("self",))
            .select_related("session__president", "candidacy")
            .filter(pk=deliberation.pk)
            .first()
        )
        if deliberation is None:
            raise ValidationError(ALREADY_REMOVED)
        session = deliberation.session
        if deliberation.is_decided or session.state == SessionState.CLOSED:
            raise ValidationError(_("Cette candidature a déjà fait l'objet d'une décision."))
        if president is not None:
            seat = session.seats.filter(member=president).first()
            if seat is None or (session.state == SessionState.OPEN and not seat.present):
                raise ValidationError(
                    {
                        "president": _(
                            "Choisissez la présidence parmi les membres présents de la session."
                        )
                    }
                )
            if president.pk in recused_ids(deliberation):
                raise ValidationError(
                    {
                        "president": _(
                            "Ce membre est récusé sur cette candidature : il ne peut pas la "
                            "présider."
                        )
                    }
                )
        deliberation.president = (
            None if president is not None and president == session.president else president
        )
        deliberation.save(update_fields=["president"])
    return deliberation


def _check_checklist(deliberation: Deliberation, answers: list[dict]) -> list[dict]:
    """The checklist of the certification with the president's answers: every item answered,
    an unticked one with its note (errors keyed `note_<code>`)."""
    by_code = {a["code"]: a for a in answers}
    checklist, errors = [], {}
    for item in checklist_items(deliberation):
        answer = by_code.get(item["code"])
        if answer is None:
            raise ValidationError(
                _("Répondez à chaque point du contrôle de conformité : %(label)s.")
                % {"label": item["label"]}
            )
        note = (answer.get("note") or "").strip()
        ok = bool(answer["ok"])
        if not ok and not note:
            errors[f"note_{item['code']}"] = _(
                "Précisez ce qui n'est pas conforme : c'est transmis aux évaluateurs."
            )
        checklist.append({**item, "ok": ok, "note": note})
    if errors:
        raise ValidationError(errors)
    return checklist


def _return_to_evaluation(deliberation: Deliberation, *, by: User, notes: str) -> str:
    """Non-conformity: the candidacy goes back to its reopened evaluation, with the reason."""
    if not notes.strip():
        raise ValidationError(
            {
                "conformity_notes": _(
                    "Motivez la non-conformité : elle est renvoyée aux évaluateurs."
                )
            }
        )
    evaluation_services.evaluation_reopen(candidacy=deliberation.candidacy, by=by, reason=notes)
    return NON_CONFORME


def _check_decisions(
    deliberation: Deliberation, *, decisions: dict[int, tuple[str, str]]
) -> list[Competence]:
    """The competences still to validate on the session's date, each with a decision; one
    that differs from the evaluators' joint result is motivated (errors keyed by field)."""
    candidacy = deliberation.candidacy
    expected = list(candidacy.competences_to_validate(on=deliberation.session.date))
    missing = [c.code for c in expected if c.pk not in decisions]
    if missing:
        raise ValidationError(
            _("Décidez pour chaque compétence : %(codes)s.") % {"codes": ", ".join(missing)}
        )
    prefilled = decisions_from_results(results=latest_results(candidacy))
    errors = {}
    for competence in expected:
        decision, reason = decisions[competence.pk]
        if decision not in Decision.values:
            errors[f"decision_{competence.pk}"] = _("Choisissez « validée » ou « non validée ».")
        elif decision != prefilled.get(competence.pk) and not reason.strip():
            errors[f"motivation_{competence.pk}"] = _(
                "Cette décision diffère du résultat des évaluateurs : motivez-la."
            )
    if errors:
        raise ValidationError(errors)
    return expected


def _record_decisions(
    deliberation: Deliberation,
    *,
    competences: list[Competence],
    decisions: dict[int, tuple[str, str]],
) -> list[Competence]:
    """One decision per competence; the validated ones enter the candidate's ledger, from the
    session's date, and the fiche points to the validations it granted. Returns them."""
    for competence in competences:
        decision, reason = decisions[competence.pk]
        CompetenceDecision.objects.create(
            deliberation=deliberation,
            competence=competence,
            decision=decision,
            motivation=reason.strip(),
        )
    validated = [c for c in competences if decisions[c.pk][0] == Decision.VALIDEE]
    deliberation.validations.add(
        *candidacy_services.validations_grant(
            candidacy=deliberation.candidacy, competences=validated, on=deliberation.session.date
        )
    )
    return validated


def _take_outcome(
    deliberation: Deliberation, *, by: User, validated: list[Competence], motivation: str
) -> State:
    """The candidacy takes its outcome: certifie when every competence of the certification
    is validated (now, or by a validation in force on the session's date), partiel when some
    are, else non_certifie."""
    candidacy, on = deliberation.candidacy, deliberation.session.date
    all_competences = set(candidacy.certification.competences.values_list("pk", flat=True))
    in_force = set(
        CompetenceValidation.objects.in_force(on)
        .filter(candidate_id=candidacy.candidate_id)
        .values_list("competence_id", flat=True)
    )
    held = (in_force | {c.pk for c in validated}) & all_competences
    if held == all_competences:
        outcome = State.CERTIFIE
    elif held:
        outcome = State.PARTIEL
    else:
        outcome = State.NON_CERTIFIE
    candidacy_services.candidacy_record_decision(
        candidacy=candidacy, by=by, outcome=outcome, comment=motivation
    )
    return outcome


def _issue_certificate(deliberation: Deliberation, *, outcome: str) -> None:
    """The certificate (certifie) or the attestation (partiel), dated from the session; its
    PDF is generated after commit."""
    kind = CERTIFICATE_KINDS.get(outcome)
    if kind is None:
        return
    certificate = Certificate.objects.create(
        deliberation=deliberation, kind=kind, issued_on=deliberation.session.date
    )
    generate_document_later(str(certificate.kind), certificate)


def _close_fiche(
    deliberation: Deliberation, *, by: User, outcome: str, motivation: str, notes: str
) -> None:
    """The fiche decided, with its outcome, by whom and when; its PDF is generated after
    commit."""
    deliberation.conform = outcome != NON_CONFORME
    deliberation.conformity_notes = notes.strip()
    deliberation.motivation = motivation.strip()
    deliberation.outcome = outcome
    deliberation.decided_at = timezone.now()
    deliberation.decided_by = by
    deliberation.save()
    generate_document_later("fiche_decision", deliberation)


def decisions_from_results(*, results: dict[int, CompetenceAssessment]) -> dict[int, str]:
    """The evaluators' joint results (from `latest_results`) as jury decisions: the fiche's
    pre-fill, and what a decision needs a motivation to differ from."""
    return {
        competence_id: Decision.VALIDEE
        if a.final_result == Opinion.ACQUISE
        else Decision.NON_VALIDEE
        for competence_id, a in results.items()
    }


# Certificates -----------------------------------------------------------------------------


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """The secretariat revokes a certificate or an attestation, with a reason: the public
    verification says so from then on. Writes the revocation and an entry in the candidacy's
    audit log; after commit, the revocation is notified (event `certificate_revoked`)."""
    _secretariat(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la révocation.")})
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("deliberation__candidacy")
            .get(pk=certificate.pk)
        )
        if certificate.revoked_at is not None:
            raise ValidationError(_("Ce certificat est déjà révoqué."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = by
        certificate.revocation_reason = reason.strip()
        certificate.save()
        candidacy_services.candidacy_log(
            candidacy=certificate.deliberation.candidacy,
            by=by,
            action="revoke_certificate",
            comment_key="certificate_revoked",
            comment_values={"number": certificate.number, "reason": reason.strip()},
        )
        pk = certificate.pk
        transaction.on_commit(lambda: notify_certificate_revoked.delay(pk))
    return certificate
