"""Demo candidacies: a parcours in repérage and a VAE request awaiting recevabilité."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from cqp.demo import register_seeder

from . import services, services_vae
from .enums import ProofKind
from .models import Candidacy, VaeExperience


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
        period = VaeExperience.objects.create(
            request=candidacy.vae_request,
            employer="Formapro Conseil",
            job_title="Assistante de formation",
            start_date=today - datetime.timedelta(days=6 * 365),
            activities="Convocations, conventions, suivi des présences, bilans de formation.",
            working_time=80,
        )
        _join_proofs(candidacy, vae_user, period)
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=vae_user, sworn=True
        )
        lines.append("Demande de VAE en recevabilité : candidat.vae@demo.cqp.fr")
    return lines
