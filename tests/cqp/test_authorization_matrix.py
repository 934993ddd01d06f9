"""The authorization matrix: every URL pattern of the product × every role, of the own
organisation, of another one, and anonymous → the expected answer; whoever is refused
changes nothing, and whoever is allowed to post does change something (so the refusals
prove something). The rows are the tables tests/<app>/matrix.md; tests/matrix.py reads and
runs them.

Every new URL pattern adds its rows: `test_every_url_pattern_has_a_row` fails otherwise.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from tests import matrix
from tests.candidates import matrix as candidates
from tests.cqp import matrix as cqp
from tests.evaluations import matrix as evaluations
from tests.jury import matrix as jury
from tests.matrix import ROLES, run_as, url_names
from tests.pilotage import matrix as pilotage

TESTS = Path(__file__).resolve().parent.parent
ROWS = [
    *matrix.table(TESTS / "cqp/matrix.md", data=cqp.DATA, functions=cqp.ARGS, befores=cqp.BEFORE),
    *matrix.table(TESTS / "candidates/matrix.md", data=candidates.DATA),
    *matrix.table(TESTS / "evaluations/matrix.md", data=evaluations.DATA),
    *matrix.table(TESTS / "jury/matrix.md", data=jury.DATA),
    *matrix.table(TESTS / "pilotage/matrix.md", data=pilotage.DATA),
]


def test_every_url_pattern_has_a_row():
    assert url_names() - {row.url_name for row in ROWS} == set()


def test_rows_name_existing_patterns_and_have_unique_labels():
    assert {row.url_name for row in ROWS} <= url_names()
    labels = [row.label for row in ROWS]
    assert len(labels) == len(set(labels))


def test_what_is_posted_is_for_pages_that_take_a_post():
    data = {*cqp.DATA, *candidates.DATA, *evaluations.DATA, *jury.DATA, *pilotage.DATA}
    assert data - {row.url_name for row in ROWS if row.method == "POST"} == set()


@pytest.mark.parametrize("row", ROWS, ids=[row.label for row in ROWS])
def test_matrix(client, actors, matrix_objects, row):
    row.build(matrix_objects)
    answers, changers = {}, {}
    for role in ROLES:
        answers[role], _response, changed = run_as(client, actors, matrix_objects, row, role)
        if changed:
            changers[role] = changed
    assert answers == row.expected
    assert set(changers) == row.changers(), changers


def test_matrix_organisation_list_shows_only_own_organisations(client, actors, own_org, other_org):
    client.force_login(actors["outsider"])
    names = [o.name for o in client.get(reverse("organisation_list")).context["page"]]
    assert names == [other_org.name]
    client.force_login(actors["candidat"])
    names = [o.name for o in client.get(reverse("organisation_list")).context["page"]]
    assert names == [own_org.name]
    client.force_login(actors["secretariat"])
    names = {o.name for o in client.get(reverse("organisation_list")).context["page"]}
    assert names == {own_org.name, other_org.name}


def test_matrix_members_are_shown_only_to_those_who_manage(client, actors, own_org):
    for role, sees_members in [
        ("gestionnaire", True),
        ("secretariat", True),
        ("candidat", False),
        ("professionnel", False),
    ]:
        client.force_login(actors[role])
        response = client.get(reverse("organisation_detail", args=[own_org.slug]))
        assert (actors["candidat"].email in response.content.decode()) is sees_members, role
