"""The jury's official documents: the fiche de décision of each candidacy, the procès-verbal
of a session, the certificate and the attestation of partial validation; and the archive of
a session's dossiers for its members.

Each context loads its document in a fixed number of queries, whatever the number of
competences or of candidacies on the session.
"""

import re
import shutil
import tempfile
import unicodedata
import zipfile
from typing import IO

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from candidates.enums import Civility, Pathway, State
from candidates.models import CompetenceValidation
from candidates.selectors import candidacy_queryset
from cqp import documents
from cqp.models import Certification, Competence, Document, Registry
from cqp.referentiel import jury_checklist
from evaluations.models import EvaluationDossier

from . import selectors
from .enums import NON_CONFORME, CertificateKind, College, SessionState
from .models import Certificate, CompetenceDecision, Deliberation, JurySession
from .recusals import recusals, session_recusals

# The jury's outcomes as the documents word them (official documents are always French).
OUTCOMES = {
    State.CERTIFIE: "Délivrance totale du CQP",
    State.PARTIEL: "Délivrance partielle du CQP (validation partielle)",
    State.NON_CERTIFIE: "Non-délivrance du CQP",
    NON_CONFORME: "Dossier non conforme, renvoyé aux évaluateurs",
}


def _full_name(user) -> str:
    return user.get_full_name() or user.email


def _validations():
    return CompetenceValidation.objects.select_related("competence").order_by(
        "competence__number", "validated_on"
    )


# Fiche de décision ------------------------------------------------------------------------


def _fiche_context(deliberation) -> dict:
    deliberation = (
        Deliberation.objects.select_related(
            "session__president__user",
            "president__user",
            "candidacy__candidate__user",
            "candidacy__organisation",
            "candidacy__certification",
            "decided_by",
            "certificate",
        )
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=CompetenceDecision.objects.select_related("competence").order_by(
                    "competence__number"
                ),
            ),
            Prefetch("validations", queryset=_validations()),
        )
        .get(pk=deliberation.pk)
    )
    candidacy = deliberation.candidacy
    if deliberation.is_decided:
        to_decide = []
    else:
        # A draft: the competences the jury will decide on, as an empty form.
        to_decide = list(candidacy.competences_to_validate(on=deliberation.session.date))
    return {
        "deliberation": deliberation,
        "session": deliberation.session,
        "candidacy": candidacy,
        "certification": candidacy.certification,
        "candidate_name": _full_name(candidacy.candidate.user),
        "outcome_text": OUTCOMES.get(deliberation.outcome, ""),
        "decisions": list(deliberation.decisions.all()),
        "to_decide": to_decide,
        "granted": list(deliberation.validations.all()),
        "earlier": list(selectors.earlier_validations(deliberation=deliberation)),
        "certificate": getattr(deliberation, "certificate", None),
        "recusals": recusals(deliberation),
        "presiding_member": deliberation.presiding_member,
        "checklist_items": jury_checklist(candidacy.certification.rules),
    }


def _fiche_title(deliberation) -> str:
    return f"Fiche de décision du jury — {_full_name(deliberation.candidacy.candidate.user)}"


def _visible_deliberations(user):
    return Deliberation.objects.filter(candidacy__in=candidacy_queryset(user=user).values("pk"))


# Procès-verbal ----------------------------------------------------------------------------


def _session_certification(deliberations):
    """The certification of the session's candidacies (a jury may judge several: their titles
    are then joined), or the platform's only one for an empty session."""
    certifications = list(
        {d.candidacy.certification_id: d.candidacy.certification for d in deliberations}.values()
    )
    if len(certifications) == 1:
        return certifications[0]
    if not certifications:
        return Certification.objects.order_by("pk").first()
    return {
        "title": " / ".join(c.title for c in certifications),
        "certifying_body": certifications[0].certifying_body,
    }


def _pv_context(session) -> dict:
    session = JurySession.objects.select_related("president__user").get(pk=session.pk)
    seats = list(
        session.seats.select_related("member__user", "member__mandating_organisation").order_by(
            "member__user__last_name", "member__user__first_name"
        )
    )
    deliberations = list(
        session.deliberations.select_related(
            "candidacy__candidate__user",
            "candidacy__organisation",
            "candidacy__certification",
            "certificate",
            "president__user",
        )
        .prefetch_related(Prefetch("validations", queryset=_validations()))
        .order_by(
            "candidacy__candidate__user__last_name", "candidacy__candidate__user__first_name", "pk"
        )
    )
    certification = _session_certification(deliberations)
    colleges = []
    for code, label in College.choices:
        members = [s for s in seats if s.member.college == code]
        colleges.append(
            {
                "label": label,
                "convened": [s.member for s in members],
                "present": [s.member for s in members if s.present],
                "absent": [s.member for s in members if not s.present],
            }
        )
    recused = session_recusals(session, deliberations)
    for deliberation in deliberations:
        deliberation.outcome_text = OUTCOMES.get(deliberation.outcome, "")
        deliberation.recusals = recused[deliberation.pk]
    certification_ids = {d.candidacy.certification_id for d in deliberations}
    return {
        "session": session,
        "certification": certification,
        "candidate_name": "",
        "colleges": colleges,
        # The attendance sheet: the members present (convened, before the opening).
        "attendance": [s.member for s in seats if s.present or not session.opened_at],
        "deliberations": deliberations,
        "decided": sum(1 for d in deliberations if d.is_decided),
        "recusals": [d for d in deliberations if d.recusals],
        "checklist_items": _session_checklist(deliberations),
        # The legend of the competence codes in the table.
        "competences": list(
            Competence.objects.filter(certification_id__in=certification_ids).order_by(
                "certification_id", "number"
            )
        ),
    }


def _session_checklist(deliberations) -> list[dict]:
    """The items of the conformity checklist, each once, in the order of the certifications'
    référentiels (the checklist the decided fiches answered, else the référentiel's)."""
    items = {}
    for deliberation in deliberations:
        for item in deliberation.checklist or jury_checklist(
            deliberation.candidacy.certification.rules
        ):
            items.setdefault(item["code"], {"code": item["code"], "label": item["label"]})
    return list(items.values())


def _pv_title(session) -> str:
    return f"Procès-verbal de la session du jury paritaire du {session.date.strftime('%d/%m/%Y')}"


# Certificate and attestation --------------------------------------------------------------


def verification_url(certificate) -> str:
    return settings.SITE_URL + reverse("verify_number", args=[certificate.number])


def _qr_code(url: str) -> str:
    # A PNG (an image in the PDF) rather than an SVG, which WeasyPrint would draw as paths.
    return segno.make(url, error="m").png_data_uri(scale=8, border=2)


def _registry_line(certification) -> str:
    """« Certification enregistrée au RNCP sous le numéro RNCP12345, niveau 4 », when the code
    is known (French: official documents are French)."""
    if not certification.registry_code:
        return ""
    where = "au RNCP" if certification.registry == Registry.RNCP else "au répertoire spécifique"
    line = f"Certification enregistrée {where} sous le numéro {certification.registry_code}"
    if certification.registry_level:
        line += f", niveau {certification.registry_level}"
    return line


def _holder(candidate) -> dict:
    """The holder as the certificate names them: their legal name once the identity is
    declared, the birth name when another name is used, and the date and place of birth."""
    if candidate.identity_declared_at is None:
        return {"name": _full_name(candidate.user)}
    civility = {Civility.MADAME: "Madame", Civility.MONSIEUR: "Monsieur"}.get(
        candidate.civility, ""
    )
    # Without a civility, the birth is said without agreement: « date de naissance ».
    born = {Civility.MADAME: "née", Civility.MONSIEUR: "né"}.get(candidate.civility, "")
    place = candidate.birth_place
    if place and candidate.birth_country and candidate.birth_country.casefold() != "france":
        place = f"{place} ({candidate.birth_country})"
    return {
        "name": candidate.legal_name,
        "civility": civility,
        "born": born,
        "birth_name": candidate.birth_name.upper() if candidate.used_name else "",
        "birth_date": candidate.birth_date,
        "birth_place": place,
    }


def _certificate_context(certificate) -> dict:
    certificate = Certificate.objects.select_related(
        "deliberation__session__president__user",
        "deliberation__candidacy__candidate__user",
        "deliberation__candidacy__organisation",
        "deliberation__candidacy__certification",
    ).get(pk=certificate.pk)
    deliberation = certificate.deliberation
    candidacy = deliberation.candidacy
    url = verification_url(certificate)
    holder = _holder(candidacy.candidate)
    context = {
        "certificate": certificate,
        "deliberation": deliberation,
        "session": deliberation.session,
        "candidacy": candidacy,
        "certification": candidacy.certification,
        "holder": holder,
        "candidate_name": holder["name"],
        "registry_line": _registry_line(candidacy.certification),
        "verification_url": url,
        "qr_code": _qr_code(url),
    }
    if certificate.kind == CertificateKind.CERTIFICAT:
        context["competences"] = list(candidacy.certification.competences.order_by("number"))
    if certificate.kind == CertificateKind.ATTESTATION:
        # Every competence the candidate holds on the decision's day: those this decision
        # validated and the earlier ones still in force.
        validations = list(
            _validations()
            .in_force(deliberation.session.date)
            .filter(
                candidate_id=candidacy.candidate_id,
                competence__certification_id=candidacy.certification_id,
            )
        )
        held = {v.competence_id for v in validations}
        context["validations"] = validations
        context["remaining"] = [
            c for c in candidacy.certification.competences.order_by("number") if c.pk not in held
        ]
    return context


# Official documents are French whatever the language of the request that stores them.
CERTIFICATE_LABELS = {
    CertificateKind.CERTIFICAT: "Certificat de qualification professionnelle",
    CertificateKind.ATTESTATION: "Attestation de validation partielle",
}


def _certificate_title(certificate) -> str:
    name = _full_name(certificate.deliberation.candidacy.candidate.user)
    return f"{CERTIFICATE_LABELS[certificate.kind]} — {name}"


def _visible_certificates(kind):
    def visible(user):
        return Certificate.objects.filter(
            kind=kind,
            deliberation__candidacy__in=candidacy_queryset(user=user).values("pk"),
        )

    return visible


documents.register(
    documents.DocumentKind(
        code="fiche_decision",
        label="Fiche de décision du jury",
        model=Deliberation,
        template="documents/fiche_decision.html",
        context=_fiche_context,
        title=_fiche_title,
        visible=_visible_deliberations,
        is_final=lambda deliberation: deliberation.decided_at is not None,
        candidacy_lookup="candidacy",
        sealed=True,
    )
)
documents.register(
    documents.DocumentKind(
        code="proces_verbal",
        label="Procès-verbal de la session du jury paritaire",
        model=JurySession,
        template="documents/proces_verbal.html",
        context=_pv_context,
        title=_pv_title,
        visible=lambda user: selectors.session_list(user=user),
        is_final=lambda session: session.state == SessionState.CLOSED,
        candidacy_lookup=None,
        sealed=True,
    )
)
for _code, _template in (
    (CertificateKind.CERTIFICAT, "documents/certificat.html"),
    (CertificateKind.ATTESTATION, "documents/attestation.html"),
):
    documents.register(
        documents.DocumentKind(
            code=_code.value,
            label=CERTIFICATE_LABELS[_code],
            model=Certificate,
            template=_template,
            context=_certificate_context,
            title=_certificate_title,
            visible=_visible_certificates(_code.value),
            candidacy_lookup="deliberation__candidacy",
            sealed=True,
        )
    )


# The session's dossiers, in one archive ---------------------------------------------------

# Spooled in memory up to this size, then on disk.
ARCHIVE_MEMORY_BYTES = 16 * 1024 * 1024


# Letters that Unicode does not decompose into ASCII ones.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def _folder(candidacy) -> str:
    """`Nom-Prenom-<pk>`, in ASCII so that every unzip tool shows it as is."""
    user = candidacy.candidate.user
    name = f"{user.last_name}-{user.first_name}".translate(_LIGATURES)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-") or "candidat"
    return f"{ascii_name}-{candidacy.pk}"


def _judged_dossier(dossiers, deliberation):
    """The evaluation dossier the deliberation judged: the last one opened before its decision."""
    until = deliberation.decided_at or timezone.now()
    judged = [d for d in dossiers if d.opened_at <= until]
    return judged[-1] if judged else None


def _stored(code, obj, latest):
    """The latest stored document of `obj`, stored now if it is final but was never generated
    (a dossier transmitted before documents existed); None when there is none to give."""
    if obj is None:
        return None
    if obj.pk in latest.get(code, {}):
        return latest[code][obj.pk]
    if not documents.get_kind(code).is_final(obj):
        return None
    return documents.document_store(code, obj)


def session_dossiers(session) -> list[tuple[str, Document, int | None]]:
    """(path in the archive, Document, candidacy pk) for every document of the session: for
    each candidacy, in its own folder, its livret de repérage (parcours) or dossier VAE, the
    dossier de suivi et d'évaluation the jury judged, its fiche de décision and its
    certificate or attestation once decided; then the session's procès-verbal once closed
    (candidacy pk None). A document final but never generated is stored now."""
    deliberations = list(
        session.deliberations.select_related(
            "candidacy__candidate__user", "candidacy__certification", "certificate"
        ).order_by("candidacy__candidate__user__last_name", "candidacy_id", "pk")
    )
    candidacy_ids = {d.candidacy_id for d in deliberations}
    dossiers: dict[int, list[EvaluationDossier]] = {}
    for dossier in EvaluationDossier.objects.filter(candidacy_id__in=candidacy_ids).order_by(
        "candidacy_id", "cycle"
    ):
        dossiers.setdefault(dossier.candidacy_id, []).append(dossier)
    judged = {}
    for deliberation in deliberations:
        dossier = _judged_dossier(dossiers.get(deliberation.candidacy_id, []), deliberation)
        if dossier is not None:
            dossier.candidacy = deliberation.candidacy
            judged[deliberation.candidacy_id] = dossier
    certificates = [c for d in deliberations if (c := _certificate_of(d)) is not None]
    latest = {
        "dossier_evaluation": documents.latest_documents(
            "dossier_evaluation", [d.pk for d in judged.values()]
        ),
        "livret": documents.latest_documents("livret", candidacy_ids),
        "dossier_vae": documents.latest_documents("dossier_vae", candidacy_ids),
        "fiche_decision": documents.latest_documents(
            "fiche_decision", [d.pk for d in deliberations]
        ),
        "proces_verbal": documents.latest_documents("proces_verbal", [session.pk]),
        **{
            str(kind): documents.latest_documents(
                str(kind), [c.pk for c in certificates if c.kind == kind]
            )
            for kind in CertificateKind
        },
    }
    entries = []
    folders = {}
    for deliberation in deliberations:
        candidacy = deliberation.candidacy
        # Placed twice (returned, then judged again): one folder, each fiche in it.
        first = candidacy.pk not in folders
        folder = folders.setdefault(candidacy.pk, _folder(candidacy))
        candidacy_code = "dossier_vae" if candidacy.pathway == Pathway.VAE else "livret"
        certificate = _certificate_of(deliberation)
        owned = [
            *(
                [(candidacy_code, candidacy), ("dossier_evaluation", judged.get(candidacy.pk))]
                if first
                else []
            ),
            ("fiche_decision", deliberation),
            (str(certificate.kind), certificate) if certificate else (None, None),
        ]
        for code, obj in owned:
            document = _stored(code, obj, latest) if code else None
            if document is not None:
                name = _entry_name(code, obj, several=not first)
                entries.append((f"{folder}/{name}", document, candidacy.pk))
    pv = _stored("proces_verbal", session, latest)
    if pv is not None:
        entries.append((f"{_entry_name('proces_verbal', session)}", pv, None))
    return entries


def _certificate_of(deliberation):
    return getattr(deliberation, "certificate", None) if deliberation.is_decided else None


def _entry_name(code: str, obj, *, several: bool = False) -> str:
    """`<kind>.pdf`; a second fiche of one candidacy carries its number."""
    label = slugify(documents.get_kind(code).label) or code
    return f"{label}-{obj.pk}.pdf" if several else f"{label}.pdf"


def _zip_entry(path: str, document: Document) -> zipfile.ZipInfo:
    """The archive's entry for a stored document, dated when it was generated (local time:
    unzip tools show the stored date as is)."""
    generated = timezone.localtime(document.generated_at)
    entry = zipfile.ZipInfo(path, date_time=generated.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


def session_dossiers_archive(
    session,
) -> tuple[IO[bytes], list[tuple[Document, int | None]]]:
    """A ZIP of every document of the session (session_dossiers), each entry dated from its
    document's generation, as an open file rewound to its start (for a response, which closes
    it), and the (Document, candidacy pk) it holds, for the download log."""
    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY_BYTES)  # noqa: SIM115
    included = []
    try:
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path, document, candidacy_pk in session_dossiers(session):
                try:
                    source = document.file.open("rb")
                except FileNotFoundError:
                    continue
                with source, zf.open(_zip_entry(path, document), "w") as target:
                    shutil.copyfileobj(source, target)
                included.append((document, candidacy_pk))
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return archive, included
