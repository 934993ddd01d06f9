"""The CPEF's seal: a PAdES signature on the official PDFs that certify something (the
certificate, the attestation of partial validation, the fiche de décision, the procès-verbal).

The key and certificate are the files named by SEAL_KEY_FILE and SEAL_CERT_FILE (PEM or DER;
the certificate file may carry the issuing CA's certificates after the seal's own, which are
embedded in each signature). They are read once per process (`load`). Nothing is sealed with
a missing, unreadable, mismatched, not yet valid or expired pair: `load` raises
`SealUnavailable` (an ImproperlyConfigured) and the document is not stored. The same problems
are reported at start-up: by a system check (runserver, migrate, check) and by `ensure_ready`,
which the WSGI application and the Celery worker call, so that a production server never
starts unable to seal. An expired certificate stops a production start (DEBUG off); in the
demo it is a warning.

The signature is PAdES baseline B-B (ETSI EN 319 142-1): a CMS signature with the signing
certificate reference, the signing time declared by the server. B-T would add a time-stamp
from a time-stamping authority (TSA); the platform calls no outside service, so there is none.

`verify` answers whether a PDF carries our intact seal over the whole file, with pyHanko's
validator and our certificate as the only trust root.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

FIELD_NAME = "SceauCPEF"
README_HINT = (
    "See the README, « The document seal »: the demo makes its own pair with "
    "`manage.py seal_keys --create-if-missing`; production installs the CPEF's."
)


class SealUnavailable(ImproperlyConfigured):
    """The seal's key or certificate cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Seal:
    """The key and certificate, loaded and checked."""

    key: asn1_keys.PrivateKeyInfo
    # The seal's certificate first, then the CA certificates embedded with it.
    chain: tuple[asn1_x509.Certificate, ...]
    certificate: asn1_x509.Certificate
    # The certificates whose seals verify: this one and those it renewed.
    trusted: tuple[asn1_x509.Certificate, ...]
    subject: str
    not_before: datetime.datetime
    not_after: datetime.datetime


def _read(setting: str) -> bytes:
    path = str(getattr(settings, setting, "") or "")
    if not path:
        raise SealUnavailable(f"{setting} is not set: name the seal's file. {README_HINT}")
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as error:
        raise SealUnavailable(
            f"{setting} names {path}, which does not exist. {README_HINT}"
        ) from error
    except OSError as error:
        raise SealUnavailable(
            f"{setting} names {path}, which cannot be read ({error.strerror}): check its "
            "permissions (readable by the application's user only)."
        ) from error


def _private_key(data: bytes):
    password = settings.SEAL_KEY_PASSWORD.encode() or None
    for loader in (serialization.load_pem_private_key, serialization.load_der_private_key):
        try:
            return loader(data, password=password)
        except TypeError as error:
            # Encrypted without SEAL_KEY_PASSWORD, or a password given for a plain key.
            raise SealUnavailable(
                f"The seal's key ({settings.SEAL_KEY_FILE}) cannot be opened: {error}. "
                "Set SEAL_KEY_PASSWORD to the key's password, or leave it empty for a key "
                "stored without one."
            ) from error
        except (ValueError, UnsupportedAlgorithm):
            continue
    raise SealUnavailable(
        f"SEAL_KEY_FILE ({settings.SEAL_KEY_FILE}) is not a private key in PEM or DER "
        "(PKCS#8 or PKCS#1), or SEAL_KEY_PASSWORD is wrong."
    )


def _certificates(data: bytes, *, setting: str) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            found = x509.load_pem_x509_certificates(data)
        else:
            found = [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise SealUnavailable(
            f"{setting} ({getattr(settings, setting)}) is not an X.509 certificate in PEM or DER."
        ) from error
    return found


def _previous_certificates() -> list[asn1_x509.Certificate]:
    found = []
    for path in settings.SEAL_PREVIOUS_CERT_FILES:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise SealUnavailable(
                f"SEAL_PREVIOUS_CERT_FILES names {path}, which cannot be read ({error.strerror})."
            ) from error
        found += [_asn1(c) for c in _certificates(data, setting="SEAL_PREVIOUS_CERT_FILES")]
    return found


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _public_der(key) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _load() -> Seal:
    key = _private_key(_read("SEAL_KEY_FILE"))
    certificates = _certificates(_read("SEAL_CERT_FILE"), setting="SEAL_CERT_FILE")
    own = certificates[0]
    if _public_der(key.public_key()) != _public_der(own.public_key()):
        raise SealUnavailable(
            f"The seal's key ({settings.SEAL_KEY_FILE}) does not match its certificate "
            f"({settings.SEAL_CERT_FILE}): install the pair issued together."
        )
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = tuple(_asn1(c) for c in certificates)
    return Seal(
        key=key_info,
        chain=chain,
        certificate=chain[0],
        trusted=(chain[0], *_previous_certificates()),
        subject=own.subject.rfc4514_string(),
        not_before=own.not_valid_before_utc,
        not_after=own.not_valid_after_utc,
    )


_cache: dict[tuple, Seal] = {}
_lock = threading.Lock()


def load() -> Seal:
    """The seal of SEAL_KEY_FILE / SEAL_CERT_FILE, read once per process; SealUnavailable
    when the pair cannot be read or used."""
    paths = (
        str(settings.SEAL_KEY_FILE),
        str(settings.SEAL_CERT_FILE),
        tuple(settings.SEAL_PREVIOUS_CERT_FILES),
    )
    with _lock:
        if paths not in _cache:
            _cache[paths] = _load()
        return _cache[paths]


def validity_problem(seal: Seal, now: datetime.datetime | None = None) -> str:
    """Why the seal's certificate cannot seal now ("" when it can)."""
    now = now or timezone.now()
    if now < seal.not_before:
        return (
            f"The seal's certificate ({seal.subject}) is valid only from "
            f"{seal.not_before:%Y-%m-%d %H:%M} UTC: check the server's clock or the certificate."
        )
    if now > seal.not_after:
        return (
            f"The seal's certificate ({seal.subject}) expired on {seal.not_after:%Y-%m-%d}: "
            "install the renewed key and certificate (README « The document seal »), or run "
            "`manage.py seal_keys --force` in the demo."
        )
    return ""


def ensure_ready() -> None:
    """Refuse to start a server that could not seal: SealUnavailable says why. A certificate
    out of its validity stops a production start (DEBUG off); the demo starts (with the
    system check's warning) and refuses to seal."""
    seal = load()
    problem = validity_problem(seal)
    if problem and not settings.DEBUG:
        raise SealUnavailable(problem)


@checks.register("seal")
def check_seal(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        seal = load()
    except SealUnavailable as error:
        return [checks.Error(str(error), id="cqp.E101")]
    problem = validity_problem(seal)
    if not problem:
        return []
    if settings.DEBUG:
        return [checks.Warning(problem, id="cqp.W102")]
    return [checks.Error(problem, id="cqp.E102")]


def _outside_event_loop(function, *args):
    """pyHanko's synchronous calls run an asyncio loop of their own: in a thread that already
    runs one (an async caller; Playwright's sync API in the browser tests), they run in
    another thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def seal_pdf(pdf: bytes, *, signer_name: str, reason: str, location: str) -> bytes:
    """`pdf` with the seal's PAdES signature (B-B) appended as an incremental update: the
    original bytes are kept as they are. SealUnavailable when the seal cannot be used."""
    # pyHanko (about 30 MB and half a second) is loaded by the processes that seal or verify
    # a PDF only, not by every web worker at start-up.
    from . import seal_pades

    seal = load()
    problem = validity_problem(seal)
    if problem:
        raise SealUnavailable(problem)
    return _outside_event_loop(
        seal_pades.sign, pdf, seal, FIELD_NAME, signer_name, reason, location
    )


@dataclass(frozen=True)
class Verification:
    """What `verify` found in a PDF."""

    sealed: bool  # it carries a signature at all
    ours: bool = False  # signed with our seal's certificate (or one it renewed)
    intact: bool = False  # the signed bytes are unchanged, the signature sound and trusted
    whole_file: bool = False  # one signature, covering every byte of the file
    signed_at: datetime.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.sealed and self.ours and self.intact and self.whole_file


def verify(pdf: bytes) -> Verification:
    """Whether `pdf` carries our seal, intact, over the whole file, by pyHanko's validator
    with our certificates as the only trust roots. Nothing is fetched from the network."""
    # pyHanko is loaded where a PDF is sealed or verified only (see seal_pdf).
    from . import seal_pades

    found = _outside_event_loop(seal_pades.verify, pdf, load().trusted)
    return Verification(**found)


def create_self_signed(
    key_path: Path,
    cert_path: Path,
    *,
    common_name: str,
    organisation: str,
    valid_from: datetime.datetime | None = None,
    days: int = 3 * 365,
) -> None:
    """Write a new RSA key (readable by its owner only) and a self-signed seal certificate
    for it: the demo's pair and the tests'. Never the CPEF's real seal (README)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    start = valid_from or timezone.now() - datetime.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_bytes)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
