"""The secretariat's decisions on a VAE request: favorable, défavorable, or a request for
completion, each one on record (RecevabiliteDecision) with its letter, the « avis de
recevabilité »."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from cqp.exceptions import ConcurrentChange
from cqp.models import User
from cqp.tasks import generate_document_later

from . import recevabilite
from .enums import LETTER, RecevabiliteOutcome, State
from .models import Candidacy, RecevabiliteDecision
from .services import check_expected, run_transition

# The transition each outcome takes, and the state it leads to.
TRANSITION_OF = {
    RecevabiliteOutcome.FAVORABLE: "declare_recevable",
    RecevabiliteOutcome.DEFAVORABLE: "declare_non_recevable",
    RecevabiliteOutcome.INCOMPLET: "request_completion",
}
STATE_AFTER = {
    RecevabiliteOutcome.FAVORABLE: State.RECEVABLE,
    RecevabiliteOutcome.DEFAVORABLE: State.NON_RECEVABLE,
    RecevabiliteOutcome.INCOMPLET: State.DEMANDE,
}


def decided_meanwhile(candidacy: Candidacy) -> ConcurrentChange | None:
    """When the request left the examination because someone decided on it, the
    ConcurrentChange that says who decided what; None otherwise (another change)."""
    state = Candidacy.objects.values_list("state", flat=True).get(pk=candidacy.pk)
    latest = (
        RecevabiliteDecision.objects.filter(candidacy_id=candidacy.pk)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if latest is None or STATE_AFTER.get(latest.outcome) != state:
        return None
    return ConcurrentChange(
        _(
            "Une décision vient d'être prise sur cette demande par %(person)s : %(outcome)s. "
            "Rien n'a été enregistré de votre côté."
        )
        % {"person": latest.decided_by, "outcome": latest.get_outcome_display().lower()}
    )


def check_undecided(
    *, candidacy: Candidacy, expected_state: str | None, seen_decisions: int | None = None
) -> None:
    """ConcurrentChange when the request is no longer at the step the user saw it at,
    naming the decision taken meanwhile if that is what happened, or when it was decided on
    and submitted again since (`seen_decisions`)."""
    try:
        check_expected(state=candidacy.state, expected_state=expected_state)
    except ConcurrentChange as error:
        raise decided_meanwhile(candidacy) or error from None
    recevabilite.resubmitted_meanwhile(candidacy, seen_decisions)


def recevabilite_decide(
    *,
    candidacy: Candidacy,
    by: User,
    outcome: str,
    reason: str,
    items: Iterable[str] = (),
    expected_state: str | None,
    seen_decisions: int | None = None,
) -> RecevabiliteDecision:
    """Decide on a VAE request under examination: favorable (declare_recevable),
    défavorable (declare_non_recevable, a reason required) or incomplet
    (request_completion: a reason and at least one item of candidates.recevabilite).

    The transition and the RecevabiliteDecision (outcome, reason, items, request date,
    experience at that date, author, moment) are one transaction under the candidacy's row
    lock; a refusal records neither. Raises ConcurrentChange, naming the decision taken
    meanwhile, when the request is no longer at `expected_state` (a second decision), or
    when it holds other decisions than the `seen_decisions` the user's page showed (sent
    back and submitted again since); GuardFailed, PermissionDenied, TransitionError and ValidationError as run_transition.
    Side effects: those of the transition (audit entry, notification after commit), and
    after commit the decision's letter (document `avis_recevabilite`).
    """
    name = TRANSITION_OF.get(outcome)
    if name is None:
        raise ValueError(outcome)
    with transaction.atomic():
        try:
            run_transition(
                candidacy=candidacy,
                by=by,
                name=name,
                comment=reason,
                expected_state=expected_state,
                decided_by=by,
                items=list(items),
                seen_decisions=seen_decisions,
            )
        except ConcurrentChange as error:
            raise decided_meanwhile(candidacy) or error from None
        decision = RecevabiliteDecision.objects.filter(candidacy_id=candidacy.pk).latest(
            "decided_at", "pk"
        )
        generate_document_later(LETTER, decision)
    return decision
