"""The jury's actors: a president and an assesseur seated in an open session, a member who
presides another one, candidacies placed on the session's agenda; for the session pages,
two members of each college and a session composed of three of them.

`certificate` and `attestation` are those issued by a recorded decision (all validated;
all but C3).

A module that needs them named or seated otherwise overrides `president`, `assesseur`,
`jury_session` or `session`; `on_agenda` and `to_jury` build candidacies of `candidat`.
"""

import pytest

from jury.models import Certificate

from .builders import (
    ALL,
    EMPLOYEURS,
    SALARIES,
    SESSION_DAY,
    candidacy_in_jury,
    fiche,
    member,
    open_session,
    place,
    planned_session,
    record,
)


@pytest.fixture
def president():
    return member(EMPLOYEURS, email="presidente@exemple.fr")


@pytest.fixture
def assesseur():
    return member(SALARIES, email="assesseur@exemple.fr")


@pytest.fixture
def jury_session(secretariat, president, assesseur):
    """Open, both colleges present; the employers' representative presides."""
    return open_session(by=secretariat, members=[president, assesseur], president=president)


@pytest.fixture
def other_member(secretariat):
    """Presides another session: sees nothing of `jury_session`."""
    other = planned_session(by=secretariat, members=[member(EMPLOYEURS), member(SALARIES)])
    return other.president.user


@pytest.fixture
def on_agenda(candidat, own_org, secretariat, professionnel, evaluateur, jury_session):
    """`on_agenda(non_acquises=...)`: a candidacy of `candidat` transmitted after the real
    evaluation, the competences numbered `non_acquises` « non acquise » by both evaluators,
    placed on the open session."""

    def build(non_acquises=()):
        candidacy = candidacy_in_jury(
            candidat,
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
            non_acquises=non_acquises,
        )
        return place(jury_session, candidacy, by=secretariat)

    return build


@pytest.fixture
def to_jury(candidat, own_org, secretariat, professionnel, evaluateur):
    """`to_jury(user=None, **options)`: a parcours candidacy transmitted to the jury."""

    def build(user=None, **options):
        return candidacy_in_jury(
            user or candidat,
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
            **options,
        )

    return build


@pytest.fixture
def session(secretariat):
    """An open session: one employeur (president) and one salarié, both present."""
    return open_session(by=secretariat)


@pytest.fixture
def two_per_college(db):
    """Two members of each college."""
    return {
        "e1": member(EMPLOYEURS, last_name="Employeur-Un"),
        "e2": member(EMPLOYEURS, last_name="Employeur-Deux"),
        "s1": member(SALARIES, last_name="Salarie-Un"),
        "s2": member(SALARIES, last_name="Salarie-Deux"),
    }


@pytest.fixture
def composed(secretariat, two_per_college):
    """e1 (president), e2 and s1 are seated."""
    return planned_session(
        by=secretariat,
        members=[two_per_college["e1"], two_per_college["e2"], two_per_college["s1"]],
        president=two_per_college["e1"],
        date=SESSION_DAY,
    )


@pytest.fixture
def certificate(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)
    record(deliberation, decisions=fiche(validated=ALL))
    return Certificate.objects.get(deliberation=deliberation)


@pytest.fixture
def attestation(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(non_acquises={3}), by=secretariat)
    record(deliberation, decisions=fiche(validated=[1, 2, 4, 5, 6], not_validated=[3]))
    return Certificate.objects.get(deliberation=deliberation)
