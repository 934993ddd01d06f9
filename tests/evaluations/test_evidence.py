"""Evidence files are checked by their bytes, never by their name or declared type."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from evaluations.evidence import (
    MAX_SIZE,
    EvidenceRefused,
    check_upload,
    detect_type,
    sanitize_name,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"

TYPE_REFUSED = (
    "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG, PNG, DOCX, ODT, XLSX, ODS."
)


def archive(*entries, stored_first=False) -> bytes:
    """A zip of (name, text) entries, in order; `stored_first` stores the first one uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, text) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(name, text, compress_type=method)
    return buffer.getvalue()


def office_open_xml(folder, main) -> bytes:
    return archive(
        ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
        ("_rels/.rels", "<Relationships/>"),
        (f"{folder}{main}", "<document/>"),
    )


def opendocument(mimetype) -> bytes:
    return archive(
        ("mimetype", mimetype),
        ("content.xml", "<office:document-content/>"),
        ("META-INF/manifest.xml", "<manifest:manifest/>"),
        stored_first=True,
    )


DOCX = office_open_xml("word/", "document.xml")
XLSX = office_open_xml("xl/", "workbook.xml")
ODT = opendocument(ODT_TYPE)
ODS = opendocument(ODS_TYPE)


def upload(name, content, declared="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=declared)


def refusal(file) -> str:
    with pytest.raises(EvidenceRefused) as excinfo:
        check_upload(file)
    return str(excinfo.value)


# Accepted formats ---------------------------------------------------------------------------

ACCEPTED = [
    ("compte-rendu.pdf", PDF, "pdf", "application/pdf"),
    ("photo.jpg", JPEG, "jpg", "image/jpeg"),
    ("photo.jpeg", JPEG, "jpg", "image/jpeg"),
    ("schema.png", PNG, "png", "image/png"),
    ("bilan.docx", DOCX, "docx", DOCX_TYPE),
    ("suivi.xlsx", XLSX, "xlsx", XLSX_TYPE),
    ("note.odt", ODT, "odt", ODT_TYPE),
    ("tableau.ods", ODS, "ods", ODS_TYPE),
]


@pytest.mark.parametrize(("name", "content", "extension", "content_type"), ACCEPTED)
def test_detect_type_reads_the_bytes(name, content, extension, content_type):
    assert detect_type(upload(name, content)) == (extension, content_type)


@pytest.mark.parametrize(("name", "content", "extension", "content_type"), ACCEPTED)
def test_check_upload_accepts_each_format_with_its_true_extension_and_type(
    name, content, extension, content_type
):
    file = upload(name, content)
    checked = check_upload(file)
    assert (checked.extension, checked.content_type) == (extension, content_type)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.name == f"{name.rsplit('.', 1)[0]}.{extension}"
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


def test_check_upload_accepts_exactly_the_maximum_size():
    content = PDF.ljust(MAX_SIZE, b"0")
    assert check_upload(upload("gros.pdf", content)).size == MAX_SIZE


# Refused files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", EXECUTABLE),
        ("photo.jpg", EXECUTABLE),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"Simple texte"),
        ("image.gif", b"GIF89a\x01\x00\x01\x00"),
        ("sans-extension", b"\x00\x01\x02\x03"),
    ],
)
def test_check_upload_refuses_unknown_content_whatever_the_name(name, content):
    assert detect_type(upload(name, content)) is None
    assert refusal(upload(name, content)) == TYPE_REFUSED


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bilan.docx", archive(("notes.txt", "une archive ordinaire"))),
        ("bilan.docx", archive(("[Content_Types].xml", "<Types/>"), ("autre/x.xml", "<x/>"))),
        ("note.odt", opendocument("application/x-msdownload")),
        ("note.odt", archive(("content.xml", "<x/>"), ("mimetype", ODT_TYPE))),
        ("bilan.docx", b"PK\x03\x04" + b"\x00" * 40),
        ("appli.xlsx", archive(("META-INF/MANIFEST.MF", "Main-Class: X"), ("X.class", "\xca"))),
    ],
    ids=[
        "plain-zip",
        "content-types-without-document",
        "odt-with-a-foreign-mimetype",
        "mimetype-not-first",
        "truncated-zip",
        "jar",
    ],
)
def test_check_upload_refuses_zips_that_are_not_office_documents(name, content):
    assert detect_type(upload(name, content)) is None
    assert refusal(upload(name, content)) == TYPE_REFUSED


def test_check_upload_refuses_an_empty_file():
    assert refusal(upload("vide.pdf", b"")) == "Le fichier est vide."


def test_check_upload_refuses_a_file_one_byte_over_the_maximum():
    message = refusal(upload("enorme.pdf", PDF.ljust(MAX_SIZE + 1, b"0")))
    assert message.startswith("Le fichier dépasse la taille maximale de 15 Mo")


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
    assert sanitize_name(name, extension) == expected


def test_sanitize_name_shortens_long_names_but_keeps_the_extension():
    name = sanitize_name("a" * 400 + ".pdf", "pdf")
    assert name == "a" * 150 + ".pdf"


def test_sanitize_name_normalises_unicode():
    # "é" typed as e + combining accent (macOS file names) is stored composed.
    assert sanitize_name("Releve\u0301.pdf", "pdf") == "Relevé.pdf"
