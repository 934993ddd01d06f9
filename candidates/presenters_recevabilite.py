"""What the pages show of a VAE request's examination: the request in full for the
secretariat's review (periods, proofs, the time line of the periods), the history of its
submissions and decisions with their letters, and the items flagged for the candidate
after a request for completion. Each loads in a fixed number of queries, whatever the
number of periods, proofs and decisions."""

import datetime
import functools
import math

from django.utils.html import format_html
from django.utils.translation import gettext as _

from cqp.documents import latest_documents
from cqp.utils import CompiledQuery, add_months

from . import recevabilite
from .enums import LETTER, RecevabiliteOutcome, State
from .experience import experience_summary
from .models import RecevabiliteDecision, TransitionLog
from .selectors import SUBMISSION, count_per_candidacy

DAY = datetime.timedelta(days=1)


def request_in_full(candidacy) -> dict:
    """Partie 2 with its periods (oldest first), each with its proofs (`period.proof_list`)
    and its days before the request date (the request day does not count, as in
    candidates.experience), the request's own proofs (identity), and the experience figures."""
    summary = experience_summary(candidacy)
    experiences = sorted(summary["experiences"], key=lambda p: (p.start_date, p.pk))
    proofs = list(candidacy.vae_request.proofs.all())
    on = summary["experience_on"]
    for period in experiences:
        period.proof_list = [p for p in proofs if p.experience_id == period.pk]
        end = min(period.end_date or on - DAY, on - DAY)
        period.days_until_request = max((end - period.start_date).days + 1, 0)
    return {
        **summary,
        "experiences": experiences,
        "request_proofs": [p for p in proofs if p.experience_id is None],
        "experience_timeline": experience_timeline(
            experiences, on=on, minimum_years=summary["minimum_years"]
        ),
    }


# The time line of the periods: an SVG drawn in viewBox units, scaled by the browser.
WIDTH, LEFT, TOP, LANE, BAR, AXIS = 600, 36, 8, 30, 18, 34
MAX_TICK_LABELS = 6


def experience_timeline(experiences, *, on: datetime.date, minimum_years: int) -> dict | None:
    """The periods on a time line up to the request date `on` (an ongoing period runs to
    it), one lane each so that overlapping periods show, with the window of the
    `minimum_years` before `on` marked; None without periods."""
    if not experiences:
        return None
    window_start = add_months(on, -12 * minimum_years)
    first = min([window_start, *(p.start_date for p in experiences)])
    span_days = (on - first).days + 1
    scale = (WIDTH - LEFT) / span_days

    def x(day: datetime.date) -> float:
        return round(LEFT + (day - first).days * scale, 1)

    lanes = []
    for number, period in enumerate(experiences, start=1):
        start = min(period.start_date, on)
        end = min(period.end_date or on, on)
        y = TOP + (number - 1) * LANE
        lanes.append(
            {
                "number": number,
                "period": period,
                "x": x(start),
                "width": max(round((end - start).days * scale + scale, 1), 1),
                "y": y,
                "text_y": y + BAR - 4,
            }
        )
    height = TOP + len(lanes) * LANE + AXIS
    years = list(range(first.year + 1, on.year + 1))
    step = max(1, math.ceil(len(years) / MAX_TICK_LABELS))
    ticks = [
        {"x": x(datetime.date(year, 1, 1)), "label": str(year) if i % step == 0 else ""}
        for i, year in enumerate(years)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "lanes": lanes,
        "bar": BAR,
        "axis_y": height - AXIS + 4,
        "label_y": height - 6,
        "ticks": ticks,
        "window": {
            "x": x(window_start),
            "width": round(x(on) - x(window_start), 1),
            "height": height - AXIS + 4,
            "start": window_start,
            "end": on - DAY,
        },
        "first": first,
        "on": on,
    }


def recevabilite_history(candidacy, limit: int | None = None) -> tuple[list[dict], int]:
    """The request's submissions (audit log) and decisions (each with its letter, once
    stored), oldest first, in three queries; with `limit`, only the latest `limit` of them.
    Returns the events and how many there are in all (counted in the same queries)."""
    submissions_query, decisions_query = _history_queries(limit)
    submitted = submissions_query(candidacy.pk)
    decisions = decisions_query(candidacy.pk)
    total = (submitted[0].total if submitted else 0) + (decisions[0].total if decisions else 0)
    letters = latest_documents(LETTER, [d.pk for d in decisions])
    return recevabilite_events(submitted, decisions, letters, limit), total


def recevabilite_events(submitted, decisions, letters: dict, limit: int | None = None) -> list:
    """The events of `recevabilite_history`, from the submissions and decisions read (the
    latest `limit` of each at least), and the letters of the decisions by their key."""
    events = [{"kind": "submission", "at": entry.created_at, "entry": entry} for entry in submitted]
    events += [
        {
            "kind": "decision",
            "at": decision.decided_at,
            "decision": decision,
            "items": recevabilite.labels(decision.items),
            "letter": letters.get(decision.pk),
        }
        for decision in decisions
    ]
    events.sort(key=lambda event: event["at"])
    return events[-limit:] if limit is not None else events


@functools.cache
def _history_queries(limit: int | None) -> tuple[CompiledQuery, CompiledQuery]:
    """The submissions' and the decisions' queries of `recevabilite_history`, the latest
    `limit` of each (all without), compiled once (cqp.utils.CompiledQuery)."""

    def submissions(candidacy_pk):
        rows = TransitionLog.objects.filter(candidacy_id=candidacy_pk, transition=SUBMISSION)
        rows = (
            rows.select_related("actor")
            .annotate(total=count_per_candidacy(rows))
            .order_by("-created_at", "-pk")
        )
        return rows[:limit] if limit is not None else rows

    def decisions(candidacy_pk):
        rows = RecevabiliteDecision.objects.filter(candidacy_id=candidacy_pk)
        rows = (
            rows.select_related("decided_by")
            .annotate(total=count_per_candidacy(rows))
            .order_by("-decided_at", "-pk")
        )
        return rows[:limit] if limit is not None else rows

    return (
        CompiledQuery(TransitionLog, submissions),
        CompiledQuery(RecevabiliteDecision, decisions),
    )


def completion_flags(candidacy) -> dict | None:
    """While the request is back with the candidate after a request for completion, the
    secretariat's comment and the items flagged (candidates.recevabilite.flags), with the
    decision and its letter; None otherwise."""
    if candidacy.state != State.DEMANDE:
        return None
    decision = (
        RecevabiliteDecision.objects.filter(candidacy_id=candidacy.pk)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if decision is None or decision.outcome != RecevabiliteOutcome.INCOMPLET:
        return None
    return {
        "decision": decision,
        "letter": latest_documents(LETTER, [decision.pk]).get(decision.pk),
        **recevabilite.flags(decision.items),
    }


def flag_fields(form, flags: dict | None):
    """Partie 2's form with each field the secretariat flagged saying so next to it."""
    for name in (flags or {}).get("fields", ()):
        if name in form.fields:
            field = form.fields[name]
            # The same badge as the other items flagged; Django prints help texts unescaped.
            field.help_text = format_html(
                '<span class="badge badge--a-completer">{}</span> {} {}',
                _("À compléter"),
                _("Demandé par le secrétariat de la CPEF."),
                field.help_text,
            )
    return form


def outcome_summary(outcome: str) -> str:
    """What the confirmation step says the decision will do."""
    texts = {
        RecevabiliteOutcome.FAVORABLE: _(
            "Vous allez rendre un avis favorable : la demande sera déclarée recevable et le "
            "candidat pourra renseigner la partie 3."
        ),
        RecevabiliteOutcome.DEFAVORABLE: _(
            "Vous allez rendre un avis défavorable : la demande sera déclarée non recevable, "
            "ce qui clôt la candidature."
        ),
        RecevabiliteOutcome.INCOMPLET: _(
            "Vous allez demander des compléments : la demande revient au candidat, qui "
            "complète les éléments cochés puis l'envoie de nouveau ; le délai d'examen est "
            "suspendu jusque-là."
        ),
    }
    return texts[outcome]
