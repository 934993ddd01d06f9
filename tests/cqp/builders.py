"""Real files for the upload tests, built as their applications write them (a PDF that a
reader opens, images that decode, office documents that Word, Excel and LibreOffice open),
and the hostile ones: headers followed by something else, archives and images that unpack
to far more than they weigh."""

import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def pdf_bytes(*, pages: int = 1, user_password: str | None = None) -> bytes:
    """A PDF of blank A4 pages; with `user_password`, encrypted (RC4, which pypdf writes
    without the `cryptography` package), "" meaning that only the author's password is set."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="auteur", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_encrypted_with_aes() -> bytes:
    """A PDF encrypted with AES-256 (revision 6) and only its author's password, as recent PDFs
    restricted by their author are (pypdf opens it with the `cryptography` package)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="", owner_password="auteur", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(pil_format: str, size=(4, 3), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color=0).save(buffer, format=pil_format)
    return buffer.getvalue()


def png_bytes(size=(4, 3), mode="RGB") -> bytes:
    return image_bytes("PNG", size, mode)


def jpeg_bytes(size=(4, 3)) -> bytes:
    return image_bytes("JPEG", size)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_size(size: int) -> bytes:
    """A valid PNG of exactly `size` bytes, padded by a private chunk that readers skip."""
    png = png_bytes()
    return png[:-12] + png_chunk(b"paDd", b"0" * (size - len(png) - 12)) + png[-12:]


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header announces `width` x `height` one-bit pixels, with (almost) no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def archive(*entries, stored_first=False) -> bytes:
    """A zip of (name, text) entries, in order; `stored_first` stores the first one uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, text) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(name, text, compress_type=method)
    return buffer.getvalue()


def content_types(*overrides: tuple[str, str]) -> str:
    parts = "".join(
        f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides
    )
    return (
        f'{XML}<Types xmlns="{CONTENT_TYPES_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{parts}</Types>'
    )


def relationships(*targets: tuple[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{OFFICE_DOCUMENT}/{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return f'{XML}<Relationships xmlns="{RELATIONSHIPS_NS}">{items}</Relationships>'


def docx_parts(text: str = "Bilan des sessions") -> list[tuple[str, str]]:
    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return [
        ("[Content_Types].xml", content_types(("/word/document.xml", f"{DOCX_TYPE}.main+xml"))),
        ("_rels/.rels", relationships(("officeDocument", "word/document.xml"))),
        (
            "word/document.xml",
            f'{XML}<w:document xmlns:w="{main}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>",
        ),
    ]


def docx_bytes(text: str = "Bilan des sessions") -> bytes:
    return archive(*docx_parts(text))


def xlsx_bytes() -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return archive(
        (
            "[Content_Types].xml",
            content_types(
                ("/xl/workbook.xml", f"{XLSX_TYPE}.main+xml"),
                (
                    "/xl/worksheets/sheet1.xml",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                ),
            ),
        ),
        ("_rels/.rels", relationships(("officeDocument", "xl/workbook.xml"))),
        (
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{main}" xmlns:r="{OFFICE_DOCUMENT}"><sheets>'
            '<sheet name="Suivi" sheetId="1" r:id="rId1"/></sheets></workbook>',
        ),
        ("xl/_rels/workbook.xml.rels", relationships(("worksheet", "worksheets/sheet1.xml"))),
        (
            "xl/worksheets/sheet1.xml",
            f'{XML}<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            "<is><t>Session</t></is></c></row></sheetData></worksheet>",
        ),
    )


def opendocument(mimetype: str, body: str) -> bytes:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    manifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    return archive(
        ("mimetype", mimetype),
        (
            "content.xml",
            f'{XML}<office:document-content xmlns:office="{office}" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            f'office:version="1.3"><office:body>{body}</office:body></office:document-content>',
        ),
        (
            "META-INF/manifest.xml",
            f'{XML}<manifest:manifest xmlns:manifest="{manifest}" manifest:version="1.3">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        ),
        stored_first=True,
    )


def odt_bytes() -> bytes:
    return opendocument(ODT_TYPE, "<office:text><text:p>Compte rendu</text:p></office:text>")


def ods_bytes() -> bytes:
    return opendocument(
        ODS_TYPE,
        '<office:spreadsheet><table:table table:name="Suivi"><table:table-row><table:table-cell/>'
        "</table:table-row></table:table></office:spreadsheet>",
    )


# Archives that unpack to far more than they weigh -------------------------------------------


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated entries (name, deflated data, declared size, declared CRC):
    what it declares is whatever the caller says, true or not."""
    out, directory = io.BytesIO(), []
    day = (1 << 5) | 1  # 1 January 1980
    for name, data, size, crc in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, day, crc, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        directory.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                day,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, central = out.tell(), b"".join(directory)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0
    )
    return out.getvalue() + central + end


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def deflated_zeros(mebibytes: int) -> tuple[bytes, int]:
    """Raw deflate data of `mebibytes` MiB of zeros, and its CRC: one compressed MiB, flushed so
    that it stands alone, repeated; about 1 KB per MiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    mebibyte = b"\x00" * (1 << 20)
    block = compressor.compress(mebibyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(mebibyte, crc)
    return block * mebibytes + final, crc


def docx_bomb(mebibytes: int = 1024) -> bytes:
    """A DOCX of about 1 MB whose document unpacks to `mebibytes` MiB (1 GiB by default)."""
    parts = dict(docx_parts())
    data, crc = deflated_zeros(mebibytes)
    entries = [
        (
            name,
            deflated(parts[name].encode()),
            len(parts[name].encode()),
            zlib.crc32(parts[name].encode()),
        )
        for name in ("[Content_Types].xml", "_rels/.rels")
    ]
    return raw_zip([*entries, ("word/document.xml", data, mebibytes << 20, crc)])


def docx_lying_about_its_content_types(mebibytes: int = 64) -> bytes:
    """A DOCX whose directory declares a small [Content_Types].xml that really unpacks to
    `mebibytes` MiB: whoever trusts the declared sizes reads them all."""
    parts = dict(docx_parts())
    declared = parts["[Content_Types].xml"].encode()
    data, _crc = deflated_zeros(mebibytes)
    entries = [
        ("[Content_Types].xml", data, len(declared), zlib.crc32(declared)),
        *(
            (
                name,
                deflated(parts[name].encode()),
                len(parts[name].encode()),
                zlib.crc32(parts[name].encode()),
            )
            for name in ("_rels/.rels", "word/document.xml")
        ),
    ]
    return raw_zip(entries)


# Request bodies -------------------------------------------------------------------------------


def multipart(fields: dict, *, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name sent as is (the test client keeps only its
    basename), the file last as browsers send it; and its content type."""
    boundary = "cqp-test-boundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content
    body += f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class GrowingBody(io.RawIOBase):
    """A request body made as it is read (`head`, then zeros up to `size` bytes, then
    `tail`), which counts what the server reads of it: no test holds 200 MB in memory."""

    def __init__(self, head: bytes, size: int, tail: bytes = b""):
        super().__init__()
        self.head, self.tail, self.size, self.consumed = head, tail, size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), self.size - self.consumed)
        start, end = self.consumed, self.consumed + size
        tail_start = self.size - len(self.tail)
        chunk = bytearray(b"0" * size)
        for offset, part in ((0, self.head), (tail_start, self.tail)):
            low, high = max(start, offset), min(end, offset + len(part))
            if low < high:
                chunk[low - start : high - start] = part[low - offset : high - offset]
        buffer[:size] = chunk
        self.consumed = end
        return size

    @classmethod
    def upload(cls, fields: dict, *, file_size: int) -> tuple["GrowingBody", str]:
        """A multipart body whose file is `file_size` bytes: a real PDF, then padding."""
        pdf = pdf_bytes()
        body, content_type = multipart(fields, filename="rapport.pdf", content=pdf)
        head, tail = body[: body.index(pdf) + len(pdf)], body[body.index(pdf) + len(pdf) :]
        return cls(head, len(head) + file_size - len(pdf) + len(tail), tail), content_type
