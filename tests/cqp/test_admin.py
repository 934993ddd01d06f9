"""The back-office: every model registered in the admin lists and opens its rows."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# A row of every model of the back-office, made by its factory.
FACTORIES = [
    factories.GroupFactory,
    factories.UserFactory,
    factories.CertificationFactory,
    factories.ActivityBlockFactory,
    factories.CompetenceFactory,
    factories.CompetenceElementFactory,
    factories.OrganisationFactory,
    factories.MembershipFactory,
    factories.InvitationFactory,
    factories.HabilitationFactory,
    factories.NotificationFactory,
    factories.DownloadLogFactory,
    factories.CandidateFactory,
    factories.CandidacyFactory,
    factories.ReperageEntryFactory,
    factories.ParcoursActionFactory,
    factories.VaeRequestFactory,
    factories.VaeExperienceFactory,
    factories.VaeActivityFactory,
    factories.CompetenceValidationFactory,
    factories.TransitionLogFactory,
    factories.EvaluationDossierFactory,
    factories.CompetenceAssessmentFactory,
    factories.CandidateAccountFactory,
    factories.EvidenceFactory,
    factories.ObservationFactory,
    factories.MandatingOrganisationFactory,
    factories.JuryMemberFactory,
    factories.JurySessionFactory,
    factories.SeatFactory,
    factories.DeliberationFactory,
    factories.CompetenceDecisionFactory,
    factories.CertificateFactory,
]


def test_every_model_of_the_admin_is_covered_below():
    assert set(admin.site._registry) == {factory._meta.get_model_class() for factory in FACTORIES}


@pytest.mark.parametrize(
    "factory", FACTORIES, ids=lambda f: f._meta.get_model_class()._meta.label_lower
)
def test_admin_lists_and_opens_a_row_of_every_model(factory, client, secretariat):
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    obj = factory()
    meta = obj._meta
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    client.force_login(secretariat)
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    assert obj in response.context["cl"].result_list
    assert f'href="{change}"' in response.content.decode()
    response = client.get(change)
    assert response.status_code == 200
    assert response.context["original"] == obj
