"""Demo candidacies: a parcours in repérage and a VAE request awaiting recevabilité."""

import datetime

from django.utils import timezone

from cqp.demo import register_seeder

from . import services
from .models import Candidacy, VaeExperience


@register_seeder
def seed_candidacies(users, organisations):
    secretariat = users["secretariat@demo.cqp.fr"]
    candidat = users["candidat@demo.cqp.fr"]
    lines = []
    if not Candidacy.objects.filter(candidate__user=candidat).exists():
        candidacy = services.candidacy_create_parcours(
            by=users["gestionnaire@demo.cqp.fr"],
            organisation=organisations["81234567800013"],
            email=candidat.email,
            first_name=candidat.first_name,
            last_name=candidat.last_name,
        )
        services.candidacy_assign(
            candidacy=candidacy,
            by=secretariat,
            professionnel=users["professionnel@demo.cqp.fr"],
            evaluateur=users["evaluateur@demo.cqp.fr"],
        )
        lines.append(
            "Candidature en repérage : candidat@demo.cqp.fr (professionnel et évaluateur affectés)"
        )
    vae_user = users["candidat.vae@demo.cqp.fr"]
    if not Candidacy.objects.filter(candidate__user=vae_user).exists():
        candidacy = services.candidacy_request_vae(
            user=vae_user, organisation=organisations["81234567800013"]
        )
        services.vae_request_update(
            candidacy=candidacy,
            by=vae_user,
            current_situation="Salariée en CDI",
            current_job_title="Assistante administrative formation",
            education="BTS Assistant de manager (2015)",
            motivation="Faire reconnaître six années d'expérience dans un organisme de formation.",
        )
        today = timezone.localdate()
        VaeExperience.objects.create(
            request=candidacy.vae_request,
            employer="Formapro Conseil",
            job_title="Assistante de formation",
            start_date=today - datetime.timedelta(days=6 * 365),
            activities="Convocations, conventions, suivi des présences, bilans de formation.",
        )
        services.run_transition(name="submit_recevabilite", candidacy=candidacy, by=vae_user)
        lines.append("Demande de VAE en recevabilité : candidat.vae@demo.cqp.fr")
    return lines
