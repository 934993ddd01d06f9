"""The jury's actors: a president and an assesseur seated in an open session, a member who
presides another one, and candidacies placed on the session's agenda.

A module that needs them named or seated otherwise overrides `president`, `assesseur` or
`jury_session`; `on_agenda` builds candidacies of `candidat`.
"""

import pytest

from .builders import (
    EMPLOYEURS,
    SALARIES,
    candidacy_in_jury,
    member,
    open_session,
    place,
    planned_session,
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
