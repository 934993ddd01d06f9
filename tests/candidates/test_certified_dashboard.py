"""A certified candidate is never offered a VAE for the certification she holds (issue 17,
defect 6), and the service refuses one in words."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates import services
from candidates.models import Candidacy
from tests.candidates.builders import candidacy_in
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

VAE_LINK = "Demander une validation des acquis de l'expérience (VAE)"


def test_a_certified_candidate_is_not_offered_a_vae(client, candidat, own_org):
    candidacy_in("certifie", candidat, own_org)
    client.force_login(candidat)
    content = page_text(client.get(reverse("dashboard")))
    assert "Mes candidatures" in content
    assert VAE_LINK not in content
    assert reverse("vae_request_create") not in content


def test_a_candidate_whose_candidacy_was_abandoned_is_offered_a_vae(client, candidat, own_org):
    candidacy_in("abandonne", candidat, own_org)
    client.force_login(candidat)
    assert VAE_LINK in page_text(client.get(reverse("dashboard")))


def test_the_service_refuses_a_vae_for_a_certification_held(candidat, own_org):
    held = candidacy_in("certifie", candidat, own_org)
    with pytest.raises(ValidationError) as error:
        services.candidacy_request_vae(user=candidat, organisation=own_org)
    assert error.value.messages == [
        "Vous êtes déjà titulaire de cette certification : une demande de VAE pour elle n'est "
        "pas possible. Votre certificat est sur votre tableau de bord."
    ]
    assert list(Candidacy.objects.values_list("pk", flat=True)) == [held.pk]


def test_the_request_page_says_so_to_a_holder(client, candidat, own_org):
    candidacy_in("certifie", candidat, own_org)
    client.force_login(candidat)
    response = client.post(reverse("vae_request_create"), {"organisation": ""})
    assert response.status_code == 200
    assert "Vous êtes déjà titulaire de cette certification" in page_text(response)
    assert Candidacy.objects.count() == 1
