"""The back-office: every model registered in the admin lists and opens its rows."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from candidates.models import (
    Candidacy,
    Candidate,
    CompetenceValidation,
    ParcoursAction,
    ReperageEntry,
    TransitionLog,
    VaeActivity,
    VaeExperience,
    VaeRequest,
)
from cqp.models import (
    ActivityBlock,
    Certification,
    Competence,
    CompetenceElement,
    Habilitation,
    Invitation,
    Membership,
    Notification,
    Organisation,
    User,
)
from evaluations.models import (
    CandidateAccount,
    CompetenceAssessment,
    EvaluationDossier,
    Evidence,
    Observation,
)
from jury.models import Certificate, CompetenceDecision, Deliberation, JuryMember, JurySession, Seat
from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    Group: factories.GroupFactory,
    User: factories.UserFactory,
    Certification: factories.CertificationFactory,
    ActivityBlock: factories.ActivityBlockFactory,
    Competence: factories.CompetenceFactory,
    CompetenceElement: factories.CompetenceElementFactory,
    Organisation: factories.OrganisationFactory,
    Membership: factories.MembershipFactory,
    Invitation: factories.InvitationFactory,
    Habilitation: factories.HabilitationFactory,
    Notification: factories.NotificationFactory,
    Candidate: factories.CandidateFactory,
    Candidacy: factories.CandidacyFactory,
    ReperageEntry: factories.ReperageEntryFactory,
    ParcoursAction: factories.ParcoursActionFactory,
    VaeRequest: factories.VaeRequestFactory,
    VaeExperience: factories.VaeExperienceFactory,
    VaeActivity: factories.VaeActivityFactory,
    CompetenceValidation: factories.CompetenceValidationFactory,
    TransitionLog: factories.TransitionLogFactory,
    EvaluationDossier: factories.EvaluationDossierFactory,
    CompetenceAssessment: factories.CompetenceAssessmentFactory,
    CandidateAccount: factories.CandidateAccountFactory,
    Evidence: factories.EvidenceFactory,
    Observation: factories.ObservationFactory,
    JuryMember: factories.JuryMemberFactory,
    JurySession: factories.JurySessionFactory,
    Seat: factories.SeatFactory,
    Deliberation: factories.DeliberationFactory,
    CompetenceDecision: factories.CompetenceDecisionFactory,
    Certificate: factories.CertificateFactory,
}


def test_every_model_of_the_admin_is_covered_below():
    assert set(admin.site._registry) == set(FACTORIES)


@pytest.mark.parametrize("model", FACTORIES, ids=lambda m: m._meta.label_lower)
def test_admin_lists_and_opens_a_row_of_every_model(model, client, secretariat):
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    obj = FACTORIES[model]()
    meta = model._meta
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    client.force_login(secretariat)
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    assert obj in response.context["cl"].result_list
    assert f'href="{change}"' in response.content.decode()
    response = client.get(change)
    assert response.status_code == 200
    assert response.context["original"] == obj
