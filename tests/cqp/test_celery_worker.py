"""The broker path end to end: a real Celery worker process, Redis as broker and result backend.

The invitation row is committed (`transactional_db`) so that the worker, another process
connected to the same test database, can load it. The task is sent on a queue of its own
so that parallel runs sharing one Redis never take each other's messages.
"""

import contextlib
import datetime
import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cqp.celery import app as celery_app
from cqp.models import Invitation, MembershipRole
from cqp.tasks import send_invitation_email
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is not set: this test needs a real Redis (run it with scripts/test.sh)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
TASK_TIMEOUT = 60


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
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=15)


def test_a_real_worker_sends_the_invitation_email(transactional_db, tmp_path):
    organisation = MembershipFactory(role=MembershipRole.GESTIONNAIRE).organisation
    inviter = organisation.memberships.get().user
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="invitee@exemple.fr",
        role=MembershipRole.CANDIDAT,
        invited_by=inviter,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )

    queue = f"test-{uuid.uuid4()}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
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
    try:
        with _not_eager():
            result = send_invitation_email.apply_async(args=[invitation.pk], queue=queue)
            # Wait as result.get(timeout=60) would, but fail at once if the worker dies.
            deadline = time.monotonic() + TASK_TIMEOUT
            while not result.ready():
                assert worker.poll() is None, f"the worker exited with status {worker.returncode}"
                assert time.monotonic() < deadline, f"no result from the worker in {TASK_TIMEOUT} s"
                time.sleep(0.2)
            assert result.get(timeout=TASK_TIMEOUT) is None
            assert result.state == "SUCCESS"

        # Sent by the worker (file backend), not in this process (locmem backend in tests).
        assert mail.outbox == []
        files = sorted(mail_dir.iterdir())
        assert len(files) == 1, files
        raw = files[0].read_bytes().split(b"\n" + b"-" * 79 + b"\n")[0]
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message["To"] == "invitee@exemple.fr"
        assert organisation.name in message["Subject"]
        accept_url = f"http://testserver/invitation/{invitation.token}/"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert accept_url in text
        assert f'href="{accept_url}"' in html
        passed = True
    finally:
        _stop(worker)
        if not passed:
            print(f"--- celery worker output ({' '.join(command)}) ---")
            print(log_path.read_text(errors="replace"))
