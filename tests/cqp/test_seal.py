"""The seal of the official PDFs (cqp.seal): what it signs verifies with pyHanko's own
validator and our certificate as trust root, a changed byte breaks it, and a server without a
usable key or certificate does not start."""

import datetime
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core import checks
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic as pdf_generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from cqp import documents, reminders, seal
from cqp.models import Document, Issuer, Notification
from tests.helpers import stored_bytes
from tests.jury.builders import certified

ROOT = Path(__file__).resolve().parents[2]


def _pyhanko_status(pdf: bytes, cert_file):
    """pyHanko's own verdict on the first signature of `pdf`, trusting only `cert_file`."""
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(cert_file)])
    return validate_pdf_signature(signature, context)


def _pair(directory: Path, **options) -> tuple[Path, Path]:
    key, cert = directory / "key.pem", directory / "cert.pem"
    seal.create_self_signed(key, cert, common_name="Sceau", organisation="CPEF", **options)
    return key, cert


def _errors(settings) -> list[str]:
    return [m.id for m in checks.run_checks(tags=["seal"]) if m.level >= checks.WARNING]


# What is sealed verifies ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sealed_certificate_verifies_with_pyhankos_validator(settings, secretariat):
    issuer = Issuer.current()
    issuer.name, issuer.city = "CPEF de la branche", "Lyon"
    issuer.save()
    certificate = certified(secretariat=secretariat)
    document = documents.document_find("certificat", certificate)
    pdf = stored_bytes(document)

    status = _pyhanko_status(pdf, settings.SEAL_CERT_FILE)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line is True
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Sceau de test"
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    assert signature.sig_object["/Reason"] == "Document officiel délivré par CPEF de la branche"
    assert signature.sig_object["/Location"] == "Lyon"
    assert signature.sig_object["/Name"] == "CPEF de la branche"
    # PAdES: the ETSI sub-filter, not the legacy PKCS#7 one.
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # The stored digest is the sealed file's.
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()

    verification = seal.verify(pdf)
    assert verification.valid
    assert abs(verification.signed_at - document.generated_at) < datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_every_sealed_kind_is_a_document_that_certifies():
    assert sorted(k.code for k in documents.kinds() if k.sealed) == [
        "attestation",
        "certificat",
        "fiche_decision",
        "proces_verbal",
    ]


@pytest.mark.django_db
def test_changing_one_byte_breaks_the_seal(settings, secretariat):
    certificate = certified(secretariat=secretariat, validated=(1, 2, 3))
    pdf = stored_bytes(documents.document_find("attestation", certificate))
    assert _pyhanko_status(pdf, settings.SEAL_CERT_FILE).bottom_line is True

    # One byte of the page's content, inside the signed range, changed.
    altered = bytearray(pdf)
    position = pdf.index(b"stream", len(pdf) // 4) + 20
    altered[position] ^= 0x01
    altered = bytes(altered)
    status = _pyhanko_status(altered, settings.SEAL_CERT_FILE)
    assert status.intact is False
    assert status.bottom_line is False
    assert seal.verify(altered).valid is False
    assert seal.verify(altered).ours is True  # still our certificate: an altered original


def test_a_signature_by_another_key_is_not_ours(settings, tmp_path):
    pdf = seal.seal_pdf(_blank_pdf(), signer_name="X", reason="r", location="l")
    assert seal.verify(pdf).valid
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = _pair(tmp_path)
    other = seal.seal_pdf(_blank_pdf(), signer_name="X", reason="r", location="l")
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = _pair(tmp_path / "again")
    assert seal.verify(other) == seal.Verification(
        sealed=True,
        ours=False,
        intact=False,
        whole_file=True,
        signed_at=seal.verify(other).signed_at,
    )
    # Renewed: the former certificate, listed, still verifies what it sealed.
    settings.SEAL_PREVIOUS_CERT_FILES = [str(tmp_path / "cert.pem")]
    assert seal.verify(other).valid


def test_a_file_with_an_update_after_the_seal_does_not_cover_the_whole_file():
    pdf = seal.seal_pdf(_blank_pdf(), signer_name="X", reason="r", location="l")
    # An incremental update appended after the seal (a second, unsigned revision).
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = pdf_generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = seal.verify(out.getvalue())
    assert result.ours and not result.whole_file and not result.valid


def test_an_unsealed_or_unreadable_file_carries_no_seal():
    assert seal.verify(_blank_pdf()) == seal.Verification(sealed=False)
    assert seal.verify(b"%PDF-1.7\n garbage") == seal.Verification(sealed=False)


def _blank_pdf() -> bytes:
    return HTML(string="<p>Document</p>").write_pdf()


# A server that could not seal does not start ----------------------------------------------


def test_the_session_seal_passes_the_checks(settings):
    assert _errors(settings) == []
    seal.ensure_ready()


def test_a_missing_key_or_certificate_stops_the_start(settings, tmp_path):
    key, cert = _pair(tmp_path)
    settings.SEAL_KEY_FILE = str(tmp_path / "absent.pem")
    settings.SEAL_CERT_FILE = str(cert)
    assert _errors(settings) == ["cqp.E101"]
    with pytest.raises(
        seal.SealUnavailable, match=r"SEAL_KEY_FILE names .*absent.pem, which does not exist"
    ):
        seal.ensure_ready()
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = str(key), ""
    with pytest.raises(seal.SealUnavailable, match="SEAL_CERT_FILE is not set"):
        seal.ensure_ready()


def test_a_certificate_that_cannot_be_read_stops_the_start(settings, tmp_path):
    key, _cert = _pair(tmp_path)
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = str(key), str(tmp_path)  # a directory
    assert _errors(settings) == ["cqp.E101"]
    with pytest.raises(seal.SealUnavailable, match="SEAL_CERT_FILE names .*, which cannot be read"):
        seal.ensure_ready()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_key_stops_the_start(settings, tmp_path):
    key, cert = _pair(tmp_path)
    key.chmod(0o000)
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = str(key), str(cert)
    assert _errors(settings) == ["cqp.E101"]
    with pytest.raises(seal.SealUnavailable, match="cannot be read .*Permission denied"):
        seal.ensure_ready()


def test_a_key_that_is_not_a_key_or_does_not_match_stops_the_start(settings, tmp_path):
    key, cert = _pair(tmp_path)
    other_key, _other_cert = _pair(tmp_path / "other")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = str(garbage), str(cert)
    with pytest.raises(seal.SealUnavailable, match="is not a private key in PEM or DER"):
        seal.ensure_ready()
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = str(key), str(key)
    with pytest.raises(seal.SealUnavailable, match="is not an X.509 certificate"):
        seal.ensure_ready()
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = str(other_key), str(cert)
    with pytest.raises(seal.SealUnavailable, match="does not match its certificate"):
        seal.ensure_ready()


def test_an_expired_certificate_stops_a_production_start_and_warns_the_demo(settings, tmp_path):
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = _pair(tmp_path, valid_from=long_ago, days=365)
    settings.DEBUG = False
    assert _errors(settings) == ["cqp.E102"]
    with pytest.raises(seal.SealUnavailable, match="expired on 2020-12-31"):
        seal.ensure_ready()
    settings.DEBUG = True
    assert _errors(settings) == ["cqp.W102"]
    seal.ensure_ready()
    # Nothing is ever sealed with it, demo or not.
    with pytest.raises(seal.SealUnavailable, match="expired on 2020-12-31"):
        seal.seal_pdf(_blank_pdf(), signer_name="X", reason="r", location="l")


@pytest.mark.django_db
def test_no_document_is_stored_half_sealed(settings, tmp_path, secretariat):
    settings.SEAL_KEY_FILE = str(tmp_path / "absent.pem")
    with pytest.raises(seal.SealUnavailable):
        certified(secretariat=secretariat)
    assert not Document.objects.filter(kind="certificat").exists()


def _manage(*args, **env):
    """manage.py in a fresh process; the variables given as None are unset."""
    environ = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in environ.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_refuses_to_start_without_the_seal_and_seal_keys_makes_the_demos(tmp_path):
    # The demo's defaults (under VAR_DIR) apply when the variables are not set.
    demo = {
        "VAR_DIR": str(tmp_path),
        "DEBUG": "true",
        "SEAL_KEY_FILE": None,
        "SEAL_CERT_FILE": None,
    }
    refused = _manage("check", **demo)
    assert refused.returncode != 0
    assert "cqp.E101" in refused.stderr and "which does not exist" in refused.stderr
    made = _manage("seal_keys", "--create-if-missing", **demo)
    assert made.returncode == 0, made.stderr
    key = tmp_path / "seal" / "seal-key.pem"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert _manage("check", **demo).returncode == 0
    again = _manage("seal_keys", "--create-if-missing", **demo)
    assert again.returncode == 0 and "already present" in again.stdout
    assert _manage("seal_keys", **demo).returncode != 0  # never replaced without --force


def test_the_wsgi_application_does_not_start_without_the_seal(tmp_path):
    result = _manage("shell", "-c", "import cqp.wsgi", SEAL_KEY_FILE=str(tmp_path / "absent.pem"))
    assert result.returncode != 0
    assert "SealUnavailable" in result.stderr and "absent.pem" in result.stderr


def test_the_celery_worker_does_not_start_without_the_seal(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "cqp", "worker", "--pool=solo", "-Q", "none"],
        cwd=ROOT,
        env={**os.environ, "SEAL_KEY_FILE": str(tmp_path / "absent.pem")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "The worker cannot start: SEAL_KEY_FILE names" in result.stderr + result.stdout


# The secretariat is told before it expires ------------------------------------------------


@pytest.mark.django_db
def test_the_secretariat_is_told_60_days_before_the_certificate_expires_once(
    settings, tmp_path, secretariat, jury
):
    start = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = _pair(tmp_path, valid_from=start, days=365)
    ends = datetime.date(2027, 1, 1)
    assert reminders.seal_remind_expiring(day=ends - datetime.timedelta(days=61)).occurrences == 0
    assert Notification.objects.count() == 0
    day = ends - datetime.timedelta(days=60)
    assert reminders.seal_remind_expiring(day=day).occurrences == 1
    reminders.seal_remind_expiring(day=day + datetime.timedelta(days=1))
    notice = Notification.objects.get()
    assert notice.user == secretariat
    assert notice.event == "seal_expiring"
    assert notice.subject == "Le certificat du sceau des documents expire le 01/01/2027"
    assert "Faites installer le certificat renouvelé avant cette date" in notice.body
    # A renewed certificate is announced again when its own end comes.
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = _pair(
        tmp_path / "new", valid_from=start, days=365 * 2
    )
    with time_machine.travel(start):
        assert reminders.seal_remind_expiring(day=day).occurrences == 0
    assert reminders.seal_remind_expiring(day=datetime.date(2027, 11, 20)).occurrences == 1
    assert Notification.objects.count() == 2
