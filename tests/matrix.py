"""The authorization matrix: every URL pattern of the product × every role → what it answers.

A `Row` names a URL pattern, builds its arguments from the matrix's objects (built on first
use: `matrix_objects`), says what each role gets, and for a POST what is posted. The rows
are listed per app (`tests/<app>/matrix.py`); `tests/cqp/test_authorization_matrix.py`
runs them all and fails when a URL pattern has none, and `tests/cqp/test_fuzz.py` posts
bad input to every POST row.

Each role's request runs in a savepoint rolled back afterwards, so that every role starts
from the same database; `database_state` proves that a refused request changed nothing.
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cqp.models import Habilitation, HabilitationKind
from evaluations.models import CompetenceAssessment
from evaluations.services import dossier_open
from tests.candidates.builders import assign, candidacy_in, competence, habilitated, ready_for
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
)
from tests.jury.builders import EMPLOYEURS, SALARIES, cheap_on_agenda, member, planned_session
from tests.jury.builders import open_session as opened

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
# Everyone who logs in; the outsider is a gestionnaire of another organisation.
EVERYONE = frozenset(ROLES) - {"anonymous"}
OWN_MEMBERS = frozenset({"gestionnaire", "candidat", "professionnel"})
CANDIDACY_VIEWERS = frozenset(
    {"secretariat", "gestionnaire", "candidat", "professionnel", "evaluateur"}
)
# Who sees an object of another organisation: the secretariat and its gestionnaire.
OTHER_VIEWERS = frozenset({"secretariat", "outsider"})
# What an anonymous visitor gets from a page that needs an account: the login page, with the
# way back to the page.
LOGIN = "login"


def expect(
    allowed=(), status=200, *, refused=(), anonymous=LOGIN, **others
) -> dict[str, int | str]:
    """What each role gets: `status` for the `allowed` roles, the refusal page (403) for the
    `refused` ones (they see the object, they may not do this), 404 for the other logged-in
    roles (an object one may not see does not exist), `anonymous` for a visitor; `others`
    names any other exception (`candidat=302`)."""
    answers = {
        role: status if role in allowed else 403 if role in refused else 404 for role in EVERYONE
    }
    return {**answers, "anonymous": anonymous, **others}


def pks(*keys) -> Callable:
    """The URL arguments: the pk of each named object."""
    return lambda o: [o[key].pk for key in keys]


@dataclass(frozen=True)
class Row:
    label: str
    url_name: str
    args: Callable  # objects -> the URL's arguments
    expected: dict  # role -> status code, or LOGIN
    method: str = "GET"
    data: Callable | None = None  # objects -> what is posted (built afresh for each role)
    # The roles whose request changes the database; by default, for a POST, those answered
    # 302 (a form that succeeds redirects), and for a GET nobody.
    changes: frozenset | None = None
    # Run once the role is logged in, before the request (a step that lives in the session).
    before: Callable | None = field(default=None, compare=False)
    needs: tuple[str, ...] = ()  # objects to build beyond those of the URL and the data
    # Fuzzed (tests/cqp/test_fuzz.py); False for a second row of the same form (another
    # organisation's object, posted by the same kind of role).
    fuzz: bool = True

    def url(self, objects) -> str:
        return reverse(self.url_name, args=self.args(objects))

    def build(self, objects) -> None:
        """Build every object the row uses, before any request is measured."""
        self.url(objects)
        if self.data is not None:
            self.data(objects)
        for key in self.needs:
            objects[key]

    def changers(self) -> set[str]:
        if self.changes is not None:
            return set(self.changes)
        if self.method != "POST":
            return set()
        return {role for role, answer in self.expected.items() if answer == 302}


def get(label, url_name, args, expected, **options) -> Row:
    return Row(label, url_name, args, expected, **options)


def post(label, url_name, args, data, expected, **options) -> Row:
    return Row(label, url_name, args, expected, method="POST", data=data, **options)


def download(label, url_name, args, allowed) -> Row:
    """A download: for those allowed, 200 and an entry in the download log."""
    return Row(label, url_name, args, expect(allowed), changes=frozenset(allowed))


def reads(label, url_name, *, own, other, readers, other_readers=OTHER_VIEWERS) -> list[Row]:
    """A page that `readers` read on an own object, `other_readers` on another's."""
    return [
        get(f"{label} (own)", url_name, own, expect(readers)),
        get(f"{label} (other)", url_name, other, expect(other_readers)),
    ]


def acts(
    label,
    url_name,
    *,
    own,
    other,
    who,
    refused=CANDIDACY_VIEWERS,
    crossed=None,
    data=None,
    page=False,
) -> list[Row]:
    """A change, as a page (GET) or, with `data`, a post (and its page too, with `page`).

    On an own object, `who` may make it and the others who see it get the refusal page; on
    another organisation's object, nobody may (those who see it are refused); through one's
    own URL naming another's item (`crossed`), it does not exist.
    """
    forms = ([("GET", 200, None, "")] if page or data is None else []) + (
        [("POST", 302, data, ", posted")] if data is not None else []
    )
    places = [
        ("own", own, lambda status: expect(who, status, refused=refused)),
        ("other", other, lambda status: expect(refused=OTHER_VIEWERS)),
    ] + ([("crossed", crossed, lambda status: expect())] if crossed is not None else [])
    return [
        Row(f"{label}{suffix} ({where})", url_name, args, answers(status), method, posted)
        for method, status, posted, suffix in forms
        for where, args, answers in places
    ]


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
    and the files stored under MEDIA_ROOT: equal before and after a request that changed
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
    files = sorted(
        os.path.join(folder, name)
        for folder, _dirs, names in os.walk(settings.MEDIA_ROOT)
        for name in names
    )
    return {"tables": tables, "files": files}


def changed_tables(before: dict, after: dict) -> list[str]:
    """What differs between two database states: table names, or « files »."""
    names = [t for t in after["tables"] if before["tables"].get(t) != after["tables"][t]]
    return names + (["files"] if before["files"] != after["files"] else [])


def run_as(client, actors, objects, row, role, data=None):
    """The role's request, in a savepoint rolled back afterwards: (outcome, response, what
    it changed)."""
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


def url_names(patterns=None, namespace=None) -> set[str]:
    """The name of every URL pattern of the product."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in NOT_PRODUCT_NAMESPACES:
                names |= url_names(pattern.url_patterns, pattern.namespace)
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
        "recevable": lambda o: own("recevable", pathway="vae"),
        "activity": lambda o: VaeActivityFactory(candidacy=o["recevable"]),
        "other_recevable": lambda o: VaeCandidacyFactory(organisation=other_org, state="recevable"),
        "other_activity": lambda o: VaeActivityFactory(candidacy=o["other_recevable"]),
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
        "other_deliberation": lambda o: cheap_on_agenda(
            o["other_session"], secretariat=secretariat, organisation=other_org
        ),
        "to_place": lambda o: CandidacyFactory(organisation=own_org, state="jury"),
        "certificate": lambda o: CertificateFactory(
            deliberation=DeliberationFactory(
                session=o["open_session"],
                candidacy=CandidacyFactory(organisation=own_org, state="certifie"),
                decided_at=timezone.now(),
            ),
            issued_on=timezone.localdate() - datetime.timedelta(days=1),
        ),
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
