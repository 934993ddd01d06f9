"""Start-up configuration, checked in fresh processes (settings are read once per process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from candidates.models import Candidacy
from cqp.models import Document, Habilitation, Membership, Organisation, User
from jury.models import Certificate, JuryMember, JurySession

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x1Y2z3W4v5" * 6


def _manage(*args, **env):
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_refuses_to_start_without_a_real_secret_key():
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="cqp.example.org")
    assert result.returncode != 0
    assert "set SECRET_KEY to a random value" in result.stderr
    result = _manage("check", DEBUG="false", SECRET_KEY="court", ALLOWED_HOSTS="cqp.example.org")
    assert result.returncode != 0


def test_check_deploy_is_clean_in_production_configuration():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="cqp.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_invalid_boolean_in_environment_fails_loudly():
    result = _manage("check", DEBUG="peut-être")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_every_account(
    capsys, django_capture_on_commit_callbacks, settings
):
    # scripts/demo.sh sets SITE_URL from the demo's port.
    settings.SITE_URL = "http://127.0.0.1:8123"
    # The official PDFs are generated after commit (tasks run eagerly).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")

    def counts():
        return {
            model._meta.label: model.objects.count()
            for model in (
                User,
                Organisation,
                Membership,
                Habilitation,
                JuryMember,
                Candidacy,
                JurySession,
                Certificate,
                Document,
            )
        }

    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert counts() == first
    assert sorted(Membership.objects.values_list("user__email", "organisation__name", "role")) == [
        ("candidat.certifie@demo.cqp.fr", "Formapro Conseil", "candidat"),
        ("candidat.jury@demo.cqp.fr", "Formapro Conseil", "candidat"),
        ("candidat@demo.cqp.fr", "Formapro Conseil", "candidat"),
        ("candidate.jury@demo.cqp.fr", "Formapro Conseil", "candidat"),
        ("gestionnaire.atelier@demo.cqp.fr", "Atelier Compétences", "gestionnaire"),
        ("gestionnaire@demo.cqp.fr", "Formapro Conseil", "gestionnaire"),
        ("professionnel@demo.cqp.fr", "Formapro Conseil", "professionnel"),
    ]
    # The people of the steering's history (pilotage.demo) have their own addresses.
    demo_habilitations = Habilitation.objects.filter(user__email__endswith="@demo.cqp.fr")
    assert sorted(demo_habilitations.values_list("user__email", "kind")) == [
        ("evaluateur@demo.cqp.fr", "evaluateur"),
        ("professionnel@demo.cqp.fr", "professionnel"),
    ]
    assert sorted(JuryMember.objects.values_list("user__email", "college")) == [
        ("jury.salaries@demo.cqp.fr", "salaries"),
        ("jury@demo.cqp.fr", "employeurs"),
    ]
    demo_candidacies = Candidacy.objects.filter(candidate__user__email__endswith="@demo.cqp.fr")
    assert sorted(demo_candidacies.values_list("candidate__user__email", "pathway", "state")) == [
        ("candidat.certifie@demo.cqp.fr", "parcours", "certifie"),
        ("candidat.jury@demo.cqp.fr", "parcours", "jury"),
        ("candidat.vae.complements@demo.cqp.fr", "vae", "demande"),
        ("candidat.vae.recevable@demo.cqp.fr", "vae", "recevable"),
        ("candidat.vae@demo.cqp.fr", "vae", "recevabilite"),
        ("candidat@demo.cqp.fr", "parcours", "reperage"),
        ("candidate.jury@demo.cqp.fr", "parcours", "jury"),
    ]
    # The eleven listed accounts, the certified candidate and the two waiting for a session,
    # in two organisations; the closed session of the certified candidate and the next one,
    # programmed; her certificate, one document of each kind of the parcours and the jury,
    # the livret and dossier of each dossier waiting, and the letters of the two
    # recevabilité decisions. The steering's history adds 32 past candidacies, their
    # candidates, 4 habilitated people (one habilitation each) and 7 sessions held.
    assert first == {
        "cqp.User": 14 + 32 + 4,
        "cqp.Organisation": 2,
        "cqp.Membership": 7,
        "cqp.Habilitation": 2 + 4,
        "jury.JuryMember": 2,
        "candidates.Candidacy": 7 + 32,
        "jury.JurySession": 2 + 7,
        "jury.Certificate": 1,
        "cqp.Document": 11,
    }
    output = capsys.readouterr().out
    # Written for nobody in particular would be « Candidat(e) »: never « (e) ».
    assert "(e)" not in output
    assert "Personne candidate (Formapro Conseil)" in output
    assert "Site : http://127.0.0.1:8123/  —  back-office : http://127.0.0.1:8123/admin/" in output
    for email in [
        "secretariat@",
        "jury@",
        "gestionnaire@",
        "candidat@",
        "professionnel@",
        "evaluateur@",
        "candidat.certifie@",
        "candidat.vae@",
        "candidat.vae.complements@",
        "candidat.vae.recevable@",
    ]:
        assert email in output
    secretariat = User.objects.get(email="secretariat@demo.cqp.fr")
    assert secretariat.is_secretariat and secretariat.is_staff
    assert secretariat.check_password("Demo-CQP-2026!")

    certified = User.objects.get(email="candidat.certifie@demo.cqp.fr")
    assert certified.check_password("Demo-CQP-2026!")
    assert certified.get_full_name() == "Inès Moreau"
    candidacy = Candidacy.objects.get(candidate__user=certified)
    other = Candidacy.objects.get(candidate__user__email="candidat@demo.cqp.fr")
    assert candidacy.organisation == other.organisation
    assert candidacy.pathway == "parcours" and candidacy.state == "certifie"
    certificate = Certificate.objects.get(deliberation__candidacy=candidacy)
    assert certificate.kind == "certificat" and certificate.revoked_at is None
    demo_sessions = JurySession.objects.exclude(place="CPEF, salle paritaire")  # the history's
    assert sorted(demo_sessions.values_list("state", flat=True)) == ["closed", "planned"]
    assert set(Document.objects.values_list("kind", flat=True)) == {
        "livret",
        "dossier_evaluation",
        "fiche_decision",
        "certificat",
        "proces_verbal",
        "avis_recevabilite",
    }
    # The request sent back keeps what was entered, and flags what is asked for.
    sent_back = Candidacy.objects.get(candidate__user__email="candidat.vae.complements@demo.cqp.fr")
    decision = sent_back.recevabilite_decisions.get()
    assert decision.outcome == "incomplet" and len(decision.items) == 2
    assert sent_back.vae_request.experiences.get().proofs.count() == 1
    assert sent_back.vae_request.decision_due_on is None
    recevable = Candidacy.objects.get(candidate__user__email="candidat.vae.recevable@demo.cqp.fr")
    assert recevable.recevabilite_decisions.get().outcome == "favorable"
    waiting = Candidacy.objects.get(candidate__user__email="candidat.vae@demo.cqp.fr")
    assert waiting.vae_request.decision_due_on > waiting.vae_request.submitted_on
    for document in Document.objects.all():
        assert document.file.storage.exists(document.file.name), document.kind


def test_authentication_limits_and_sessions_come_from_the_environment():
    code = (
        "from django.conf import settings as s\n"
        "from django.contrib.auth.password_validation import validate_password\n"
        "print(s.TRUSTED_PROXIES, s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()),"
        " int(s.LOGIN_LOCKOUT_MAX.total_seconds()), s.LOGIN_ADDRESS_FAILURE_LIMIT,"
        " s.SESSION_IDLE_TIMEOUT, s.SESSION_ABSOLUTE_TIMEOUT, s.SESSION_COOKIE_AGE)\n"
        "try:\n"
        "    validate_password('Demo-CQP-2026!')\n"
        "except Exception as error:\n"
        "    print(*error.messages)\n"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        TRUSTED_PROXIES="1",
        LOGIN_THROTTLE_ATTEMPTS="7",
        LOGIN_THROTTLE_WINDOW="600",
        LOGIN_THROTTLE_MAX="7200",
        LOGIN_THROTTLE_ADDRESS_ATTEMPTS="50",
        SESSION_IDLE_TIMEOUT="900",
        SESSION_ABSOLUTE_TIMEOUT="28800",
        PASSWORD_MIN_LENGTH="16",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "1 7 600 7200 50 900 28800 28800",
        "Ce mot de passe est trop court. Il doit contenir au minimum 16 caractères.",
    ]


def test_a_password_minimum_below_eight_fails_loudly():
    result = _manage("check", PASSWORD_MIN_LENGTH="6")
    assert result.returncode != 0
    assert "PASSWORD_MIN_LENGTH must be 8 or more, got 6." in result.stderr
