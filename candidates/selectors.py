"""Reads on candidacies, scoped to the requesting user; anything else is a 404."""

import datetime
import json
from typing import NamedTuple

from django.conf import settings
from django.db import connection, connections
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.db.models.query import EmptyQuerySet
from django.http import Http404
from django.utils import timezone

from cqp import notifications
from cqp.documents import candidacy_document_rows, latest_editions
from cqp.models import Competence, CompetenceElement, Document, User
from cqp.permissions import (
    in_read_memo,
    is_secretariat,
    managed_organisation_ids,
    memoised,
    recalled,
)
from cqp.utils import AmongRows, CompiledQuery, JSONObjects, count_up_to, key_array

from . import permissions
from .enums import LETTER, WAITING_STATES, Pathway, ProofKind, RecevabiliteOutcome, State
from .models import (
    Candidacy,
    Candidate,
    ParcoursAction,
    RecevabiliteDecision,
    ReperageEntry,
    TransitionLog,
    VaeExperience,
    VaeProof,
)

# Apps built on candidates widen what a user sees (the jury: the candidacies of its sessions).
_visibility_rules = []


def register_visibility(rule) -> None:
    """`rule(user) -> QuerySet | None`: the ids of the candidacies the rule lets the user
    see, as a one-column queryset (`.values("candidacy_id")`); registered once in an
    AppConfig.ready."""
    _visibility_rules.append(rule)


# Apps built on candidates add what their part of a candidacy's pages needs to know to the
# query reading the candidacy (the jury: whether it has deliberations at all).
_page_facts = {}


def register_page_fact(name: str, expression) -> None:
    """`expression()`: an expression over the candidacy (an `Exists` on a related table),
    read as the attribute `name` of the candidacy `candidacy_get` returns; registered once
    in an AppConfig.ready, before any page is served."""
    _page_facts[name] = expression


def _column_ways(user) -> list[QuerySet[Candidacy]]:
    """The ways of seeing a candidacy that a column of it answers, each read along an index
    in the list's order: as the candidate (few candidacies each), as the professionnel or
    the évaluateur assigned ((column, updated_at) indexes)."""
    return [
        Candidacy.objects.filter(candidate__user=user),
        Candidacy.objects.filter(professionnel=user),
        Candidacy.objects.filter(evaluateur=user),
    ]


def _rule_ways(user) -> list[QuerySet[Candidacy]]:
    """The candidacies each registered rule lets the user see (the jury: its sessions')."""
    ways = []
    for rule in _visibility_rules:
        extra = rule(user)
        if extra is not None:
            ways.append(Candidacy.objects.filter(pk__in=extra))
    return ways


def _set_ways(user) -> list[QuerySet[Candidacy]]:
    """The ways of seeing a candidacy that are a set to compute first: as gestionnaire of
    its organisation (organisation_id), and each registered rule's."""
    # Their ids written in (from the memberships the page reads anyway): a subquery is
    # planned for an average organisation, the ids for the very ones (7,564 candidacies
    # for the known gestionnaire's at 100,000, not 249).
    managed = sorted(managed_organisation_ids(user))
    by_organisation = Candidacy.objects.filter(organisation_id__in=managed) if managed else None
    return [way for way in (by_organisation, *_rule_ways(user)) if way is not None]


def _ways_of_seeing(user) -> list[QuerySet[Candidacy]]:
    """One queryset of candidacies per way a user may see one, each served by an index."""
    return _column_ways(user) + _set_ways(user)


def visible_ids(user) -> QuerySet:
    """The ids of the candidacies a user may see, as the UNION of one indexed query per way
    of seeing one (`_ways_of_seeing`). An OR across those joins is what no index can
    serve; each branch here uses one."""
    first, *others = (way.order_by().values("pk") for way in _ways_of_seeing(user))
    return first.union(*others)


def candidacy_page_keys(
    *, user, bottom: int, top: int, total: int | None = None, **filters
) -> list[int]:
    """The keys of rows `bottom` to `top` of the user's candidacy list (`candidacy_list`,
    the latest changed first), in one query: the first `top` rows of each way of seeing,
    each read along its own index in the list's order, then merged. Sorting the whole
    visible set (a professionnel's 4,700 candidacies at 100,000) is what it avoids.

    `total`, the list's length when known exactly: past its middle, the rows are read from
    its end (the earliest changed first), `total - bottom` of each way rather than `top`
    (the last page of a gestionnaire's 7,500 candidacies: 20 rows, not 7,500)."""
    if total is not None:
        top = min(top, total)
    if top <= bottom:
        return []
    searched = _searched(user, filters)
    if searched is not None:
        return searched[bottom:top]
    walked = recalled(_walked_key(user, filters))
    if walked is not None and top <= len(walked):  # read with the count (candidacy_count)
        return walked[bottom:top]
    if is_secretariat(user):  # who sees everything has no ways to merge
        return list(candidacy_list(user=user, **filters).values_list("pk", flat=True)[bottom:top])
    if total is not None and total - bottom < top:
        return _page_keys(user, max(total - top, 0), total - bottom, True, filters)[::-1]
    return _page_keys(user, bottom, top, False, filters)


# A gestionnaire of a few organisations: one way of seeing per organisation, each read
# along the (organisation, updated_at, id) index; of more, one set of them all.
FEW_ORGANISATIONS = 8


def _page_keys(user, bottom: int, top: int, earliest_first: bool, filters: dict) -> list[int]:
    sign = "" if earliest_first else "-"
    order = (f"{sign}updated_at", f"{sign}id")
    # A way whose condition is a column of the candidacy walks that column's index in the
    # list's order and stops at `top`. The others (the rules, many organisations managed)
    # are sets to compute first: sorted on an expression, which no index serves, lest
    # PostgreSQL walk the whole list's index hoping to meet their few rows soon.
    shifted = F("updated_at") + Value(datetime.timedelta(0))
    unindexed = (
        (shifted.asc(), F("id").asc()) if earliest_first else (shifted.desc(), F("id").desc())
    )
    columns, sets = _column_ways(user), _rule_ways(user)
    managed = sorted(managed_organisation_ids(user))
    if len(managed) <= FEW_ORGANISATIONS:
        columns += [Candidacy.objects.filter(organisation_id=pk) for pk in managed]
    else:
        sets.insert(0, Candidacy.objects.filter(organisation_id__in=managed))
    ordered = [(way, order) for way in columns] + [(way, unindexed) for way in sets]
    firsts = [
        _filtered(way, **filters).order_by(*ordering).values_list("id", "updated_at")[:top]
        for way, ordering in ordered
        if not isinstance(way, EmptyQuerySet)  # a rule that answers « nothing » (.none())
    ]
    if len(firsts) == 1:  # already in order: its rows from `bottom`
        return [pk for pk, _updated in list(firsts[0])[bottom:]]
    if not firsts:
        return []
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (the demo) takes no LIMIT inside a UNION: each way's first rows, merged here.
        rows = {pk: updated for way in firsts for pk, updated in way}
        merged = sorted(rows.items(), key=lambda row: (row[1], row[0]), reverse=not earliest_first)
        return [pk for pk, _updated in merged[bottom:top]]
    first, *others = firsts
    merged = first.union(*others).order_by(*order)[bottom:top]
    return [pk for pk, _updated in merged]


def candidacy_count(*, user, limit: int, **filters) -> int:
    """How many candidacies the user's list holds (`candidacy_list`'s filters), up to
    `limit`: the UNION of the ways of seeing one, each filtered, counted as it is. Counting
    `candidacy_list` would join that union back to the 100,000 candidacies.

    A gestionnaire's organisations are counted apart, from their index alone, and added to
    the union of the other ways outside them (in the same query): the union then does not
    deduplicate their 7,500 keys (4 ms to 1.5 ms at 100,000 candidacies).

    A search whose candidates were read first (`_searched`) counts the keys it read; the
    secretariat's list is counted as it is; a broad search (`is_broad_search`) keeps the
    keys it walked to count, for the page."""
    searched = _searched(user, filters)
    if searched is not None:
        return min(limit, len(searched))
    if is_secretariat(user):
        return candidacy_list(user=user, **filters).order_by().values("pk")[:limit].count()
    if in_read_memo() and is_broad_search(filters.get("q", "")):
        # Each candidacy counted is tested as it is walked: the page's keys are the first
        # of those walked, kept for candidacy_page_keys rather than walked again.
        return len(
            memoised(_walked_key(user, filters), lambda: _page_keys(user, 0, limit, False, filters))
        )
    managed = sorted(managed_organisation_ids(user))
    others = [
        _filtered(way, **filters).order_by().values("pk")
        for way in _column_ways(user) + _rule_ways(user)
        if not isinstance(way, EmptyQuerySet)
    ]
    if not managed:
        first, *rest = others
        return first.union(*rest)[:limit].count()
    own = _filtered(Candidacy.objects.filter(organisation_id__in=managed), **filters)
    if not others:
        return count_up_to(limit - 1, own=own)["own"]
    first, *rest = (way.exclude(organisation_id__in=managed) for way in others)
    counts = count_up_to(limit - 1, own=own, outside=first.union(*rest))
    return min(limit, counts["own"] + counts["outside"])


# The relations a candidacy is read with: on its pages, and in `candidacy_list` (whose rows
# the list itself reads as values: `listed_candidacies`).
LIST_RELATED = ("candidate__user", "organisation", "certification", "professionnel", "evaluateur")


class ListedCandidacy(NamedTuple):
    """A row of the candidacy list (candidates.templatetags.candidacy_items.candidacy_rows):
    the people by their names (as `str(user)`), None where no one is assigned, and the
    organisation's name (None: a VAE request to the CPEF)."""

    pk: int
    pathway: str
    state: str
    updated_at: datetime.datetime
    candidate: str
    email: str
    organisation: str | None
    professionnel: str | None
    evaluateur: str | None


_NAMES = ("first_name", "last_name", "email")  # what `str(user)` shows
# Of the 89 columns of a candidacy and its five relations, the 14 a row shows: read as
# values, 20 rows make no model object (120 of them, 1 ms of a page).
_LISTED_COLUMNS = (
    "pk",
    "pathway",
    "state",
    "updated_at",
    *(f"candidate__user__{name}" for name in _NAMES),
    "organisation__name",
    *(f"{role}__{name}" for role in ("professionnel", "evaluateur") for name in _NAMES),
)

_listed_by_keys = CompiledQuery(
    Candidacy,
    lambda keys: (
        Candidacy.objects.filter(pk__in=key_array(keys)).order_by().values_list(*_LISTED_COLUMNS)
    ),
    lists=(0,),
)


def _person(first_name: str | None, last_name: str | None, email: str | None) -> str | None:
    """What `str(user)` says of these columns (User.__str__); None for no one."""
    if email is None:
        return None
    return f"{first_name} {last_name}".strip() or email


def listed_candidacies(keys: list[int]) -> list[ListedCandidacy]:
    """The rows of the candidacy list of these keys, with what a row shows of them (in no
    particular order): one query compiled once, planned once per connection."""
    rows = []
    for row in _listed_by_keys(keys):
        pk, pathway, state, updated_at = row[:4]
        rows.append(
            ListedCandidacy(
                pk,
                pathway,
                state,
                updated_at,
                candidate=_person(*row[4:7]),
                email=row[6],
                organisation=row[7],
                professionnel=_person(*row[8:11]),
                evaluateur=_person(*row[11:14]),
            )
        )
    return rows


def candidacy_queryset(*, user) -> QuerySet[Candidacy]:
    qs = Candidacy.objects.select_related(*LIST_RELATED)
    if is_secretariat(user):
        return qs
    return qs.filter(pk__in=visible_ids(user))


def assigned_candidacies(*, user, role: str) -> QuerySet[Candidacy]:
    """The candidacies the user follows as `role` ("professionnel" or "evaluateur"), the
    latest changed first. The visibility rule holds them all (one of its branches is this
    very column): the union of the other ways of seeing a candidacy is not computed.
    With what their dashboard panels show of each (the candidate, the organisation): not
    the certification (its rules read per row) nor the two evaluators, whose joins took the
    planner longer than the query took to run (4.9 → 1.8 ms of planning at 100,000)."""
    if role not in ("professionnel", "evaluateur"):
        raise ValueError(role)
    return (
        Candidacy.objects.select_related("candidate__user", "organisation")
        .filter(**{role: user})
        .order_by("-updated_at", "-pk")
    )


def candidacy_list(
    *, user, state: str = "", pathway: str = "", q: str = "", organisation=None
) -> QuerySet[Candidacy]:
    qs = _filtered(
        candidacy_queryset(user=user), state=state, pathway=pathway, q=q, organisation=organisation
    )
    return qs.order_by("-updated_at", "-pk")


def _filtered(
    qs: QuerySet[Candidacy], *, state: str = "", pathway: str = "", q: str = "", organisation=None
) -> QuerySet[Candidacy]:
    """The filters of the candidacy list."""
    if state:
        qs = qs.filter(state=state)
    if pathway:
        qs = qs.filter(pathway=pathway)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if q.split():
        matching = _candidates_matching(q)
        if matching is not None:
            qs = qs.filter(candidate_id__in=key_array(matching))
        else:
            for word in q.split():
                qs = qs.filter(_name_matches(word, "candidate__user__"))
    return qs


# A search's candidates are read first when they are at most this many: a common name
# matches a few hundred people among 100,000. The candidacies are then filtered by their
# candidate's key, which an index serves; joined to the people instead, PostgreSQL walks the
# candidacies by date and tests each one's person (70 ms for « martin » at 100,000).
SEARCH_CANDIDATES_FIRST = 2_000


# A search word this short finds the people whose last name, first name or e-mail starts
# with it (« ma »: Martin, Marie, ma.adresse@…), longer ones anywhere in them. Trigrams need
# three characters: `%ma%` is no index's, and read every person (75 ms at 100,000 for a word
# that matches few), while `ma%` is the trigram indexes' (their words' first trigrams).
SHORT_WORD = 2

# A search counts up to this many candidacies, then says « plus de 200 résultats » (ten pages): one
# matching many people (« ma ») is counted by testing each candidacy's person.
SEARCH_COUNT_BOUND = 200


def _name_matches(word: str, path: str = "") -> Q:
    lookup = "istartswith" if len(word) <= SHORT_WORD else "icontains"
    return (
        Q(**{f"{path}last_name__{lookup}": word})
        | Q(**{f"{path}first_name__{lookup}": word})
        | Q(**{f"{path}email__{lookup}": word})
    )


# A broad search's count looks this many pages beyond the one shown (cqp.utils.paginate).
BROAD_SEARCH_LOOK_AHEAD = 1


def is_broad_search(q: str) -> bool:
    """Whether `q` matches too many people for their candidacies to be found from them
    (`_matching_candidates`): its candidacies are then each tested as they are walked, and
    counting them costs as many tests (« ma »: about 1,500 to count 200 of a
    gestionnaire's at 100,000 candidacies, 10 ms)."""
    return bool(q.split()) and _candidates_matching(q) is None


def _candidates_matching(q: str) -> list[int] | None:
    """`_matching_candidates`, read once per page (the filter, the count, the keys)."""
    return memoised(("candidates matching", q), lambda: _matching_candidates(q))


def _matching_candidates(q: str) -> list[int] | None:
    """The keys of the candidates whose name or e-mail holds every word of `q` (the trigram
    indexes serve it), or None beyond SEARCH_CANDIDATES_FIRST people found (candidates or
    not): then the candidacies are filtered by joining their people, which suits a search
    that matches many."""
    people = User.objects.order_by()
    for word in q.split():
        people = people.filter(_name_matches(word))
    # Each person's candidate read by its key (a subquery per person found), not by joining
    # the people to the candidates: PostgreSQL then chose, whenever its estimate of the
    # people passed about 470 (« martin », 416 at 100,000, estimated 370 to 520 from one
    # ANALYZE to the next), to hash the 100,000 candidates (20 ms rather than 1).
    keys = people.annotate(
        candidate_pk=Subquery(Candidate.objects.filter(user=OuterRef("pk")).values("pk")[:1])
    ).values_list("candidate_pk", flat=True)
    # Reading 2,001 of the 13,800 people « ma » matches took 15 ms: PostgreSQL tested each
    # person in turn. Its estimate, far beyond, answers without reading them (its plan only:
    # either way the results are the same, only the way to them differs).
    if (_estimated_rows(keys) or 0) > 2 * SEARCH_CANDIDATES_FIRST:
        return None
    found = list(keys[: SEARCH_CANDIDATES_FIRST + 1])
    if len(found) > SEARCH_CANDIDATES_FIRST:
        return None
    return [key for key in found if key is not None]  # the people who are candidates


def _estimated_rows(queryset) -> int | None:
    """How many rows PostgreSQL's planner expects of `queryset` (EXPLAIN, nothing read);
    None on another database."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


def _searched(user, filters: dict) -> list[int] | None:
    """The keys of the candidacies of a search whose candidates are read first
    (`_matching_candidates`) that the user sees, the latest changed first: read once per
    page, in one query (the union of the ways of seeing one, each filtered), then counted
    and paged here. A count and a page's keys each read all of them (the 416 candidacies of
    « martin » at 100,000, in each way of a gestionnaire's). None for a list that is not
    such a search, and outside a page (cqp.middleware.ReadMemoMiddleware): nothing kept."""
    q = filters.get("q", "")
    if not q.split() or not in_read_memo():
        return None
    if _candidates_matching(q) is None:
        return None
    key = ("candidacies searched", user.pk, tuple(sorted(filters.items())))
    return memoised(key, lambda: _read_searched(user, filters))


def _walked_key(user, filters: dict) -> tuple:
    return ("candidacies walked", user.pk, tuple(sorted(filters.items())))


def _read_searched(user, filters: dict) -> list[int]:
    """One pass over the candidacies of the candidates found (their key's index), each
    tested for every way the user may see it: the union of one query per way (a list's
    way) would read those candidacies once per way."""
    latest_first = ("-updated_at", "-id")
    if is_secretariat(user):
        rows = _filtered(Candidacy.objects.all(), **filters).order_by(*latest_first)
        return list(rows.values_list("id", flat=True))
    # The user's own candidacies by their candidate's key (a subquery computed once), not
    # by joining every candidacy to its candidate.
    own = Candidate.objects.filter(user=user).values("pk")
    seen = Q(candidate_id__in=own) | Q(professionnel=user) | Q(evaluateur=user)
    managed = sorted(managed_organisation_ids(user))
    if managed:
        seen |= Q(organisation_id__in=managed)
    for rule in _visibility_rules:
        extra = rule(user)
        if extra is not None:
            seen |= Q(pk__in=extra)
    rows = _filtered(Candidacy.objects.filter(seen), **filters).order_by(*latest_first)
    return list(rows.values_list("id", flat=True))


def _candidacy_by_key_query(pk) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.select_related(*LIST_RELATED)
        .annotate(
            assigned_permissions=permissions.assigned_permissions(),
            **{name: expression() for name, expression in _page_facts.items()},
        )
        .filter(pk=pk)
    )


# Every page of a candidacy reads it so: compiled once (cqp.utils.CompiledQuery).
_candidacy_by_key = CompiledQuery(Candidacy, _candidacy_by_key_query)


def candidacy_get(*, user, pk: int) -> Candidacy:
    """The candidacy if the user may see it, else 404. Read by its key, then checked against
    the branches of `visible_ids` that its own columns answer (the candidate, the assigned
    professionnel or évaluateur, the gestionnaires of its organisation), the registered
    rules only when none does: planning the whole union for one row costs more than the
    row (10 ms at 100,000 candidacies)."""
    return _seen_or_404(_candidacy_by_key(pk), user)


def _seen_or_404(found: list[Candidacy], user) -> Candidacy:
    if not found:
        raise Http404
    candidacy = found[0]
    if is_secretariat(user) or _seen_by_its_columns(candidacy, user):
        return candidacy
    if any(way.filter(pk=candidacy.pk).exists() for way in _rule_ways(user)):
        return candidacy
    raise Http404


def _seen_by_its_columns(candidacy: Candidacy, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (
        candidacy.candidate.user_id,
        candidacy.professionnel_id,
        candidacy.evaluateur_id,
    ) or candidacy.organisation_id in managed_organisation_ids(user)


# The VAE requests awaiting a decision ------------------------------------------------------


def _request_year():
    """The calendar year of a VAE request: of its submission, else of its candidacy's creation."""
    return ExtractYear(Coalesce("vae_request__submitted_on", TruncDate("created_at")))


def _second_request() -> Exists:
    """Another VAE candidacy of the same person for the same certification, whose request
    year is the outer candidacy's `request_year` (information for the decision)."""
    return Exists(
        Candidacy.objects.filter(
            pathway=Pathway.VAE,
            candidate=OuterRef("candidate"),
            certification=OuterRef("certification"),
        )
        .exclude(pk=OuterRef("pk"))
        .annotate(year=_request_year())
        .filter(year=OuterRef("request_year"))
    )


def is_second_request(candidacy: Candidacy) -> bool:
    """Whether the same person made another VAE request for the same certification in the
    same calendar year (submitted then, or created then if never submitted)."""
    return (
        Candidacy.objects.filter(pk=candidacy.pk)
        .annotate(request_year=_request_year())
        .filter(_second_request())
        .exists()
    )


def _count(queryset) -> Coalesce:
    """The number of periods of `queryset` (those of the outer candidacy's request), as a
    subquery: grouped by their request, of which there is one."""
    grouped = queryset.order_by().values("request").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(grouped), 0)


def due_soon_horizon(today: datetime.date) -> datetime.date:
    """The last due date that counts as « bientôt dû » on `today` (the reminder's horizon)."""
    return today + datetime.timedelta(days=settings.VAE_DECISION_REMINDER_DAYS)


# The queue's views (candidates.forms.RecevabiliteQueueFilterForm).
DUE_SOON, OVERDUE, RESUBMITTED = "bientot", "en_retard", "nouvelle_soumission"


def recevabilite_queue(
    *, view: str = "", today: datetime.date | None = None
) -> QuerySet[Candidacy]:
    """VAE requests waiting for the secretariat's decision (all organisations), the earliest
    due first, then the oldest request; `view` keeps those due within
    VAE_DECISION_REMINDER_DAYS and not yet overdue (DUE_SOON), those overdue (OVERDUE), or
    those sent back for completion before (RESUBMITTED).

    Each carries, in the one query: `resubmitted`, `second_request`, `periods` (declared
    periods), `periods_with_proof` and `has_identity` (from the proofs of partie 2).
    """
    today = today or timezone.localdate()
    experiences = VaeExperience.objects.filter(request__candidacy=OuterRef("pk"))
    with_proof = experiences.filter(Exists(VaeProof.objects.filter(experience=OuterRef("pk"))))
    qs = (
        Candidacy.objects.filter(state=State.RECEVABILITE)
        .select_related("candidate__user", "organisation", "certification", "vae_request")
        .annotate(
            request_year=_request_year(),
            second_request=_second_request(),
            resubmitted=Exists(
                RecevabiliteDecision.objects.filter(
                    candidacy=OuterRef("pk"), outcome=RecevabiliteOutcome.INCOMPLET
                )
            ),
            periods=_count(experiences),
            periods_with_proof=_count(with_proof),
            has_identity=Exists(
                VaeProof.objects.filter(
                    request__candidacy=OuterRef("pk"),
                    experience__isnull=True,
                    kind=ProofKind.IDENTITE,
                )
            ),
        )
    )
    due = "vae_request__decision_due_on"
    if view == DUE_SOON:
        qs = qs.filter(**{f"{due}__gte": today, f"{due}__lte": due_soon_horizon(today)})
    elif view == OVERDUE:
        qs = qs.filter(**{f"{due}__lt": today})
    elif view == RESUBMITTED:
        qs = qs.filter(resubmitted=True)
    return qs.order_by(F(due).asc(nulls_last=True), "vae_request__submitted_on", "pk")


def recevabilite_querysets(*, today: datetime.date | None = None) -> dict:
    """The VAE requests awaiting a decision: all of them (`total`), those past their due date
    (`overdue`), those due within VAE_DECISION_REMINDER_DAYS (`due_soon`); each a queryset of
    candidacies, counted by the secretariat's panel (cqp.utils.count_up_to)."""
    today = today or timezone.localdate()
    due = "vae_request__decision_due_on"
    waiting = Candidacy.objects.filter(state=State.RECEVABILITE)
    return {
        "total": waiting,
        "overdue": waiting.filter(**{f"{due}__lt": today}),
        "due_soon": waiting.filter(
            **{f"{due}__gte": today, f"{due}__lte": due_soon_horizon(today)}
        ),
    }


def reperage_competences(candidacy) -> list[Competence]:
    """The certification's competences with their elements, each element carrying its entry (or None)."""
    entries = {e.element_id: e for e in ReperageEntry.objects.filter(candidacy=candidacy)}
    competences = list(
        candidacy.certification.competences.order_by("number").prefetch_related(
            Prefetch("elements", queryset=CompetenceElement.objects.order_by("number"))
        )
    )
    for competence in competences:
        for element in competence.elements.all():
            element.entry = entries.get(element.pk)
    return competences


def plan_actions(candidacy, cycle: int | None = None) -> QuerySet[ParcoursAction]:
    return (
        ParcoursAction.objects.filter(candidacy=candidacy, cycle=cycle or candidacy.cycle)
        .select_related("competence")
        .order_by("competence__number", "pk")
    )


def history(candidacy) -> QuerySet[TransitionLog]:
    return (
        TransitionLog.objects.filter(candidacy=candidacy)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


# The candidacy page shows this many of the latest events; the history page shows them all.
RECENT_HISTORY = 10
# The audit log's entry of a VAE request sent (or sent again) to the secretariat.
SUBMISSION = "submit_recevabilite"


class RecentHistory(NamedTuple):
    events: list[TransitionLog]  # the latest, oldest first
    total: int  # how many events in all
    submissions: list[TransitionLog]  # the latest submissions of a VAE request, newest first
    submissions_total: int


class CandidacyPage(NamedTuple):
    """What the candidacy page shows besides the candidacy (`candidacy_page`)."""

    candidacy: Candidacy
    history: RecentHistory
    decisions: list[RecevabiliteDecision]  # the latest recevabilité decisions, newest first
    decisions_total: int
    letters: dict[int, Document]  # the latest decisions' letters, by the decision's key
    documents: list[Document]  # the latest edition of each of its documents, oldest first


# The candidacy page shows this many of the latest submissions and decisions of a VAE
# request; the history page shows them all.
RECENT_RECEVABILITE = 6
_EVENTS = JSONObjects(TransitionLog, related={"actor": _NAMES})
_DECISIONS = JSONObjects(RecevabiliteDecision, related={"decided_by": _NAMES})
_DOCUMENTS = JSONObjects(Document)


def candidacy_page(*, user, pk: int) -> CandidacyPage:
    """The candidacy as `candidacy_get` reads it (404 unless the user may see it), with its
    latest events, its latest submissions and recevabilité decisions (a VAE request's),
    their numbers, the letters of those decisions, and its documents (cqp.documents:
    candidacy_document_rows): all in the candidacy's own query, as JSON
    (cqp.utils.JSONObjects). Read as four queries of their own (a round trip and 0.2 to
    0.4 ms of Python each), they were a sixth of the page's time."""
    candidacy = _seen_or_404(_candidacy_page_by_key(pk), user)
    facts, using = candidacy.__dict__, candidacy._state.db
    events = _EVENTS.objects(facts.pop("page_events"), using)
    events.sort(key=lambda entry: (entry.created_at, entry.pk))
    submissions = _EVENTS.objects(facts.pop("page_submissions"), using)
    submissions.sort(key=lambda entry: (entry.created_at, entry.pk), reverse=True)
    decisions = _DECISIONS.objects(facts.pop("page_decisions"), using)
    decisions.sort(key=lambda decision: (decision.decided_at, decision.pk), reverse=True)
    history = RecentHistory(
        events, facts.pop("page_events_total"), submissions, facts.pop("page_submissions_total")
    )
    letters = latest_editions(_DOCUMENTS.objects(facts.pop("page_letters"), using))
    return CandidacyPage(
        candidacy,
        history,
        decisions,
        facts.pop("page_decisions_total"),
        {letter.object_id: letter for letter in letters},
        latest_editions(_DOCUMENTS.objects(facts.pop("page_documents"), using)),
    )


def _candidacy_page_query(pk) -> QuerySet[Candidacy]:
    """`_candidacy_by_key_query`, and what the page shows of the candidacy's log, decisions
    and documents, each read along its index (transitionlog_candidacy_time,
    transitionlog_submissions, recevabilite_candidacy_time) and counted from it."""

    def events(candidacy):
        return TransitionLog.objects.filter(candidacy=candidacy).order_by("-created_at", "-pk")

    def submissions(candidacy):
        return events(candidacy).filter(transition=SUBMISSION)

    def decisions(candidacy):
        return RecevabiliteDecision.objects.filter(candidacy=candidacy).order_by(
            "-decided_at", "-pk"
        )

    here = OuterRef("pk")
    return _candidacy_by_key_query(pk).annotate(
        page_events=_EVENTS.rows(_latest(events, RECENT_HISTORY)),
        page_events_total=count_per_candidacy(events(here)),
        page_submissions=_EVENTS.rows(_latest(submissions, RECENT_RECEVABILITE)),
        page_submissions_total=count_per_candidacy(submissions(here)),
        page_decisions=_DECISIONS.rows(_latest(decisions, RECENT_RECEVABILITE)),
        page_decisions_total=count_per_candidacy(decisions(here)),
        # The letters of the latest decisions, along document_kind_object.
        page_letters=_DOCUMENTS.rows(
            Document.objects.filter(
                AmongRows(
                    "object_id",
                    decisions(OuterRef(OuterRef("pk"))).values("pk")[:RECENT_RECEVABILITE],
                ),
                kind=LETTER,
            )
        ),
        # The documents' owners are subqueries of the documents' query: the candidacy is
        # two queries out.
        page_documents=_DOCUMENTS.rows(candidacy_document_rows(OuterRef(here))),
    )


def _latest(rows_of, n: int) -> QuerySet:
    """The first `n` of `rows_of(candidacy)` (in its order) for the candidacy of the query
    two out (the candidacy's, around the JSON of the rows), taken along their index before
    their people are joined to them: joined first, PostgreSQL sorted a long history whole."""
    rows = rows_of(OuterRef(OuterRef("pk")))
    return rows.model.objects.filter(pk__in=rows.values("pk")[:n]).order_by()


_candidacy_page_by_key = CompiledQuery(Candidacy, _candidacy_page_query)


def count_per_candidacy(rows: QuerySet) -> Coalesce:
    """How many rows `rows` (one candidacy's: its log entries, its decisions) has, as a
    scalar subquery: computed once per query, not per row (none: no group, no row, hence
    the 0)."""
    return Coalesce(
        Subquery(
            rows.order_by().values("candidacy_id").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


# Whom a candidacy waits on at each step (roles of cqp.notifications): the reminders and
# the secretariat's dashboard flag read it. A partial validation waits on nobody: the
# validated competences simply count for five years.
WAITING_ON = {  # keys: WAITING_STATES
    State.REPERAGE: (notifications.PROFESSIONNEL,),
    State.PARCOURS: (notifications.PROFESSIONNEL,),
    State.EVALUATION: (notifications.PROFESSIONNEL, notifications.EVALUATEUR),
    State.DEMANDE: (notifications.CANDIDAT,),
    State.RECEVABILITE: (notifications.SECRETARIAT,),
    State.RECEVABLE: (notifications.CANDIDAT,),
    State.JURY: (notifications.SECRETARIAT,),
}


def candidacies_waiting(*, days: int, now=None) -> QuerySet[Candidacy]:
    """Candidacies that have not changed step for more than `days` days, longest first,
    annotated with `waiting_since` (their `state_changed_at`: the index on state and that
    date serves the filter and the order)."""
    now = now or timezone.now()
    return (
        Candidacy.objects.filter(
            state__in=WAITING_STATES,
            state_changed_at__lt=now - datetime.timedelta(days=days),
        )
        .annotate(waiting_since=F("state_changed_at"))
        .select_related(
            "candidate__user", "organisation", "certification", "professionnel", "evaluateur"
        )
        .order_by("state_changed_at", "pk")
    )


def holds_certification(*, candidate_user, certification) -> bool:
    """The person already holds this certification: a candidacy of theirs for it ended
    certified (a new request for it makes no sense)."""
    return Candidacy.objects.filter(
        candidate__user=candidate_user, certification=certification, state=State.CERTIFIE
    ).exists()
