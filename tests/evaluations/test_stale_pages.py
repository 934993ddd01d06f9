"""A page of the evaluation dossier left open while someone else moved the candidacy on
(transmitted it to the jury, sent it back to the parcours), then posted: the poster is told
that the candidacy has just changed and where it is now, on the candidacy's page, and
nothing changes. Not the refusal page: on the page they saw, they were entitled to act."""

import re

import pytest
from django.urls import reverse

from evaluations import services
from tests.candidates.builders import competence
from tests.factories import PASSWORD
from tests.helpers import changed_to, flash_messages

from .builders import NON_ACQUISE, assessment, dossier_of, pdf, settle, snapshot

pytestmark = pytest.mark.django_db

OBSERVATION = {"kind": "observee", "date": "2020-01-02", "context": "Tardif", "observed": "Tardif"}


def posts(candidacy, evidence):
    """Each form of the dossier's pages: who posts it, where, what (as the page was shown,
    with the candidacy in evaluation)."""
    c1 = assessment(dossier_of(candidacy), 1)
    at = [candidacy.pk]
    return {
        "account": ("candidat", reverse("account_save", args=[*at, competence(1).pk]), {"text": "Récit tardif"}),
        "evidence": ("candidat", reverse("evidence_add", args=at), {"competence": competence(1).pk, "file": pdf()}),
        "evidence_delete": ("candidat", reverse("evidence_delete", args=[*at, evidence.pk]), {}),
        "opinion": ("professionnel", reverse("assessment_opinion", args=[*at, c1.pk]), {"opinion": NON_ACQUISE, "comment": "Tardif"}),
        "final": ("professionnel", reverse("assessment_final", args=[*at, c1.pk]), {"result": NON_ACQUISE, "comment": "Tardif"}),
        "sign": ("evaluateur", reverse("assessment_sign", args=[*at, c1.pk]), {"password": PASSWORD}),
        "observation": ("evaluateur", reverse("observation_add", args=at), OBSERVATION),
        "transmit": ("evaluateur", reverse("dossier_transmit", args=at), {}),
        "resume": ("professionnel", reverse("dossier_resume_parcours", args=at), {"comment": "Tardif"}),
    }  # fmt: skip


@pytest.fixture
def settled(parcours, evaluators, candidat):
    """A candidacy in evaluation, its dossier co-signed (C6 not acquired) and one file joined."""
    candidacy = parcours()
    dossier = settle(dossier_of(candidacy), **evaluators, non_acquises={6})
    evidence = services.evidence_add(
        dossier=dossier, by=candidat, competence=competence(1), upload=pdf()
    )
    return candidacy, evidence


CHANGES = {
    "transmitted": (
        lambda dossier, people: services.dossier_transmit(dossier=dossier, by=people["evaluateur"]),
        "Jury paritaire",
    ),
    "back to the parcours": (
        lambda dossier, people: services.dossier_resume_parcours(
            dossier=dossier, by=people["professionnel"]
        ),
        "Parcours de formation",
    ),
}
FORMS = [
    "account", "evidence", "evidence_delete", "opinion", "final", "sign", "observation",
    "transmit", "resume",
]  # fmt: skip


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("change", CHANGES)
def test_a_form_posted_after_the_candidacy_moved_on_says_so(client, settled, actors, form, change):
    candidacy, evidence = settled
    who, url, data = posts(candidacy, evidence)[form]
    make_change, step = CHANGES[change]
    dossier = dossier_of(candidacy)
    make_change(dossier, actors)
    before = snapshot(dossier)

    client.force_login(actors[who])
    response = client.post(url, {"expected_state": "evaluation", **data}, follow=True)

    assert response.redirect_chain == [(reverse("candidacy_detail", args=[candidacy.pk]), 302)]
    assert flash_messages(response) == [changed_to(step)]
    assert snapshot(dossier) == before


def test_a_crafted_post_without_the_step_is_still_refused(client, settled, actors):
    """The message is for pages shown at another step; a request that says nothing of what
    its sender saw gets the refusal page, as before."""
    candidacy, evidence = settled
    who, url, data = posts(candidacy, evidence)["account"]
    CHANGES["transmitted"][0](dossier_of(candidacy), actors)
    client.force_login(actors[who])
    assert client.post(url, data).status_code == 403


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("candidat", "candidate_dossier"),
        ("professionnel", "assessment"),
        ("evaluateur", "dossier_transmit"),
        ("professionnel", "dossier_resume_parcours"),
    ],
)
def test_every_form_of_the_dossier_pages_carries_the_step_shown(client, settled, actors, who, page):
    candidacy, _evidence = settled
    client.force_login(actors[who])
    content = client.get(reverse(page, args=[candidacy.pk])).content.decode()
    main = content[content.index("<main") : content.index("</main>")]  # not the logout form
    forms = re.findall(r'<form method="post".*?</form>', main, re.S)
    assert forms
    for form in forms:
        assert '<input type="hidden" name="expected_state" value="evaluation">' in form
