"""The jury paritaire: sessions, quorum, deliberations, certificates.

The president records each decision during an open session that holds a quorum; the
outcome follows from the competences validated, counting earlier validations still in force.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import services as candidacy_services
from candidates.enums import State
from candidates.models import Candidacy, CompetenceValidation
from cqp.permissions import is_secretariat
from cqp.tasks import generate_document_later
from evaluations import services as evaluation_services
from evaluations.enums import Opinion
from evaluations.selectors import latest_results

from .enums import NON_CONFORME, CertificateKind, College, Decision, SessionState
from .models import Certificate, CompetenceDecision, Deliberation, JurySession, Seat
from .permissions import can_steer, presides
from .tasks import notify_certificate_revoked, notify_session_closed, notify_session_convened


def _secretariat(by):
    if not is_secretariat(by):
        raise PermissionDenied


def _planned(session):
    if session.state != SessionState.PLANNED:
        raise ValidationError(
            _("La session n'est plus programmée : sa composition ne peut plus changer.")
        )


def session_create(*, by, date, place="", video_link="") -> JurySession:
    _secretariat(by)
    if not (place or video_link):
        raise ValidationError({"place": _("Indiquez un lieu ou un lien de visioconférence.")})
    return JurySession.objects.create(date=date, place=place, video_link=video_link, created_by=by)


def session_compose(*, session, by, members, president) -> JurySession:
    """Set the members (active jury members) and the president (one of them)."""
    _secretariat(by)
    members = list(members)
    if any(not m.is_active for m in members):
        raise ValidationError({"members": _("Un membre inactif ne peut pas siéger.")})
    if president is None or president not in members:
        raise ValidationError(
            {"president": _("Le président doit être l'un des membres de la session.")}
        )
    colleges = {m.college for m in members}
    if colleges != {College.EMPLOYEURS, College.SALARIES}:
        raise ValidationError(
            {"members": _("La session doit réunir des membres des deux collèges.")}
        )
    with transaction.atomic():
        session = JurySession.objects.select_for_update().get(pk=session.pk)
        _planned(session)
        session.seats.exclude(member__in=members).delete()
        for member in members:
            Seat.objects.get_or_create(session=session, member=member)
        session.president = president
        session.save(update_fields=["president"])
        pk = session.pk
        transaction.on_commit(lambda: notify_session_convened.delay(pk))
    return session


def session_add_candidacy(*, session, by, candidacy) -> Deliberation:
    """Put a transmitted candidacy (state `jury`) on the session's agenda."""
    _secretariat(by)
    with transaction.atomic():
        # The session locked as its closure locks it: a candidacy cannot join a session
        # while it closes (it would stay pending in a closed session for good).
        session = JurySession.objects.select_for_update().get(pk=session.pk)
        if session.state == SessionState.CLOSED:
            raise ValidationError(_("La session est close."))
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
        return Deliberation.objects.create(session=session, candidacy=candidacy)


def session_remove_candidacy(*, deliberation, by) -> None:
    _secretariat(by)
    with transaction.atomic():
        deliberation = (
            Deliberation.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(pk=deliberation.pk)
        )
        if deliberation.is_decided or deliberation.session.state == SessionState.CLOSED:
            raise ValidationError(_("Cette candidature a déjà fait l'objet d'une décision."))
        deliberation.delete()


def quorum_problems(present_members) -> list[str]:
    """What keeps the present members from deliberating (empty when the quorum is held)."""
    employeurs = sum(1 for m in present_members if m.college == College.EMPLOYEURS)
    salaries = sum(1 for m in present_members if m.college == College.SALARIES)
    problems = []
    if not employeurs:
        problems.append(_("aucun représentant du collège employeurs n'est présent"))
    if not salaries:
        problems.append(_("aucun représentant du collège salariés n'est présent"))
    if settings.JURY_REQUIRE_PARITY and employeurs and salaries and employeurs != salaries:
        problems.append(
            _("la parité n'est pas respectée (%(e)d employeur(s), %(s)d salarié(s))")
            % {"e": employeurs, "s": salaries}
        )
    return problems


def session_open(*, session, by, present_member_ids) -> JurySession:
    """Record attendance and open the session; refused without a quorum (nothing recorded)."""
    if not can_steer(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = JurySession.objects.select_for_update().get(pk=session.pk)
        if session.state != SessionState.PLANNED:
            raise ValidationError(_("Seule une session programmée peut être ouverte."))
        seats = list(session.seats.select_related("member"))
        present = [s.member for s in seats if s.member_id in set(present_member_ids)]
        if session.president is None or session.president not in present:
            raise ValidationError(
                {"present": _("Le président doit être présent pour ouvrir la session.")}
            )
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


def session_close(*, session, by) -> JurySession:
    """Close an open session whose candidacies are all decided; its procès-verbal is then
    generated after commit."""
    if not can_steer(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = JurySession.objects.select_for_update().get(pk=session.pk)
        if session.state != SessionState.OPEN:
            raise ValidationError(_("Seule une session ouverte peut être close."))
        pending = session.deliberations.filter(decided_at__isnull=True).count()
        if pending:
            raise ValidationError(
                _(
                    "%(n)d candidature(s) attendent encore une décision : décidez-en ou retirez-les de la session."
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


def _president_during_open_session(deliberation, by):
    session = deliberation.session
    if session.state != SessionState.OPEN:
        raise ValidationError(_("Les décisions se prennent pendant une session ouverte."))
    if not presides(by, session):
        raise PermissionDenied
    present = [s.member for s in session.seats.select_related("member") if s.present]
    if quorum_problems(present):
        raise ValidationError(_("La session ne réunit plus le quorum."))


def validations_in_force(candidacy, on: datetime.date):
    return set(
        CompetenceValidation.objects.in_force(on)
        .filter(candidate_id=candidacy.candidate_id)
        .values_list("competence_id", flat=True)
    )


def outcome_for(candidacy, validated_now: set[int], on: datetime.date) -> str:
    """certifie when every competence is validated (counting validations in force), else partiel or non_certifie."""
    all_competences = set(candidacy.certification.competences.values_list("pk", flat=True))
    validated = (validations_in_force(candidacy, on) | validated_now) & all_competences
    if validated == all_competences:
        return State.CERTIFIE
    if validated:
        return State.PARTIEL
    return State.NON_CERTIFIE


def deliberation_record(
    *, deliberation, by, conform, decisions, motivation="", conformity_notes=""
) -> Deliberation:
    """The president records the fiche de décision.

    `decisions` maps a competence id to (decision, motivation). Non-conformity sends the
    candidacy back to the evaluation with the reason. Otherwise the validations are written
    (valid `partial_validation_years` from the session date), the candidacy takes its outcome,
    and a certificate (certifie) or an attestation (partiel) is issued. After commit, the
    fiche de décision and the certificate or attestation are generated as PDFs.
    """
    with transaction.atomic():
        deliberation = (
            Deliberation.objects.select_for_update(of=("self",))
            .select_related("session__president", "candidacy")
            .get(pk=deliberation.pk)
        )
        if deliberation.is_decided:
            raise ValidationError(_("La décision a déjà été enregistrée."))
        _president_during_open_session(deliberation, by)
        candidacy = deliberation.candidacy
        session_date = deliberation.session.date
        if not conform:
            if not conformity_notes.strip():
                raise ValidationError(
                    {
                        "conformity_notes": _(
                            "Motivez la non-conformité : elle est renvoyée aux évaluateurs."
                        )
                    }
                )
            evaluation_services.evaluation_reopen(
                candidacy=candidacy, by=by, reason=conformity_notes
            )
            outcome = NON_CONFORME
        else:
            expected = list(candidacy.competences_to_validate(on=session_date))
            missing = [c.code for c in expected if c.pk not in decisions]
            if missing:
                raise ValidationError(
                    _("Décidez pour chaque compétence : %(codes)s.") % {"codes": ", ".join(missing)}
                )
            prefilled = decisions_from_results(latest_results(candidacy))
            errors = {}
            for competence in expected:
                decision, reason = decisions[competence.pk]
                if decision not in Decision.values:
                    errors[f"decision_{competence.pk}"] = _(
                        "Choisissez « validée » ou « non validée »."
                    )
                elif decision != prefilled.get(competence.pk) and not reason.strip():
                    errors[f"motivation_{competence.pk}"] = _(
                        "Cette décision diffère du résultat des évaluateurs : motivez-la."
                    )
            if errors:
                raise ValidationError(errors)
            for competence in expected:
                decision, reason = decisions[competence.pk]
                CompetenceDecision.objects.create(
                    deliberation=deliberation,
                    competence=competence,
                    decision=decision,
                    motivation=reason.strip(),
                )
            validated = [c for c in expected if decisions[c.pk][0] == Decision.VALIDEE]
            deliberation.validations.add(
                *candidacy_services.validations_grant(
                    candidacy=candidacy, competences=validated, on=session_date
                )
            )
            validated_now = {c.pk for c in validated}
            outcome = outcome_for(candidacy, validated_now, session_date)
            candidacy_services.candidacy_record_decision(
                candidacy=candidacy, by=by, outcome=outcome, comment=motivation
            )
            if outcome in (State.CERTIFIE, State.PARTIEL):
                certificate = Certificate.objects.create(
                    deliberation=deliberation,
                    kind=CertificateKind.CERTIFICAT
                    if outcome == State.CERTIFIE
                    else CertificateKind.ATTESTATION,
                    issued_on=session_date,
                )
                generate_document_later(str(certificate.kind), certificate)
        deliberation.conform = bool(conform)
        deliberation.conformity_notes = conformity_notes.strip()
        deliberation.motivation = motivation.strip()
        deliberation.outcome = outcome
        deliberation.decided_at = timezone.now()
        deliberation.decided_by = by
        deliberation.save()
        generate_document_later("fiche_decision", deliberation)
    return deliberation


def decisions_from_results(results) -> dict[int, str]:
    """The evaluators' joint results (from `latest_results`) as jury decisions: the fiche's pre-fill."""
    return {
        competence_id: Decision.VALIDEE
        if a.final_result == Opinion.ACQUISE
        else Decision.NON_VALIDEE
        for competence_id, a in results.items()
    }


def certificate_revoke(*, certificate, by, reason) -> Certificate:
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
            comment=_("Révocation du n° %(n)s : %(r)s")
            % {"n": certificate.number, "r": reason.strip()},
        )
        pk = certificate.pk
        transaction.on_commit(lambda: notify_certificate_revoked.delay(pk))
    return certificate
