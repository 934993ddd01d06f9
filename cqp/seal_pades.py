"""The PAdES signature itself, with pyHanko: signing a PDF with the seal loaded by
`cqp.seal`, and validating one. Imported only by `cqp.seal.seal_pdf` and `cqp.seal.verify`,
so that pyHanko (about 30 MB, half a second to import) stays out of the processes that never
seal nor verify a PDF."""

import io

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore


def sign(pdf: bytes, seal, field_name: str, signer_name: str, reason: str, location: str):
    """`pdf` with a PAdES signature (B-B) of `seal` appended as an incremental update."""
    signer = signers.SimpleSigner(
        signing_cert=seal.chain[0],
        signing_key=seal.key,
        cert_registry=SimpleCertificateStore.from_certs(list(seal.chain)),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        name=signer_name,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return signers.PdfSigner(metadata, signer).sign_pdf(writer).getvalue()


def verify(pdf: bytes, trusted: tuple[asn1_x509.Certificate, ...]) -> dict:
    """What pyHanko's validator finds in `pdf`, our certificates being the only trust roots:
    the fields of `cqp.seal.Verification`."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 -- any file pyHanko cannot parse carries no seal we can read
        return {"sealed": False}
    if not signatures:
        return {"sealed": False}
    signature = signatures[0]
    context = ValidationContext(trust_roots=list(trusted), allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:  # noqa: BLE001 -- a signature that cannot even be read is not intact
        return {"sealed": True}
    fingerprints = {certificate.sha256 for certificate in trusted}
    return {
        "sealed": True,
        "ours": status.signing_cert.sha256 in fingerprints,
        "intact": bool(status.intact and status.valid and status.trusted),
        "whole_file": len(signatures) == 1
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        "signed_at": status.signer_reported_dt or signature.self_reported_timestamp,
    }
