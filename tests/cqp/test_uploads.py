"""Uploads are judged whole by their content, never by their name or declared type, and no
request is read past the limits."""

import hashlib
import io
import struct
import tracemalloc
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory

from cqp import uploads
from cqp.uploads import MAX_BODY_SIZE, MAX_PIXELS, MAX_SIZE, UploadRefused, check_upload

from .builders import (
    DOCX_TYPE,
    ODS_TYPE,
    ODT_TYPE,
    XLSX_TYPE,
    GrowingBody,
    archive,
    content_types,
    docx_bomb,
    docx_bytes,
    docx_lying_about_its_content_types,
    docx_parts,
    jpeg_bytes,
    ods_bytes,
    odt_bytes,
    opendocument,
    pdf_bytes,
    pdf_encrypted_with_aes,
    png_bytes,
    png_claiming,
    png_of_size,
    xlsx_bytes,
)

PDF, PNG, JPEG = pdf_bytes(), png_bytes(), jpeg_bytes()
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"

TYPE_REFUSED = (
    "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG, PNG, DOCX, ODT, XLSX, ODS."
)
PDF_UNREADABLE = "Ce fichier n'est pas un PDF lisible : il est endommagé ou n'est pas un vrai PDF."
ARCHIVE_DAMAGED = "Ce document ne peut pas être lu : son archive est endommagée ou incomplète."
TOO_MANY_PIXELS = (
    "Cette image compte trop de pixels (plus de 50 millions) : réduisez sa définition, "
    "puis joignez-la à nouveau."
)


def upload(name, content, declared="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=declared)


def refusal(file, **kwargs) -> str:
    with pytest.raises(UploadRefused) as excinfo:
        check_upload(file, **kwargs)
    return str(excinfo.value)


# Accepted files -------------------------------------------------------------------------------

ACCEPTED = [
    ("compte-rendu.pdf", PDF, "pdf", "application/pdf"),
    ("photo.jpg", JPEG, "jpg", "image/jpeg"),
    ("photo.jpeg", JPEG, "jpg", "image/jpeg"),
    ("schema.png", PNG, "png", "image/png"),
    ("bilan.docx", docx_bytes(), "docx", DOCX_TYPE),
    ("suivi.xlsx", xlsx_bytes(), "xlsx", XLSX_TYPE),
    ("note.odt", odt_bytes(), "odt", ODT_TYPE),
    ("tableau.ods", ods_bytes(), "ods", ODS_TYPE),
]


@pytest.mark.parametrize(("name", "content", "extension", "content_type"), ACCEPTED)
def test_check_upload_accepts_each_format_with_its_true_extension_and_type(
    name, content, extension, content_type
):
    file = upload(name, content)
    checked = check_upload(file)
    assert (checked.extension, checked.content_type) == (extension, content_type)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert (checked.name, checked.name_shortened) == (
        f"{name.rsplit('.', 1)[0]}.{extension}",
        False,
    )
    # The storage reads the file after the check: it must be rewound.
    assert file.tell() == 0


def test_check_upload_ignores_the_declared_content_type():
    checked = check_upload(upload("photo.png", PNG, declared="application/pdf"))
    assert (checked.extension, checked.content_type) == ("png", "image/png")


def test_check_upload_reads_files_spooled_to_disk():
    # Django spools uploads over 2.5 MB to a temporary file: the check reads those too.
    file = TemporaryUploadedFile("gros-rapport.pdf", "application/pdf", len(PDF), "utf-8")
    file.write(PDF)
    file.seek(0)
    try:
        checked = check_upload(file)
    finally:
        file.close()
    assert (checked.extension, checked.size, checked.name) == ("pdf", len(PDF), "gros-rapport.pdf")


def test_check_upload_names_a_pdf_called_exe_after_its_content():
    checked = check_upload(upload("programme.exe", PDF))
    assert (checked.extension, checked.name) == ("pdf", "programme.pdf")


def test_check_upload_accepts_a_pdf_restricted_by_its_author_only():
    assert check_upload(upload("bulletin.pdf", pdf_bytes(user_password=""))).extension == "pdf"


def test_check_upload_accepts_an_aes_encrypted_pdf_with_only_an_authors_password():
    assert check_upload(upload("attestation.pdf", pdf_encrypted_with_aes())).extension == "pdf"


def test_check_upload_accepts_exactly_the_maximum_size():
    assert check_upload(upload("gros.png", png_of_size(MAX_SIZE))).size == MAX_SIZE


def test_check_upload_accepts_an_image_of_exactly_the_maximum_pixels():
    image = png_bytes((10_000, MAX_PIXELS // 10_000), mode="1")
    assert check_upload(upload("scan.png", image)).extension == "png"


def test_check_upload_takes_only_the_kinds_accepted():
    # A logo takes images only: a PDF is refused by its kind, without being parsed.
    logo = (uploads.PNG, uploads.JPEG)
    assert check_upload(upload("logo.png", PNG), accepted=logo).extension == "png"
    message = "Ce type de fichier n'est pas accepté. Formats acceptés : PNG, JPEG."
    assert refusal(upload("logo.pdf", PDF), accepted=logo) == message
    assert refusal(upload("logo.pdf", b"%PDF-1.7\n" + HTML), accepted=logo) == message
    assert refusal(upload("logo.docx", docx_bytes()), accepted=logo) == message


def test_accepted_kinds_as_the_forms_show_them():
    assert uploads.labels(uploads.EVERY_KIND) == "PDF, JPEG, PNG, DOCX, ODT, XLSX, ODS"
    assert (
        uploads.accept_attribute(uploads.EVERY_KIND) == ".pdf,.jpg,.jpeg,.png,.docx,.odt,.xlsx,.ods"
    )


# Refused by their first bytes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", EXECUTABLE),
        ("photo.jpg", EXECUTABLE),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("page.pdf", HTML),
        ("notes.txt", b"Simple texte"),
        ("image.gif", b"GIF89a\x01\x00\x01\x00"),
        ("sans-extension", b"\x00\x01\x02\x03"),
    ],
)
def test_check_upload_refuses_unknown_content_whatever_the_name(name, content):
    assert refusal(upload(name, content)) == TYPE_REFUSED


def test_check_upload_refuses_an_empty_file():
    assert refusal(upload("vide.pdf", b"")) == "Le fichier est vide."


def test_check_upload_refuses_a_file_one_byte_over_the_maximum():
    message = refusal(upload("enorme.png", png_of_size(MAX_SIZE + 1)))
    assert message == "Le fichier dépasse la taille maximale de 15 Mo (15,0 Mo)."


# Refused once read whole ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n" + HTML, PDF_UNREADABLE),
        (PDF[: len(PDF) // 2], PDF_UNREADABLE),
        (
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
            PDF_UNREADABLE,
        ),
        (pdf_bytes(pages=0), "Ce PDF ne contient aucune page."),
        (
            pdf_bytes(user_password="secret"),
            "Ce PDF est protégé par un mot de passe : joignez une version sans mot de passe.",
        ),
        (
            b"\x89PNG\r\n\x1a\n" + HTML,
            "Cette image (PNG) ne peut pas être lue : elle est endommagée ou incomplète.",
        ),
        (
            png_bytes((64, 64))[:-30],
            "Cette image (PNG) ne peut pas être lue : elle est endommagée ou incomplète.",
        ),
        (
            b"\xff\xd8\xff\xe0" + HTML,
            "Cette image (JPEG) ne peut pas être lue : elle est endommagée ou incomplète.",
        ),
        (
            jpeg_bytes((64, 64))[:-200],
            "Cette image (JPEG) ne peut pas être lue : elle est endommagée ou incomplète.",
        ),
    ],
    ids=[
        "pdf-header-then-html",
        "half-a-pdf",
        "pdf-without-cross-references",
        "pdf-without-pages",
        "pdf-with-a-password",
        "png-header-then-html",
        "truncated-png",
        "jpeg-header-then-html",
        "truncated-jpeg",
    ],
)
def test_check_upload_refuses_files_that_do_not_parse_as_what_they_claim(content, message):
    assert refusal(upload("piece", content)) == message


@pytest.mark.parametrize(
    "build",
    [lambda: png_bytes((8_000, 8_000), mode="1"), lambda: png_claiming(100_000, 100_000)],
    ids=["64-megapixels", "header-claiming-10-gigapixels"],
)
def test_check_upload_refuses_images_of_too_many_pixels_without_decoding_them(build):
    assert refusal(upload("scan.png", build())) == TOO_MANY_PIXELS


@pytest.mark.parametrize(
    "content",
    [
        archive(("notes.txt", "une archive ordinaire")),
        archive(*docx_parts()[:2]),
        archive(("[Content_Types].xml", content_types()), ("word/document.xml", "<x/>")),
        archive(
            ("[Content_Types].xml", content_types(("/word/document.xml", f"{DOCX_TYPE}.main+xml"))),
            ("word/autre.xml", "<x/>"),
        ),
        archive(
            (
                "[Content_Types].xml",
                content_types(
                    ("/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
                ),
            ),
            ("word/document.xml", "<x/>"),
        ),
        opendocument("application/x-msdownload", ""),
        archive(("content.xml", "<x/>"), ("mimetype", ODT_TYPE), ("META-INF/manifest.xml", "<m/>")),
        archive(("mimetype", ODT_TYPE), ("META-INF/manifest.xml", "<m/>"), stored_first=True),
        archive(("META-INF/MANIFEST.MF", "Main-Class: X"), ("X.class", "\xca")),
        archive(
            (
                "[Content_Types].xml",
                content_types(("/word/document.xml", "&main;")).replace(
                    "<Types", f'<!DOCTYPE Types [<!ENTITY main "{DOCX_TYPE}.main+xml">]><Types'
                ),
            ),
            *docx_parts()[1:],
        ),
    ],
    ids=[
        "plain-zip",
        "docx-without-its-document",
        "content-types-declaring-no-document",
        "declared-document-missing",
        "macro-enabled-docm",
        "odt-with-a-foreign-mimetype",
        "mimetype-not-first",
        "odt-without-content",
        "jar",
        "content-types-with-a-dtd",
    ],
)
def test_check_upload_refuses_archives_that_are_not_office_documents(content):
    assert refusal(upload("bilan.docx", content)) == TYPE_REFUSED


def _twice_named() -> bytes:
    """A DOCX holding two different documents under one name: readers disagree on which."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate
        return archive(*docx_parts("Premier"), docx_parts("Second")[-1])


def _directory_pointing_elsewhere() -> bytes:
    """A DOCX whose central directory places its document at the first entry's header."""
    content = bytearray(docx_bytes())
    record = content.rindex(b"PK\x01\x02", 0, content.rindex(b"word/document.xml"))
    struct.pack_into("<L", content, record + 42, 0)
    return bytes(content)


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + b"\x00" * 40,
        docx_bytes()[:-30],
        _twice_named(),
        _directory_pointing_elsewhere(),
    ],
    ids=["header-only", "truncated", "two-entries-of-one-name", "directory-pointing-elsewhere"],
)
def test_check_upload_refuses_a_damaged_archive(content):
    assert refusal(upload("bilan.docx", content)) == ARCHIVE_DAMAGED


def _refused_within(content: bytes, megabytes: int) -> str:
    """The refusal, checking that Python never held more than `megabytes` MB meanwhile."""
    tracemalloc.start()
    try:
        message = refusal(upload("bilan.docx", content))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1024 * 1024
    return message


def test_check_upload_refuses_a_document_unpacking_to_a_gibibyte_without_unpacking_it():
    bomb = docx_bomb()
    assert len(bomb) < 1_100_000
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/document.xml").file_size == 1 << 30
    assert _refused_within(bomb, 4) == (
        "Ce document occuperait 1024,0 Mo une fois décompressé, 256 Mo au maximum : "
        "ce n'est pas un document ordinaire."
    )


def test_check_upload_reads_no_more_than_a_part_declares():
    # The directory says 430 bytes; the data unpacks to 64 MiB: only 430 are read.
    assert _refused_within(docx_lying_about_its_content_types(), 4) == ARCHIVE_DAMAGED


def test_check_upload_reads_no_more_than_a_megabyte_of_a_part_that_names_the_kind():
    padded = content_types(("/word/document.xml", f"{DOCX_TYPE}.main+xml")) + " " * (2 << 20)
    content = archive(("[Content_Types].xml", padded), *docx_parts()[1:])
    assert _refused_within(content, 4) == (
        "Ce document ne peut pas être lu : une de ses parties est anormalement grande."
    )


def test_check_upload_refuses_an_archive_of_too_many_entries():
    entries = [(f"word/media/image{n}.png", "") for n in range(10_001)]
    content = archive(*docx_parts(), *entries)
    assert refusal(upload("bilan.docx", content)) == (
        "Ce document contient trop d'éléments (10\xa0004, 10\xa0000 au maximum)."
    )


# Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "pdf", "x.pdf"),
        ("C:\\Users\\moi\\Mes documents\\CV final.docx", "docx", "CV final.docx"),
        ("rap\x00port\n\t.pdf", "pdf", "rapport.pdf"),
        # A right-to-left override would display "facturexe.pdf" for an executable.
        ("facture\u202efdp.exe", "pdf", "facturefdp.pdf"),
        ('a<b>:c"d|e?f*.pdf', "pdf", "abcdef.pdf"),
        ("virus.exe", "pdf", "virus.pdf"),
        ("photo.PNG.exe", "png", "photo.PNG.png"),
        ("sans-extension", "odt", "sans-extension.odt"),
        ("Relevé d'activités.pdf", "pdf", "Relevé d'activités.pdf"),
        ("..", "png", "piece-justificative.png"),
        ("", "pdf", "piece-justificative.pdf"),
        (" .. ", "pdf", "piece-justificative.pdf"),
    ],
)
def test_sanitize_name(name, extension, expected):
    assert uploads.sanitize_name(name, extension) == expected


def test_sanitize_name_shortens_long_names_but_keeps_the_extension():
    assert uploads.sanitize_name("a" * 400 + ".pdf", "pdf") == "a" * 150 + ".pdf"
    assert uploads.sanitize_name("a" * 149 + " . b.pdf", "pdf") == "a" * 149 + ".pdf"


def test_check_upload_says_when_it_shortened_the_name():
    assert check_upload(upload("a" * 150 + ".pdf", PDF)).name_shortened is False
    checked = check_upload(upload("a" * 151 + ".pdf", PDF))
    assert (checked.name, checked.name_shortened) == ("a" * 150 + ".pdf", True)


def test_sanitize_name_normalises_unicode():
    # "é" typed as e + combining accent (macOS file names) is stored composed.
    assert uploads.sanitize_name("Releve\u0301.pdf", "pdf") == "Relevé.pdf"


# Reading the request ------------------------------------------------------------------------


def _posted(body: GrowingBody, content_type: str):
    request = RequestFactory().post(
        "/", CONTENT_TYPE=content_type, CONTENT_LENGTH=str(body.size), **{"wsgi.input": body}
    )
    return request, uploads.refusals(request)


TOO_LARGE = "Le fichier dépasse la taille maximale de 15 Mo : il n'a pas été reçu."


def test_a_file_of_the_maximum_size_is_received():
    body, content_type = GrowingBody.upload({"text": "Récit"}, file_size=MAX_SIZE)
    request, refused = _posted(body, content_type)
    assert refused == {}
    assert request.FILES["file"].size == MAX_SIZE
    assert request.POST["text"] == "Récit"


def test_a_file_over_the_maximum_is_not_kept_and_the_fields_before_it_are():
    body, content_type = GrowingBody.upload({"text": "Récit"}, file_size=MAX_SIZE + 1)
    assert body.size <= MAX_BODY_SIZE
    request, refused = _posted(body, content_type)
    assert refused == {"file": TOO_LARGE}
    assert "file" not in request.FILES
    assert request.POST["text"] == "Récit"
    # Within the body limit, the rest is read and dropped: the answer goes out cleanly.
    assert body.consumed == body.size


def test_a_body_announced_over_the_limit_is_not_read_past_its_fields():
    body, content_type = GrowingBody.upload({"text": "Récit"}, file_size=MAX_BODY_SIZE)
    request, refused = _posted(body, content_type)
    assert refused == {"file": TOO_LARGE}
    assert request.POST["text"] == "Récit"
    assert body.consumed <= 128 * 1024
