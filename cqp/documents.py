"""Official PDF documents (WeasyPrint, A4, French).

Each app registers the kinds of document it owns (`register`), with the template that
renders one, the objects a user may download, and whether an object's content is final.
This module renders them, stores a final one once with its SHA-256 (`document_store_final`,
run by the `cqp.tasks.generate_document` task after commit: `cqp.tasks.generate_document_later`)
and answers the download and draft-preview views. It knows nothing of the apps built on it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from . import seal, typography
from .models import Document, Issuer
from .utils import AmongRows


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    model: type[models.Model]
    template: str
    # The template context for one object (the base template reads `certification`,
    # `candidate_name` and `document_title` for the header repeated on every page).
    context: Callable[[models.Model], dict]
    title: Callable[[models.Model], str]
    # Objects of `model` whose documents `user` may download or preview; others are 404.
    visible: Callable[[object], QuerySet]
    # Whether the object's content is final (a stored document); before, only a draft.
    is_final: Callable[[models.Model], bool] = lambda obj: True
    # Lookup from `model` to the candidacy it belongs to ("pk", "candidacy", ...), so that
    # the candidacy page can list its documents; None for documents of no one candidacy.
    candidacy_lookup: str | None = None
    # With `candidacy_lookup`: an order of `model` by which only the first object's document
    # is among the candidacy's documents (a letter per recevabilité decision: the latest
    # one; each earlier letter is beside its decision in the history of the decisions).
    candidacy_latest: tuple[str, ...] = ()
    # Sealed by the CPEF (cqp.seal) before it is stored: the documents that certify something.
    sealed: bool = False


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    """Called once per kind from an AppConfig.ready."""
    _kinds[kind.code] = kind


def get_kind(code: str) -> DocumentKind:
    return _kinds[code]


def kinds() -> list[DocumentKind]:
    return list(_kinds.values())


# PDF/A-3b: the archival variant (fonts embedded, colours and metadata declared), which also
# allows a file attached to the PDF later on.
PDF_VARIANT = "pdf/a-3b"


def _issuer_logo(issuer: Issuer) -> str:
    """The issuer's logo as a data URI, whatever the storage; "" without one (the documents
    then print the short name in its place)."""
    if not issuer.logo:
        return ""
    try:
        with issuer.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    content_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def document_html(kind: DocumentKind, obj, *, draft: bool = False) -> str:
    """The HTML the PDF of `obj`'s document is made from, in French, under the issuer's
    identity, with French typography (cqp.typography)."""
    issuer = Issuer.current()
    with translation.override("fr"):
        context = {
            **kind.context(obj),
            "document_title": kind.title(obj),
            "draft": draft,
            "generated_at": timezone.localtime(),
            "site_url": settings.SITE_URL,
            "issuer": issuer,
            "issuer_logo": _issuer_logo(issuer),
        }
        html = render_to_string(kind.template, context)
    return typography.french_html(html) if settings.FRENCH_TYPOGRAPHY else html


def render_pdf(kind: DocumentKind, obj, *, draft: bool = False) -> tuple[bytes, int]:
    """The PDF/A bytes and page count of `obj`'s document, under the issuer's identity.
    Always French: an official document."""
    from weasyprint import HTML  # heavy import, only where PDFs are made

    html = document_html(kind, obj, draft=draft)
    rendered = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return rendered.write_pdf(pdf_variant=PDF_VARIANT), len(rendered.pages)


def _filename(kind: DocumentKind, obj, sha: str) -> str:
    base = slugify(kind.title(obj))[:120] or kind.code
    return f"{base}-{sha[:12]}.pdf"


def _seal(pdf: bytes) -> bytes:
    """The PDF with the issuer's seal; SealUnavailable (nothing stored) when it cannot be."""
    issuer = Issuer.current()
    return seal.seal_pdf(
        pdf,
        signer_name=issuer.name,
        reason=f"Document officiel délivré par {issuer.name}",
        location=issuer.city,
    )


def document_find(code: str, obj, edition: int = 1) -> Document | None:
    content_type = ContentType.objects.get_for_model(obj.__class__)
    return Document.objects.filter(
        kind=code, content_type=content_type, object_id=obj.pk, edition=edition
    ).first()


def document_store(code: str, obj, edition: int = 1) -> Document:
    """Render and store `obj`'s final document once; an existing edition is returned as is.
    A sealed kind is sealed before its digest is taken: the stored bytes are the sealed ones."""
    kind = get_kind(code)
    existing = document_find(code, obj, edition)
    if existing is not None:
        return existing
    pdf, pages = render_pdf(kind, obj)
    if kind.sealed:
        pdf = _seal(pdf)
    sha = hashlib.sha256(pdf).hexdigest()
    document = Document(
        kind=code,
        content_type=ContentType.objects.get_for_model(kind.model),
        object_id=obj.pk,
        edition=edition,
        title=kind.title(obj)[:300],
        sha256=sha,
        size=len(pdf),
        pages=pages,
    )
    document.file.save(_filename(kind, obj, sha), ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another task stored this edition first: keep theirs, drop our copy.
        document.file.delete(save=False)
        return Document.objects.get(
            kind=code, content_type=document.content_type, object_id=obj.pk, edition=edition
        )
    return document


def document_store_final(*, code: str, object_id: int, edition: int = 1) -> Document | None:
    """Store the final document of one object once; None when the object is gone or its
    content is not final (yet). A repeated call stores nothing more."""
    kind = get_kind(code)
    obj = kind.model._default_manager.filter(pk=object_id).first()
    if obj is None or not kind.is_final(obj):
        return None
    return document_store(code, obj, edition)


def latest_documents(code: str, object_ids) -> dict[int, Document]:
    """The latest stored edition of kind `code` for each of `object_ids`, in one query."""
    latest: dict[int, Document] = {}
    for document in Document.objects.filter(kind=code, object_id__in=list(object_ids)).order_by(
        "object_id", "edition"
    ):
        latest[document.object_id] = document
    return latest


def candidacy_document_rows(candidacy_pk) -> QuerySet[Document]:
    """Every stored edition of the documents of the candidacy `candidacy_pk` (a key, or an
    expression naming the candidacy of an outer query, as candidates.selectors.candidacy_page
    reads them), for `latest_editions`; of a kind with `candidacy_latest`, its latest
    object's only."""
    condition = Q(pk__in=[])
    for kind in _kinds.values():
        if kind.candidacy_lookup is None:
            continue
        owners = kind.model._default_manager.filter(**{kind.candidacy_lookup: candidacy_pk})
        if kind.candidacy_latest:
            owners = owners.order_by(*kind.candidacy_latest)[:1]
        # Each kind's documents along document_kind_object.
        condition |= Q(Q(kind=kind.code), AmongRows("object_id", owners.values("pk")))
    return Document.objects.filter(condition).order_by("generated_at", "edition", "pk")


def latest_editions(documents) -> list[Document]:
    """The latest edition of each document among `documents` (editions of one candidacy's
    documents), oldest first."""
    latest: dict[tuple[str, int], Document] = {}
    for document in sorted(documents, key=lambda d: (d.generated_at, d.edition, d.pk)):
        latest[(document.kind, document.object_id)] = document
    return sorted(latest.values(), key=lambda d: (d.generated_at, d.pk))


def visible_object(kind: DocumentKind, user, object_id: int):
    """The object if `user` may see its documents, else None."""
    return kind.visible(user).filter(pk=object_id).first()


def candidacy_pk_of(kind: DocumentKind, obj) -> int | None:
    """The pk of the candidacy `obj`'s documents belong to; None for a kind of no one candidacy."""
    if kind.candidacy_lookup is None:
        return None
    owners = kind.model._default_manager.filter(pk=obj.pk)
    return owners.values_list(kind.candidacy_lookup, flat=True).first()


class Authenticity(StrEnum):
    """What an uploaded PDF is, as the public verification page answers it."""

    ORIGINAL = "original"  # a sealed document we stored, byte for byte, its seal valid
    SEAL_INVALID = "sceau_invalide"  # one we stored, whose seal no longer verifies here
    ALTERED = "modifie"  # it carries our seal but is not a document we stored as is
    UNKNOWN = "inconnu"  # neither one of ours nor sealed by us


@dataclass(frozen=True)
class Authentication:
    verdict: Authenticity
    document: Document | None = None
    verification: seal.Verification | None = None


def document_authenticate(pdf: bytes) -> Authentication:
    """Whether `pdf` is the sealed original of a stored document: its SHA-256 is that of a
    stored document of a sealed kind, and its seal verifies (cqp.seal.verify). Stores nothing."""
    codes = [kind.code for kind in _kinds.values() if kind.sealed]
    sha = hashlib.sha256(pdf).hexdigest()
    document = (
        Document.objects.filter(sha256=sha, kind__in=codes).order_by("-edition", "-pk").first()
    )
    verification = seal.verify(pdf)
    if document is not None:
        verdict = Authenticity.ORIGINAL if verification.valid else Authenticity.SEAL_INVALID
    elif verification.sealed and verification.ours:
        verdict = Authenticity.ALTERED
    else:
        verdict = Authenticity.UNKNOWN
    return Authentication(verdict, document, verification)
