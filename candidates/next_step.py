"""The « Prochaine étape » of a candidacy for the person looking at it.

Read from the same guards the services run (`TRANSITIONS[name].missing_before`), so that
the block never offers an action the service would refuse: the viewer's own action is
offered only when its guard finds nothing missing; otherwise the block says what is
missing, with a link wherever the viewer can supply it, or who must act.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import guards, permissions
from .enums import Pathway, State
from .presenters import available_actions
from .transitions import TRANSITIONS


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Missing:
    text: str
    link: Link | None = None


@dataclass
class NextStep:
    # What happens at this step, for this viewer: a sentence.
    text: str
    # The viewer's own action now, when there is one they can take.
    action: Link | None = None
    # The transition `action` opens (its confirmation page), if it is one.
    transition: str = ""
    # What the step's transition lacks, each with the page where the viewer can supply it.
    missing: list[Missing] = field(default_factory=list)
    # The sentence above `missing`.
    missing_intro: str = ""
    # Links to pages worth seeing at this step (not actions).
    links: list[Link] = field(default_factory=list)


def _assign_link(candidacy, user) -> Link | None:
    if permissions.can_manage(candidacy, user):
        return Link(
            _("Affecter les intervenants"), reverse("candidacy_assign", args=[candidacy.pk])
        )
    return None


def missing_with_links(candidacy, user, name: str) -> list[Missing]:
    """What transition `name` lacks (its guard, as the confirmation page and the service
    read it), each item with the page where this user can supply it, if any."""
    items = TRANSITIONS[name].missing_before(candidacy)
    if not items:
        return []
    pk = candidacy.pk
    # Where each part of the guard is supplied, for this user (None: not by them).
    own_part = None
    if name == "complete_reperage" and permissions.can_edit_reperage(candidacy, user):
        own_part = Link(_("Renseigner le livret de repérage"), reverse("reperage_edit", args=[pk]))
    elif name == "submit_recevabilite" and permissions.can_edit_vae_request(candidacy, user):
        own_part = Link(_("Compléter ma partie 2"), reverse("vae_request_edit", args=[pk]))
    elif name == "submit_activities" and permissions.can_edit_vae_activities(candidacy, user):
        own_part = Link(_("Renseigner ma partie 3"), reverse("vae_activities", args=[pk]))
    elif name == "start_evaluation" and permissions.can_confirm_practice(candidacy, user):
        own_part = Link(_("Confirmer la mise en pratique"), reverse("practice_confirm", args=[pk]))
    links: dict[str, Link | None] = {}
    if name in ("start_evaluation", "submit_activities"):
        links = dict.fromkeys(
            guards.evaluators_missing(candidacy, guards.today()), _assign_link(candidacy, user)
        )
    return [Missing(item, links.get(item, own_part)) for item in items]


def _transition_link(candidacy, name: str) -> Link:
    spec = TRANSITIONS[name]
    return Link(spec.ui.label, reverse("candidacy_transition", args=[candidacy.pk, name]))


def _offer(candidacy, user, name: str, *, ready: str, not_ready: str, fallback=None):
    """The step whose transition is `name`: the user's action when they may take it and
    its guard passes; else what is missing, with `fallback` (a Link) as their action."""
    missing = missing_with_links(candidacy, user, name)
    if not missing:
        return NextStep(ready, action=_transition_link(candidacy, name), transition=name)
    spec = TRANSITIONS[name]
    # The button below says where to supply them: each item links only elsewhere.
    for item in missing:
        if item.link == fallback:
            item.link = None
    return NextStep(
        not_ready,
        action=fallback,
        missing=missing,
        missing_intro=_("%(impossible)s pour le moment : il manque")
        % {"impossible": spec.impossible},
    )


def _waiting(candidacy, name: str, text: str, user) -> NextStep:
    """Someone else acts: say who, and list what the step still lacks."""
    missing = missing_with_links(candidacy, user, name)
    if not permissions.can_manage(candidacy, user) and not any(item.link for item in missing):
        missing = []  # what others must do is theirs to see, not a worry for this person
    intro = _("Avant l'étape suivante, il manque") if missing else ""
    step = NextStep(text, missing=missing, missing_intro=intro)
    # Those who assign the evaluators are asked to, when the step lacks them.
    assign = _assign_link(candidacy, user)
    if assign and any(item.link == assign for item in missing):
        step.action = assign
    return step


def _reperage(candidacy, user) -> NextStep:
    pk = candidacy.pk
    if permissions.may_take(candidacy, "complete_reperage", user):
        return _offer(
            candidacy,
            user,
            "complete_reperage",
            ready=_(
                "Le livret est entièrement renseigné : terminez le repérage pour générer le "
                "parcours des compétences à développer."
            ),
            not_ready=_(
                "Menez l'entretien de repérage et renseignez le livret : pour chaque élément "
                "de compétence, acquis ou à développer."
            ),
            fallback=Link(
                _("Renseigner le livret de repérage"), reverse("reperage_edit", args=[pk])
            ),
        )
    unassigned = guards.professionnel_missing(candidacy, guards.today())
    if unassigned:
        if permissions.can_manage(candidacy, user):
            return NextStep(
                _(
                    "Affectez un professionnel du secteur habilité à la candidature : c'est lui "
                    "qui mène l'entretien de repérage et renseigne le livret."
                ),
                action=Link(
                    _("Affecter un professionnel du secteur"),
                    reverse("candidacy_assign", args=[pk]),
                ),
                missing=[Missing(item) for item in unassigned],
                missing_intro=_("Le repérage ne peut pas commencer : il manque"),
            )
        return NextStep(
            _(
                "En attente : la candidature n'a pas encore de professionnel du secteur habilité. "
                "Le gestionnaire de l'organisation ou le secrétariat de la CPEF l'affecte ; il "
                "mènera ensuite l'entretien de repérage."
            )
        )
    return _waiting(
        candidacy,
        "complete_reperage",
        _(
            "%(name)s, professionnel du secteur, mène l'entretien de repérage et renseigne le "
            "livret : pour chaque élément de compétence, acquis ou à développer."
        )
        % {"name": candidacy.professionnel},
        user,
    )


def _parcours(candidacy, user) -> NextStep:
    pk = candidacy.pk
    plan = Link(_("Voir le parcours"), reverse("plan_detail", args=[pk]))
    if permissions.may_take(candidacy, "start_evaluation", user):
        step = _offer(
            candidacy,
            user,
            "start_evaluation",
            ready=_(
                "La mise en pratique est confirmée et les évaluateurs sont affectés : vous "
                "pouvez lancer l'évaluation des compétences."
            ),
            not_ready=_(
                "%(name)s suit son parcours. Une fois la mise en pratique en entreprise "
                "réalisée, confirmez-la : vous pourrez alors lancer l'évaluation."
            )
            % {"name": candidacy.candidate},
            fallback=(
                None
                if candidacy.practice_confirmed_on
                else Link(
                    _("Confirmer la mise en pratique"), reverse("practice_confirm", args=[pk])
                )
            ),
        )
        step.links.append(plan)
        return step
    if permissions.is_the_candidate(candidacy, user):
        text = _(
            "Vous suivez votre parcours de formation. Votre professionnel du secteur confirme "
            "ensuite la mise en pratique en entreprise, puis lance l'évaluation."
        )
    else:
        text = _(
            "%(name)s suit son parcours individualisé. Le professionnel du secteur confirme "
            "la mise en pratique en entreprise, puis lance l'évaluation."
        ) % {"name": candidacy.candidate}
    step = _waiting(candidacy, "start_evaluation", text, user)
    step.links.append(plan)
    return step


def _demande(candidacy, user) -> NextStep:
    if permissions.may_take(candidacy, "submit_recevabilite", user):
        step = _offer(
            candidacy,
            user,
            "submit_recevabilite",
            ready=_(
                "Votre partie 2 est complète : envoyez votre demande de recevabilité au "
                "secrétariat de la CPEF."
            ),
            not_ready=_(
                "Complétez la partie 2 du dossier de VAE (situation, motivation, expériences et "
                "justificatifs), puis envoyez-la au secrétariat de la CPEF."
            ),
            fallback=Link(
                _("Compléter ma partie 2"), reverse("vae_request_edit", args=[candidacy.pk])
            ),
        )
        partie_2 = reverse("vae_request_edit", args=[candidacy.pk])
        if step.transition and candidacy.recevabilite_decisions.exists():
            # Sent back for completion: what the secretariat asks comes first.
            step.text = _(
                "Le secrétariat de la CPEF vous demande de compléter votre demande : voyez ce "
                "qui est demandé dans votre partie 2, complétez-la, puis renvoyez votre demande."
            )
            step.links.insert(0, Link(_("Envoyer à nouveau ma demande"), step.action.url))
            step.action, step.transition = Link(_("Compléter ma partie 2"), partie_2), ""
        elif step.transition:
            step.links.append(Link(_("Relire ou modifier ma partie 2"), partie_2))
        return step
    return NextStep(
        _(
            "%(name)s complète la partie 2 du dossier de VAE (situation, motivation, "
            "expériences) puis l'envoie au secrétariat de la CPEF."
        )
        % {"name": candidacy.candidate}
    )


def _recevable(candidacy, user) -> NextStep:
    if permissions.may_take(candidacy, "submit_activities", user):
        return _offer(
            candidacy,
            user,
            "submit_activities",
            ready=_("Votre partie 3 est complète : envoyez-la pour passer à l'évaluation."),
            not_ready=_(
                "Demande recevable. Décrivez dans la partie 3 les activités réalisées pour "
                "chacune des compétences."
            ),
            fallback=Link(
                _("Renseigner ma partie 3"), reverse("vae_activities", args=[candidacy.pk])
            ),
        )
    return _waiting(
        candidacy,
        "submit_activities",
        _(
            "Demande recevable. %(name)s décrit dans la partie 3 les activités réalisées "
            "pour chacune des compétences."
        )
        % {"name": candidacy.candidate},
        user,
    )


def _evaluation(candidacy, user) -> NextStep:
    pk = candidacy.pk
    if permissions.is_the_candidate(candidacy, user):
        return NextStep(
            _(
                "Complétez votre dossier de suivi et d'évaluation ; le professionnel du secteur "
                "et l'évaluateur externe évaluent ensuite vos compétences."
            ),
            action=Link(
                _("Compléter mon dossier d'évaluation"), reverse("candidate_dossier", args=[pk])
            ),
        )
    text = _(
        "%(name)s complète son dossier de suivi et d'évaluation ; le professionnel du secteur "
        "et l'évaluateur externe évaluent les compétences, chacun de son côté, puis arrêtent et "
        "signent ensemble le résultat. L'évaluateur externe transmet ensuite le dossier complet "
        "au jury."
    ) % {"name": candidacy.candidate}
    if permissions.evaluator_role(candidacy, user):
        return NextStep(
            text, action=Link(_("Évaluer les compétences"), reverse("assessment", args=[pk]))
        )
    return NextStep(text)


def _partiel(candidacy, user) -> NextStep:
    text = _(
        "Validation partielle : les compétences validées sont acquises pour 5 ans. Le parcours "
        "peut reprendre pour les compétences qui restent à valider."
    )
    if permissions.may_take(candidacy, "continue_after_partial", user):
        return _offer(candidacy, user, "continue_after_partial", ready=text, not_ready=text)
    return NextStep(text)


def _recevabilite(candidacy, user) -> NextStep:
    step = NextStep(_("Le secrétariat de la CPEF examine la recevabilité de la demande."))
    if permissions.is_secretariat(candidacy, user) and candidacy.pathway == Pathway.VAE:
        step.action = Link(
            _("Examiner la demande"), reverse("recevabilite_review", args=[candidacy.pk])
        )
    return step


FINAL_TEXTS = {
    State.JURY: gettext_lazy("Le dossier complet a été transmis au jury paritaire de la CPEF."),
    State.CERTIFIE: gettext_lazy("Le CQP a été délivré."),
    State.NON_RECEVABLE: gettext_lazy("La demande de VAE a été déclarée non recevable."),
    State.ABANDONNE: gettext_lazy("La candidature a été abandonnée."),
    State.NON_CERTIFIE: gettext_lazy("Le jury n'a validé aucune compétence."),
}

STEPS = {
    State.REPERAGE: _reperage,
    State.PARCOURS: _parcours,
    State.DEMANDE: _demande,
    State.RECEVABILITE: _recevabilite,
    State.RECEVABLE: _recevable,
    State.EVALUATION: _evaluation,
    State.PARTIEL: _partiel,
}


def next_step(candidacy, user) -> NextStep:
    """The candidacy's next step as `user` should read it (see the module's docstring)."""
    step = STEPS.get(candidacy.state)
    if step is None:
        return NextStep(str(FINAL_TEXTS[candidacy.state]))
    return step(candidacy, user)


def other_actions(candidacy, user, step: NextStep) -> list[dict]:
    """The candidacy page's secondary actions: the transitions this user may take that the
    next step does not already offer and that can succeed now (those taking a reason, such
    as withdrawing, are asked on their own page)."""
    return [
        action
        for action in available_actions(candidacy, user)
        if action["name"] != step.transition
        and (action["ui"].reason_label or not TRANSITIONS[action["name"]].missing_before(candidacy))
    ]
