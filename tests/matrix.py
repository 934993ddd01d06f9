"""The authorization matrix: every URL pattern of the product × every role → what it answers.

The matrix is a table per app, `tests/<app>/matrix.md`: a row names a URL pattern, the
objects its URL takes (built on first use: `matrix_objects`, below), and what each role
gets; a POST row's data comes from the app's `tests/<app>/matrix.py` (`DATA`, by URL name).
`tests/cqp/test_authorization_matrix.py` runs every row and fails when a URL pattern has
none; `tests/cqp/test_fuzz.py` posts bad input to every POST row.

Each role's request runs in a savepoint rolled back afterwards, so that every role starts
from the same database; `database_state` proves that a refused request changed nothing.

A table's columns: the row's label; GET or POST; the URL name; its arguments, separated by
spaces (`candidacy`: that object's pk; `own_org.slug`: an attribute; `"withdraw"`: a
string; `@reset_link`: the values a function of the app's `ARGS` gives); the answer of each
role (a status code, or `login`: sent to the login page and back); notes, separated by `;`:
`changes: …` the roles whose request changes the database (by default those answered 302
to a POST: a form that succeeds redirects; `download` for the roles answered 200: it is
logged; `none`), `before: …` a step of the app's `BEFORE` taken once logged in (it lives in
the session), `needs: …` objects to build beyond those of the URL, `fuzz: no` for a second
row of a form already fuzzed.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from candidates.models import Candidate
from cqp.models import Habilitation, HabilitationKind
from evaluations.models import CompetenceAssessment
from evaluations.services import dossier_open
from tests.candidates.builders import (
    assign,
    candidacy_in,
    competence,
    habilitated,
    identity_of,
    ready_for,
)
from tests.evaluations.builders import parcours_in_evaluation, settle
from tests.factories import (
    CandidacyFactory,
    CandidateFactory,
    CertificateFactory,
    CompetenceFactory,
    DeliberationFactory,
    DocumentFactory,
    EvidenceFactory,
    InvitationFactory,
    JuryMemberFactory,
    NotificationFactory,
    ParcoursActionFactory,
    UserFactory,
    VaeActivityFactory,
    VaeCandidacyFactory,
    VaeExperienceFactory,
    VaeProofFactory,
)
from tests.helpers import stored_names
from tests.jury.builders import (
    EMPLOYEURS,
    SALARIES,
    cheap_in_jury,
    cheap_on_agenda,
    member,
    planned_session,
)
from tests.jury.builders import open_session as opened
from tests.pilotage.builders import reportable_session

ROLES = (
    "secretariat",
    "jury",
    "gestionnaire",
    "candidat",
    "professionnel",
    "evaluateur",
    "outsider",
    "anonymous",
)
# The outsider is a gestionnaire of another organisation. An anonymous visitor is sent to
# the login page, and back to the page after.
LOGIN = "login"


@dataclass(frozen=True)
class Row:
    label: str
    url_name: str
    args: Callable  # objects -> the URL's arguments
    expected: dict  # role -> status code, or LOGIN
    method: str = "GET"
    data: Callable | None = None  # objects -> what is posted (built afresh for each role)
    changes: frozenset | None = None  # see the module's docstring
    before: Callable | None = field(default=None, compare=False)
    needs: tuple[str, ...] = ()
    fuzz: bool = True

    def url(self, objects) -> str:
        return reverse(self.url_name, args=self.args(objects))

    def build(self, objects) -> None:
        """Build every object the row uses, before any request is measured."""
        for key in self.needs:
            objects[key]
        self.url(objects)
        if self.data is not None:
            self.data(objects)

    def changers(self) -> set[str]:
        if self.changes is not None:
            return set(self.changes)
        if self.method != "POST":
            return set()
        return {role for role, answer in self.expected.items() if answer == 302}


# Reading a table ----------------------------------------------------------------------------

COLUMNS = ["row", "method", "URL name", "arguments", *ROLES, "notes"]
TOKEN = re.compile(r'"[^"]*"|\S+')


def _values(spec: str, functions: dict) -> Callable:
    """objects -> the values the arguments column names (objects, attributes, strings)."""

    def value(o, token):
        if token.startswith('"'):
            return [token.strip('"')]
        if token.startswith("@"):
            return functions[token[1:]](o)
        key, _dot, attribute = token.partition(".")
        return [getattr(o[key], attribute) if attribute else o[key]]

    return lambda o: [v for token in TOKEN.findall(spec) for v in value(o, token)]


def _url_args(values: Callable) -> Callable:
    """objects -> the URL's arguments: an object stands for its pk."""
    return lambda o: [v.pk if isinstance(v, models.Model) else v for v in values(o)]


def _posted(data: Callable, values: Callable) -> Callable:
    """objects -> what a POST row posts: `data(objects, *the values of its arguments)`."""
    return lambda o: data(o, *values(o))


def _nothing(o, *values) -> dict:
    return {}


def _answer(cell: str) -> int | str:
    return cell if cell == LOGIN else int(cell)


def _notes(cell: str, expected: dict, befores: dict) -> dict:
    options = {}
    for note in filter(None, (n.strip() for n in cell.split(";"))):
        name, _colon, words = note.partition(":")
        words = words.split()
        if name == "changes" and words == ["download"]:
            options["changes"] = frozenset(r for r, answer in expected.items() if answer == 200)
        elif name == "changes":
            options["changes"] = frozenset(w for w in words if w != "none")
        elif name == "before":
            options["before"] = befores[words[0]]
        elif name == "needs":
            options["needs"] = tuple(words)
        elif name == "fuzz":
            options["fuzz"] = words != ["no"]
        else:
            raise ValueError(f"unknown note: {note}")
    return options


def table(path: Path, *, data: dict, functions=None, befores=None) -> list[Row]:
    """The rows of a matrix table (its format: this module's docstring)."""
    lines = [line for line in path.read_text().splitlines() if line.startswith("|")]
    header, _rule, *body = ([c.strip() for c in line.strip("|").split("|")] for line in lines)
    assert header == COLUMNS, header
    rows = []
    for label, method, url_name, spec, *answers, notes in body:
        expected = dict(zip(ROLES, map(_answer, answers), strict=True))
        values = _values(spec, functions or {})
        posted = _posted(data.get(url_name, _nothing), values) if method == "POST" else None
        options = _notes(notes, expected, befores or {})
        rows.append(Row(label, url_name, _url_args(values), expected, method, posted, **options))
    return rows


# Running a row -------------------------------------------------------------------------------


def log_in(client, actors, role) -> None:
    client.logout()
    if role != "anonymous":
        client.force_login(actors[role])


def outcome(response, url) -> int | str:
    """The status code, or LOGIN for a redirection to the login page and back to `url`."""
    login = f"{reverse('login')}?next={quote(url)}"
    if response.status_code == 302 and response["Location"] == login:
        return LOGIN
    return response.status_code


def send(client, row, objects, data=None):
    """The row's request, with `data` instead of the row's own when given (a GET's query)."""
    url = row.url(objects)
    if row.method == "POST":
        return url, client.post(url, row.data(objects) if data is None else data)
    return url, client.get(url, data)


# Tables whose rows a refused request may write: the session, and the record of a failed
# login (its very purpose); and Django's caches of content types and admin actions.
NOT_STATE = {"sessions", "admin", "contenttypes", "axes"}


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_STATE and model._meta.managed
    )


def database_state() -> dict:
    """Every table of the product (its row count and a digest of its rows, in one query),
    and the files in the media storage: equal before and after a request that changed
    nothing."""
    # The table names come from the models, not from any input.
    digest = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    selects = " UNION ALL ".join(
        f"SELECT '{table}', count(*), {digest} FROM \"{table}\" t"  # noqa: S608
        for table in _tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(selects)
        tables = {name: (count, digest) for name, count, digest in cursor.fetchall()}
    return {"tables": tables, "files": stored_names()}


def changed_tables(before: dict, after: dict) -> list[str]:
    """What differs between two database states: table names, or « files »."""
    names = [t for t in after["tables"] if before["tables"].get(t) != after["tables"][t]]
    return names + (["files"] if before["files"] != after["files"] else [])


def run_as(client, actors, objects, row, role, data=None):
    """The role's request, in a savepoint rolled back afterwards: (outcome, response, what
    it changed). Each role starts from the same limits too: the counters of the attempts
    limiters (cqp.limits, password reset, verification) live in the cache, not the database."""
    cache.clear()
    with transaction.atomic():
        log_in(client, actors, role)
        if row.before is not None:
            row.before(client, objects)
        state = database_state()
        url, response = send(client, row, objects, data)
        changed = changed_tables(state, database_state())
        transaction.set_rollback(True)
    return outcome(response, url), response, changed


# The URL patterns ---------------------------------------------------------------------------

# Patterns that are not the product's own pages: Django's back-office (it has its own
# permissions and login) and static files (served by WhiteNoise, not by a view).
NOT_PRODUCT_NAMESPACES = {"admin"}
NOT_PRODUCT_VIEWS = {"django.views.static.serve"}


def url_names(patterns=None) -> set[str]:
    """The name of every URL pattern of the product."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in NOT_PRODUCT_NAMESPACES:
                names |= url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = f"{pattern.callback.__module__}.{pattern.callback.__name__}"
            if view not in NOT_PRODUCT_VIEWS:
                names.add(pattern.name)
    return names


# The objects the rows use -------------------------------------------------------------------


class LazyObjects(dict):
    """The objects a row needs, built on first use: each test builds only what its URL uses."""

    def __init__(self, builders):
        super().__init__()
        self.builders = builders

    def __missing__(self, key):
        self[key] = value = self.builders[key](self)
        return value


def _evaluated(organisation, candidate, by, professionnel=None, evaluateur=None):
    """The open dossier of a candidacy in evaluation (its evaluators assigned, if given)."""
    candidacy = CandidacyFactory(organisation=organisation, candidate=candidate, state="evaluation")
    if professionnel:
        assign(candidacy, by=by, professionnel=professionnel, evaluateur=evaluateur)
    return dossier_open(candidacy=candidacy)


def _assessment(dossier, number, **opinions) -> CompetenceAssessment:
    """The dossier's assessment of competence `number`, with these opinions already given."""
    assessment = dossier.assessments.get(competence=competence(number))
    for name, value in opinions.items():
        setattr(assessment, name, value)
    assessment.save()
    return assessment


def _declared(candidacy):
    """The candidacy, its candidate's civil identity declared (not yet checked)."""
    Candidate.objects.filter(pk=candidacy.candidate_id).update(
        **identity_of(candidacy.candidate.user), identity_declared_at=timezone.now()
    )
    return candidacy


def _notifications(actors) -> list:
    return [NotificationFactory(user=user) for user in actors.values()]


def build_objects(actors, own_org, other_org) -> LazyObjects:
    secretariat, professionnel, evaluateur = (
        actors["secretariat"],
        actors["professionnel"],
        actors["evaluateur"],
    )
    people = {**actors, "own_org": own_org}

    def candidate(o):
        return CandidateFactory(user=actors["candidat"])

    def own(state="reperage", **fields):
        """A candidacy of the candidat, in own_org, both evaluators assigned."""
        candidacy = candidacy_in(state, actors["candidat"], own_org, **fields)
        return assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)

    def settled(o):
        candidacy = parcours_in_evaluation(
            actors["candidat"],
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
        )
        dossier = candidacy.dossiers.get()
        settle(dossier, professionnel=professionnel, evaluateur=evaluateur, non_acquises={2})
        return dossier

    def session(o, *, open_it=False):
        members = [o["jury_member"], o["salarie"]]
        build = opened if open_it else planned_session
        return build(by=secretariat, members=members, president=o["jury_member"])

    builders = {
        "own_org": lambda o: own_org,
        "other_org": lambda o: other_org,
        "habilitation": lambda o: Habilitation.objects.get(user=professionnel),
        "other_habilitation": lambda o: Habilitation.objects.get(user=evaluateur),
        "spare_professionnel": lambda o: habilitated(
            HabilitationKind.PROFESSIONNEL, by=secretariat, email="pro.libre@exemple.fr"
        ),
        "invitation": lambda o: InvitationFactory(
            organisation=own_org, email="nouvelle@exemple.fr", invited_by=secretariat
        ),
        "reset_user": lambda o: UserFactory(email="oubli@exemple.fr"),
        "candidat_user": lambda o: actors["candidat"],
        "notifications": lambda o: _notifications(actors),
        # Candidacies of the candidat in own_org, and of someone in other_org
        "candidacy": lambda o: own(),
        "other_candidacy": lambda o: CandidacyFactory(organisation=other_org),
        "declared": lambda o: _declared(o["candidacy"]),
        "other_declared": lambda o: _declared(o["other_candidacy"]),
        "ready_to_complete": lambda o: ready_for("complete_reperage", people),
        "in_parcours": lambda o: own("parcours"),
        "action": lambda o: ParcoursActionFactory(candidacy=o["in_parcours"]),
        "other_in_parcours": lambda o: CandidacyFactory(organisation=other_org, state="parcours"),
        "other_action": lambda o: ParcoursActionFactory(candidacy=o["other_in_parcours"]),
        "vae_candidacy": lambda o: VaeCandidacyFactory(organisation=own_org, candidate=o["me"]),
        "me": candidate,
        "other_vae_candidacy": lambda o: VaeCandidacyFactory(organisation=other_org),
        "experience": lambda o: VaeExperienceFactory(request=o["vae_candidacy"].vae_request),
        "other_experience": lambda o: VaeExperienceFactory(
            request=o["other_vae_candidacy"].vae_request
        ),
        "proof": lambda o: VaeProofFactory(request=o["vae_candidacy"].vae_request),
        "other_proof": lambda o: VaeProofFactory(request=o["other_vae_candidacy"].vae_request),
        "recevable": lambda o: own("recevable", pathway="vae"),
        "recevable_proof": lambda o: VaeProofFactory(request=o["recevable"].vae_request),
        "activity": lambda o: VaeActivityFactory(candidacy=o["recevable"]),
        "other_recevable": lambda o: VaeCandidacyFactory(organisation=other_org, state="recevable"),
        "other_activity": lambda o: VaeActivityFactory(candidacy=o["other_recevable"]),
        "in_recevabilite": lambda o: own("recevabilite", pathway="vae"),
        "other_in_recevabilite": lambda o: VaeCandidacyFactory(
            organisation=other_org, state="recevabilite"
        ),
        # Evaluation: an open dossier of each organisation, and one ready for the jury
        "dossier": lambda o: _evaluated(own_org, o["me"], secretariat, professionnel, evaluateur),
        "in_evaluation": lambda o: o["dossier"].candidacy,
        "evidence": lambda o: EvidenceFactory(dossier=o["dossier"]),
        "to_assess": lambda o: _assessment(o["dossier"], 1),
        "disagreed": lambda o: _assessment(
            o["dossier"], 2, professionnel_opinion="acquise", evaluateur_opinion="non_acquise"
        ),
        "agreed": lambda o: _assessment(
            o["dossier"],
            3,
            professionnel_opinion="acquise",
            evaluateur_opinion="acquise",
            final_result="acquise",
        ),
        "other_dossier": lambda o: _evaluated(other_org, CandidateFactory(), secretariat),
        "other_evaluation": lambda o: o["other_dossier"].candidacy,
        "other_evidence": lambda o: EvidenceFactory(dossier=o["other_dossier"]),
        "other_assessment": lambda o: _assessment(o["other_dossier"], 1),
        "competence_1": lambda o: competence(1),
        "foreign_competence": lambda o: CompetenceFactory(),  # of another référentiel
        "settled": settled,
        # C2 « non acquise » by both: it may go to the jury or back to the parcours.
        "ready_for_jury": lambda o: o["settled"].candidacy,
        # The jury: the jury actor presides a planned session and an open one
        "jury_member": lambda o: JuryMemberFactory(user=actors["jury"], college=EMPLOYEURS),
        "salarie": lambda o: member(SALARIES),
        "spare_salarie": lambda o: member(SALARIES),
        "session": session,
        "open_session": lambda o: session(o, open_it=True),
        "other_session": lambda o: planned_session(by=secretariat),
        "other_open_session": lambda o: opened(by=secretariat),
        "deliberation": lambda o: cheap_on_agenda(
            o["open_session"], secretariat=secretariat, organisation=own_org
        ),
        "placed": lambda o: cheap_on_agenda(
            o["session"], secretariat=secretariat, organisation=own_org
        ),
        "vae_deliberation": lambda o: cheap_on_agenda(
            o["open_session"], secretariat=secretariat, organisation=own_org, vae=True
        ),
        "session_proof": lambda o: VaeProofFactory(
            request=o["vae_deliberation"].candidacy.vae_request
        ),
        "other_deliberation": lambda o: cheap_on_agenda(
            o["other_session"], secretariat=secretariat, organisation=other_org
        ),
        "to_place": lambda o: cheap_in_jury(own_org),
        "certificate": lambda o: CertificateFactory(
            deliberation=DeliberationFactory(
                session=o["open_session"],
                candidacy=CandidacyFactory(organisation=own_org, state="certifie"),
                decided_at=timezone.now(),
            ),
            issued_on=timezone.localdate() - datetime.timedelta(days=1),
        ),
        # A closed session whose holder may be reported to the national register
        "reportable_session": lambda o: reportable_session(own_org),
        # Stored official documents (tiny bytes: the matrix checks rights, not rendering)
        "livret_pdf": lambda o: DocumentFactory(kind="livret", subject=o["candidacy"]),
        "other_livret_pdf": lambda o: DocumentFactory(kind="livret", subject=o["other_candidacy"]),
        "vae_pdf": lambda o: DocumentFactory(kind="dossier_vae", subject=o["vae_candidacy"]),
        "dossier_pdf": lambda o: DocumentFactory(kind="dossier_evaluation", subject=o["dossier"]),
        "other_dossier_pdf": lambda o: DocumentFactory(
            kind="dossier_evaluation", subject=o["other_dossier"]
        ),
        "fiche_pdf": lambda o: DocumentFactory(kind="fiche_decision", subject=o["deliberation"]),
        "other_fiche_pdf": lambda o: DocumentFactory(
            kind="fiche_decision", subject=o["other_deliberation"]
        ),
        "certificate_pdf": lambda o: DocumentFactory(kind="certificat", subject=o["certificate"]),
        "pv_pdf": lambda o: DocumentFactory(kind="proces_verbal", subject=o["open_session"]),
        "other_pv_pdf": lambda o: DocumentFactory(kind="proces_verbal", subject=o["other_session"]),
    }
    return LazyObjects(builders)
