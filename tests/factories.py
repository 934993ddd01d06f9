import datetime

import factory
from django.utils import timezone

from cqp.models import (
    Habilitation,
    HabilitationKind,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PlatformRole,
    User,
)
from cqp.validators import luhn_is_valid

PASSWORD = "Mot-de-passe-test-2026"


def valid_siret(n: int) -> str:
    base = f"{100000000 + n:09d}0001"[:13]
    return next(base + str(d) for d in range(10) if luhn_is_valid(base + str(d)))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SecretariatFactory(UserFactory):
    platform_role = PlatformRole.SECRETARIAT


class JuryFactory(UserFactory):
    platform_role = PlatformRole.JURY


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisme {n}")
    kind = OrganisationKind.ORGANISME_FORMATION
    siret = factory.Sequence(valid_siret)
    city = "Lyon"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.CANDIDAT


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Habilitation

    user = factory.SubFactory(UserFactory)
    kind = HabilitationKind.PROFESSIONNEL
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    granted_by = factory.SubFactory(SecretariatFactory)


# Candidacies -------------------------------------------------------------------------------


def certification():
    from cqp.models import Certification

    return Certification.objects.get(code="CQP-AF")


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Candidate"

    user = factory.SubFactory(UserFactory)


class CandidacyFactory(factory.django.DjangoModelFactory):
    """A parcours candidacy in `reperage`; pass `state=...` to start elsewhere (set at creation only)."""

    class Meta:
        model = "candidates.Candidacy"

    candidate = factory.SubFactory(CandidateFactory)
    certification = factory.LazyFunction(certification)
    organisation = factory.SubFactory(OrganisationFactory)
    pathway = "parcours"
    state = "reperage"
    created_by = factory.SelfAttribute("candidate.user")


class VaeCandidacyFactory(CandidacyFactory):
    class Meta:
        skip_postgeneration_save = True

    pathway = "vae"
    state = "demande"

    @factory.post_generation
    def vae_request(obj, create, extracted, **kwargs):
        if create:
            from candidates.models import VaeRequest

            VaeRequest.objects.get_or_create(candidacy=obj)
