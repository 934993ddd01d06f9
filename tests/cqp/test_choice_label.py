"""The state labels of candidacies and jury sessions (cqp.utils.choice_label): what Django's
generated get_state_display returns, in the active language, for every value."""

import pytest
from django.utils import translation

from candidates.enums import State
from candidates.models import Candidacy
from jury.enums import SessionState
from jury.models import JurySession


@pytest.mark.parametrize(
    ("model", "choices"),
    [(Candidacy, State), (JurySession, SessionState)],
    ids=["candidacy", "session"],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_label_is_the_one_django_would_give(model, choices, language):
    field = model._meta.get_field("state")
    with translation.override(language):
        for value in [*choices.values, "inconnu"]:
            row = model(state=value)
            expected = row._get_FIELD_display(field)
            assert row.get_state_display() == expected
            assert isinstance(row.get_state_display(), str)
    with translation.override("fr"):
        assert Candidacy(state=State.EVALUATION).get_state_display() == "Évaluation des compétences"
