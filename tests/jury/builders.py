"""Jury set-up shared by the jury tests: members of each college, sessions composed and
opened by the real services, candidacies that reached `jury` through the real evaluation,
and the president's fiche de décision.

Nothing here writes a state directly: sessions move through jury.services, candidacies
through their transitions (the evaluation dossier is assessed, co-signed and transmitted
with evaluations.services) — except `cheap_on_agenda`, which creates a candidacy already in
`jury` for the tests that need many rows rather than a real journey.
"""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates.models import Candidacy, CompetenceValidation
from cqp import documents
from evaluations import services as evaluation_services
from evaluations.models import CompetenceAssessment, EvaluationDossier
from jury import services
from jury.enums import College
from jury.models import Certificate, CompetenceDecision, Deliberation, JuryMember, JurySession, Seat
from tests.candidates.builders import competence, identity_checked, today
from tests.evaluations.builders import dossier_of, parcours_in_evaluation, settle
from tests.factories import (
    CandidacyFactory,
    CompetenceAssessmentFactory,
    EvaluationDossierFactory,
    JuryFactory,
    JuryMemberFactory,
    OrganisationFactory,
    VaeCandidacyFactory,
)

EMPLOYEURS = College.EMPLOYEURS
SALARIES = College.SALARIES
VALIDEE = "validee"
NON_VALIDEE = "non_validee"
ALL = range(1, 7)
# The conformity checklist of the référentiel (rules.jury_checklist), every item ticked: what
# the fiche posts for a conforming dossier.
CHECKLIST = ("demarche", "habilitations", "signatures", "pieces")
CONFORME_POST = {f"check_{code}": "on" for code in CHECKLIST}
# The day of the sessions in the tests of the session pages.
SESSION_DAY = datetime.date(2026, 6, 15)


# Members and sessions ---------------------------------------------------------------------


def member(college, *, email=None, **user_fields) -> JuryMember:
    """An active member of `college`, whose account has the platform role jury."""
    user = JuryFactory(**({"email": email} if email else {}), **user_fields)
    return JuryMemberFactory(user=user, college=college)


def panel(employeurs=1, salaries=1) -> list[JuryMember]:
    """Members of both colleges, the employeurs first."""
    return [member(EMPLOYEURS) for _ in range(employeurs)] + [
        member(SALARIES) for _ in range(salaries)
    ]


# Start times, one per session built: sessions in one place on one day never clash.
_START_TIMES = (datetime.time(8 + n % 12, n // 12 % 60) for n in itertools.count())


def programmed(*, by, date=None, start_time=None, place="CPEF, salle du conseil") -> JurySession:
    """A session programmed by the secretariat `by` (not composed). A `date` in the past,
    which the service refuses, is for a session held then: it is programmed for today, then
    moved back to that date."""
    session = services.session_create(
        by=by,
        date=max(date or today(), today()),
        start_time=start_time or next(_START_TIMES),
        place=place,
    )
    if date is not None and date < today():
        JurySession.objects.filter(pk=session.pk).update(date=date)
    return fresh_session(session)


def planned_session(
    *, by, members=None, president=None, date=None, place="CPEF, salle du conseil"
) -> JurySession:
    """A session created and composed by the secretariat `by`.

    Default composition: one employeur (the president) and one salarié.
    """
    members = panel() if members is None else list(members)
    president = president or members[0]
    session = programmed(by=by, date=date, place=place)
    services.session_compose(session=session, by=by, members=members, president=president)
    return fresh_session(session)


def open_session(*, by, present=None, **options) -> JurySession:
    """A session composed then opened by `by`, every member present (or only `present`)."""
    session = planned_session(by=by, **options)
    ids = (
        [m.pk for m in present]
        if present is not None
        else list(session.seats.values_list("member_id", flat=True))
    )
    return services.session_open(session=session, by=by, present_member_ids=ids)


def fresh_session(session) -> JurySession:
    """The session read again (JurySession.refresh_from_db() trips over its protected state)."""
    return JurySession.objects.select_related("president__user").get(pk=session.pk)


def president_of(session):
    """The user who presides `session` (read afresh)."""
    return fresh_session(session).president.user


# Candidacies transmitted to the jury ------------------------------------------------------


def transmit(candidacy, *, professionnel, evaluateur, non_acquises=()) -> Candidacy:
    """Assess and co-sign the current cycle's dossier (`non_acquises` by both as « non
    acquise », the rest « acquise »), then the évaluateur transmits it: candidacy -> jury."""
    dossier = settle(
        dossier_of(candidacy),
        professionnel=professionnel,
        evaluateur=evaluateur,
        non_acquises=non_acquises,
    )
    evaluation_services.dossier_transmit(dossier=dossier, by=evaluateur)
    # The candidate declares their identity, the secretariat checks it (placing requires it).
    identity_checked(candidacy.candidate)
    candidacy.refresh_from_db()
    return candidacy


def retransmit(candidacy, *, evaluateur) -> Candidacy:
    """Transmit again a dossier reopened by a non-conformity (its results are still signed)."""
    evaluation_services.dossier_transmit(dossier=dossier_of(candidacy), by=evaluateur)
    candidacy.refresh_from_db()
    return candidacy


def candidacy_in_jury(
    candidat,
    organisation,
    *,
    secretariat,
    professionnel,
    evaluateur,
    non_acquises=(),
    before=None,
) -> Candidacy:
    """A parcours candidacy of `candidat` that reached `jury` through the real evaluation.

    `before(candidacy)` runs in `parcours`, before the evaluation starts (to record an
    earlier validation, for instance: the dossier then leaves that competence out).
    """
    candidacy = parcours_in_evaluation(
        candidat,
        organisation,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
        before=before,
    )
    return transmit(
        candidacy, professionnel=professionnel, evaluateur=evaluateur, non_acquises=non_acquises
    )


# The fiche de décision --------------------------------------------------------------------


def fiche(validated=(), not_validated=(), motivations=None) -> dict[int, tuple[str, str]]:
    """The `decisions` argument of deliberation_record, by competence number.

    `motivations` maps a competence number to the jury's motivation for it.
    """
    motivations = motivations or {}
    decisions = {}
    for numbers, decision in ((validated, VALIDEE), (not_validated, NON_VALIDEE)):
        for n in numbers:
            decisions[competence(n).pk] = (decision, motivations.get(n, ""))
    return decisions


def place(session, candidacy, *, by) -> Deliberation:
    """The secretariat `by` puts the candidacy on the session's agenda."""
    return services.session_add_candidacy(session=session, by=by, candidacy=candidacy)


def record(deliberation, *, by=None, conform=True, **options) -> Deliberation:
    """The session's president (or `by`) records the fiche de décision (no per-competence
    decisions unless `decisions=` is given: a non-conformity needs none)."""
    options.setdefault("decisions", {})
    if by is None:
        by = president_of(deliberation.session)
    return services.deliberation_record(
        deliberation=deliberation, by=by, conform=conform, **options
    )


def cheap_on_agenda(
    session, *, secretariat, vae=False, organisation=None, first_name=None, last_name=None
) -> Deliberation:
    """A candidacy set directly in `jury` with a transmitted, co-signed dossier (all
    « acquise »), placed on the session: cheap rows for list pages and session-wide documents."""
    names = {"first_name": first_name, "last_name": last_name}
    user = {f"candidate__user__{k}": v for k, v in names.items() if v}
    candidacy = cheap_in_jury(organisation or OrganisationFactory(), vae=vae, **user)
    return place(session, candidacy, by=secretariat)


def cheap_in_jury(organisation, *, vae=False, **fields) -> Candidacy:
    """A candidacy set directly in `jury` with a transmitted, co-signed dossier (all
    « acquise ») and its candidate's identity checked: cheap rows waiting for a session."""
    factory = VaeCandidacyFactory if vae else CandidacyFactory
    candidacy = factory(state="jury", organisation=organisation, **fields)
    dossier = EvaluationDossierFactory(candidacy=candidacy, cycle=1, transmitted_at=timezone.now())
    # Built by the factory, stored in one query: list pages need many of them.
    CompetenceAssessment.objects.bulk_create(
        CompetenceAssessmentFactory.build(dossier=dossier, competence=c, signed=True)
        for c in candidacy.certification.competences.all()
    )
    identity_checked(candidacy.candidate)
    return candidacy


# Reading a fiche back, to prove that a refused call wrote nothing --------------------------


def attendance(session) -> dict[int, bool | None]:
    return dict(Seat.objects.filter(session=session).values_list("member_id", "present"))


def snapshot(deliberation) -> dict:
    """Everything a fiche de décision may write."""
    candidacy = Candidacy.objects.get(pk=deliberation.candidacy_id)
    current = Deliberation.objects.get(pk=deliberation.pk)
    return {
        "state": candidacy.state,
        "outcome_reason": candidacy.outcome_reason,
        "logs": candidacy.logs.count(),
        "decided_at": current.decided_at,
        "outcome": current.outcome,
        "conform": current.conform,
        "decisions": CompetenceDecision.objects.filter(deliberation=current).count(),
        "linked": current.validations.count(),
        "validations": CompetenceValidation.objects.filter(
            candidate_id=candidacy.candidate_id
        ).count(),
        "certificates": Certificate.objects.filter(deliberation=current).count(),
        "transmitted": EvaluationDossier.objects.filter(
            candidacy=candidacy, transmitted_at__isnull=False
        ).count(),
    }


def refused(deliberation, call, error=ValidationError):
    """Run `call`, expect `error`, and check that the fiche wrote nothing at all."""
    before = snapshot(deliberation)
    with pytest.raises(error) as excinfo:
        call()
    assert snapshot(deliberation) == before
    return excinfo.value


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# A sealed document ------------------------------------------------------------------------


def certified(*, secretariat, validated=ALL) -> Certificate:
    """The certificate (or, when not every competence is `validated`, the attestation) of a
    candidacy decided in a new open session, its sealed PDF stored (cqp.seal)."""
    deliberation = cheap_on_agenda(open_session(by=secretariat), secretariat=secretariat)
    not_validated = sorted(set(ALL) - set(validated))
    motivations = dict.fromkeys(not_validated, "Compétence non démontrée devant le jury.")
    record(
        deliberation,
        decisions=fiche(validated=validated, not_validated=not_validated, motivations=motivations),
    )
    certificate = Certificate.objects.get(deliberation=deliberation)
    documents.document_store(certificate.kind, certificate)
    return certificate
