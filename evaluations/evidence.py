"""Checking evidence files: the type is read from the file's bytes, never from its name."""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.translation import gettext as _

MAX_SIZE = 15 * 1024 * 1024
MAX_FILES_PER_COMPETENCE = 10

OOXML = {
    "docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
ACCEPTED_LABEL = "PDF, JPEG, PNG, DOCX, ODT, XLSX, ODS"


@dataclass(frozen=True)
class Checked:
    extension: str
    content_type: str
    size: int
    sha256: str
    name: str


class EvidenceRefused(ValueError):
    pass


def _zip_type(upload: UploadedFile) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype in OPENDOCUMENT:
                    return OPENDOCUMENT[mimetype], mimetype
            if "[Content_Types].xml" in names:
                for extension, (folder, mimetype) in OOXML.items():
                    if any(name.startswith(folder) for name in names):
                        return extension, mimetype
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def detect_type(upload: UploadedFile) -> tuple[str, str] | None:
    """(extension, content type) from the file's first bytes and structure, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if head.startswith(b"PK\x03\x04"):
        found = _zip_type(upload)
        upload.seek(0)
        return found
    return None


def sanitize_name(name: str, extension: str) -> str:
    """A display name without any path part or control character, ending with the true extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    base = base.strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" .")[:150] or _("piece-justificative")
    return f"{stem}.{extension}"


def check_upload(upload: UploadedFile) -> Checked:
    """Validate an uploaded file; raise EvidenceRefused with a French message when refused."""
    size = upload.size or 0
    if size == 0:
        raise EvidenceRefused(_("Le fichier est vide."))
    if size > MAX_SIZE:
        raise EvidenceRefused(
            _("Le fichier dépasse la taille maximale de 15 Mo (%(size)s Mo).")
            % {"size": formats.number_format(size / 1024 / 1024, 1)}
        )
    found = detect_type(upload)
    if found is None:
        raise EvidenceRefused(
            _("Ce type de fichier n'est pas accepté. Formats acceptés : %(formats)s.")
            % {"formats": ACCEPTED_LABEL}
        )
    extension, content_type = found
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(
        extension=extension,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        name=sanitize_name(upload.name, extension),
    )
