"""Start-up configuration, checked in fresh processes (settings are read once per process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from candidates.models import Candidacy
from cqp.models import Habilitation, Membership, Organisation, User
from jury.models import JuryMember

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
def test_seed_demo_is_idempotent_and_prints_every_account(capsys):
    call_command("seed_demo")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Habilitation.objects.count(),
    )
    call_command("seed_demo")
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Habilitation.objects.count(),
    ) == counts
    assert counts == (9, 2, 4, 2)
    assert JuryMember.objects.count() == 2
    assert Candidacy.objects.count() == 2
    output = capsys.readouterr().out
    for email in [
        "secretariat@",
        "jury@",
        "gestionnaire@",
        "candidat@",
        "professionnel@",
        "evaluateur@",
    ]:
        assert email in output
    secretariat = User.objects.get(email="secretariat@demo.cqp.fr")
    assert secretariat.is_secretariat and secretariat.is_staff
    assert secretariat.check_password("Demo-CQP-2026!")
