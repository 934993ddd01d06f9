"""The people of the candidacy tests, and candidacies with both evaluators assigned."""

import pytest

from .builders import assign, candidacy_in, everyone


@pytest.fixture
def people(actors, own_org, secretariat):
    """The conftest actors, own_org, and habilitated people assigned to nothing."""
    return everyone(actors, own_org, secretariat)


@pytest.fixture
def assigned(candidat, own_org, secretariat, professionnel, evaluateur):
    """`assigned(state, **fields)`: a candidacy of `candidat` with both evaluators assigned."""

    def build(state, **fields):
        candidacy = candidacy_in(state, candidat, own_org, **fields)
        return assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)

    return build
