import pytest
from django.core.management import call_command
from django.urls import reverse

from candidates.models import Candidacy
from cqp.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_history_puts_something_in_every_chart(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    client.force_login(User.objects.get(email="secretariat@demo.cqp.fr"))

    response = client.get(reverse("pilotage"))

    charts = response.context["charts"]
    assert len(charts) == 8
    assert [c["id"] for c in charts if c["empty"]] == []
    figures = response.context["figures"]
    assert figures["outcomes"]["lapsing"]["validations"] > 0
    assert (
        figures["outcomes"]["partials"]["current"] + figures["outcomes"]["partials"]["previous"] > 0
    )
    assert figures["recevabilite"]["pending"]["overdue"] > 0
    assert len(figures["withdrawals"]["reasons"]) >= 3
    assert all(row["current_n"] > 0 for row in figures["durations"])


def test_every_candidacy_of_the_demo_opens_for_the_secretariat(
    client, django_capture_on_commit_callbacks
):
    """The history is written straight into the tables: each of its candidacies must still
    read like one the services made (the candidacy page renders its decisions, its history)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    client.force_login(User.objects.get(email="secretariat@demo.cqp.fr"))

    answers = {
        candidacy.pk: client.get(reverse("candidacy_detail", args=[candidacy.pk])).status_code
        for candidacy in Candidacy.objects.all()
    }

    assert len(answers) > 30
    assert set(answers.values()) == {200}
