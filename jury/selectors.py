"""Reads for the jury, scoped: the secretariat sees every session, a member only theirs."""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import number_format

from candidates.enums import State
from candidates.models import Candidacy, CompetenceValidation
from candidates.selectors import register_page_fact, register_visibility
from cqp.models import Competence, User
from cqp.permissions import holds, is_secretariat, memoised
from cqp.user_facts import register_holders
from cqp.utils import PANEL_COUNT_BOUND, CompiledQuery, count_up_to, key_array
from evaluations.enums import Opinion
from evaluations.models import CompetenceAssessment, EvaluationDossier

from .enums import CertificateKind, SessionState
from .models import Certificate, Deliberation, JuryMember, JurySession, Seat
from .recusals import session_recusals


def _sessions_of(user) -> Q:
    return Q(seats__member__user=user, seats__member__is_active=True)


def jury_visibility(user: User) -> QuerySet | None:
    """Jury members see the candidacies placed on the sessions they sit on (their ids); None
    for whoever is no active jury member (read with the user: cqp.user_facts), whose lists
    then need not look through the sessions."""
    if not holds(user, JURY_MEMBER):
        return None
    sessions = JurySession.objects.filter(_sessions_of(user)).values("pk")
    return Deliberation.objects.filter(session__in=sessions).values("candidacy_id")


register_visibility(jury_visibility)
# Most candidacies never reach a jury: their page need not ask for deliberations
# (jury.templatetags.jury_outcome).
register_page_fact(
    "has_deliberations", lambda: Exists(Deliberation.objects.filter(candidacy=OuterRef("pk")))
)
# An active member of the jury (whatever their platform role), read with the user.
JURY_MEMBER = "jury_member"
register_holders(JURY_MEMBER, lambda: JuryMember.objects.filter(is_active=True))


def _visible_sessions(user: User) -> QuerySet[JurySession]:
    """Every session for the secretariat, the sessions they sit on for a member."""
    if is_secretariat(user):
        return JurySession.objects.all()
    return _seated_sessions(JurySession.objects.all(), user)


def _seated_sessions(sessions: QuerySet[JurySession], user) -> QuerySet[JurySession]:
    """Those of `sessions` where `user` (a user or their key) sits as an active member, read
    from the seats (fewer joins for the planner: the fiche's query joins ten tables
    besides)."""
    return sessions.filter(
        pk__in=Seat.objects.filter(member__user=user, member__is_active=True).values("session_id")
    )


def session_list(*, user: User) -> QuerySet[JurySession]:
    return _with_counts(_visible_sessions(user)).order_by("-date", "-pk")


def _with_counts(sessions: QuerySet[JurySession]) -> QuerySet[JurySession]:
    return sessions.select_related("president__user").annotate(
        # Counted per session shown (subqueries run after the LIMIT), not by grouping every
        # deliberation of every session.
        candidacy_count=_deliberation_count(),
        decided_count=_deliberation_count(decided_at__isnull=False),
    )


def _deliberation_count(**filters):
    counted = (
        Deliberation.objects.filter(session=OuterRef("pk"), **filters)
        .order_by()
        .values("session")
        .annotate(n=Count("*"))  # not COUNT(id): the (session, decided_at) index suffices
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


# A session's pages read it so, the secretariat's and a member's: compiled once
# (cqp.utils.CompiledQuery).
_session_for_secretariat = CompiledQuery(
    JurySession, lambda pk: _with_counts(JurySession.objects.filter(pk=pk))
)
_session_for_member = CompiledQuery(
    JurySession,
    lambda user_pk, pk: _with_counts(_seated_sessions(JurySession.objects.filter(pk=pk), user_pk)),
    keys=2,
)


def session_get(*, user: User, pk: int) -> JurySession:
    """The session if the user sees it (`session_list`), with its counts; 404 otherwise."""
    if is_secretariat(user):
        found = _session_for_secretariat(pk)
    else:
        found = _session_for_member(user.pk, pk)
    if not found:
        raise Http404
    return found[0]


def session_agenda(*, session) -> QuerySet[Deliberation]:
    """The session's candidacies, with their candidate, organisation and certificate."""
    return session.deliberations.select_related(
        "candidacy__candidate__user",
        "candidacy__organisation",
        "candidacy__certification",
        "certificate",
        "president__user",
    ).order_by("candidacy__candidate__user__last_name", "pk")


def session_agenda_keys(
    *, session, pathway: str = "", organisation_id=None, decided: str = ""
) -> list[int]:
    """The keys of the session's deliberations, filtered as the jury's dashboard asks, in the
    order of its rows (the candidates' names): a few hundred numbers, read in one compiled
    query, that the dashboard counts and pages without another query (`agenda_rows` reads
    the rows of a page)."""
    query = _agenda_keys_query(bool(pathway), bool(organisation_id), decided)
    return query(session.pk, *(value for value in (pathway, organisation_id) if value))


@functools.cache
def _agenda_keys_query(pathway: bool, organisation: bool, decided: str) -> CompiledQuery:
    """The query of `session_agenda_keys` for one combination of filters, compiled once."""

    def build(session_pk, *values):
        values = list(values)
        keys = Deliberation.objects.filter(session_id=session_pk)
        if pathway:
            keys = keys.filter(candidacy__pathway=values.pop(0))
        if organisation:
            keys = keys.filter(candidacy__organisation_id=values.pop(0))
        if decided == "oui":
            keys = keys.filter(decided_at__isnull=False)
        elif decided == "non":
            keys = keys.filter(decided_at__isnull=True)
        return keys.order_by("candidacy__candidate__user__last_name", "pk").values_list(
            "pk", flat=True
        )

    return CompiledQuery(Deliberation, build, keys=1 + pathway + organisation)


def agenda_rows(keys: list[int]) -> list[Deliberation]:
    """The deliberations of `keys` (a page of `session_agenda_keys`), in that order, with what
    the dashboard's rows show: the candidate, the organisation, the president named for it,
    the certificate's kind and number, whether the dossier was transmitted."""
    if not keys:
        return []
    by_key = {row.pk: row for row in _agenda_rows(list(keys))}
    return [by_key[key] for key in keys if key in by_key]


_PERSON = ("first_name", "last_name", "email")
_AGENDA_COLUMNS = (
    "session_id",
    "candidacy_id",
    "outcome",
    "decided_at",
    "president_id",
    *(
        f"candidacy__{name}"
        for name in (
            "pathway",
            "state",
            "candidate_id",
            "organisation_id",
            "professionnel_id",
            "evaluateur_id",
            "organisation__name",
            "candidate__user_id",
            *(f"candidate__user__{name}" for name in _PERSON),
        )
    ),
    "president__user_id",
    *(f"president__user__{name}" for name in _PERSON),
)


def _agenda_rows_query(keys):
    # Subqueries per row read (a join to the certificates made PostgreSQL hash every
    # certificate issued: 11 ms at 100,000 candidacies for a page of 20), each with a LIMIT
    # (an EXISTS is hashed over every transmitted dossier).
    certificate = Certificate.objects.filter(deliberation=OuterRef("pk")).order_by()
    transmitted = (
        EvaluationDossier.objects.filter(
            candidacy_id=OuterRef("candidacy_id"), transmitted_at__isnull=False
        )
        .order_by()
        .values("pk")[:1]
    )
    return (
        Deliberation.objects.filter(pk__in=key_array(keys))
        .select_related("candidacy__candidate__user", "candidacy__organisation", "president__user")
        # The columns the rows and their recusals read, no more: 100 objects made a page,
        # each of every column (a candidacy has 30, its dates parsed), were 0.6 ms of it.
        .only(*_AGENDA_COLUMNS)
        .annotate(
            certificate_kind=Subquery(certificate.values("kind")[:1]),
            certificate_number=Subquery(certificate.values("number")[:1]),
            transmitted_dossier=Subquery(transmitted),
        )
        .order_by()
    )


# Every page of the dashboard reads its rows so: compiled once (cqp.utils.CompiledQuery).
_agenda_rows = CompiledQuery(Deliberation, _agenda_rows_query, lists=(0,))


@dataclass(frozen=True)
class SignedResult:
    """The evaluators' joint result on one competence, signed by both."""

    code: str
    final_result: str
    label: str


def _assessments_query(candidacy_ids):
    return (
        CompetenceAssessment.objects.filter(dossier__candidacy_id__in=key_array(candidacy_ids))
        .annotate(
            # Whether both signed, not when: a date read per assessment is parsed for nothing.
            both_signed=ExpressionWrapper(
                Q(professionnel_signed_at__isnull=False, evaluateur_signed_at__isnull=False),
                output_field=BooleanField(),
            )
        )
        .order_by("dossier__cycle")
        .values_list(
            "dossier__candidacy_id",
            "competence__number",
            "final_result",
            "professionnel_signed_by",
            "evaluateur_signed_by",
            "both_signed",
        )
    )


# The assessments of a page of the dashboard, compiled once (cqp.utils.CompiledQuery).
_assessments = CompiledQuery(CompetenceAssessment, _assessments_query, lists=(0,))


def with_jury_facts(session, deliberations: list[Deliberation]) -> list[Deliberation]:
    """Each of `deliberations` (`agenda_rows`) with what the jury needs:
    the evaluators' signed results (`SignedResult`s, by competence), whether the dossier was
    transmitted, the recusals; in two queries (the assessments, read once for the results
    and the signers; the seats with their members' memberships)."""
    candidacy_ids = [d.candidacy_id for d in deliberations]
    labels = {value: str(label) for value, label in Opinion.choices}
    codes = {}
    results = defaultdict(dict)
    signers = defaultdict(set)
    for candidacy_id, number, result, pro, evaluateur, both_signed in _assessments(candidacy_ids):
        signers[candidacy_id].update({pro, evaluateur})
        if result and both_signed:  # CompetenceAssessment.fully_signed
            code = codes.get(number) or codes.setdefault(number, Competence(number=number).code)
            results[candidacy_id][number] = SignedResult(code, result, labels.get(result, result))
    recused = session_recusals(session, deliberations, signers=signers)
    for deliberation in deliberations:
        by_number = results[deliberation.candidacy_id]
        deliberation.results = [by_number[n] for n in sorted(by_number)]
        deliberation.complete = deliberation.transmitted_dossier is not None
        deliberation.recusals = recused[deliberation.pk]
        deliberation.president_recused = any(
            r.member.pk == (deliberation.president_id or session.president_id)
            for r in deliberation.recusals
        )
    return deliberations


def deliberation_get(*, user: User, pk: int) -> Deliberation:
    """A fiche of a session the user sees (404 otherwise)."""
    return get_object_or_404(
        Deliberation.objects.select_related(
            "session__president__user",
            "candidacy__candidate__user",
            "candidacy__certification",
            "candidacy__organisation",
            "president__user",
        ),
        pk=pk,
        session__in=_visible_sessions(user).values("pk"),
    )


def competences_to_decide(deliberation) -> list:
    """The competences the jury decides on: those without a validation in force on the
    session's date (read once per page that only reads: the form, the rows, the checks)."""
    candidacy, day = deliberation.candidacy, deliberation.session.date
    return list(
        memoised(
            ("competences_to_decide", candidacy.pk, day),
            lambda: list(candidacy.competences_to_validate(on=day)),
        )
    )


def deliberation_exists(*, pk: int) -> bool:
    """Whether fiche `pk` still exists: the secretariat, who sees every session, may know
    that one was taken off an agenda."""
    return Deliberation.objects.filter(pk=pk).exists()


def certificate_get(*, user: User, pk: int) -> Certificate:
    """A certificate or attestation issued by a session the user sees (404 otherwise), with its
    holder and its revocation."""
    return get_object_or_404(
        Certificate.objects.select_related(
            "deliberation__candidacy__candidate__user",
            "deliberation__candidacy__certification",
            "deliberation__session",
            "revoked_by",
        ),
        pk=pk,
        deliberation__session__in=_visible_sessions(user).values("pk"),
    )


def earlier_validations(*, deliberation) -> QuerySet[CompetenceValidation]:
    """The candidate's validations in force on the session's date that this deliberation did
    not grant."""
    return (
        CompetenceValidation.objects.in_force(deliberation.session.date)
        .filter(candidate_id=deliberation.candidacy.candidate_id)
        .exclude(pk__in=deliberation.validations.values("pk"))
        .select_related("competence")
        .order_by("competence__number", "validated_on")
    )


def certificate_verify(*, number: str) -> Certificate | None:
    return (
        Certificate.objects.select_related(
            "deliberation__candidacy__candidate__user", "deliberation__candidacy__certification"
        )
        .filter(number=number.strip().upper())
        .first()
    )


def certificates_held(*, user: User) -> QuerySet[Certificate]:
    """The certificates and attestations delivered to `user` as a candidate, latest first."""
    return Certificate.objects.filter(deliberation__candidacy__candidate__user=user).select_related(
        "deliberation__candidacy__certification"
    )


def certificate_last_pk() -> int:
    """The highest certificate pk (0 without any): how many revocation status lists exist."""
    return Certificate.objects.aggregate(last=Max("pk"))["last"] or 0


def certificate_of_document(document) -> Certificate | None:
    """The certificate or attestation a stored document is the PDF of; None for another kind."""
    if document.kind not in CertificateKind.values:
        return None
    return Certificate.objects.filter(pk=document.object_id).first()


# The instruction of the dossiers waiting for a session ---------------------------------------


def awaiting_session(*, q: str = "") -> QuerySet[Candidacy]:
    """The candidacies transmitted to the jury (state `jury`) on no pending session (an
    undecided fiche), oldest transmission first, each annotated with `transmitted_at` (its
    `state_changed_at`: only transmit_to_jury leads there); `q` searches the candidate's name and
    e-mail and the organisation's name. For the secretariat, who sees every organisation."""
    # NOT IN (the pending deliberations hashed once, 0.2 ms at 100,000) while walking the
    # (state, state_changed_at, id) index in the list's order, from the index alone: 0.5 ms
    # for the first page, 1.4 ms for the last of 600 dossiers. NOT EXISTS probes a
    # deliberation per candidacy walked: faster on the first page, 7 ms on the last.
    pending = Deliberation.objects.filter(decided_at__isnull=True).values("candidacy_id")
    qs = (
        Candidacy.objects.filter(state=State.JURY)
        .exclude(pk__in=pending)
        .select_related("candidate__user", "organisation", "certification")
        # Only transmit_to_jury leads to `jury`: the step's date is the transmission's.
        .annotate(transmitted_at=F("state_changed_at"))
    )
    for word in q.split():
        qs = qs.filter(
            Q(candidate__user__last_name__icontains=word)
            | Q(candidate__user__first_name__icontains=word)
            | Q(candidate__user__email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    # Plain ascending (the column is NOT NULL): the index gives that order, where NULLS
    # FIRST made PostgreSQL read and sort every candidacy at the jury (3.3 ms a page).
    return qs.order_by("transmitted_at", "pk")


def upcoming_sessions(*, today: datetime.date) -> QuerySet[JurySession]:
    """The sessions a candidacy can be placed on: programmed or open, from `today` on,
    the next first."""
    return JurySession.objects.filter(
        state__in=[SessionState.PLANNED, SessionState.OPEN], date__gte=today
    ).order_by("date", "pk")


# The secretariat's jury pipeline ------------------------------------------------------------

PIPELINE_ROWS = 5


def jury_pipeline(*, now: datetime.datetime | None = None) -> dict:
    """The secretariat's view of the jury, in five queries whatever the numbers: the dossiers
    waiting for a session (how many, up to PANEL_COUNT_BOUND; since when the oldest), the
    programmed sessions (soonest first, a few), the open sessions, and among them those to
    close (held before today, or every candidacy decided)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # The candidacies of awaiting_session(), counted up to PANEL_COUNT_BOUND (« plus de
    # 1 000 »); the oldest from the (state, state_changed_at) index, the first one with no
    # pending deliberation (NOT EXISTS: a probe of that partial index per candidacy walked,
    # where NOT IN hashed every pending deliberation, then sorted every candidacy at the jury).
    # Sorted by the date alone: with the key as well, PostgreSQL walks the partial index of
    # every waiting step (state_changed_at, id) and filters out 13,000 candidacies.
    pending = Deliberation.objects.filter(candidacy=OuterRef("pk"), decided_at__isnull=True)
    awaiting = Candidacy.objects.filter(state=State.JURY).exclude(Exists(pending))
    waiting_count = count_up_to(PANEL_COUNT_BOUND, waiting=awaiting)["waiting"]
    oldest = (
        awaiting.order_by("state_changed_at").values_list("state_changed_at", flat=True)
    ).first()
    sessions = JurySession.objects.annotate(
        candidacy_count=_deliberation_count(),
        decided_count=_deliberation_count(decided_at__isnull=False),
    ).select_related("president__user")
    # The first few programmed sessions, each carrying how many there are (one query).
    planned = (
        sessions.filter(state=SessionState.PLANNED)
        .annotate(planned_total=Window(Count("pk")))
        .order_by("date", "start_time", "pk")
    )
    coming = list(planned[:PIPELINE_ROWS])
    open_sessions = list(
        sessions.filter(state=SessionState.OPEN).order_by("date", "start_time", "pk")
    )
    to_close = [
        s
        for s in open_sessions
        if s.date < today or (s.candidacy_count and s.decided_count == s.candidacy_count)
    ]
    return {
        "waiting_count": waiting_count,
        "bound": PANEL_COUNT_BOUND,
        "bound_label": number_format(PANEL_COUNT_BOUND, force_grouping=True),
        "waiting_since": oldest,
        "waiting_days": (today - timezone.localdate(oldest)).days if oldest else None,
        "coming": coming,
        "coming_count": coming[0].planned_total if coming else 0,
        "open": [s for s in open_sessions if s not in to_close],
        "to_close": to_close,
        "today": today,
    }
