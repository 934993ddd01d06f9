"""The broker path end to end: a real Celery worker process, Redis as broker and result backend.

The invitation row is committed (`transactional_db`) so that the worker, another process
connected to the same test database, can load it. The task is sent on a queue of its own
so that parallel runs sharing one Redis never take each other's messages.
"""

import contextlib
import datetime
import email
import email.policy
import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from cqp import storage
from cqp.celery import app as celery_app
from cqp.models import Document, MembershipRole, Notification
from cqp.tasks import send_invitation_email
from evaluations import services as evaluation_services
from tests.evaluations.builders import dossier_of, parcours_in_evaluation, settle
from tests.factories import InvitationFactory, MembershipFactory
from tests.helpers import stored_bytes

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is not set: this test needs a real Redis (run it with scripts/test.sh)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
# The only timeouts of this module, in seconds. Generous on purpose: on a loaded 2-core
# machine running the suite with two workers, the worker takes a while to start (Django,
# Celery, the broker) and to render its first PDF. A passing wait returns as soon as the
# worker is done: only a failure costs this long.
TASK_TIMEOUT = 120  # from sending a task to seeing its effect
STOP_TIMEOUT = 30  # for the worker to exit once told to
POLL_INTERVAL = 0.2  # between two looks at the effect awaited


def _test_database_url() -> str:
    """A DATABASE_URL for the test database this process is using (e.g. test_cqp_gw0)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip(f"the worker must open the test database itself; got {connection.vendor}")
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(db.get("HOST") or "", safe="")  # a socket directory is percent-encoded
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


@contextlib.contextmanager
def _not_eager():
    """Make this process a real producer, whatever CELERY_TASK_ALWAYS_EAGER says."""
    conf = celery_app.conf
    had_override = "task_always_eager" in conf.changes
    previous = conf.changes.get("task_always_eager")
    conf.task_always_eager = False
    try:
        yield
    finally:
        if had_override:
            conf.task_always_eager = previous
        else:
            # Back to reading the Django setting, as before.
            conf.changes.pop("task_always_eager", None)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=STOP_TIMEOUT)


def _media_environment() -> dict[str, str]:
    """Where this test keeps its media, for the worker: the same directory, or the same prefix
    of the same bucket (MEDIA_STORAGE=s3): the worker shares them as a second server would."""
    if settings.MEDIA_STORAGE != storage.S3:
        return {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    options = settings.STORAGES["default"]["OPTIONS"]
    return {
        "AWS_STORAGE_BUCKET_NAME": options["bucket_name"],
        "AWS_S3_ENDPOINT_URL": options["endpoint_url"],
        "AWS_LOCATION": options["location"],
    }


@contextlib.contextmanager
def _worker(tmp_path):
    """A real worker process on a queue of its own, sending e-mails to files in `mail_dir`.

    Yields (queue, mail_dir, worker). While inside, this process is a real producer and
    sends every task to that queue; so does the worker for the tasks it enqueues itself.
    """
    queue = f"test-{uuid.uuid4()}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        **_media_environment(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "SITE_URL": "http://testserver",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "cqp", "worker",
        "--pool=solo", "--concurrency=1",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO",
    ]  # fmt: skip
    passed = False
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    conf = celery_app.conf
    had_queue = "task_default_queue" in conf.changes
    previous_queue = conf.changes.get("task_default_queue")
    conf.task_default_queue = queue
    try:
        with _not_eager():
            yield queue, mail_dir, worker
        passed = True
    finally:
        if had_queue:
            conf.task_default_queue = previous_queue
        else:
            conf.changes.pop("task_default_queue", None)
        _stop(worker)
        if not passed:
            print(f"--- celery worker output ({' '.join(command)}) ---")
            print(log_path.read_text(errors="replace"))


def _wait_for(condition, worker, what: str):
    deadline = time.monotonic() + TASK_TIMEOUT
    while not condition():
        assert worker.poll() is None, f"the worker exited with status {worker.returncode}"
        assert time.monotonic() < deadline, f"{what}: nothing from the worker in {TASK_TIMEOUT} s"
        time.sleep(POLL_INTERVAL)


def _messages(mail_dir) -> list:
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw, policy=email.policy.default))
    return messages


def test_a_real_worker_sends_the_invitation_email(transactional_db, tmp_path):
    organisation = MembershipFactory(role=MembershipRole.GESTIONNAIRE).organisation
    inviter = organisation.memberships.get().user
    invitation = InvitationFactory(
        organisation=organisation,
        email="invitee@exemple.fr",
        role=MembershipRole.CANDIDAT,
        invited_by=inviter,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )

    with _worker(tmp_path) as (queue, mail_dir, worker):
        result = send_invitation_email.apply_async(args=[invitation.pk], queue=queue)
        _wait_for(result.ready, worker, "invitation e-mail")
        assert result.get(timeout=TASK_TIMEOUT) is None
        assert result.state == "SUCCESS"

        # Sent by the worker (file backend), not in this process (locmem backend in tests).
        assert mail.outbox == []
        [message] = _messages(mail_dir)
        assert message["To"] == "invitee@exemple.fr"
        assert organisation.name in message["Subject"]
        accept_url = f"http://testserver/invitation/{invitation.token}/"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert accept_url in text
        assert f'href="{accept_url}"' in html


@pytest.mark.media
def test_a_transmission_goes_through_the_worker_to_a_stored_pdf_and_emails(
    transactional_db, tmp_path, candidat, own_org, secretariat, professionnel, evaluateur
):
    """transmit_to_jury → tasks on Redis → the dossier PDF stored → e-mails sent, once."""
    candidacy = parcours_in_evaluation(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    dossier = settle(dossier_of(candidacy), professionnel=professionnel, evaluateur=evaluateur)
    assert not Document.objects.exists()

    with _worker(tmp_path) as (_queue, mail_dir, worker):
        evaluation_services.dossier_transmit(dossier=dossier, by=evaluateur)

        def done():
            return Document.objects.filter(kind="dossier_evaluation").exists() and (
                Notification.objects.filter(
                    event="transmit_to_jury", email_sent_at__isnull=False
                ).count()
                == 2
            )

        _wait_for(done, worker, "dossier PDF and notifications")

    document = Document.objects.get(kind="dossier_evaluation")
    assert document.object_id == dossier.pk
    data = stored_bytes(document)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    messages = _messages(mail_dir)
    assert sorted(m["To"] for m in messages) == sorted([candidat.email, secretariat.email])
    to_secretariat = next(m for m in messages if m["To"] == secretariat.email)
    text = to_secretariat.get_body(preferencelist=("plain",)).get_content()
    assert "inscrire la candidature à une session du jury paritaire" in text
    assert f"http://testserver/candidatures/{candidacy.pk}/" in text
