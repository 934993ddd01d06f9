"""A realistic data set of N candidacies for the scale benchmark (`manage.py seed_scale`).

Rows are built in Python, in chunks of candidacies so that memory stays bounded, and
written with PostgreSQL's COPY (psycopg 3): 100,000 candidacies in a few minutes where the
services would need hours. Nothing the application relies on is switched off: the
append-only triggers refuse updates and deletes only, and every foreign key and
constraint is checked as usual. The data is consistent with the state machine: each
candidacy's audit log walks its pathway from creation to its current state, decided
candidacies have their deliberation (and certificate or attestation), dossiers exist for
those past the évaluation, livrets for the parcours, VAE requests for the VAE.

It lives in `jury`, the rightmost app, because it writes every app's tables.

Known accounts (password `BENCH_PASSWORD`), for the benchmark: see `ACCOUNTS`.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission
from psycopg.types.json import Jsonb

from candidates.enums import LETTER, Capacity, Pathway, State
from candidates.models import (
    Candidacy,
    Candidate,
    CompetenceValidation,
    ParcoursAction,
    RecevabiliteDecision,
    ReperageEntry,
    TransitionLog,
    VaeActivity,
    VaeExperience,
    VaeRequest,
)
from cqp import member_counts
from cqp.models import (
    Certification,
    Document,
    Habilitation,
    Membership,
    Notification,
    Organisation,
    User,
)
from cqp.utils import add_months
from evaluations.models import CompetenceAssessment, EvaluationDossier
from jury.models import (
    Certificate,
    CompetenceDecision,
    Deliberation,
    JuryMember,
    JurySession,
    Seat,
)

BENCH_PASSWORD = "scale-bench-2026"  # noqa: S105 (a throw-away data set's known accounts)
DOMAIN = "scale.test"
ACCOUNTS = {
    "secretariat": f"secretariat@{DOMAIN}",
    "gestionnaire": f"gestionnaire@{DOMAIN}",  # of the biggest organisation
    "professionnel": f"professionnel@{DOMAIN}",  # of the biggest organisation
    "evaluateur": f"evaluateur@{DOMAIN}",
    "jury_president": f"president@{DOMAIN}",  # presides over the agenda session
    "jury_member": f"jure@{DOMAIN}",  # sits on the agenda session
    "candidat": f"candidat@{DOMAIN}",  # holds the candidacy with the long history
}
AGENDA_SIZE = 200  # candidacies on the agenda of the open session
# Candidacies in jury on no session at least, waiting for the secretariat's instruction: a
# full first page of /jury/instruction/ (20) at every size, besides the agenda.
AWAITING_SESSION = 20
LONG_HISTORY_ROUNDS = 150  # request_completion / submit_recevabilite rounds: 300 log entries

# Share of each state, per pathway: most candidacies are under way, a share decided.
PARCOURS_STATES = {
    State.REPERAGE: 15,
    State.PARCOURS: 24,
    State.EVALUATION: 16,
    State.JURY: 3,
    State.CERTIFIE: 20,
    State.PARTIEL: 6,
    State.NON_CERTIFIE: 3,
    State.ABANDONNE: 8,
}
VAE_STATES = {
    State.DEMANDE: 12,
    State.RECEVABILITE: 6,
    State.RECEVABLE: 8,
    State.NON_RECEVABLE: 6,
    State.EVALUATION: 14,
    State.JURY: 4,
    State.CERTIFIE: 25,
    State.PARTIEL: 8,
    State.NON_CERTIFIE: 4,
    State.ABANDONNE: 13,
}
VAE_SHARE = 0.25
DECIDED = (State.CERTIFIE, State.PARTIEL, State.NON_CERTIFIE)
DELIBERATION_COLUMNS = ["session_id", "candidacy_id", "conform", "outcome", "motivation"]
DELIBERATION_COLUMNS += ["decided_at", "decided_by_id"]

# The pathway of each pathway, step by step: (transition, target, capacity).
PARCOURS_STEPS = [
    ("create", State.REPERAGE, Capacity.GESTIONNAIRE),
    ("complete_reperage", State.PARCOURS, Capacity.PROFESSIONNEL),
    ("start_evaluation", State.EVALUATION, Capacity.PROFESSIONNEL),
    ("transmit_to_jury", State.JURY, Capacity.EVALUATEUR),
]
VAE_STEPS = [
    ("create", State.DEMANDE, Capacity.CANDIDAT),
    ("submit_recevabilite", State.RECEVABILITE, Capacity.CANDIDAT),
    ("declare_recevable", State.RECEVABLE, Capacity.SECRETARIAT),
    ("submit_activities", State.EVALUATION, Capacity.CANDIDAT),
    ("transmit_to_jury", State.JURY, Capacity.EVALUATEUR),
]

FIRST = ["Anaïs", "Benoît", "Chloé", "Désiré", "Élodie", "François", "Gaëlle", "Hélène", "Loïc"]
FIRST += ["Maëlle", "Noé", "Océane", "Pénélope", "Raphaël", "Sébastien", "Thaïs", "Zoé", "Yanis"]
LAST = ["Martin", "Bernard", "Petit", "Durand", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre"]
LAST += ["Garçon", "Mercier", "Dupré", "Bœuf", "Noël", "Thérond", "Crémieux", "Fournier", "Roux"]
# Surnames have a long tail: in France the commonest, Martin, is borne by about 0.4 % of
# people. The names above, commonest first, get shares from 0.4 % down; the rest of the
# people bear one of 480 names made of two syllables (so that a search on a common name
# finds what it would find among real people, not one person in eighteen).
_STARTS = ["Ber", "Char", "Dau", "Fon", "Gau", "Jo", "La", "Le", "Mal", "Mo", "Pe", "Ri"]
_STARTS += ["Rou", "Ta", "Va", "Vi", "Bou", "Che", "Da", "Gi", "Ma", "Po", "Sa", "Tes"]
_ENDS = ["chard", "det", "gnon", "lard", "lot", "mont", "nier", "rand", "ret", "rin", "rot"]
_ENDS += ["tel", "teau", "vin", "zet", "quet", "billon", "cheron", "dier", "gal"]
SURNAMES = LAST + [start + end for start in _STARTS for end in _ENDS]
_COMMON = [0.004 / (k + 1) ** 0.5 for k in range(len(LAST))]
_RARE = (1 - sum(_COMMON)) / (len(SURNAMES) - len(LAST))
SURNAME_WEIGHTS = list(itertools.accumulate(_COMMON + [_RARE] * (len(SURNAMES) - len(LAST))))
CITIES = ["Lyon", "Paris", "Lille", "Nantes", "Bordeaux", "Rennes", "Dijon", "Metz", "Nîmes"]
# The file every stored document of the data set names (Seeder.store_placeholder): a blank
# page.
PLACEHOLDER = "documents/scale/document.pdf"
PLACEHOLDER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
COMMENT = "Les éléments observés et le récit concordent ; pratique régulière et autonome."


class NotEmpty(Exception):
    """The database already holds candidacies: seed_scale starts from an empty one."""


def _siret(n: int) -> str:
    """A SIRET passing the Luhn check, distinct for each n."""
    base = f"{n:013d}"
    for check in range(10):
        digits = base + str(check)
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch)
            if i % 2:
                d *= 2
                d -= 9 if d > 9 else 0
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


class Table:
    """The rows of one model waiting to be written with COPY, ids given here.

    The columns not named get the field's default, evaluated once (auto_now fields: the
    time of the run)."""

    def __init__(self, model: type[models.Model], columns: list[str], start_id: int):
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        self.columns = [fields[name].column for name in columns]
        now = timezone.now()
        self.defaults = []
        for name, f in fields.items():
            if name in columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"{self.table}.{f.column} needs a value")
            if isinstance(value, dict | list):
                value = Jsonb(value)
            self.columns.append(f.column)
            self.defaults.append(value)
        self.defaults = tuple(self.defaults)
        self.next_id = start_id
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.defaults))
        return pk

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        columns = ", ".join(["id", *self.columns])
        with cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for row in self.rows:
                copy.write_row(row)
        self.written += len(self.rows)
        self.rows = []


@dataclass
class Report:
    candidacies: int = 0
    by_state: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0


class Seeder:
    def __init__(self, *, candidacies: int, organisations: int | None = None, seed: int = 16):
        if candidacies < 50:
            raise ValueError("seed_scale needs at least 50 candidacies")
        self.n = candidacies
        self.n_orgs = organisations or max(5, candidacies // 250)
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.certification = Certification.objects.filter(code="CQP-AF").first()
        if self.certification is None:
            self.certification = Certification.objects.order_by("pk").first()
        if self.certification is None:
            raise ValueError("no certification: run manage.py migrate")
        self.competences = list(self.certification.competences.order_by("number"))
        self.elements = {
            c.pk: list(c.elements.order_by("number").values_list("pk", flat=True))
            for c in self.competences
        }
        self.tables: dict[type, Table] = {}
        self.password = make_password(BENCH_PASSWORD)
        self.unusable = make_password(None)

    # -- plumbing -----------------------------------------------------------------------

    def table(self, model, columns: list[str]) -> Table:
        if model not in self.tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
                start = cursor.fetchone()[0]
            self.tables[model] = Table(model, columns, start)
        return self.tables[model]

    def flush(self) -> None:
        with connection.cursor() as wrapper:
            for table in self.tables.values():  # insertion order: parents first
                table.flush(wrapper.cursor)

    def reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [table.table, max(table.next_id - 1, 1)],
                )

    def user(self, email: str, first: str, last: str, *, role: str = "", password=None) -> int:
        users = self.table(
            User, ["email", "first_name", "last_name", "platform_role", "password", "date_joined"]
        )
        return users.add(
            email, first, last, role, password or self.unusable, self.now - datetime.timedelta(900)
        )

    def name(self) -> tuple[str, str]:
        last = self.rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
        return self.rng.choice(FIRST), last

    def ts(self, day: datetime.datetime) -> datetime.datetime:
        return min(day, self.now - datetime.timedelta(minutes=5))

    def store_placeholder(self) -> None:
        """The one file every document of the data set names: its documents are rows to
        list, count and look up (`make bench`), not PDFs to read."""
        if not default_storage.exists(PLACEHOLDER):
            default_storage.save(PLACEHOLDER, ContentFile(PLACEHOLDER_PDF))
        self.placeholder_sha = hashlib.sha256(PLACEHOLDER_PDF).hexdigest()

    def document(self, kind: str, model, object_id: int, title: str, at, pages: int = 2) -> None:
        """The first edition of `kind`'s document of the object, stored at `at`, as the
        services store the documents (cqp.documents.document_store)."""
        # get_for_model keeps each content type once read (Django's ContentTypeManager).
        content_type = ContentType.objects.get_for_model(model).pk
        self.table(
            Document,
            ["kind", "content_type_id", "object_id", "edition", "title", "file", "sha256"]
            + ["size", "pages", "generated_at"],
        ).add(
            kind, content_type, object_id, 1, title, PLACEHOLDER,
            self.placeholder_sha, len(PLACEHOLDER_PDF), pages, at,
        )  # fmt: skip

    def letter(self, decision: int, at) -> None:
        self.document(LETTER, RecevabiliteDecision, decision, "Avis de recevabilité", at)

    # -- the platform: organisations, people, jury, sessions -----------------------------

    def build_platform(self) -> None:
        rng = self.rng
        self.secretariat = self.user(
            ACCOUNTS["secretariat"], "Sylvie", "Roché", role="secretariat", password=self.password
        )
        self.secretaries = [self.secretariat] + [
            self.user(f"secretariat{i}@{DOMAIN}", *self.name(), role="secretariat")
            for i in range(2)
        ]
        orgs = self.table(Organisation, ["name", "kind", "siret", "slug", "city", "created_at"])
        members = self.table(Membership, ["user_id", "organisation_id", "role", "created_at"])
        habs = self.table(
            Habilitation, ["user_id", "kind", "valid_from", "valid_until", "granted_by_id"]
        )
        since = self.now - datetime.timedelta(days=1000)
        # Sizes follow a long tail: a few big organisations, many small ones.
        self.org_weights = [1 / (k + 1) ** 0.8 for k in range(self.n_orgs)]
        self.orgs, self.gestionnaires, self.professionnels = [], {}, {}
        for k in range(self.n_orgs):
            kind = "organisme_formation" if k % 3 == 0 else "entreprise"
            label = "Organisme de formation" if kind == "organisme_formation" else "Entreprise"
            org = orgs.add(
                f"{label} {rng.choice(LAST)} n° {k + 1}",
                kind,
                _siret(900_000 + k),
                f"scale-{k + 1}",
                rng.choice(CITIES),
                since,
            )
            self.orgs.append(org)
            first = k == 0
            gestionnaire = self.user(
                ACCOUNTS["gestionnaire"] if first else f"gestionnaire{k}@{DOMAIN}",
                *self.name(),
                password=self.password if first else None,
            )
            members.add(gestionnaire, org, "gestionnaire", since)
            self.gestionnaires[org] = gestionnaire
            pros = []
            for j in range(1 + (2 if k < 20 else k % 2)):
                pro = self.user(
                    ACCOUNTS["professionnel"] if first and j == 0 else f"pro{k}-{j}@{DOMAIN}",
                    *self.name(),
                    password=self.password if first and j == 0 else None,
                )
                members.add(pro, org, "professionnel", since)
                habs.add(
                    pro,
                    "professionnel",
                    self.today - datetime.timedelta(days=700),
                    self.today + datetime.timedelta(days=400),
                    self.secretariat,
                )
                pros.append(pro)
            self.professionnels[org] = pros
        self.cpef = orgs.add(
            "CPEF Assistant(e) de formation", "organisme_formation", _siret(899_999), "scale-cpef",
            "Paris", since,
        )  # fmt: skip
        self.gestionnaires[self.cpef] = self.secretariat
        self.professionnels[self.cpef] = self.professionnels[self.orgs[0]]
        self.evaluateurs = []
        for i in range(max(5, self.n // 1000)):
            ev = self.user(
                ACCOUNTS["evaluateur"] if i == 0 else f"evaluateur{i}@{DOMAIN}",
                *self.name(),
                password=self.password if i == 0 else None,
            )
            habs.add(
                ev,
                "evaluateur",
                self.today - datetime.timedelta(days=800),
                self.today + datetime.timedelta(days=300),
                self.secretariat,
            )
            self.evaluateurs.append(ev)
        self.build_jury()
        self.flush()

    def build_jury(self) -> None:
        jurors = self.table(JuryMember, ["user_id", "college", "mandate_start", "mandate_end"])
        self.jurors: list[tuple[int, int, str]] = []  # (member id, user id, college)
        for i in range(24):
            email = {0: ACCOUNTS["jury_president"], 1: ACCOUNTS["jury_member"]}.get(
                i, f"jure{i}@{DOMAIN}"
            )
            user = self.user(
                email, *self.name(), role="jury", password=self.password if i < 2 else None
            )
            college = "employeurs" if i % 2 == 0 else "salaries"
            member = jurors.add(
                user,
                college,
                self.today - datetime.timedelta(days=1200),
                self.today + datetime.timedelta(days=600),
            )
            self.jurors.append((member, user, college))
        sessions = self.table(
            JurySession,
            ["date", "start_time", "place", "state", "president_id", "created_by_id"]
            + ["opened_at", "closed_at"],
        )
        seats = self.table(Seat, ["session_id", "member_id", "present"])
        n_sessions = max(8, self.n // 400)
        self.closed_sessions = []  # (session id, date, president user)
        self.planned_sessions = []
        for i in range(n_sessions - 1):
            planned = i >= n_sessions - 4  # the next three sessions
            day = (
                self.today + datetime.timedelta(days=30 * (i - n_sessions + 5))
                if planned
                else self.today - datetime.timedelta(days=7 + (1100 * (n_sessions - 4 - i)) // n_sessions)
            )  # fmt: skip
            members = self._paritaire(self.rng.sample(range(2, 24), 4))
            president = members[0]
            at = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=datetime.UTC)
            session = sessions.add(
                day,
                datetime.time(9, 30),
                f"CPEF, salle {1 + i % 3}",
                "planned" if planned else "closed",
                self.jurors[president][0],
                self.secretariat,
                None if planned else at,
                None if planned else at + datetime.timedelta(hours=4),
            )
            for m in members:
                seats.add(session, self.jurors[m][0], None if planned else True)
            target = self.planned_sessions if planned else self.closed_sessions
            target.append((session, day, self.jurors[president][1]))
        # The agenda session: open today, the known president and member seated.
        self.agenda_session = sessions.add(
            self.today,
            datetime.time(14, 0),
            "CPEF, salle du conseil",
            "open",
            self.jurors[0][0],
            self.secretariat,
            self.now - datetime.timedelta(minutes=30),
            None,
        )
        for m in (0, 1, 2, 3):
            seats.add(self.agenda_session, self.jurors[m][0], True)

    def _paritaire(self, chosen: list[int]) -> list[int]:
        """Two members of each college among the jurors (president first)."""
        employeurs = [i for i in chosen if self.jurors[i][2] == "employeurs"]
        salaries = [i for i in chosen if self.jurors[i][2] == "salaries"]
        pool = list(range(2, 24))
        while len(employeurs) < 2:
            employeurs.append(next(i for i in pool if i % 2 == 0 and i not in employeurs))
        while len(salaries) < 2:
            salaries.append(next(i for i in pool if i % 2 == 1 and i not in salaries))
        return [employeurs[0], salaries[0], employeurs[1], salaries[1]]

    # -- the candidacies -----------------------------------------------------------------

    def plan(self) -> list[tuple[str, str]]:
        """(pathway, state) of each candidacy, shuffled: at least AGENDA_SIZE in jury."""
        plans = []
        n_vae = round(self.n * VAE_SHARE)
        for pathway, count, shares in (
            (Pathway.PARCOURS, self.n - n_vae, PARCOURS_STATES),
            (Pathway.VAE, n_vae, VAE_STATES),
        ):
            total = sum(shares.values())
            states = []
            for state, share in shares.items():
                states += [state] * (count * share // total)
            states += [next(iter(shares))] * (count - len(states))
            plans += [(pathway, s) for s in states]
        self.rng.shuffle(plans)
        # The agenda needs AGENDA_SIZE candidacies in jury (a fifth of a small data set), and
        # AWAITING_SESSION more wait for a session: without them, a small data set's jury
        # candidacies would all be on the agenda and the instruction queue empty.
        wanted = min(AGENDA_SIZE, self.n // 5) + AWAITING_SESSION
        wanted -= sum(1 for _p, s in plans if s == State.JURY)
        for i, (pathway, state) in enumerate(plans):
            if wanted <= 0:
                break
            if state in (State.REPERAGE, State.PARCOURS, State.DEMANDE, State.EVALUATION):
                plans[i] = (pathway, State.JURY)
                wanted -= 1
        # The long history: a VAE candidacy now in évaluation (see build_candidacy).
        first = plans.index((Pathway.VAE, State.EVALUATION))
        plans[0], plans[first] = plans[first], plans[0]
        return plans

    def run(self, *, chunk: int = 5000, progress=None) -> Report:
        start = time.perf_counter()
        if Candidacy.objects.exists():
            raise NotEmpty
        report = Report(candidacies=self.n)
        with transaction.atomic():
            self.build_platform()
        plans = self.plan()
        self.agenda_left = min(AGENDA_SIZE, self.n // 5)
        self.awaiting_left = AWAITING_SESSION
        self.decided_i = 0
        perms = Permission.objects.filter(
            content_type__app_label="candidates",
            codename__in=["act_as_professionnel", "act_as_evaluateur"],
        )
        self.perm_ids = {p.codename: p.pk for p in perms}
        self.candidacy_ct = ContentType.objects.get_for_model(Candidacy).pk
        self.store_placeholder()
        for offset in range(0, self.n, chunk):
            with transaction.atomic():
                for i in range(offset, min(offset + chunk, self.n)):
                    pathway, state = plans[i]
                    self.build_candidacy(i, pathway, state)
                    report.by_state[state] = report.by_state.get(state, 0) + 1
                self.flush()
            if progress:
                progress(min(offset + chunk, self.n), time.perf_counter() - start)
        with transaction.atomic():
            self.build_notifications_for_accounts()
            self.flush()
            self.reset_sequences()
            # The memberships were written by COPY, past the receivers that count them.
            member_counts.recount()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report.rows = {t.table: t.written for t in self.tables.values()}
        report.seconds = time.perf_counter() - start
        return report

    def build_candidacy(self, i: int, pathway: str, state: str) -> None:
        rng = self.rng
        long_history = i == 0
        if pathway == Pathway.VAE and (long_history or rng.random() < 0.4):
            org = self.cpef if not long_history else self.orgs[0]
        else:
            org = rng.choices(self.orgs, weights=self.org_weights)[0]
        first, last = self.name()
        if long_history:
            # The known candidate bears the commonest name, so that a gestionnaire's search
            # for it (`make bench`: « martin ») finds a row of the organisation at any size.
            last = LAST[0]
        user = self.user(
            ACCOUNTS["candidat"] if long_history else f"c{i}@candidats.{DOMAIN}",
            first,
            last,
            password=self.password if long_history else None,
        )
        self.table(Membership, ["user_id", "organisation_id", "role", "created_at"]).add(
            user, org, "candidat", self.now - datetime.timedelta(days=900)
        )
        candidate = self.table(
            Candidate,
            ["user_id", "created_at", "civility", "birth_name", "first_names", "birth_date"]
            + ["birth_place", "identity_declared_at"],
        ).add(
            user,
            self.now - datetime.timedelta(days=900),
            "madame" if rng.random() < 0.7 else "monsieur",
            last,
            first,
            datetime.date(1965 + rng.randrange(38), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            rng.choice(CITIES),
            self.now - datetime.timedelta(days=900),
        )
        steps = PARCOURS_STEPS if pathway == Pathway.PARCOURS else VAE_STEPS
        targets = [target for _t, target, _c in steps]
        # The path: the steps up to the state, then the ending.
        ending = None
        if state in DECIDED:
            path = steps
            ending = ("record_decision", state, Capacity.JURY)
        elif state == State.ABANDONNE:
            path = steps[: rng.randrange(1, len(steps))]
            ending = ("withdraw", state, Capacity.CANDIDAT)
        elif state == State.NON_RECEVABLE:
            path = steps[:2]
            ending = ("declare_non_recevable", state, Capacity.SECRETARIAT)
        else:
            path = steps[: targets.index(state) + 1]
        entries = list(path) + ([ending] if ending else [])
        if long_history:
            loop = [
                ("request_completion", State.DEMANDE, Capacity.SECRETARIAT),
                ("submit_recevabilite", State.RECEVABILITE, Capacity.CANDIDAT),
            ] * LONG_HISTORY_ROUNDS
            entries = entries[:2] + loop + entries[2:]
        # When: a decided candidacy ends on its session's day; the others recently.
        session = None
        if state in DECIDED:
            session = self.closed_sessions[self.decided_i % len(self.closed_sessions)]
            self.decided_i += 1
            end = datetime.datetime.combine(session[1], datetime.time(11, 0), tzinfo=datetime.UTC)
        else:
            end = self.now - datetime.timedelta(
                days=rng.randrange(1, 40), minutes=rng.randrange(600)
            )
        # A few months a step; the long history's 300 steps within two years, not 80.
        steps_span = 8 if long_history else len(entries)
        begin = end - datetime.timedelta(days=rng.randrange(60, 400) * steps_span // 4 + 1)
        span = (end - begin) / max(1, len(entries) - 1)
        times = [self.ts(begin + span * k) for k in range(len(entries))]
        professionnel = rng.choice(self.professionnels[org])
        past = {target for _t, target, _c in entries}
        assigned = past & {State.PARCOURS, State.RECEVABLE, State.EVALUATION, State.JURY, *DECIDED}
        evaluateur = rng.choice(self.evaluateurs) if assigned else None
        if long_history:  # the known professionnel and évaluateur follow it
            professionnel, evaluateur = self.professionnels[org][0], self.evaluateurs[0]
        president = session[2] if session else self.jurors[0][1]
        candidacy = self.table(
            Candidacy,
            ["candidate_id", "certification_id", "organisation_id", "pathway", "state"]
            + ["is_newcomer", "professionnel_id", "evaluateur_id", "practice_confirmed_on"]
            + ["closing_reason", "created_by_id", "created_at", "updated_at", "state_changed_at"],
        ).add(
            candidate,
            self.certification.pk,
            org,
            pathway,
            state,
            pathway == Pathway.PARCOURS and rng.random() < 0.1,
            professionnel if assigned or pathway == Pathway.PARCOURS else None,
            evaluateur,
            times[2].date() if pathway == Pathway.PARCOURS and len(times) > 2 else None,
            "Changement de situation professionnelle." if state == State.ABANDONNE else "",
            self.gestionnaires[org] if pathway == Pathway.PARCOURS else user,
            times[0],
            times[-1],
            times[-1],  # the last entry of the history brought it to its state
        )
        actors = {
            Capacity.GESTIONNAIRE: self.gestionnaires[org],
            Capacity.PROFESSIONNEL: professionnel,
            Capacity.EVALUATEUR: evaluateur,
            Capacity.CANDIDAT: user,
            Capacity.SECRETARIAT: self.secretariat,
            Capacity.JURY: president,
        }
        logs = self.table(
            TransitionLog,
            ["candidacy_id", "actor_id", "role", "transition", "source", "target", "comment"]
            + ["created_at"],
        )
        source = ""
        last_log = None
        for (transition, target, capacity), at in zip(entries, times, strict=True):
            comment = ""
            if transition in ("withdraw", "declare_non_recevable", "request_completion"):
                comment = "Pièces manquantes : attestation d'employeur." if (
                    transition == "request_completion"
                ) else "Motif communiqué au candidat."  # fmt: skip
            last_log = logs.add(
                candidacy, actors[capacity] or self.secretariat, capacity, transition, source,
                target, comment, at,
            )  # fmt: skip
            source = target
        acting = assigned or pathway == Pathway.PARCOURS
        self.build_guardian(candidacy, professionnel if acting else None, evaluateur)
        if pathway == Pathway.PARCOURS:
            self.build_livret(candidacy, state, past, times)
        else:
            self.build_vae(candidacy, state, past, times, long_history)
        if State.EVALUATION in past:
            self.build_dossier(
                candidacy, state, past, times, professionnel, evaluateur, session, org
            )
        if state == State.JURY:
            self.build_pending(candidacy)
        # The candidate's notice of the last step; most are read.
        self.table(
            Notification,
            ["user_id", "key", "event", "subject", "url", "created_at", "read_at"],
        ).add(
            user,
            f"transition:{last_log}",
            "transition",
            "Votre candidature a avancé",
            f"/candidatures/{candidacy}/",
            times[-1],
            times[-1] if rng.random() < 0.7 else None,
        )

    def build_guardian(self, candidacy: int, professionnel, evaluateur) -> None:
        perms = self.table(
            UserObjectPermission, ["permission_id", "content_type_id", "object_pk", "user_id"]
        )
        if professionnel:
            perms.add(
                self.perm_ids["act_as_professionnel"],
                self.candidacy_ct,
                str(candidacy),
                professionnel,
            )
        if evaluateur:
            perms.add(
                self.perm_ids["act_as_evaluateur"], self.candidacy_ct, str(candidacy), evaluateur
            )

    def build_livret(self, candidacy: int, state: str, past: set, times: list) -> None:
        rng = self.rng
        entries = self.table(
            ReperageEntry, ["candidacy_id", "element_id", "status", "training_need"]
        )
        actions = self.table(
            ParcoursAction,
            ["candidacy_id", "cycle", "competence_id", "kind", "provider", "description"]
            + ["start_date", "end_date", "done"],
        )
        complete = State.PARCOURS in past
        to_develop = set(rng.sample(self.competences, rng.randrange(1, 4)))
        for competence in self.competences:
            for n, element in enumerate(self.elements[competence.pk]):
                if not complete and n > 2:
                    break  # a livret under way
                develop = competence in to_develop and n % 2 == 0
                entries.add(
                    candidacy,
                    element,
                    "a_developper" if develop else "acquis",
                    "Formation courte à prévoir." if develop else "",
                )
        if complete:
            self.document("livret", Candidacy, candidacy, "Livret de repérage", times[1], 4)
            begin = times[1].date()
            for competence in to_develop:
                actions.add(
                    candidacy,
                    1,
                    competence.pk,
                    "formation" if rng.random() < 0.6 else "situation_travail",
                    "Organisme partenaire",
                    f"Développer la compétence {competence.number}.",
                    begin,
                    begin + datetime.timedelta(days=60),
                    State.EVALUATION in past,
                )

    def build_vae(self, candidacy: int, state: str, past: set, times: list, long: bool) -> None:
        submitted = State.RECEVABILITE in past
        request = self.table(
            VaeRequest,
            ["candidacy_id", "current_situation", "current_job_title", "motivation"]
            + ["submitted_on", "sworn_at", "decision_due_on"],
        ).add(
            candidacy,
            "En poste",
            "Assistante de formation",
            "Faire reconnaître mon expérience.",
            times[1].date() if submitted else None,
            times[1] if submitted else None,
            # As the submission sets it; a decision clears it.
            add_months(times[1].date(), settings.VAE_DECISION_MONTHS)
            if state == State.RECEVABILITE
            else None,
        )
        self.table(
            VaeExperience,
            ["request_id", "employer", "job_title", "start_date", "end_date", "is_relevant"],
        ).add(
            request,
            "Organisme de formation régional",
            "Assistante de formation",
            times[0].date() - datetime.timedelta(days=1600),
            None,
            True,
        )
        decisions = self.table(
            RecevabiliteDecision,
            ["candidacy_id", "outcome", "reason", "submitted_on", "experience_days"]
            + ["decided_by_id", "decided_at"],
        )
        if submitted:
            self.document("dossier_vae", Candidacy, candidacy, "Dossier de VAE", times[1], 6)
        if long:
            for k in range(LONG_HISTORY_ROUNDS):
                decision = decisions.add(
                    candidacy, "incomplet", "Attestation d'employeur manquante.",
                    times[1].date(), 1600, self.secretariat, times[2 + 2 * k],
                )  # fmt: skip
                self.letter(decision, times[2 + 2 * k])
        if state == State.NON_RECEVABLE or State.RECEVABLE in past:
            favorable = state != State.NON_RECEVABLE
            decided_at = times[2 + (2 * LONG_HISTORY_ROUNDS if long else 0)]
            decision = decisions.add(
                candidacy,
                "favorable" if favorable else "defavorable",
                "" if favorable else "Expérience en rapport insuffisante.",
                times[1].date(),
                1600 if favorable else 700,
                self.secretariat,
                decided_at,
            )
            self.letter(decision, decided_at)
        if State.EVALUATION in past:
            activities = self.table(
                VaeActivity, ["candidacy_id", "competence_id", "title", "description"]
            )
            for competence in self.competences:
                activities.add(
                    candidacy,
                    competence.pk,
                    f"Activité pour la compétence {competence.number}",
                    "Préparation et suivi administratif des sessions de formation.",
                )

    def build_dossier(self, candidacy, state, past, times, professionnel, evaluateur, session, org):
        rng = self.rng
        transmitted = State.JURY in past
        opened = times[-1] if state == State.EVALUATION else times[-2]
        if state in DECIDED:
            opened = times[-3]
        dossiers = self.table(
            EvaluationDossier,
            ["candidacy_id", "cycle", "opened_at", "transmitted_at", "transmitted_by_id"]
            + ["closed_at"],
        )
        dossier = dossiers.add(
            candidacy,
            1,
            opened,
            times[-2] if state in DECIDED else (times[-1] if transmitted else None),
            evaluateur if transmitted else None,
            times[-1] if state in DECIDED else None,
        )
        if transmitted:
            self.document(
                "dossier_evaluation", EvaluationDossier, dossier, "Dossier d'évaluation",
                times[-2] if state in DECIDED else times[-1], 8,
            )  # fmt: skip
        through = self.table(
            EvaluationDossier.competences.through, ["evaluationdossier_id", "competence_id"]
        )
        assessments = self.table(
            CompetenceAssessment,
            ["dossier_id", "competence_id", "professionnel_opinion", "professionnel_comment"]
            + ["professionnel_opinion_at", "evaluateur_opinion", "evaluateur_comment"]
            + ["evaluateur_opinion_at", "final_result", "final_comment"]
            + ["professionnel_signed_by_id", "professionnel_signed_name", "professionnel_signed_at"]
            + ["evaluateur_signed_by_id", "evaluateur_signed_name", "evaluateur_signed_at"],
        )
        self.validated = len(self.competences)
        if state == State.PARTIEL:
            self.validated = rng.randrange(2, len(self.competences))
        elif state == State.NON_CERTIFIE:
            self.validated = 0
        at = opened + datetime.timedelta(days=20)
        for n, competence in enumerate(self.competences):
            through.add(dossier, competence.pk)
            done = transmitted or rng.random() < 0.5
            if not done:
                continue
            result = "acquise" if n < self.validated else "non_acquise"
            assessments.add(
                dossier, competence.pk, result, COMMENT, at, result, COMMENT, at,
                result, COMMENT, professionnel, "Signé", at, evaluateur, "Signé", at,
            )  # fmt: skip
        if state in DECIDED:
            self.build_decision(candidacy, state, session, times, org)

    def build_decision(self, candidacy, state, session, times, org) -> None:
        session_id, day, president = session
        decided_at = times[-1]
        deliberation = self.table(Deliberation, DELIBERATION_COLUMNS).add(
            session_id,
            candidacy,
            True,
            state,
            "Décision conforme aux résultats de l'évaluation.",
            decided_at,
            president,
        )
        self.document("fiche_decision", Deliberation, deliberation, "Fiche de décision", decided_at)
        decisions = self.table(
            CompetenceDecision, ["deliberation_id", "competence_id", "decision", "motivation"]
        )
        validations = self.table(
            CompetenceValidation,
            ["candidate_id", "competence_id", "validated_on", "valid_until"],
        )
        links = self.table(
            Deliberation.validations.through, ["deliberation_id", "competencevalidation_id"]
        )
        candidate = self.tables[Candidate].next_id - 1
        until = day.replace(year=day.year + 5) if (day.month, day.day) != (2, 29) else day
        for n, competence in enumerate(self.competences):
            ok = n < self.validated
            decisions.add(
                deliberation,
                competence.pk,
                "validee" if ok else "non_validee",
                "" if ok else "Éléments insuffisants sur cette compétence.",
            )
            if ok:
                links.add(deliberation, validations.add(candidate, competence.pk, day, until))
        if state in (State.CERTIFIE, State.PARTIEL):
            token = self.rng.getrandbits(32)
            columns = ["deliberation_id", "kind", "number", "issued_on"]
            columns += ["session_id", "organisation_id"]
            kind = "certificat" if state == State.CERTIFIE else "attestation"
            certificate = self.table(Certificate, columns).add(
                deliberation,
                kind,
                f"CQP-{token >> 16:04X}-{token & 0xFFFF:04X}-{candidacy >> 16:04X}-"
                f"{candidacy & 0xFFFF:04X}",
                day,
                session_id,
                org,
            )
            title = "Certificat" if kind == "certificat" else "Attestation de validation partielle"
            self.document(kind, Certificate, certificate, title, decided_at, 1)

    def build_pending(self, candidacy: int) -> None:
        """A candidacy in jury: on the agenda session first, then AWAITING_SESSION wait for
        a session, then one in five waits, the others are on the planned sessions."""
        if self.agenda_left > 0:
            session = self.agenda_session
            self.agenda_left -= 1
        elif self.rng.random() < 0.2 or self.awaiting_left > 0:
            self.awaiting_left -= 1
            return
        else:
            session = self.rng.choice(self.planned_sessions)[0]
        self.table(Deliberation, DELIBERATION_COLUMNS).add(
            session, candidacy, None, "", "", None, None
        )

    def build_notifications_for_accounts(self) -> None:
        """The known accounts' inboxes: a few hundred notices, some unread."""
        notes = self.table(
            Notification,
            ["user_id", "key", "event", "subject", "url", "created_at", "read_at"],
        )
        users = User.objects.filter(email__in=ACCOUNTS.values()).values_list("pk", flat=True)
        for user in users:
            for k in range(300):
                at = self.now - datetime.timedelta(hours=6 * k)
                notes.add(
                    user, f"scale:{k}", "transition", "Une candidature a avancé",
                    "/candidatures/", at, at if k >= 20 else None,
                )  # fmt: skip
