"""The media on an S3-compatible object store (cqp.storage, MEDIA_STORAGE=s3): the moto server
of scripts/with-services.sh (or one this test session starts), whatever the pass. Documents,
evidence, the ZIP of a session and the issuer's logo are written to the bucket and read back
from it through the application's own views; nothing lands under MEDIA_ROOT; no object is
public. The configuration itself fails loudly when incomplete."""

import base64
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify
from storages.backends.s3 import S3Storage

from cqp import documents, services_issuer, storage
from cqp.models import Document, DownloadLog, Issuer
from evaluations import services as evaluation_services
from tests.candidates.builders import competence
from tests.cqp.builders import pdf_bytes, png_bytes
from tests.evaluations.builders import dossier_of
from tests.factories import TINY_PDF, CandidacyFactory, DocumentFactory, JurySessionFactory
from tests.helpers import stored_bytes, stored_names
from tests.jury.builders import cheap_on_agenda

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
SIGNATORIES = {"president_name": "Marc Aubry", "vice_president_name": "Nadia Benali"}


@pytest.fixture
def bucket(media_on_s3):
    """Reads the bucket directly, beside the application: (client, name, the test's prefix)."""
    client = boto3.client(
        "s3",
        endpoint_url=media_on_s3["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=media_on_s3["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=media_on_s3["AWS_SECRET_ACCESS_KEY"],
        region_name=media_on_s3["AWS_S3_REGION_NAME"],
    )
    return client, media_on_s3["AWS_STORAGE_BUCKET_NAME"], media_on_s3["AWS_LOCATION"]


def _object(bucket, name: str) -> bytes:
    client, bucket_name, prefix = bucket
    return client.get_object(Bucket=bucket_name, Key=f"{prefix}/{name}")["Body"].read()


def _keys(bucket) -> list[str]:
    client, bucket_name, prefix = bucket
    listed = client.list_objects_v2(Bucket=bucket_name, Prefix=f"{prefix}/")
    return sorted(item["Key"].removeprefix(f"{prefix}/") for item in listed.get("Contents", []))


def _delete(bucket, name: str) -> None:
    client, bucket_name, prefix = bucket
    client.delete_object(Bucket=bucket_name, Key=f"{prefix}/{name}")


def _on_agenda(session, secretariat, first_name, last_name):
    return cheap_on_agenda(
        session, secretariat=secretariat, first_name=first_name, last_name=last_name
    ).candidacy


def _label(code: str) -> str:
    return slugify(documents.get_kind(code).label)


def _nothing_under_media_root(settings) -> bool:
    return not any(Path(settings.MEDIA_ROOT).rglob("*"))


# The configuration --------------------------------------------------------------------------


def test_local_files_by_default():
    assert storage.media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage.media_storage({"MEDIA_STORAGE": "LOCAL"})["BACKEND"].endswith(
        "FileSystemStorage"
    )


def test_s3_objects_are_private_and_never_replaced():
    options = storage.media_storage(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "cqp-media",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
            "AWS_LOCATION": "/cqp/production/",
        }
    )["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["location"]) == (
        "cqp-media",
        "https://s3.example.org",
        "cqp/production",
    )
    assert (options["default_acl"], options["querystring_auth"]) == ("private", True)
    assert (options["querystring_expire"], options["file_overwrite"]) == (60, False)
    # A store that refuses ACLs: none is sent, the bucket's (private) default applies.
    no_acl = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_DEFAULT_ACL": ""}
    assert storage.media_storage(no_acl)["OPTIONS"]["default_acl"] is None


def test_s3_without_a_bucket_or_an_unknown_kind_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="set AWS_STORAGE_BUCKET_NAME"):
        storage.media_storage({"MEDIA_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must be local or s3, got 'nfs'"):
        storage.media_storage({"MEDIA_STORAGE": "nfs"})


def test_the_application_refuses_to_start_on_s3_without_a_bucket():
    environ = {**os.environ, "MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "MEDIA_STORAGE is s3: set AWS_STORAGE_BUCKET_NAME." in result.stderr


def test_a_url_of_the_bucket_would_be_signed_and_short_lived(media_on_s3):
    assert isinstance(storages["default"], S3Storage)
    url = default_storage.url("documents/livret/1/livret.pdf")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query


# Documents ----------------------------------------------------------------------------------


def test_a_document_is_stored_in_the_bucket_read_back_and_private(settings, bucket):
    candidacy = CandidacyFactory()
    document = documents.document_store("livret", candidacy)

    assert isinstance(storages["default"], S3Storage)
    data = _object(bucket, document.file.name)
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == document.sha256
    assert stored_bytes(document) == data
    assert _keys(bucket) == [document.file.name] == stored_names()
    client, bucket_name, prefix = bucket
    acl = client.get_object_acl(Bucket=bucket_name, Key=f"{prefix}/{document.file.name}")
    assert [grant["Grantee"].get("URI") for grant in acl["Grants"]] == [None]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in acl["Grants"])
    assert _nothing_under_media_root(settings)


def test_the_download_view_streams_the_document_from_the_bucket(client, secretariat, bucket):
    document = DocumentFactory(kind="livret", subject=CandidacyFactory(), title="Livret")
    assert _keys(bucket) == [document.file.name]
    client.force_login(secretariat)
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert response["Content-Length"] == str(len(TINY_PDF))
    assert response["Cache-Control"].startswith("private, no-store")
    assert DownloadLog.objects.get().object_id == document.pk


def test_a_document_gone_from_the_bucket_is_not_found(client, secretariat, bucket):
    document = DocumentFactory(kind="livret", subject=CandidacyFactory())
    _delete(bucket, document.file.name)
    client.force_login(secretariat)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    assert not DownloadLog.objects.exists()


def test_the_zip_of_a_session_is_made_from_the_bucket(client, secretariat, bucket, settings):
    session = JurySessionFactory()
    kept = _on_agenda(session, secretariat, "Claire", "Aubry")
    lost = _on_agenda(session, secretariat, "Marc", "Benali")
    livret = DocumentFactory(kind="livret", subject=kept)
    _delete(bucket, DocumentFactory(kind="livret", subject=lost).file.name)

    client.force_login(secretariat)
    response = client.get(reverse("session_dossiers_zip", args=[session.pk]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    # The dossiers missing were generated into the bucket, the lost livret is left out, and
    # every member is the bucket's object byte for byte.
    dossiers = Document.objects.filter(kind="dossier_evaluation").order_by("object_id")
    assert sorted(members) == [
        f"Aubry-Claire-{kept.pk}/{name}.pdf"
        for name in ("dossier-de-suivi-et-devaluation", _label("livret"))
    ] + [f"Benali-Marc-{lost.pk}/dossier-de-suivi-et-devaluation.pdf"]
    stored = [_object(bucket, document.file.name) for document in [livret, *dossiers]]
    assert sorted(members.values()) == sorted(stored)
    assert _nothing_under_media_root(settings)


# Evidence and the issuer's logo --------------------------------------------------------------


def test_evidence_is_uploaded_to_the_bucket_and_downloaded_from_it(
    client, parcours, candidat, settings, bucket
):
    dossier = dossier_of(parcours())
    content = pdf_bytes(pages=2)
    upload = SimpleUploadedFile("bilan.pdf", content, content_type="application/pdf")
    evidence = evaluation_services.evidence_add(
        dossier=dossier, by=candidat, competence=competence(1), upload=upload
    )
    assert _object(bucket, evidence.file.name) == content
    assert _nothing_under_media_root(settings)

    client.force_login(candidat)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="bilan.pdf"'


def test_the_issuer_s_logo_is_kept_in_the_bucket_and_printed_from_it(
    secretariat, settings, bucket, django_capture_on_commit_callbacks
):
    logo = png_bytes(size=(40, 20))
    services_issuer.issuer_update(
        by=secretariat,
        logo_upload=SimpleUploadedFile("logo.png", logo, "image/png"),
        **SIGNATORIES,
    )
    first = Issuer.current().logo.name
    assert _keys(bucket) == [first] and _object(bucket, first) == logo
    printed = documents._issuer_logo(Issuer.current())
    assert printed == f"data:image/png;base64,{base64.b64encode(logo).decode()}"

    with django_capture_on_commit_callbacks(execute=True):
        services_issuer.issuer_update(by=secretariat, remove_logo=True, **SIGNATORIES)
    assert _keys(bucket) == []
    assert documents._issuer_logo(Issuer.current()) == ""
    assert _nothing_under_media_root(settings)
