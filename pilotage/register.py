"""The register file of one jury session: its holders, as a national register of
certifications imports them.

Its columns follow, as closely as a flat file allows, the names of the elements of the
« accrochage » of certifications to the SI CPF (Caisse des Dépôts, for France compétences'
RNCP and RS): the holder's civil identity (nomNaissance, nomUsage, prenom1…, sexe, date and
place of birth), the certification (type, code) and the passage (date obtained, access
route, validity), plus the certificate's number and, for a partial validation, the
competences validated and their expiry. README « The register file » describes each column.

The file is refused, with the list of what is missing, unless the session is closed, has
issued certificates, its certifications carry their registry code, and every holder's civil
identity is complete and checked by the secretariat.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from candidates.enums import Civility, Pathway
from candidates.models import CompetenceValidation
from candidates.services_identity import identity_problem
from jury.enums import CertificateKind, SessionState
from jury.models import Certificate, JurySession

from .writers import DATE, NUMBER, Column

SEPARATOR = " | "
COLUMNS = [
    Column("idTechnique", width=24),  # the certificate's number
    Column("typeCertification", width=8),  # RNCP or RS
    Column("codeCertification", width=14),
    Column("niveau", NUMBER, 8),
    Column("obtentionCertification", width=16),  # always PAR_ADMISSION (a jury's decision)
    Column("natureValidation", width=12),  # TOTALE or PARTIELLE
    Column("dateObtention", DATE, 12),  # the session's date
    Column("dateDelivrance", DATE, 12),  # the certificate's issue date
    Column("dateFinValidite", DATE, 12),  # partial: the first competence to lapse
    Column("modaliteAcces", width=22),  # VAE or FORMATION_CONTINUE
    Column("sexe", width=6),  # F or M
    Column("nomNaissance", width=20),
    Column("nomUsage", width=20),
    Column("prenom1", width=16),
    Column("prenom2", width=16),
    Column("prenom3", width=16),
    Column("dateNaissance", DATE, 12),
    Column("libelleCommuneNaissance", width=22),
    Column("libellePaysNaissance", width=16),
    Column("competencesValidees", width=14),  # numbers, « 1 | 3 »
    Column("libellesCompetencesValidees", width=50),
    Column("finsValiditeCompetences", width=26),  # dd/mm/yyyy, in the same order
]
SEX = {Civility.MADAME: "F", Civility.MONSIEUR: "M"}
ACCESS = {Pathway.VAE: "VAE", Pathway.PARCOURS: "FORMATION_CONTINUE"}
NATURE = {CertificateKind.CERTIFICAT: "TOTALE", CertificateKind.ATTESTATION: "PARTIELLE"}


@dataclass(frozen=True)
class Holder:
    certificate: Certificate
    validations: list  # CompetenceValidation, for an attestation

    @property
    def candidate(self):
        return self.certificate.deliberation.candidacy.candidate


def problems(session: JurySession, holders: list[Certificate]) -> list[str]:
    """What keeps the session's register file from being written, in French; empty if
    nothing does."""
    if session.state != SessionState.CLOSED:
        return [_("La session n'est pas clôturée : le registre se déclare une fois clôturée.")]
    if not holders:
        return [_("La session n'a délivré aucun certificat ni attestation en vigueur.")]
    found = []
    certifications = {c.deliberation.candidacy.certification for c in holders}
    for certification in sorted(certifications, key=lambda c: c.code):
        if not certification.registry_code:
            found.append(
                _(
                    "La certification « %(title)s » n'a pas de code au répertoire national "
                    "(RNCP ou RS) : renseignez-le dans le référentiel."
                )
                % {"title": certification.title}
            )
    for certificate in holders:
        candidate = certificate.deliberation.candidacy.candidate
        problem = identity_problem(candidate)
        if problem:
            found.append(
                _("%(name)s (%(number)s) : %(problem)s.")
                % {"name": candidate.legal_name, "number": certificate.number, "problem": problem}
            )
    return found


def holders_with_validations(session: JurySession, holders: list[Certificate]) -> list[Holder]:
    """Each holder with, for an attestation, the competences they hold on the session's date
    (those it validated and earlier ones still in force, as the attestation prints them): one
    query for the whole session."""
    partial = [c for c in holders if c.kind == CertificateKind.ATTESTATION]
    by_candidate = defaultdict(list)
    if partial:
        validations = (
            CompetenceValidation.objects.in_force(session.date)
            .filter(candidate_id__in={c.deliberation.candidacy.candidate_id for c in partial})
            .select_related("competence")
            .order_by("competence__number", "validated_on")
        )
        for validation in validations:
            by_candidate[validation.candidate_id].append(validation)
    return [
        Holder(
            certificate,
            [
                v
                for v in by_candidate[certificate.deliberation.candidacy.candidate_id]
                if v.competence.certification_id
                == certificate.deliberation.candidacy.certification_id
            ],
        )
        for certificate in holders
    ]


def row(holder: Holder) -> tuple:
    certificate = holder.certificate
    candidacy = certificate.deliberation.candidacy
    candidate, certification = candidacy.candidate, candidacy.certification
    first_names = candidate.first_names.split()
    validations = holder.validations
    return (
        certificate.number,
        certification.registry,
        certification.registry_code,
        certification.registry_level,
        "PAR_ADMISSION",
        NATURE[certificate.kind],
        certificate.deliberation.session.date,
        certificate.issued_on,
        min((v.valid_until for v in validations), default=None),
        ACCESS.get(candidacy.pathway, ""),
        SEX.get(candidate.civility, ""),
        candidate.birth_name.upper(),
        candidate.used_name.upper(),
        first_names[0] if first_names else "",
        first_names[1] if len(first_names) > 1 else "",
        " ".join(first_names[2:]),
        candidate.birth_date,
        candidate.birth_place,
        candidate.birth_country,
        SEPARATOR.join(str(v.competence.number) for v in validations),
        SEPARATOR.join(v.competence.title for v in validations),
        SEPARATOR.join(v.valid_until.strftime("%d/%m/%Y") for v in validations),
    )
