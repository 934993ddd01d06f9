"""Demo data: two organisations, one account per role, some habilitations. Idempotent."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from cqp.demo import run_seeders
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

DEMO_PASSWORD = "Demo-CQP-2026!"  # noqa: S105  (published demo password)

ORGANISATIONS = [
    {
        "siret": "81234567800013",
        "name": "Formapro Conseil",
        "kind": OrganisationKind.ORGANISME_FORMATION,
        "city": "Lyon",
    },
    {
        "siret": "44321098700022",
        "name": "Atelier Compétences",
        "kind": OrganisationKind.ENTREPRISE,
        "city": "Nantes",
    },
]

# (email, first name, last name, role label, platform role, memberships [(siret, role)], habilitation kinds)
ACCOUNTS = [
    (
        "secretariat@demo.cqp.fr",
        "Sophie",
        "Martin",
        "Secrétariat CPEF",
        PlatformRole.SECRETARIAT,
        [],
        [],
    ),
    (
        "jury@demo.cqp.fr",
        "Jacques",
        "Bernard",
        "Membre du jury (collège employeurs)",
        PlatformRole.JURY,
        [],
        [],
    ),
    (
        "gestionnaire@demo.cqp.fr",
        "Gaëlle",
        "Petit",
        "Gestionnaire (Formapro Conseil)",
        "",
        [("81234567800013", MembershipRole.GESTIONNAIRE)],
        [],
    ),
    (
        "gestionnaire.atelier@demo.cqp.fr",
        "Hugo",
        "Robert",
        "Gestionnaire (Atelier Compétences)",
        "",
        [("44321098700022", MembershipRole.GESTIONNAIRE)],
        [],
    ),
    (
        "candidat@demo.cqp.fr",
        "Camille",
        "Durand",
        "Personne candidate (Formapro Conseil)",
        "",
        [("81234567800013", MembershipRole.CANDIDAT)],
        [],
    ),
    (
        "professionnel@demo.cqp.fr",
        "Paul",
        "Leroy",
        "Professionnel du secteur (habilité)",
        "",
        [("81234567800013", MembershipRole.PROFESSIONNEL)],
        [HabilitationKind.PROFESSIONNEL],
    ),
    (
        "evaluateur@demo.cqp.fr",
        "Élise",
        "Moreau",
        "Évaluateur externe (habilitée)",
        "",
        [],
        [HabilitationKind.EVALUATEUR],
    ),
    (
        "candidat.vae@demo.cqp.fr",
        "Valérie",
        "Aubert",
        "Candidate VAE (en recevabilité)",
        "",
        [],
        [],
    ),
    (
        "candidat.vae.complements@demo.cqp.fr",
        "Karim",
        "Haddad",
        "Candidat VAE (compléments demandés)",
        "",
        [],
        [],
    ),
    (
        "candidat.vae.recevable@demo.cqp.fr",
        "Louise",
        "Fabre",
        "Candidate VAE (déclarée recevable)",
        "",
        [],
        [],
    ),
    (
        "jury.salaries@demo.cqp.fr",
        "Sylvie",
        "Roux",
        "Membre du jury (collège salariés)",
        PlatformRole.JURY,
        [],
        [],
    ),
]


class Command(BaseCommand):
    help = "Crée (ou remet à l'état initial) les comptes et organisations de démonstration."

    def handle(self, *args, **options):
        # Demo people get no e-mail about the data made up for them (sent after commit).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed()

    @transaction.atomic
    def _seed(self):
        organisations = {}
        for data in ORGANISATIONS:
            organisation = Organisation.objects.filter(siret=data["siret"]).first() or Organisation(
                siret=data["siret"]
            )
            organisation.name, organisation.kind, organisation.city = (
                data["name"],
                data["kind"],
                data["city"],
            )
            organisation.save()
            organisations[data["siret"]] = organisation

        users = {}
        for email, first, last, _label, platform_role, memberships, _kinds in ACCOUNTS:
            user = User.objects.filter(email=email).first() or User(email=email)
            user.first_name, user.last_name, user.platform_role = first, last, platform_role
            user.is_active = True
            user.is_staff = user.is_superuser = platform_role == PlatformRole.SECRETARIAT
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[email] = user
            for siret, role in memberships:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[siret], role=role
                )

        secretariat = users["secretariat@demo.cqp.fr"]
        today = timezone.localdate()
        for email, *_rest, kinds in ACCOUNTS:
            for kind in kinds:
                if not Habilitation.objects.filter(user=users[email], kind=kind).exists():
                    Habilitation.objects.create(
                        user=users[email],
                        kind=kind,
                        granted_by=secretariat,
                        valid_from=today - datetime.timedelta(days=365),
                        valid_until=today + datetime.timedelta(days=730),
                    )
        extra = run_seeders(users, organisations)
        self._print_accounts()
        for line in extra:
            self.stdout.write(f"  {line}")

    def _print_accounts(self):
        self.stdout.write(
            self.style.SUCCESS(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
        )
        for email, _first, _last, label, *_rest in ACCOUNTS:
            self.stdout.write(f"  {label:<40} {email}")
        self.stdout.write(
            f"Site : {settings.SITE_URL}/  —  back-office : {settings.SITE_URL}/admin/"
        )
