"""The figures of /pilotage/, as pure functions of the scoped filters (`Filters`).

Each function runs a fixed number of aggregate queries (GROUP BY, conditional counts,
percentiles), whatever the number of candidacies: nothing here loops over candidacies in
Python. Each figure is computed for the period and for the previous period of the same
length, in the same query (a conditional count per period).

Durations come from the audit log (`TransitionLog`): the time a candidacy spent in a step is
the time between the entry that brought it into the step and the one that took it on. Their
median and 90th percentile are PostgreSQL's `percentile_cont` (an ordered-set aggregate);
SQLite, the demo's zero-set-up database, has no such aggregate: there only the list of
durations is fetched (one query per step still) and the same interpolation done in Python.
"""

import datetime
import math
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Lower, Trim, TruncMonth
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from candidates.enums import (
    DECISION_STATES,
    WAITING_STATES,
    RecevabiliteOutcome,
    State,
)
from candidates.models import Candidacy, CompetenceValidation, RecevabiliteDecision, TransitionLog
from cqp.models import Habilitation, HabilitationKind, HabilitationStatus
from cqp.selectors import habilitation_status_filter
from cqp.utils import add_months
from jury.enums import College, SessionState
from jury.models import Deliberation, JurySession, Seat

# The states a candidacy leaves the workflow by (partiel: for now; it may come back).
EXIT_STATES = [
    State.CERTIFIE,
    State.PARTIEL,
    State.NON_CERTIFIE,
    State.NON_RECEVABLE,
    State.ABANDONNE,
]
# Where a candidacy waits on someone (the others are final).
HABILITATION_WARNING_DAYS = 60
LAPSE_WINDOW_MONTHS = 6
WAITING_ROWS = 10
REASON_ROWS = 8


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 12 months up to today: from the first day of the month 11 months back."""
    return add_months(today.replace(day=1), -11), today


@dataclass(frozen=True)
class Filters:
    """What the page counts: a period (both days included) and the candidacies in scope.

    `allowed_organisation_ids` is None for the secretariat (every organisation, and the VAE
    candidacies held by the CPEF itself), else the only organisations the user may see.
    """

    start: datetime.date
    end: datetime.date
    certification_id: int | None = None
    pathway: str = ""
    organisation_id: int | None = None
    organisation_kind: str = ""
    allowed_organisation_ids: tuple[int, ...] | None = None

    @property
    def previous(self) -> "Filters":
        """The period of the same length that ends the day before this one starts."""
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return replace(self, start=end - length, end=end)

    @property
    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as [first instant, first instant after it), in the local time zone."""
        return _midnight(self.start), _midnight(self.end + datetime.timedelta(days=1))

    @property
    def narrowed(self) -> bool:
        """Whether only some candidacies count (anything but the secretariat's whole view)."""
        return bool(
            self.certification_id
            or self.pathway
            or self.organisation_id
            or self.organisation_kind
            or self.allowed_organisation_ids is not None
        )

    def candidacies(self, prefix: str = "") -> Q:
        """The candidacies in scope, as a condition on `prefix` + the candidacy's fields."""
        q = Q()
        if self.allowed_organisation_ids is not None:
            q &= Q(**{f"{prefix}organisation_id__in": self.allowed_organisation_ids})
        if self.organisation_id:
            q &= Q(**{f"{prefix}organisation_id": self.organisation_id})
        if self.organisation_kind:
            q &= Q(**{f"{prefix}organisation__kind": self.organisation_kind})
        if self.certification_id:
            q &= Q(**{f"{prefix}certification_id": self.certification_id})
        if self.pathway:
            q &= Q(**{f"{prefix}pathway": self.pathway})
        return q


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _within(field: str, span) -> Q:
    return Q(**{f"{field}__gte": span[0], f"{field}__lt": span[1]})


def _both(f: Filters, field: str) -> Q:
    """From the start of the previous period to the end of this one."""
    return Q(**{f"{field}__gte": f.previous.span[0], f"{field}__lt": f.span[1]})


def _counts(f: Filters, field: str, name: str = "pk") -> dict:
    """A count for the period and one for the previous period (conditional aggregates)."""
    return {
        "current": Count(name, filter=_within(field, f.span)),
        "previous": Count(name, filter=_within(field, f.previous.span)),
    }


def _day_counts(f: Filters, field: str, name: str = "pk") -> dict:
    """As `_counts`, for a date field (both days included)."""
    return {
        "current": Count(name, filter=Q(**{f"{field}__range": (f.start, f.end)})),
        "previous": Count(
            name, filter=Q(**{f"{field}__range": (f.previous.start, f.previous.end)})
        ),
    }


def _state_changes():
    """Audit entries that moved a candidacy (not an assignment or a note on the same step)."""
    return TransitionLog.objects.exclude(source=F("target"))


def months(f: Filters) -> list[datetime.date]:
    """The first day of each month the period touches."""
    month, last, result = f.start.replace(day=1), f.end.replace(day=1), []
    while month <= last:
        result.append(month)
        month = add_months(month, 1)
    return result


def _month_key(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def month_label(month: datetime.date) -> str:
    return dateformat.format(month, "F Y")


# Flows --------------------------------------------------------------------------------------


def flows(f: Filters) -> dict:
    """Candidacies entering, in each state now, and leaving (per exit state), with the
    previous period; and both per month over the period. 5 queries."""
    candidacies = Candidacy.objects.filter(f.candidacies())
    entering = candidacies.aggregate(**_counts(f, "created_at"))
    now = dict(candidacies.order_by().values_list("state").annotate(n=Count("pk")))
    exits = _state_changes().filter(
        f.candidacies("candidacy__"), _both(f, "created_at"), target__in=EXIT_STATES
    )
    leaving = {
        row["target"]: row
        for row in exits.order_by().values("target").annotate(**_counts(f, "created_at"))
    }
    entering_by_month = dict(
        candidacies.filter(_within("created_at", f.span))
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    leaving_by_month = (
        exits.filter(_within("created_at", f.span))
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values_list("month", "target")
        .annotate(n=Count("pk"))
    )
    per_month = {m: {"entering": 0, **dict.fromkeys(EXIT_STATES, 0)} for m in months(f)}
    for month, n in entering_by_month.items():
        per_month.setdefault(_month_key(month), {})["entering"] = n
    for month, target, n in leaving_by_month:
        per_month.setdefault(_month_key(month), {})[target] = n
    return {
        "entering": entering,
        "now": [{"state": s, "label": State(s).label, "n": now.get(s, 0)} for s in State.values],
        "leaving": [
            {
                "state": s,
                "label": State(s).label,
                "current": leaving.get(s, {}).get("current", 0),
                "previous": leaving.get(s, {}).get("previous", 0),
            }
            for s in EXIT_STATES
        ],
        "per_month": [{"month": m, **per_month[m]} for m in sorted(per_month)],
    }


# Durations ----------------------------------------------------------------------------------


class Percentile(Aggregate):
    """`percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`: PostgreSQL's
    continuous percentile (interpolated between the two nearest values; nulls ignored)."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        # A float of our own, never user input: written into the SQL as such.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile(values: list, fraction: float):
    """The same interpolation as percentile_cont, over a list (the SQLite fallback)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    start: str  # the state the step starts by entering
    ends: tuple[str, ...]  # the transitions that end it
    first_only: bool = False  # only the first end per candidacy (a later cycle starts elsewhere)


STEPS = [
    Step(
        "recevabilite",
        _("Demande → décision de recevabilité"),
        State.RECEVABILITE,
        ("declare_recevable", "declare_non_recevable", "request_completion"),
    ),
    Step("reperage", _("Repérage → évaluation"), State.REPERAGE, ("start_evaluation",), True),
    Step(
        "evaluation",
        _("Évaluation → transmission au jury"),
        State.EVALUATION,
        ("transmit_to_jury",),
    ),
    Step("jury", _("Transmission → décision du jury"), State.JURY, ("record_decision",)),
]


def _step_durations(f: Filters, step: Step):
    """The entries ending `step` in either period, annotated with the time the step took."""
    entered = (
        _state_changes()
        .filter(
            candidacy=OuterRef("candidacy"),
            target=step.start,
            created_at__lte=OuterRef("created_at"),
        )
        .exclude(pk=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    ends = TransitionLog.objects.filter(
        f.candidacies("candidacy__"), _both(f, "created_at"), transition__in=step.ends
    )
    if step.first_only:
        earlier = TransitionLog.objects.filter(
            candidacy=OuterRef("candidacy"),
            transition__in=step.ends,
            created_at__lt=OuterRef("created_at"),
        )
        ends = ends.exclude(Exists(earlier))
    return ends.annotate(
        duration=ExpressionWrapper(
            F("created_at") - Subquery(entered, output_field=DateTimeField()),
            output_field=DurationField(),
        )
    )


def _days(value) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def durations(f: Filters) -> list[dict]:
    """Per step: median and 90th percentile of the days it took, and how many ended, in the
    period and the previous one (the step counts in the period it ended in). 4 queries."""
    rows = []
    for step in STEPS:
        ends = _step_durations(f, step)
        if connection.vendor == "postgresql":
            figures = ends.aggregate(
                **{
                    f"{period}_{name}": Percentile("duration", fraction, filter=within)
                    for period, within in (
                        ("current", _within("created_at", f.span)),
                        ("previous", _within("created_at", f.previous.span)),
                    )
                    for name, fraction in (("median", 0.5), ("p90", 0.9))
                },
                **{
                    f"{period}_n": Count(
                        "pk", filter=_within("created_at", span) & Q(duration__isnull=False)
                    )
                    for period, span in (("current", f.span), ("previous", f.previous.span))
                },
            )
        else:  # SQLite (the demo only): the durations, then the same interpolation.
            start = f.span[0]
            listed = [
                (at >= start, d)
                for at, d in ends.values_list("created_at", "duration")
                if d is not None
            ]
            figures = {}
            for period, is_current in (("current", True), ("previous", False)):
                values = [d for current, d in listed if current is is_current]
                figures[f"{period}_median"] = percentile(values, 0.5)
                figures[f"{period}_p90"] = percentile(values, 0.9)
                figures[f"{period}_n"] = len(values)
        rows.append(
            {
                "key": step.key,
                "label": step.label,
                **{
                    k: (_days(v) if k.endswith(("median", "p90")) else v)
                    for k, v in figures.items()
                },
            }
        )
    return rows


def waiting_longest(f: Filters, limit: int = WAITING_ROWS) -> list[Candidacy]:
    """The candidacies in scope that have waited longest in their current step, with
    `waiting_since` (their last change of step, else their creation: `state_changed_at`).
    1 query."""
    return list(
        Candidacy.objects.filter(f.candidacies(), state__in=WAITING_STATES)
        .annotate(waiting_since=F("state_changed_at"))
        .select_related("candidate__user", "organisation", "certification")
        .order_by("state_changed_at", "pk")[:limit]
    )


# Outcomes -----------------------------------------------------------------------------------


def _rates(row: dict) -> dict:
    total = sum(row.get(s, 0) for s in DECISION_STATES)
    return {
        "total": total,
        **{s: row.get(s, 0) for s in DECISION_STATES},
        **{
            f"{s}_rate": (round(100 * row.get(s, 0) / total, 1) if total else None)
            for s in DECISION_STATES
        },
    }


def outcomes(f: Filters, today: datetime.date) -> dict:
    """The jury's decisions by outcome per session (held in the period) and per period; the
    partial validations later completed before they lapse; the validations lapsing in the
    next 6 months. 4 queries."""
    decided = Deliberation.objects.filter(
        f.candidacies("candidacy__"),
        outcome__in=DECISION_STATES,
        session__date__range=(f.previous.start, f.end),
    )
    by_period = decided.aggregate(
        **{
            f"{period}_{s}": Count("pk", filter=Q(outcome=s, session__date__range=(p.start, p.end)))
            for period, p in (("current", f), ("previous", f.previous))
            for s in DECISION_STATES
        }
    )
    per_session = (
        decided.filter(session__date__range=(f.start, f.end))
        .order_by()
        .values("session_id", "session__date")
        .annotate(**{s: Count("pk", filter=Q(outcome=s)) for s in DECISION_STATES})
        .order_by("session__date", "session_id")
    )
    # A partial validation is completed when a later decision certifies the candidate before
    # the first of the competences it validated lapses.
    lapse = Subquery(
        Deliberation.validations.through.objects.filter(deliberation_id=OuterRef("pk"))
        .order_by("competencevalidation__valid_until")
        .values("competencevalidation__valid_until")[:1]
    )
    completed = Deliberation.objects.filter(
        candidacy__candidate_id=OuterRef("candidacy__candidate_id"),
        outcome=State.CERTIFIE,
        session__date__gt=OuterRef("session__date"),
        session__date__lte=OuterRef("lapse"),
    )
    partials = (
        decided.filter(outcome=State.PARTIEL)
        .annotate(lapse=lapse)
        .annotate(completed=Exists(completed))
        .aggregate(
            **_day_counts(f, "session__date"),
            current_completed=Count(
                "pk", filter=Q(completed=True, session__date__range=(f.start, f.end))
            ),
            previous_completed=Count(
                "pk",
                filter=Q(completed=True, session__date__range=(f.previous.start, f.previous.end)),
            ),
        )
    )
    in_scope = Candidacy.objects.filter(f.candidacies(), candidate_id=OuterRef("candidate_id"))
    certified = Candidacy.objects.filter(
        candidate_id=OuterRef("candidate_id"), state=State.CERTIFIE
    )
    lapsing = (
        CompetenceValidation.objects.filter(
            valid_until__range=(today, add_months(today, LAPSE_WINDOW_MONTHS))
        )
        .filter(Exists(in_scope))
        .exclude(Exists(certified))
        .aggregate(validations=Count("pk"), candidates=Count("candidate_id", distinct=True))
    )
    return {
        "current": _rates({s: by_period[f"current_{s}"] for s in DECISION_STATES}),
        "previous": _rates({s: by_period[f"previous_{s}"] for s in DECISION_STATES}),
        "sessions": [
            {"date": row["session__date"], "session_id": row["session_id"], **_rates(row)}
            for row in per_session
        ],
        "partials": {
            **partials,
            "current_rate": _share(partials["current_completed"], partials["current"]),
            "previous_rate": _share(partials["previous_completed"], partials["previous"]),
        },
        "lapsing": lapsing,
    }


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Recevabilité -------------------------------------------------------------------------------


def recevabilite(f: Filters, today: datetime.date) -> dict:
    """VAE requests submitted, the secretariat's decisions by kind, and the requests waiting
    for a decision now (overdue: past `decision_due_on`). 3 queries."""
    requests = (
        _state_changes()
        .filter(
            f.candidacies("candidacy__"), _both(f, "created_at"), transition="submit_recevabilite"
        )
        .aggregate(**_counts(f, "created_at"))
    )
    decisions = {
        row["outcome"]: row
        for row in RecevabiliteDecision.objects.filter(
            f.candidacies("candidacy__"), _both(f, "decided_at")
        )
        .order_by()
        .values("outcome")
        .annotate(**_counts(f, "decided_at"))
    }
    pending = Candidacy.objects.filter(f.candidacies(), state=State.RECEVABILITE).aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(vae_request__decision_due_on__lt=today)),
    )
    return {
        "requests": requests,
        "decisions": [
            {
                "outcome": o,
                "label": RecevabiliteOutcome(o).label,
                "current": decisions.get(o, {}).get("current", 0),
                "previous": decisions.get(o, {}).get("previous", 0),
            }
            for o in RecevabiliteOutcome.values
        ],
        "pending": pending,
    }


# Withdrawals --------------------------------------------------------------------------------


def withdrawals(f: Filters) -> dict:
    """Withdrawals by the step they left and by reason (as given, grouped regardless of case
    and surrounding spaces; the most frequent first). 2 queries."""
    withdrawn = _state_changes().filter(
        f.candidacies("candidacy__"), _both(f, "created_at"), transition="withdraw"
    )
    by_step = {
        row["source"]: row
        for row in withdrawn.order_by().values("source").annotate(**_counts(f, "created_at"))
    }
    reasons = (
        withdrawn.annotate(key=Lower(Trim("comment")))
        .order_by()
        .values("key")
        .annotate(label=Min(Trim("comment")), **_counts(f, "created_at"))
        .filter(current__gt=0)
        .order_by("-current", "key")[:REASON_ROWS]
    )
    return {
        "by_step": [
            {
                "state": s,
                "label": State(s).label,
                "current": by_step[s]["current"],
                "previous": by_step[s]["previous"],
            }
            for s in State.values
            if s in by_step
        ],
        "reasons": [
            {
                "label": row["label"] or _("(sans motif)"),
                "current": row["current"],
                "previous": row["previous"],
            }
            for row in reasons
        ],
        "total": {
            "current": sum(r["current"] for r in by_step.values()),
            "previous": sum(r["previous"] for r in by_step.values()),
        },
    }


# Habilitations and the jury -----------------------------------------------------------------


def habilitations(f: Filters) -> list[dict]:
    """Per kind: habilitations valid on the period's last day and, among them, those ending
    within 60 days (not yet renewed); the same on the previous period's last day. Narrowed
    to someone's organisations, only the people assigned to their candidacies count. 1 query."""
    qs = Habilitation.objects.all()
    if f.narrowed:
        candidacies = Candidacy.objects.filter(f.candidacies())
        qs = qs.filter(
            Q(user__in=candidacies.values("professionnel"))
            | Q(user__in=candidacies.values("evaluateur"))
        )
    figures = {}
    for period, day in (("current", f.end), ("previous", f.previous.end)):
        valid = habilitation_status_filter(HabilitationStatus.VALID, day)
        soon = Q(
            valid_until__lte=day + datetime.timedelta(days=HABILITATION_WARNING_DAYS),
            renewed_by__isnull=True,
        )
        figures[f"{period}_valid"] = Count("pk", filter=valid)
        figures[f"{period}_expiring"] = Count("pk", filter=valid & soon)
    rows = {row["kind"]: row for row in qs.order_by().values("kind").annotate(**figures)}
    empty = dict.fromkeys(figures, 0)
    return [
        {"kind": k, "label": HabilitationKind(k).label, **{**empty, **rows.get(k, {})}}
        for k in HabilitationKind.values
    ]


def jury(f: Filters) -> dict:
    """Sessions held (opened, then closed) in each period and the members present per
    college. Narrowed, only the sessions that deliberated on a candidacy in scope. 2 queries."""
    sessions = JurySession.objects.filter(
        state__in=[SessionState.OPEN, SessionState.CLOSED],
        date__range=(f.previous.start, f.end),
    )
    if f.narrowed:
        sessions = sessions.filter(
            Exists(
                Deliberation.objects.filter(f.candidacies("candidacy__"), session=OuterRef("pk"))
            )
        )
    held = sessions.aggregate(**_day_counts(f, "date"))
    present = {
        row["member__college"]: row
        for row in Seat.objects.filter(present=True, session__in=sessions)
        .order_by()
        .values("member__college")
        .annotate(**_day_counts(f, "session__date"))
    }
    return {
        "held": held,
        "present": [
            {
                "college": c,
                "label": College(c).label,
                "current": present.get(c, {}).get("current", 0),
                "previous": present.get(c, {}).get("previous", 0),
            }
            for c in College.values
        ],
    }


def last_sessions(f: Filters, limit: int = 3) -> list[dict]:
    """The decisions of the last sessions that decided on candidacies in scope (the
    gestionnaire's dashboard). 1 query, walking the sessions from the latest until `limit`
    of them have decisions in scope. Decided fiches only (`decided_at` is set with the
    outcome): the (session, decided_at) index then skips the fiches still pending on the
    programmed sessions (2,750 at 100,000 candidacies, each read and discarded before)."""
    rows = (
        Deliberation.objects.filter(
            f.candidacies("candidacy__"), outcome__in=DECISION_STATES, decided_at__isnull=False
        )
        .order_by()
        .values("session_id", "session__date")
        .annotate(**{s: Count("pk", filter=Q(outcome=s)) for s in DECISION_STATES})
        .order_by("-session__date", "-session_id")[:limit]
    )
    return [{"date": row["session__date"], **_rates(row)} for row in rows]


def all_figures(f: Filters, today: datetime.date) -> dict:
    """Every figure of the page: 21 queries, whatever the data."""
    return {
        "flows": flows(f),
        "durations": durations(f),
        "waiting": waiting_longest(f),
        "outcomes": outcomes(f, today),
        "recevabilite": recevabilite(f, today),
        "withdrawals": withdrawals(f),
        "habilitations": habilitations(f),
        "jury": jury(f),
    }
