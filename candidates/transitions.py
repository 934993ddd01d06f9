"""The candidacy's transitions: one declaration each, from which everything else follows.

An entry says who may take the transition (django-fsm's `permission=` on the model's
`@transition`, and the capacity the audit log records), its guard (django-fsm's
`conditions=`, and the list of what is missing shown to the user), the candidacy field that
keeps its reason, its preparation (run under the row lock before the guard), the official
documents it produces, and how the interface offers it. `services.run_transition` runs any
of them; the notification it sends is `cqp.notifications.EVENTS[name]`.

Adding a transition: one entry in TRANSITIONS, one `@transition` method on `Candidacy`
(`**fsm_rules(name)`), one guard function in guards.py, one event in cqp.notifications
(tests/candidates/test_transition_table.py checks that nothing is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cqp.permissions import memoised
from cqp.utils import add_months, join_phrases

from . import guards, recevabilite
from .enums import Capacity, RecevabiliteOutcome
from .experience import experience_summary
from .permissions import capacity_of

C = Capacity


@dataclass(frozen=True)
class TransitionUI:
    """How the candidacy's action page offers a transition: its button and confirmation."""

    label: str
    confirm: str
    reason_label: str | None = None  # a reason is required when set
    comment_allowed: bool = False
    irreversible: bool = False
    style: str = "primary"
    # A sworn statement (déclaration sur l'honneur) to tick: the checkbox's text when set.
    attestation: str | None = None


@dataclass(frozen=True)
class Transition:
    name: str
    # The capacities that may take it, in the order the audit log looks for them: the log
    # records the capacity that actually allowed the action, not merely one the user holds.
    who: tuple[Capacity, ...]
    # What is missing (French noun phrases) for the transition to be taken.
    guard: Callable[..., list[str]] | None = None
    # What the person must still do before asking for it, when the preparation meets part
    # of the guard (completing the repérage generates the plan): defaults to the guard.
    ready: Callable[..., list[str]] | None = None
    # The candidacy field that keeps the reason (or comment) given with the transition.
    reason_field: str = ""
    # Runs under the row lock before the guard, with the service's extra arguments; what it
    # does is rolled back if the transition is refused.
    prepare: Callable[..., None] | None = None
    # Official documents (cqp.documents kinds) stored after commit.
    documents: tuple[str, ...] = ()
    # None: the transition is taken from another app's page (the evaluation, the jury).
    ui: TransitionUI | None = None
    # What a refusal says before what is missing: « Impossible de lancer l'évaluation ».
    impossible: str = _("Action impossible")

    def permission(self, candidacy, user) -> bool:
        """django-fsm's `permission=`: the user may act in one of the capacities."""
        return capacity_of(candidacy, user, self.who) is not None

    def missing(self, candidacy) -> list[str]:
        """What the guard finds missing (asked once per page that only reads: the fiche
        de décision and the dossier both ask it of transmit_to_jury)."""
        if not self.guard:
            return []
        key = ("missing", self.name, candidacy.pk, candidacy.state, candidacy.cycle)
        return list(memoised(key, lambda: self.guard(candidacy)))

    def refusal(self, missing: list[str]) -> str:
        """The refused transition as one French sentence: « Impossible de lancer
        l'évaluation : il manque la confirmation de la mise en pratique en entreprise. »"""
        return gettext("%(impossible)s : il manque %(items)s.") % {
            "impossible": self.impossible,
            "items": join_phrases(missing),
        }

    def missing_before(self, candidacy) -> list[str]:
        return (self.ready or self.missing)(candidacy)

    def condition(self, candidacy) -> bool:
        """django-fsm's `conditions=`. Inside `run_transition`, the guard has just run under
        the row lock (`guard_checked`): its answer stands, the guard does not run twice."""
        if candidacy.__dict__.get("_guard_checked") == self.name:
            return True
        return not self.missing(candidacy)

    @contextmanager
    def guard_checked(self, candidacy):
        candidacy._guard_checked = self.name
        try:
            yield
        finally:
            del candidacy._guard_checked


# Preparations ------------------------------------------------------------------------------


def sync_plan(candidacy, competence_ids, *, cycle: int) -> None:
    """Make a cycle's plan cover exactly `competence_ids`, keeping the actions already edited."""
    actions = candidacy.parcours_actions.filter(cycle=cycle)
    actions.exclude(competence_id__in=competence_ids).delete()
    planned = set(actions.values_list("competence_id", flat=True))
    action = candidacy.parcours_actions.model
    action.objects.bulk_create(
        action(candidacy=candidacy, cycle=cycle, competence_id=pk)
        for pk in sorted(set(competence_ids) - planned)
    )


def _plan_from_livret(candidacy) -> None:
    sync_plan(candidacy, guards.competences_to_develop(candidacy), cycle=candidacy.cycle)


def _stamp_request_date(candidacy, *, sworn: bool = False) -> None:
    """The request date of a VAE is the day partie 2 is submitted; a decision is due
    VAE_DECISION_MONTHS later (from each submission: a resubmission restarts it). The
    sworn statement is ticked at each submission: its moment is stored, or cleared when
    not ticked (the guard then refuses)."""
    request = getattr(candidacy, "vae_request", None)
    if request is not None:
        request.submitted_on = guards.today()
        request.decision_due_on = add_months(request.submitted_on, settings.VAE_DECISION_MONTHS)
        request.sworn_at = timezone.now() if sworn else None
        request.save(update_fields=["submitted_on", "decision_due_on", "sworn_at"])


def _record_decision(outcome: str) -> Callable[..., None]:
    """The preparation of a recevabilité decision: record it (RecevabiliteDecision, with
    the reason just set, the request date and the experience figure at that date), under
    the row lock and rolled back with the transition if it is refused. A request for
    completion keeps the ticked `items` (codes of candidates.recevabilite) on the decision
    and on the candidacy for its guard. Every decision ends the deadline (a request for
    completion suspends it until the resubmission).
    Refused (ConcurrentChange) when the request holds other decisions than the
    `seen_decisions` the decider's page showed."""

    def prepare(candidacy, *, decided_by, items=(), seen_decisions=None) -> None:
        recevabilite.resubmitted_meanwhile(candidacy, seen_decisions)
        request = candidacy.vae_request
        summary = experience_summary(candidacy)
        stored = []
        if outcome == RecevabiliteOutcome.INCOMPLET:
            try:
                stored = recevabilite.stored(set(items), summary["experiences"])
            except ValueError as error:
                raise ValidationError(
                    {"items": gettext("Cet élément ne fait pas partie de la demande.")}
                ) from error
            candidacy.completion_items = stored
        # The decision is made: no decision is due any more (a resubmission after a
        # request for completion sets a new date).
        request.decision_due_on = None
        request.save(update_fields=["decision_due_on"])
        candidacy.recevabilite_decisions.create(
            outcome=outcome,
            reason=candidacy.recevabilite_reason,
            items=stored,
            submitted_on=request.submitted_on or guards.today(),
            experience_days=summary["experience"].days,
            decided_by=decided_by,
        )

    return prepare


def _plan_not_acquired(candidacy, *, competence_ids) -> None:
    """The new cycle's plan covers the competences not acquired (the transition moves to it)."""
    to_validate = set(candidacy.competences_to_validate().values_list("pk", flat=True))
    if not competence_ids or not set(competence_ids) <= to_validate:
        raise ValidationError(
            gettext("Le nouveau parcours doit porter sur des compétences qui restent à valider.")
        )
    sync_plan(candidacy, competence_ids, cycle=candidacy.cycle + 1)


def _plan_still_to_validate(candidacy) -> None:
    to_validate = candidacy.competences_to_validate().values_list("pk", flat=True)
    sync_plan(candidacy, set(to_validate), cycle=candidacy.cycle + 1)


# The table --------------------------------------------------------------------------------

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "complete_reperage",
            impossible=_("Impossible de terminer le repérage"),
            who=(C.PROFESSIONNEL,),
            guard=guards.guard_complete_reperage,
            ready=guards.reperage_missing,
            prepare=_plan_from_livret,
            documents=("livret",),
            ui=TransitionUI(
                _("Terminer le repérage"),
                _("Le livret sera clos et le parcours généré pour les compétences à développer."),
            ),
        ),
        Transition(
            "start_evaluation",
            impossible=_("Impossible de lancer l'évaluation"),
            who=(C.PROFESSIONNEL,),
            guard=guards.guard_start_evaluation,
            ui=TransitionUI(
                _("Lancer l'évaluation"),
                _(
                    "L'évaluation des compétences commence : le dossier de suivi et d'évaluation "
                    "est ouvert au candidat, au professionnel du secteur et à l'évaluateur externe."
                ),
            ),
        ),
        Transition(
            "submit_recevabilite",
            impossible=_("Impossible d'envoyer la demande de recevabilité"),
            who=(C.CANDIDAT,),
            guard=guards.guard_submit_recevabilite,
            ready=guards.submit_recevabilite_ready,
            prepare=_stamp_request_date,
            ui=TransitionUI(
                _("Envoyer ma demande de recevabilité"),
                _(
                    "Votre partie 2 sera transmise au secrétariat de la CPEF et ne pourra plus être modifiée."
                ),
                irreversible=True,
                attestation=_(
                    "Je déclare sur l'honneur l'exactitude des informations et des justificatifs "
                    "fournis dans ma demande."
                ),
            ),
        ),
        # The three decisions on a VAE request are taken from the review page
        # (candidates.services_recevabilite.recevabilite_decide), which records each one.
        Transition(
            "declare_recevable",
            who=(C.SECRETARIAT,),
            reason_field="recevabilite_reason",
            prepare=_record_decision(RecevabiliteOutcome.FAVORABLE),
        ),
        Transition(
            "declare_non_recevable",
            impossible=_("Impossible de déclarer la demande non recevable"),
            who=(C.SECRETARIAT,),
            guard=guards.guard_declare_non_recevable,
            reason_field="recevabilite_reason",
            prepare=_record_decision(RecevabiliteOutcome.DEFAVORABLE),
        ),
        Transition(
            "request_completion",
            impossible=_("Impossible de demander des compléments"),
            who=(C.SECRETARIAT,),
            guard=guards.guard_request_completion,
            reason_field="recevabilite_reason",
            prepare=_record_decision(RecevabiliteOutcome.INCOMPLET),
        ),
        Transition(
            "submit_activities",
            impossible=_("Impossible d'envoyer la partie 3"),
            who=(C.CANDIDAT,),
            guard=guards.guard_submit_activities,
            documents=("dossier_vae",),
            ui=TransitionUI(
                _("Envoyer ma partie 3 et passer à l'évaluation"),
                _(
                    "Vos activités seront transmises aux évaluateurs et ne pourront plus être modifiées."
                ),
                irreversible=True,
            ),
        ),
        Transition(
            "resume_parcours",
            impossible=_("Impossible de reprendre le parcours"),
            who=(C.PROFESSIONNEL, C.EVALUATEUR),
            guard=guards.guard_resume_parcours,
            prepare=_plan_not_acquired,
        ),
        Transition(
            "transmit_to_jury",
            impossible=_("Impossible de transmettre le dossier au jury"),
            who=(C.EVALUATEUR,),
            guard=guards.guard_transmit_to_jury,
        ),
        Transition(
            "return_to_evaluation",
            impossible=_("Impossible de renvoyer le dossier en évaluation"),
            who=(C.JURY, C.SECRETARIAT),
            guard=guards.guard_return_to_evaluation,
            reason_field="outcome_reason",
        ),
        Transition("record_decision", who=(C.JURY,)),
        Transition(
            "continue_after_partial",
            impossible=_("Impossible de reprendre le parcours"),
            who=(C.CANDIDAT, C.PROFESSIONNEL, C.SECRETARIAT),
            guard=guards.guard_continue_after_partial,
            prepare=_plan_still_to_validate,
            ui=TransitionUI(
                _("Reprendre le parcours"),
                _("Un nouveau parcours est ouvert pour les compétences qui restent à valider."),
            ),
        ),
        Transition(
            "withdraw",
            impossible=_("Impossible d'abandonner la candidature"),
            who=(C.CANDIDAT, C.GESTIONNAIRE, C.SECRETARIAT),
            guard=guards.guard_withdraw,
            reason_field="closing_reason",
            ui=TransitionUI(
                _("Abandonner la candidature"),
                _("La candidature sera close définitivement."),
                reason_label=_("Motif de l'abandon"),
                irreversible=True,
                style="danger",
            ),
        ),
    ]
}

# Who may take the other actions recorded in the audit log.
OTHER_ACTIONS: dict[str, tuple[Capacity, ...]] = {
    "create": (C.GESTIONNAIRE, C.SECRETARIAT, C.CANDIDAT),
    "assign_professionnel": (C.SECRETARIAT, C.GESTIONNAIRE),
    "assign_evaluateur": (C.SECRETARIAT, C.GESTIONNAIRE),
    "confirm_practice": (C.PROFESSIONNEL,),
    "revoke_certificate": (C.SECRETARIAT,),
}


def capacities(action: str) -> tuple[Capacity, ...]:
    """Who may take `action` (a transition or another audited action)."""
    if action in TRANSITIONS:
        return TRANSITIONS[action].who
    return OTHER_ACTIONS[action]


def fsm_rules(name: str) -> dict:
    """The `conditions=` and `permission=` of the model's `@transition` named `name`."""
    spec = TRANSITIONS[name]
    return {"conditions": [spec.condition], "permission": spec.permission}


def with_ui(names=None) -> list[Transition]:
    """The transitions offered by the candidacy's action page (`names`, else all), in order."""
    return [t for t in TRANSITIONS.values() if t.ui and (names is None or t.name in names)]
