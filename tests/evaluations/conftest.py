"""The evaluators of the dossier tests, and candidacies that entered `evaluation`."""

import pytest

from .builders import parcours_in_evaluation, vae_in_evaluation


@pytest.fixture
def evaluators(professionnel, evaluateur):
    return {"professionnel": professionnel, "evaluateur": evaluateur}


@pytest.fixture
def parcours(candidat, own_org, secretariat, evaluators):
    """`parcours(**options)`: a parcours candidacy that entered `evaluation` (cycle 1)."""

    def build(**options):
        return parcours_in_evaluation(
            candidat, own_org, secretariat=secretariat, **evaluators, **options
        )

    return build


@pytest.fixture
def vae(candidat, own_org, secretariat, evaluators):
    """`vae(**options)`: a VAE candidacy that entered `evaluation` through its partie 3."""

    def build(**options):
        return vae_in_evaluation(
            candidat, own_org, secretariat=secretariat, **evaluators, **options
        )

    return build
