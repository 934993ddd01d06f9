"""Demo candidacies: a parcours in repérage, and three VAE requests at each stage of the
recevabilité: one awaiting the secretariat's decision, one sent back for completion, one
declared recevable with its letter. Everything goes through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from cqp.demo import register_seeder

from . import recevabilite, services, services_recevabilite, services_vae
from .enums import ProofKind, RecevabiliteOutcome, State
from .models import Candidacy, VaeExperience

FORMAPRO = "81234567800013"


def _scan(name: str, text: str) -> SimpleUploadedFile:
    """A PNG « scan » bearing `text`: a proof the upload accepts and a browser shows."""
    image = Image.new("RGB", (840, 520), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 829, 509), outline="#1f3b63", width=4)
    try:
        # The documents' font; Pillow's own has no accented letters.
        font = ImageFont.truetype("DejaVuSans.ttf", 36)
    except OSError:
        font = ImageFont.load_default(size=36)
    draw.text((40, 220), text, fill="#1f3b63", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _join_proofs(candidacy, user, period) -> None:
    for kind, experience, name, text in (
        (ProofKind.IDENTITE, None, "carte-identite.png", "Pièce d'identité (démonstration)"),
        (
            ProofKind.ATTESTATION_EMPLOYEUR,
            period,
            "attestation-employeur.png",
            "Attestation de l'employeur (démonstration)",
        ),
    ):
        services_vae.vae_proof_add(
            candidacy=candidacy,
            by=user,
            kind=kind,
            experience=experience,
            upload=_scan(name, text),
        )


def _submitted_request(user, organisation, *, partie_2: dict, period: dict) -> Candidacy:
    """A VAE request of `user`: partie 2, one period with its proofs, submitted with the
    sworn statement ticked."""
    candidacy = services.candidacy_request_vae(user=user, organisation=organisation)
    services.vae_request_update(candidacy=candidacy, by=user, **partie_2)
    experience = VaeExperience.objects.create(request=candidacy.vae_request, **period)
    _join_proofs(candidacy, user, experience)
    services.run_transition(name="submit_recevabilite", candidacy=candidacy, by=user, sworn=True)
    candidacy.refresh_from_db()
    return candidacy


def _years_ago(years: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=years * 366)


def _vae_awaiting_decision(user, organisation):
    _submitted_request(
        user,
        organisation,
        partie_2={
            "current_situation": "Salariée en CDI",
            "current_job_title": "Assistante administrative formation",
            "education": "BTS Assistant de manager (2015)",
            "motivation": "Faire reconnaître six années d'expérience dans un organisme de formation.",
        },
        period={
            "employer": "Formapro Conseil",
            "job_title": "Assistante de formation",
            "start_date": _years_ago(6),
            "activities": "Convocations, conventions, suivi des présences, bilans de formation.",
            "working_time": 80,
        },
    )
    return f"Demande de VAE en recevabilité : {user.email}"


def _vae_sent_back(user, organisation, secretariat):
    candidacy = _submitted_request(
        user,
        organisation,
        partie_2={
            "current_situation": "Salarié en CDD",
            "current_job_title": "Assistant formation et recrutement",
            "education": "Licence professionnelle",
            "motivation": "Obtenir une certification reconnue par la branche.",
        },
        period={
            "employer": "Atelier Compétences",
            "job_title": "Assistant de formation",
            "start_date": _years_ago(4),
            "activities": "Planification des sessions, logistique, accueil des stagiaires.",
        },
    )
    period = candidacy.vae_request.experiences.get()
    services_recevabilite.recevabilite_decide(
        candidacy=candidacy,
        by=secretariat,
        outcome=RecevabiliteOutcome.INCOMPLET,
        reason=(
            "Merci de préciser l'intitulé exact et l'année de votre licence professionnelle, "
            "et de joindre un contrat de travail ou des bulletins de salaire couvrant toute "
            "la période chez Atelier Compétences."
        ),
        items=[f"{recevabilite.FIELD}education", f"{recevabilite.PROOFS}{period.pk}"],
        expected_state=State.RECEVABILITE,
    )
    return f"Demande de VAE renvoyée pour compléments : {user.email}"


def _vae_recevable(user, organisation, secretariat):
    candidacy = _submitted_request(
        user,
        organisation,
        partie_2={
            "current_situation": "Salariée en CDI",
            "current_job_title": "Assistante de formation",
            "education": "BTS Support à l'action managériale (2016)",
            "motivation": "Valider mes acquis pour évoluer vers la coordination pédagogique.",
        },
        period={
            "employer": "Formapro Conseil",
            "job_title": "Assistante de formation",
            "start_date": _years_ago(5),
            "activities": "Inscriptions, conventions, convocations, bilans et facturation.",
        },
    )
    services_recevabilite.recevabilite_decide(
        candidacy=candidacy,
        by=secretariat,
        outcome=RecevabiliteOutcome.FAVORABLE,
        reason="Dossier complet ; cinq années d'expérience en rapport direct avec le CQP.",
        expected_state=State.RECEVABILITE,
    )
    return f"Demande de VAE déclarée recevable, avec son avis : {user.email}"


@register_seeder
def seed_candidacies(users, organisations):
    secretariat = users["secretariat@demo.cqp.fr"]
    candidat = users["candidat@demo.cqp.fr"]
    lines = []
    if not Candidacy.objects.filter(candidate__user=candidat).exists():
        candidacy = services.candidacy_create_parcours(
            by=users["gestionnaire@demo.cqp.fr"],
            organisation=organisations[FORMAPRO],
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
    requests = (
        ("candidat.vae@demo.cqp.fr", FORMAPRO, _vae_awaiting_decision, ()),
        ("candidat.vae.complements@demo.cqp.fr", None, _vae_sent_back, (secretariat,)),
        ("candidat.vae.recevable@demo.cqp.fr", FORMAPRO, _vae_recevable, (secretariat,)),
    )
    for email, siret, seed, extra in requests:
        user = users[email]
        if not Candidacy.objects.filter(candidate__user=user).exists():
            organisation = organisations[siret] if siret else None
            lines.append(seed(user, organisation, *extra))
    return lines
