"""factory_boy factories: one per model the tests create, in the apps' order (cqp, candidates,
evaluations, jury). Defaults are plain and valid; a test passes what it is about."""

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from candidates.enums import Pathway, ReperageStatus, State
from cqp.models import (
    Certification,
    Competence,
    CompetenceElement,
    HabilitationKind,
    MembershipRole,
    OrganisationKind,
    PlatformRole,
)
from cqp.validators import luhn_is_valid
from evaluations.enums import Opinion, SituationKind
from jury.enums import CertificateKind, College, Decision
from tests.cqp.builders import pdf_bytes
from tests.helpers import add_years

PASSWORD = "Mot-de-passe-test-2026"
# A one-page blank PDF: enough where a test stores a file, not a rendering.
TINY_PDF = pdf_bytes()


def valid_siret(n: int) -> str:
    base = f"{100000000 + n:09d}0001"[:13]
    return next(base + str(d) for d in range(10) if luhn_is_valid(base + str(d)))


# cqp ----------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.Group"

    name = factory.Sequence(lambda n: f"Groupe {n}")


class SecretariatFactory(UserFactory):
    platform_role = PlatformRole.SECRETARIAT


class JuryFactory(UserFactory):
    platform_role = PlatformRole.JURY


def certification() -> Certification:
    """The CQP's référentiel, loaded by the data migration."""
    return Certification.objects.get(code="CQP-AF")


class CertificationFactory(factory.django.DjangoModelFactory):
    """Another référentiel, with no competence unless a test adds some."""

    class Meta:
        model = "cqp.Certification"

    code = factory.Sequence(lambda n: f"CQP-TEST-{n}")
    title = factory.Sequence(lambda n: f"CQP de test {n}")
    vae_min_experience_years = 3
    partial_validation_years = 5


class ActivityBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.ActivityBlock"

    certification = factory.SubFactory(CertificationFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Bloc d'activités {n}")


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.Competence"

    certification = factory.SubFactory(CertificationFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Compétence de test {n}")


class CompetenceElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.CompetenceElement"

    competence = factory.SubFactory(CompetenceFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Élément de test {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.Organisation"

    name = factory.Sequence(lambda n: f"Organisme {n}")
    kind = OrganisationKind.ORGANISME_FORMATION
    siret = factory.Sequence(valid_siret)
    city = "Lyon"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.Membership"

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.CANDIDAT


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation, valid three more days."""

    class Meta:
        model = "cqp.Invitation"

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    role = MembershipRole.CANDIDAT
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cqp.Habilitation"

    user = factory.SubFactory(UserFactory)
    kind = HabilitationKind.PROFESSIONNEL
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    granted_by = factory.SubFactory(SecretariatFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    """An in-app notice whose e-mail copy is not sent yet."""

    class Meta:
        model = "cqp.Notification"

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    event = "withdraw"
    subject = "Objet"
    body = "Texte"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored official document of `subject` (tiny bytes: for rights and lists, not rendering)."""

    class Meta:
        model = "cqp.Document"
        exclude = ("subject",)

    subject = None
    kind = "livret"
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.subject))
    object_id = factory.LazyAttribute(lambda o: o.subject.pk)
    title = factory.LazyAttribute(lambda o: f"{o.kind} {o.object_id}")
    file = factory.LazyAttribute(lambda o: ContentFile(TINY_PDF, name=f"{o.kind}.pdf"))
    sha256 = "0" * 64
    size = len(TINY_PDF)
    pages = 1


class DownloadLogFactory(factory.django.DjangoModelFactory):
    """A download of the livret of a new candidacy, written directly (the download views
    record theirs through cqp.services.downloads_record); `candidacy_pk=` lists it on
    another candidacy's page."""

    class Meta:
        model = "cqp.DownloadLog"
        exclude = ("what",)

    what = factory.SubFactory(
        DocumentFactory, subject=factory.SubFactory("tests.factories.CandidacyFactory")
    )
    user = factory.SubFactory(UserFactory)
    kind = "document"
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.what))
    object_id = factory.LazyAttribute(lambda o: o.what.pk)
    title = factory.LazyAttribute(lambda o: o.what.title)
    candidacy_pk = factory.LazyAttribute(lambda o: o.what.object_id)


# candidates --------------------------------------------------------------------------------


class CandidateFactory(factory.django.DjangoModelFactory):
    """The candidate of `user`: the existing one if the person already has one."""

    class Meta:
        model = "candidates.Candidate"
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)


class CandidacyFactory(factory.django.DjangoModelFactory):
    """A parcours candidacy in `reperage`; pass `state=...` to start elsewhere (set at creation only)."""

    class Meta:
        model = "candidates.Candidacy"

    candidate = factory.SubFactory(CandidateFactory)
    certification = factory.LazyFunction(certification)
    organisation = factory.SubFactory(OrganisationFactory)
    pathway = Pathway.PARCOURS
    state = State.REPERAGE
    created_by = factory.SelfAttribute("candidate.user")


class VaeRequestFactory(factory.django.DjangoModelFactory):
    """Partie 2 of a VAE candidacy, empty (the one its candidacy already has, if any)."""

    class Meta:
        model = "candidates.VaeRequest"
        django_get_or_create = ["candidacy"]

    candidacy = factory.SubFactory(CandidacyFactory, pathway=Pathway.VAE, state=State.DEMANDE)


class VaeCandidacyFactory(CandidacyFactory):
    """A VAE candidacy in `demande`, with its (empty) partie 2."""

    class Meta:
        skip_postgeneration_save = True

    pathway = Pathway.VAE
    state = State.DEMANDE
    vae_request = factory.RelatedFactory(VaeRequestFactory, factory_related_name="candidacy")


class ReperageEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.ReperageEntry"

    candidacy = factory.SubFactory(CandidacyFactory)
    element = factory.LazyFunction(
        lambda: CompetenceElement.objects.get(
            competence__certification__code="CQP-AF", competence__number=1, number=1
        )
    )
    status = ReperageStatus.ACQUIS


def _competence(number: int) -> Competence:
    return Competence.objects.get(certification__code="CQP-AF", number=number)


class ParcoursActionFactory(factory.django.DjangoModelFactory):
    """A training action of cycle 1 for C2 (pass `competence=` for another one)."""

    class Meta:
        model = "candidates.ParcoursAction"

    candidacy = factory.SubFactory(CandidacyFactory)
    competence = factory.LazyFunction(lambda: _competence(2))


class VaeExperienceFactory(factory.django.DjangoModelFactory):
    """A relevant job held for two years and still held (no end date)."""

    class Meta:
        model = "candidates.VaeExperience"

    request = factory.SubFactory(VaeRequestFactory)
    employer = "Formapro"
    job_title = "Assistante de formation"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=730))


class VaeProofFactory(factory.django.DjangoModelFactory):
    """The identity document of a request (pass `experience=` and `kind=` for a period's
    proof); a tiny PDF, stored as the upload would store it."""

    class Meta:
        model = "candidates.VaeProof"

    request = factory.SubFactory(VaeRequestFactory)
    experience = None
    kind = "identite"
    file = factory.LazyFunction(lambda: ContentFile(TINY_PDF, name="justificatif.pdf"))
    original_name = "justificatif.pdf"
    content_type = "application/pdf"
    size = len(TINY_PDF)
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("request.candidacy.candidate.user")


class VaeActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.VaeActivity"

    candidacy = factory.SubFactory(VaeCandidacyFactory)
    competence = factory.LazyFunction(lambda: _competence(1))
    title = factory.LazyAttribute(lambda o: f"Activité {o.competence.code}")
    description = "Ce que j'ai réalisé."


class CompetenceValidationFactory(factory.django.DjangoModelFactory):
    """A competence validated by the jury today, for 5 years unless `valid_until` says otherwise."""

    class Meta:
        model = "candidates.CompetenceValidation"

    candidate = factory.SubFactory(CandidateFactory)
    competence = factory.LazyFunction(lambda: _competence(1))
    validated_on = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: add_years(o.validated_on, 5))


class TransitionLogFactory(factory.django.DjangoModelFactory):
    """An audit entry written directly (the services write them through candidacy_log); one
    that changes the state dates its candidacy's step, as candidacy_log does: from its
    latest such entry (entries may be written out of order, back-dated)."""

    class Meta:
        model = "candidates.TransitionLog"
        skip_postgeneration_save = True

    candidacy = factory.SubFactory(CandidacyFactory)
    actor = factory.SelfAttribute("candidacy.candidate.user")
    role = "candidat"
    transition = "note"
    source = factory.SelfAttribute("candidacy.state")
    target = factory.SelfAttribute("candidacy.state")

    @factory.post_generation
    def date_the_step(entry, create, extracted, **kwargs):
        if create and entry.source != entry.target:
            date_steps(entry.candidacy_id)


def date_steps(*candidacy_ids) -> None:
    """Each candidacy's `state_changed_at` from its audit log, as migration 0009 fills it."""
    from django.db.models import F, Max, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from candidates.models import Candidacy, TransitionLog

    last = (
        TransitionLog.objects.filter(candidacy=OuterRef("pk"))
        .exclude(source=F("target"))
        .values("candidacy")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    Candidacy.objects.filter(pk__in=candidacy_ids).update(
        state_changed_at=Coalesce(Subquery(last), F("created_at"))
    )


# evaluations -------------------------------------------------------------------------------


class EvaluationDossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.EvaluationDossier"

    candidacy = factory.SubFactory(CandidacyFactory, state=State.EVALUATION)
    cycle = factory.SelfAttribute("candidacy.cycle")


class CompetenceAssessmentFactory(factory.django.DjangoModelFactory):
    """Both opinions « acquise », the joint result too, not signed (`signed=True`: both signed)."""

    class Meta:
        model = "evaluations.CompetenceAssessment"

    class Params:
        signed = factory.Trait(
            professionnel_signed_at=factory.LazyFunction(timezone.now),
            evaluateur_signed_at=factory.LazyFunction(timezone.now),
        )

    dossier = factory.SubFactory(EvaluationDossierFactory)
    competence = factory.LazyFunction(lambda: _competence(1))
    professionnel_opinion = Opinion.ACQUISE
    evaluateur_opinion = Opinion.ACQUISE
    final_result = Opinion.ACQUISE


class CandidateAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.CandidateAccount"

    dossier = factory.SubFactory(EvaluationDossierFactory)
    competence = factory.LazyFunction(lambda: _competence(1))
    text = "Ce que j'ai fait."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Evidence"

    dossier = factory.SubFactory(EvaluationDossierFactory)
    competence = factory.LazyFunction(lambda: _competence(1))
    file = factory.LazyFunction(lambda: ContentFile(TINY_PDF, name="piece.pdf"))
    original_name = "piece.pdf"
    content_type = "application/pdf"
    size = len(TINY_PDF)
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("dossier.candidacy.candidate.user")


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Observation"

    dossier = factory.SubFactory(EvaluationDossierFactory)
    kind = SituationKind.OBSERVEE
    date = factory.LazyFunction(timezone.localdate)
    context = "Accueil des stagiaires"
    observed = "Accueil conduit seul"
    author = factory.SubFactory(UserFactory)


# jury ---------------------------------------------------------------------------------------


class MandatingOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jury.MandatingOrganisation"

    name = factory.Sequence(lambda n: f"Organisation mandataire n° {n}")
    college = College.EMPLOYEURS


class JuryMemberFactory(factory.django.DjangoModelFactory):
    """An active member of the employers' college, whose account has the platform role jury."""

    class Meta:
        model = "jury.JuryMember"

    user = factory.SubFactory(JuryFactory)
    college = College.EMPLOYEURS
    # A mandate that covers every session date of the tests (those on mandates set their own).
    mandate_start = datetime.date(2000, 1, 1)
    mandate_end = datetime.date(2099, 12, 31)


class JurySessionFactory(factory.django.DjangoModelFactory):
    """A planned session (the services compose and open it; this one is for cheap rows)."""

    class Meta:
        model = "jury.JurySession"

    date = factory.LazyFunction(timezone.localdate)
    # A new time each: sessions in one place on one day never clash.
    start_time = factory.Sequence(lambda n: datetime.time(n % 24, n // 24 % 60))
    place = "CPEF, salle du conseil"
    created_by = factory.SubFactory(SecretariatFactory)


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jury.Seat"

    session = factory.SubFactory(JurySessionFactory)
    member = factory.SubFactory(JuryMemberFactory)


class DeliberationFactory(factory.django.DjangoModelFactory):
    """A pending fiche de décision of a candidacy in `jury`."""

    class Meta:
        model = "jury.Deliberation"

    session = factory.SubFactory(JurySessionFactory)
    candidacy = factory.SubFactory(CandidacyFactory, state=State.JURY)


class CompetenceDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jury.CompetenceDecision"

    deliberation = factory.SubFactory(DeliberationFactory)
    competence = factory.LazyFunction(lambda: _competence(1))
    decision = Decision.VALIDEE


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jury.Certificate"

    deliberation = factory.SubFactory(DeliberationFactory)
    kind = CertificateKind.CERTIFICAT
    issued_on = factory.LazyFunction(timezone.localdate)
