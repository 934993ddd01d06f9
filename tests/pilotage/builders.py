"""Data built for the steering's tests: holders of certificates and attestations, with their
civil identity, built cheaply (the jury's services are tested in tests/jury; here the rows
only need to exist), and candidacies with a history written at chosen instants (the audit
entries are created with their `created_at`: the services stamp the present)."""

import datetime

from django.utils import timezone

from candidates.enums import State
from candidates.models import Candidacy, Candidate
from cqp.models import Certification
from jury.enums import CertificateKind, SessionState
from jury.models import Certificate, JurySession
from tests.candidates.builders import competence
from tests.factories import (
    CandidacyFactory,
    CandidateFactory,
    CertificateFactory,
    CompetenceValidationFactory,
    DeliberationFactory,
    JurySessionFactory,
    TransitionLogFactory,
    UserFactory,
)

SESSION_DAY = datetime.date(2026, 6, 15)


def registered_certification(code="RNCP12345", level=4) -> Certification:
    """The référentiel's certification, with its registry code and level."""
    certification = Certification.objects.get(code="CQP-AF")
    certification.registry_code = code
    certification.registry_level = level
    certification.save(update_fields=["registry_code", "registry_level"])
    return certification


def closed_session(date=SESSION_DAY, **fields) -> JurySession:
    return JurySessionFactory(
        date=date, state=SessionState.CLOSED, closed_at=timezone.now(), **fields
    )


def identified(candidate: Candidate, *, checked=True, **identity) -> Candidate:
    """The candidate with a complete civil identity (declared, and checked unless told)."""
    values = {
        "civility": "madame",
        "birth_name": "Martin",
        "used_name": "",
        "first_names": "Camille Marie Louise Anne",
        "birth_date": datetime.date(1990, 3, 4),
        "birth_place": "Lyon",
        "birth_country": "France",
        "identity_declared_at": timezone.now(),
        "identity_checked_at": timezone.now() if checked else None,
        **identity,
    }
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.save()
    return candidate


def holder(
    organisation,
    *,
    session=None,
    kind=CertificateKind.CERTIFICAT,
    last_name="Martin",
    first_name="Camille",
    validated=(),
    revoked=False,
    identity=None,
    pathway="parcours",
    **certificate,
) -> Certificate:
    """A certificate (or an attestation, validating competences `validated`) of a candidate
    of `organisation`, issued by `session` (a closed one by default)."""
    session = session or closed_session()
    user = UserFactory(last_name=last_name, first_name=first_name)
    candidate = CandidateFactory(user=user)
    if identity is not None:
        identified(candidate, **identity)
    state = State.CERTIFIE if kind == CertificateKind.CERTIFICAT else State.PARTIEL
    deliberation = DeliberationFactory(
        session=session,
        candidacy=CandidacyFactory(
            organisation=organisation, candidate=candidate, state=state, pathway=pathway
        ),
        decided_at=timezone.now(),
        outcome=state,
        conform=True,
    )
    for number in validated:
        deliberation.validations.add(
            CompetenceValidationFactory(
                candidate=candidate, competence=competence(number), validated_on=session.date
            )
        )
    return CertificateFactory(
        deliberation=deliberation,
        kind=kind,
        issued_on=certificate.pop("issued_on", session.date),
        revoked_at=timezone.now() if revoked else None,
        **certificate,
    )


def reportable_session(organisation) -> JurySession:
    """A closed session whose one holder can be reported: registry code, identity checked."""
    registered_certification()
    session = closed_session()
    holder(organisation, session=session, identity={})
    return session


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def log(candidacy, transition, source, target, when, comment=""):
    return TransitionLogFactory(
        candidacy=candidacy,
        transition=transition,
        source=source,
        target=target,
        created_at=when,
        comment=comment,
    )


def created(when, **fields) -> Candidacy:
    """A candidacy created at `when` (its creation logged then)."""
    candidacy = CandidacyFactory(**fields)
    Candidacy.objects.filter(pk=candidacy.pk).update(created_at=when)
    first = State.DEMANDE if candidacy.pathway == "vae" else State.REPERAGE
    log(candidacy, "create", "", first, when)
    candidacy.refresh_from_db()
    return candidacy


def recevabilite_decided(start, days, *, outcome="declare_recevable", **fields) -> Candidacy:
    """A VAE candidacy submitted at `start` and decided `days` later."""
    target = {
        "declare_recevable": State.RECEVABLE,
        "declare_non_recevable": State.NON_RECEVABLE,
        "request_completion": State.DEMANDE,
    }[outcome]
    candidacy = created(start - datetime.timedelta(days=30), pathway="vae", state=target, **fields)
    log(candidacy, "submit_recevabilite", State.DEMANDE, State.RECEVABILITE, start)
    log(candidacy, outcome, State.RECEVABILITE, target, start + datetime.timedelta(days=days))
    return candidacy
