"""`manage.py seed_scale`: a consistent data set the pages can serve."""

import hashlib
import os
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from candidates import selectors
from candidates.enums import DECISION_STATES, State
from candidates.models import Candidacy, RecevabiliteDecision, ReperageEntry, TransitionLog
from cqp.models import Document, Notification, Organisation, User
from evaluations.models import EvaluationDossier
from jury.models import Certificate, Deliberation, JurySession
from jury.scale import ACCOUNTS, AGENDA_SIZE, AWAITING_SESSION, LONG_HISTORY_ROUNDS
from jury.selectors import awaiting_session

pytestmark = pytest.mark.django_db

N = 300


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_scale", candidacies=N, stdout=out)
    return out.getvalue()


def test_seed_scale_reports_what_it_made(seeded):
    assert f"{N} candidacies in" in seeded
    assert ACCOUNTS["secretariat"] in seeded


def test_seed_scale_builds_every_state_in_proportion(seeded):
    counts = Counter(Candidacy.objects.values_list("state", flat=True))
    assert sum(counts.values()) == N
    assert set(counts) == set(State.values)
    under_way = sum(counts[s] for s in (State.REPERAGE, State.PARCOURS, State.EVALUATION))
    decided = sum(counts[s] for s in DECISION_STATES)
    assert under_way > N // 4
    assert decided > N // 5
    assert counts[State.JURY] >= min(AGENDA_SIZE, N // 5) + AWAITING_SESSION


def test_seed_scale_leaves_a_page_of_dossiers_waiting_for_a_session(seeded):
    # Besides the agenda, the instruction queue has a full first page at every size.
    assert awaiting_session().count() >= AWAITING_SESSION
    assert Candidacy.objects.filter(pathway="vae").count() == N // 4
    assert Organisation.objects.count() == 6  # at least 5, and the CPEF's own


def test_seed_scale_logs_walk_to_the_current_state(seeded):
    logs = TransitionLog.objects.order_by("candidacy_id", "created_at", "pk")
    chains = {}
    for candidacy_id, source, target in logs.values_list("candidacy_id", "source", "target"):
        chain = chains.setdefault(candidacy_id, [])
        assert source == (chain[-1] if chain else "")
        chain.append(target)
    states = dict(Candidacy.objects.values_list("pk", "state"))
    assert {pk: chain[-1] for pk, chain in chains.items()} == states


def test_seed_scale_dates_each_state_by_its_last_change(seeded):
    last_change = dict(
        TransitionLog.objects.exclude(source=F("target"))
        .values("candidacy_id")
        .annotate(last=Max("created_at"))
        .values_list("candidacy_id", "last")
    )
    assert dict(Candidacy.objects.values_list("pk", "state_changed_at")) == last_change


def test_seed_scale_decided_candidacies_have_their_decision(seeded):
    decided = Candidacy.objects.filter(state__in=DECISION_STATES)
    for candidacy in decided:
        [deliberation] = Deliberation.objects.filter(candidacy=candidacy)
        assert deliberation.outcome == candidacy.state
        assert deliberation.decided_at is not None
        assert deliberation.session.state == "closed"
        certified = Certificate.objects.filter(deliberation=deliberation)
        assert certified.exists() == (candidacy.state != State.NON_CERTIFIE)
        # The session and the organisation the list of holders reads from the certificate.
        for certificate in certified:
            assert certificate.session_id == deliberation.session_id
            assert certificate.organisation_id == candidacy.organisation_id
        assert deliberation.validations.count() == (
            6 if candidacy.state == State.CERTIFIE else deliberation.validations.count()
        )
    assert Certificate.objects.filter(kind="certificat").count() == (
        decided.filter(state=State.CERTIFIE).count()
    )
    past_evaluation = Candidacy.objects.filter(state__in=[State.JURY, *DECISION_STATES])
    assert EvaluationDossier.objects.filter(candidacy__in=past_evaluation).count() == (
        past_evaluation.count()
    )


def test_seed_scale_builds_what_the_benchmark_needs(seeded):
    candidate = User.objects.get(email=ACCOUNTS["candidat"])
    long = Candidacy.objects.get(candidate__user=candidate)
    assert long.logs.count() == 2 * LONG_HISTORY_ROUNDS + 4
    # Found by the gestionnaire's search for « martin » at any size.
    gestionnaire = User.objects.get(email=ACCOUNTS["gestionnaire"])
    assert candidate.last_name == "Martin"
    assert long.organisation.memberships.filter(user=gestionnaire, role="gestionnaire").exists()
    # Its request within the last two years, not decades before.
    assert long.logs.order_by("created_at").first().created_at.year >= timezone.now().year - 2
    agenda = JurySession.objects.get(state="open")
    assert agenda.deliberations.filter(decided_at__isnull=True).count() == min(AGENDA_SIZE, N // 5)
    assert ReperageEntry.objects.exists()
    assert Notification.objects.filter(user=candidate, read_at__isnull=True).exists()


def test_seed_scale_stores_the_documents_and_counts_the_members(seeded):
    """Each document the services would have stored (one file for all), and each
    organisation's stored member count (the memberships were written by COPY)."""
    kinds = Counter(Document.objects.values_list("kind", flat=True))
    assert kinds["avis_recevabilite"] == RecevabiliteDecision.objects.count()
    assert kinds["fiche_decision"] == Deliberation.objects.filter(decided_at__isnull=False).count()
    assert kinds["certificat"] + kinds["attestation"] == Certificate.objects.count()
    assert kinds["dossier_evaluation"] == (
        EvaluationDossier.objects.filter(transmitted_at__isnull=False).count()
    )
    assert kinds["livret"] > 0 and kinds["dossier_vae"] > 0
    document = Document.objects.order_by("?").first()
    with document.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == document.sha256
    for organisation in Organisation.objects.all():
        members = organisation.memberships.values("user").distinct().count()
        assert organisation.member_count == members > 0
    # The long request lists its latest letter among its documents, each beside its decision.
    long = Candidacy.objects.get(candidate__user__email=ACCOUNTS["candidat"])
    page = selectors.candidacy_page(user=long.candidate.user, pk=long.pk)
    assert [d.kind for d in page.documents].count("avis_recevabilite") == 1
    assert set(page.letters) == {d.pk for d in page.decisions}


def test_seed_scale_refuses_a_database_with_candidacies(seeded):
    with pytest.raises(CommandError, match="already holds candidacies"):
        call_command("seed_scale", candidacies=N, stdout=StringIO())


def test_seed_scale_refuses_sqlite(tmp_path):
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(manage), "seed_scale", "--candidacies", "100"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "seed_scale needs PostgreSQL (DATABASE_URL): it writes with COPY." in result.stderr


def _login(client, role):
    client.force_login(User.objects.get(email=ACCOUNTS[role]))


@pytest.mark.parametrize(
    "role", ["secretariat", "gestionnaire", "professionnel", "evaluateur", "jury_member"]
)
def test_seed_scale_pages_answer_for_each_role(seeded, client, role):
    _login(client, role)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("candidacy_list")).status_code == 200
    assert client.get(reverse("notification_list")).status_code == 200


def test_seed_scale_pages_with_the_long_history_and_the_agenda(seeded, client):
    _login(client, "secretariat")
    long = Candidacy.objects.get(candidate__user__email=ACCOUNTS["candidat"])
    agenda = JurySession.objects.get(state="open")
    for url in (
        reverse("candidacy_detail", args=[long.pk]),
        reverse("session_detail", args=[agenda.pk]),
        reverse("session_dashboard", args=[agenda.pk]),
        reverse("recevabilite_queue"),
        reverse("organisation_list"),
        reverse("pilotage"),
    ):
        assert client.get(url).status_code == 200, url
    _login(client, "jury_president")
    deliberation = agenda.deliberations.first()
    assert client.get(reverse("session_dashboard", args=[agenda.pk])).status_code == 200
    assert client.get(reverse("deliberation_detail", args=[deliberation.pk])).status_code == 200
    _login(client, "candidat")
    assert client.get(reverse("candidacy_detail", args=[long.pk])).status_code == 200
