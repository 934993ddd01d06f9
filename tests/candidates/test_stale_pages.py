"""A candidacy's page left open while someone else withdrew the candidacy, then posted: the
livret, the parcours, the mise en pratique, the VAE dossier. The poster is told that the
candidacy has just changed and where it is now, on its page, and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates import services
from candidates.models import Candidacy, ParcoursAction, ReperageEntry, VaeExperience, VaeProof
from tests.cqp.builders import pdf_bytes
from tests.helpers import changed_to, flash_messages

from .builders import assign, candidacy_in, competence

pytestmark = pytest.mark.django_db

EXPERIENCE = {
    "employer": "Formapro",
    "job_title": "Assistante de formation",
    "start_date": "2020-01-01",
    "end_date": "2024-01-01",
    "is_relevant": "on",
    "activities": "Logistique des sessions",
}
POSTS = {
    "livret": ("reperage", "professionnel", "reperage_edit", {"action": "save"}),
    "plan": ("parcours", "professionnel", "plan_action_add", {"kind": "formation"}),
    "practice": ("parcours", "professionnel", "practice_confirm", {"note": "Missions confiées"}),
    "partie 2": ("demande", "candidat", "vae_request_edit", {"motivation": "Tardive"}),
    "experience": ("demande", "candidat", "vae_experience_add", EXPERIENCE),
    "proof": (
        "demande",
        "candidat",
        "vae_proof_add",
        {"kind": "identite", "file": SimpleUploadedFile("carte.pdf", pdf_bytes())},
    ),
}


def written(candidacy) -> tuple:
    """What these pages write."""
    return (
        ReperageEntry.objects.filter(candidacy=candidacy).count(),
        ParcoursAction.objects.filter(candidacy=candidacy).count(),
        Candidacy.objects.get(pk=candidacy.pk).practice_note,
        VaeExperience.objects.filter(request__candidacy=candidacy).count(),
        VaeProof.objects.filter(request__candidacy=candidacy).count(),
    )


@pytest.mark.parametrize("page", POSTS)
def test_a_page_posted_after_the_candidacy_was_withdrawn_says_so(
    client, page, actors, own_org, secretariat, gestionnaire
):
    state, who, name, data = POSTS[page]
    candidacy = candidacy_in(state, actors["candidat"], own_org)
    if who == "professionnel":
        assign(candidacy, by=secretariat, professionnel=actors["professionnel"])
    services.run_transition(name="withdraw", candidacy=candidacy, by=gestionnaire, comment="Départ")
    before = written(candidacy)

    client.force_login(actors[who])
    data = {"expected_state": state, "competence": competence(1).pk, **data}
    response = client.post(reverse(name, args=[candidacy.pk]), data, follow=True)

    assert response.redirect_chain == [(reverse("candidacy_detail", args=[candidacy.pk]), 302)]
    assert flash_messages(response) == [changed_to("Abandonnée")]
    assert written(candidacy) == before
