"""Every uploaded file of the product goes through here.

`LimitedUploadHandler`, first of FILE_UPLOAD_HANDLERS, stops reading a request as soon as one
of its files is over MAX_SIZE, or as soon as a file starts in a body announced over
MAX_BODY_SIZE; the form then refuses that file beside its field (`refusals`, and
`cqp.forms_upload.UploadForm`), and keeps the fields read before it.

`check_upload` judges the whole file by its content, never by its name or declared type: a
PDF must parse, an image must decode within MAX_PIXELS, an office document must be a
well-formed archive of its kind whose unpacked size, read from its central directory, stays
within MAX_UNPACKED_SIZE. Each refusal says, in French, what is wrong.
"""

import hashlib
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
)
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

MAX_SIZE = 15 * 1024 * 1024
# A form's other fields and the multipart framing take far less than this margin. The
# reverse proxy's body limit is the same (README, « Running in production »).
MAX_BODY_SIZE = MAX_SIZE + 1024 * 1024
# 48-megapixel phone photos pass; decoding the largest image accepted takes about 200 MB.
MAX_PIXELS = 50_000_000
# Unpacked, office documents weigh a few times their size (their XML compresses ten- to
# twentyfold): 256 MiB is seventeen times the largest file accepted.
MAX_UNPACKED_SIZE = 256 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 10_000
# The parts read from an office archive to tell its kind are a few kilobytes.
MAX_PART_READ = 1024 * 1024
MAX_NAME_LENGTH = 150


class UploadRefused(ValueError):
    """A file refused; its message says why, in French."""


def _mebibytes(size: int) -> str:
    return formats.number_format(size / 1024 / 1024, 1)


# Reading the request --------------------------------------------------------------------------


class LimitedUploadHandler(FileUploadHandler):
    """Reads no file past MAX_SIZE, and no file at all from a body announced over
    MAX_BODY_SIZE (only a request that bypassed the reverse proxy can be that large).

    The refused file's field and the reason are kept on the request for `refusals`; the
    other handlers receive what this one lets through."""

    body_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_too_large = content_length > MAX_BODY_SIZE

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.body_too_large:
            # Not a byte more: the body may be hundreds of megabytes.
            self._refuse(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_SIZE:
            # The rest of a body within MAX_BODY_SIZE is read and dropped, so that the client
            # (or the proxy) receives the answer on a clean connection.
            self._refuse(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self, *, connection_reset: bool):
        message = _(
            "Le fichier dépasse la taille maximale de %(size)d Mo : il n'a pas été reçu."
        ) % {"size": MAX_SIZE // (1024 * 1024)}
        self.request.refused_uploads = {self.field_name: message}
        raise StopUpload(connection_reset=connection_reset)


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Keeps the file in memory whatever its size, never in a temporary file: for a file read
    and never stored (the public verification of a PDF). LimitedUploadHandler, before it,
    bounds that size to MAX_SIZE."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def memory_only(request) -> None:
    """Read this request's files in memory only (before anything reads its body)."""
    request.upload_handlers = [LimitedUploadHandler(request), MemoryOnlyUploadHandler(request)]


def refusals(request) -> dict[str, str]:
    """The file fields of the request that `LimitedUploadHandler` refused to read, with why."""
    request.FILES  # noqa: B018 -- reading the body is what runs the upload handlers
    return getattr(request, "refused_uploads", {})


# Judging a file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of file the product accepts: its label, true extension and content type."""

    label: str
    extension: str
    content_type: str
    suffixes: tuple[str, ...]


PDF = Kind("PDF", "pdf", "application/pdf", (".pdf",))
JPEG = Kind("JPEG", "jpg", "image/jpeg", (".jpg", ".jpeg"))
PNG = Kind("PNG", "png", "image/png", (".png",))
DOCX = Kind(
    "DOCX",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
ODT = Kind("ODT", "odt", "application/vnd.oasis.opendocument.text", (".odt",))
XLSX = Kind(
    "XLSX", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
ODS = Kind("ODS", "ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
OFFICE_KINDS = (DOCX, ODT, XLSX, ODS)
EVERY_KIND = (PDF, JPEG, PNG, *OFFICE_KINDS)


def _unreadable_pdf() -> UploadRefused:
    # Whatever a PDF parser fails on, the file is not a PDF that a reader can open.
    return UploadRefused(
        _("Ce fichier n'est pas un PDF lisible : il est endommagé ou n'est pas un vrai PDF.")
    )


def _pdf(upload: UploadedFile) -> Kind:
    try:
        reader = PdfReader(upload, strict=False)
    except Exception as error:
        raise _unreadable_pdf() from error
    try:
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRefused(
                _("Ce PDF est protégé par un mot de passe : joignez une version sans mot de passe.")
            )
        pages = len(reader.pages)
    except UploadRefused:
        raise
    except Exception as error:
        raise _unreadable_pdf() from error
    if pages == 0:
        raise UploadRefused(_("Ce PDF ne contient aucune page."))
    return PDF


def _image(kind: Kind, pil_format: str) -> Callable[[UploadedFile], Kind]:
    def check(upload: UploadedFile) -> Kind:
        too_large = UploadRefused(
            _(
                "Cette image compte trop de pixels (plus de %(max)d millions) : réduisez sa "
                "définition, puis joignez-la à nouveau."
            )
            % {"max": MAX_PIXELS // 1_000_000}
        )
        try:
            # Pillow itself refuses to open images of more than twice its own limit.
            with Image.open(upload, formats=[pil_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_large
                image.verify()
            upload.seek(0)
            # verify() checks the structure; only decoding every pixel finds the rest.
            with Image.open(upload, formats=[pil_format]) as image:
                image.load()
            return kind
        except UploadRefused:
            raise
        except Image.DecompressionBombError as error:
            raise too_large from error
        except Exception as error:
            # Pillow documents that a damaged image may raise any exception.
            raise UploadRefused(
                _(
                    "Cette image (%(format)s) ne peut pas être lue : elle est endommagée ou incomplète."
                )
                % {"format": pil_format}
            ) from error

    return check


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One part of the archive, read no further than `limit` bytes whatever its header says."""
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            _("Ce document ne peut pas être lu : une de ses parties est anormalement grande.")
        )
    return data


def _opendocument_kind(archive: zipfile.ZipFile, names: set[str]) -> Kind | None:
    """OpenDocument: a first entry `mimetype` naming the type, a content and a manifest."""
    entries = archive.infolist()
    if not entries or entries[0].filename != "mimetype":
        return None
    mimetype = _read_part(archive, "mimetype", 100).decode("ascii", "replace").strip()
    if not {"content.xml", "META-INF/manifest.xml"} <= names:
        return None
    return next((k for k in OFFICE_KINDS if k.content_type == mimetype), None)


CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _office_open_xml_kind(archive: zipfile.ZipFile, names: set[str]) -> Kind | None:
    """Office Open XML: [Content_Types].xml declares the main part, and that part exists."""
    if "[Content_Types].xml" not in names:
        return None
    declared = _read_part(archive, "[Content_Types].xml", MAX_PART_READ)
    if b"<!DOCTYPE" in declared.upper():
        # Open Packaging forbids DTDs: without one, no entity can be declared or expanded.
        return None
    root = ElementTree.fromstring(declared)  # noqa: S314 -- bounded, and without a DTD
    main_parts = {f"{k.content_type}.main+xml": k for k in OFFICE_KINDS}
    for override in root.iter(f"{{{CONTENT_TYPES_NS}}}Override"):
        kind = main_parts.get(override.get("ContentType", ""))
        if kind and override.get("PartName", "").lstrip("/") in names:
            return kind
    return None


def _office_kind(upload: UploadedFile) -> Kind | None:
    """The office document's kind, from its central directory and the few bytes that name it;
    None for an archive of another kind."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise UploadRefused(
                    _("Ce document contient trop d'éléments (%(count)s, %(max)s au maximum).")
                    % {
                        "count": formats.number_format(len(entries), force_grouping=True),
                        "max": formats.number_format(MAX_ARCHIVE_ENTRIES, force_grouping=True),
                    }
                )
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_UNPACKED_SIZE:
                raise UploadRefused(
                    _(
                        "Ce document occuperait %(size)s Mo une fois décompressé, %(max)d Mo au "
                        "maximum : ce n'est pas un document ordinaire."
                    )
                    % {"size": _mebibytes(unpacked), "max": MAX_UNPACKED_SIZE // (1024 * 1024)}
                )
            names = {entry.filename for entry in entries}
            if len(names) < len(entries):
                raise zipfile.BadZipFile("two entries of the same name")
            for entry in entries:
                # Each entry's local header is where the directory says, under its name.
                archive.open(entry).close()
            return _opendocument_kind(archive, names) or _office_open_xml_kind(archive, names)
    except UploadRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ElementTree.ParseError,
        EOFError,
        NotImplementedError,
        OSError,
        RuntimeError,
        ValueError,
        zlib.error,
    ) as error:
        raise UploadRefused(
            _("Ce document ne peut pas être lu : son archive est endommagée ou incomplète.")
        ) from error


# By their first bytes, the family a file claims to be; then the whole file is judged.
FAMILIES = (
    (b"%PDF-", (PDF,), _pdf),
    (b"\xff\xd8\xff", (JPEG,), _image(JPEG, "JPEG")),
    (b"\x89PNG\r\n\x1a\n", (PNG,), _image(PNG, "PNG")),
    (b"PK\x03\x04", OFFICE_KINDS, _office_kind),
)


def labels(kinds: Collection[Kind]) -> str:
    """« PDF, JPEG, PNG »: the kinds as the forms' help texts and the refusals list them."""
    return ", ".join(kind.label for kind in kinds)


def accept_attribute(kinds: Collection[Kind]) -> str:
    """The file input's `accept` hint: the browser's picker only, the server reads the bytes."""
    return ",".join(suffix for kind in kinds for suffix in kind.suffixes)


@dataclass(frozen=True)
class Checked:
    """An accepted file: its true kind, size, digest and a name safe to show and to download."""

    extension: str
    content_type: str
    size: int
    sha256: str
    name: str
    name_shortened: bool


def _judge(upload: UploadedFile, accepted: Collection[Kind]) -> Kind:
    upload.seek(0)
    head = upload.read(8)
    for signature, kinds, judge in FAMILIES:
        if head.startswith(signature) and any(kind in accepted for kind in kinds):
            upload.seek(0)
            try:
                kind = judge(upload)
            finally:
                upload.seek(0)
            if kind in accepted:
                return kind
    raise UploadRefused(
        _("Ce type de fichier n'est pas accepté. Formats acceptés : %(formats)s.")
        % {"formats": labels(accepted)}
    )


def _clean_stem(name: str) -> str:
    """The name without any path part, control or reserved character, nor extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    base = base.strip(" .")
    return (base.rsplit(".", 1)[0] if "." in base else base).strip(" .")


def sanitize_name(name: str, extension: str) -> str:
    """A display name without any path part or control character, of at most MAX_NAME_LENGTH
    characters before the true extension."""
    stem = _clean_stem(name)[:MAX_NAME_LENGTH].strip(" .") or _("piece-justificative")
    return f"{stem}.{extension}"


def check_upload(upload: UploadedFile, *, accepted: Collection[Kind] = EVERY_KIND) -> Checked:
    """The file judged whole, if its kind is one of `accepted`; else UploadRefused, whose
    message says what is wrong. The file is rewound for whoever stores it."""
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(_("Le fichier est vide."))
    if size > MAX_SIZE:
        raise UploadRefused(
            _("Le fichier dépasse la taille maximale de %(max)d Mo (%(size)s Mo).")
            % {"max": MAX_SIZE // (1024 * 1024), "size": _mebibytes(size)}
        )
    kind = _judge(upload, accepted)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(
        extension=kind.extension,
        content_type=kind.content_type,
        size=size,
        sha256=digest.hexdigest(),
        name=sanitize_name(upload.name, kind.extension),
        name_shortened=len(_clean_stem(upload.name)) > MAX_NAME_LENGTH,
    )


def store_checked(row, checked: Checked, upload: UploadedFile, *, stem: str):
    """Fill `row` (a cqp.models.StoredUpload, its other fields and `uploaded_by` set) with
    what the check found, then store the file as `<stem>.<extension>` under a random name
    and save the row. The file is stored last, so that whatever fails before leaves none
    behind, and removed again if the row cannot be saved."""
    row.original_name = checked.name
    row.content_type = checked.content_type
    row.size = checked.size
    row.sha256 = checked.sha256
    row.file.save(f"{stem}.{checked.extension}", upload, save=False)
    try:
        row.save()
    except Exception:
        row.file.storage.delete(row.file.name)
        raise
    row.name_shortened = checked.name_shortened
    return row
