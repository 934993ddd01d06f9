"""The demo runs on SQLite (`make demo`), the suite on PostgreSQL: a query only PostgreSQL
takes (an ARRAY subquery, a LIMIT inside a UNION) would pass every other test and break the
demo. Here, in a process of its own on a fresh SQLite database: the demo's data, then each
demo account's pages, none answering 500."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = r"""
from django.test import Client
from django.urls import reverse
from candidates.models import Candidacy
from cqp.models import User
from jury.models import Deliberation, JurySession

paths = ["/", "/notifications/", "/candidatures/", "/candidatures/?q=a",
         "/candidatures/?q=zz", "/candidatures/?state=parcours", "/organisations/",
         "/jury/sessions/", "/titulaires/", "/pilotage/", "/recevabilite/",
         "/jury/instruction/", "/habilitations/", "/exports/"]
failures = []
for user in User.objects.filter(email__endswith="@demo.cqp.fr"):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if client.get("/").status_code != 200:
        failures.append((user.email, "/", "not served"))
    seen = paths + [
        reverse("candidacy_detail", args=[pk])
        for pk in Candidacy.objects.order_by("pk").values_list("pk", flat=True)
    ] + [
        reverse(name, args=[pk])
        for pk in JurySession.objects.order_by("pk").values_list("pk", flat=True)
        for name in ("session_detail", "session_dashboard")
    ] + [
        reverse("deliberation_detail", args=[pk])
        for pk in Deliberation.objects.order_by("pk").values_list("pk", flat=True)
    ]
    for path in seen:
        status = client.get(path).status_code
        if status >= 500:
            failures.append((user.email, path, status))
# The candidacy page reads its events, decisions and documents as JSON (cqp.utils.JSONObjects):
# on SQLite too, the objects the ORM reads.
from candidates import selectors
from candidates.models import RecevabiliteDecision, TransitionLog
from cqp.documents import candidacy_document_rows, latest_editions
secretariat = User.objects.get(email="secretariat@demo.cqp.fr")
mismatches, documents = [], 0
for candidacy in Candidacy.objects.all():
    page = selectors.candidacy_page(user=secretariat, pk=candidacy.pk)
    def seen(event):
        return (event.pk, event.created_at, event.comment_values, str(event.actor))
    latest = TransitionLog.objects.filter(candidacy=candidacy).order_by("-created_at", "-pk")
    if [seen(e) for e in page.history.events] != [seen(e) for e in latest[:10]][::-1]:
        mismatches.append((candidacy.pk, "events"))
    def decided(d):
        return (d.pk, d.decided_at, d.submitted_on, d.items, str(d.decided_by))
    made = RecevabiliteDecision.objects.filter(candidacy=candidacy).order_by("-decided_at", "-pk")
    if [decided(d) for d in page.decisions] != [decided(d) for d in made[:6]]:
        mismatches.append((candidacy.pk, "decisions"))
    def stored(d):
        return (d.pk, d.kind, d.generated_at, d.file.name, d.size)
    editions = latest_editions(candidacy_document_rows(candidacy.pk))
    if [stored(d) for d in page.documents] != [stored(d) for d in editions]:
        mismatches.append((candidacy.pk, "documents"))
    documents += len(page.documents)
print("json mismatches", mismatches, "documents", documents)
print("checked", User.objects.filter(email__endswith="@demo.cqp.fr").count(), "accounts")
print("sessions", JurySession.objects.count(), "fiches", Deliberation.objects.count())
print("failures", failures)
"""


def test_the_demo_seeds_and_serves_every_account_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL") and not key.startswith("AWS_")
    }
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="cqp.settings", DEBUG="true")

    def manage(*args):
        return subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    for command in (
        ["credential_key", "--create-if-missing"],
        ["seal_keys", "--create-if-missing"],
        ["migrate", "--noinput"],
        ["seed_demo"],
    ):
        done = manage(*command)
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-4000:])
    done = manage("shell", "-c", PAGES)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "failures []" in done.stdout, done.stdout[-4000:] + done.stderr[-4000:]
    assert "checked 0 accounts" not in done.stdout
    assert "json mismatches []" in done.stdout and "documents 0" not in done.stdout
    assert "sessions 0" not in done.stdout and "fiches 0" not in done.stdout
