"""How each transition appears in the interface: its button, its confirmation, its reason."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TransitionUI:
    label: str
    confirm: str
    reason_label: str | None = None  # a reason is required when set
    comment_allowed: bool = False
    irreversible: bool = False
    style: str = "primary"


TRANSITIONS_UI = {
    "complete_reperage": TransitionUI(
        _("Terminer le repérage"),
        _("Le livret sera clos et le parcours généré pour les compétences à développer."),
    ),
    "start_evaluation": TransitionUI(
        _("Lancer l'évaluation"),
        _(
            "Le parcours est terminé et la mise en pratique confirmée : l'évaluation des compétences commence."
        ),
    ),
    "submit_recevabilite": TransitionUI(
        _("Envoyer ma demande de recevabilité"),
        _(
            "Votre partie 2 sera transmise au secrétariat de la CPEF et ne pourra plus être modifiée."
        ),
        irreversible=True,
    ),
    "declare_recevable": TransitionUI(
        _("Avis favorable : recevable"),
        _("La demande sera déclarée recevable ; le candidat pourra renseigner la partie 3."),
        comment_allowed=True,
        irreversible=True,
    ),
    "declare_non_recevable": TransitionUI(
        _("Avis défavorable : non recevable"),
        _("La demande sera déclarée non recevable. Cette décision clôt la candidature."),
        reason_label=_("Motif de l'avis défavorable"),
        irreversible=True,
        style="danger",
    ),
    "submit_activities": TransitionUI(
        _("Envoyer ma partie 3 et passer à l'évaluation"),
        _("Vos activités seront transmises aux évaluateurs et ne pourront plus être modifiées."),
        irreversible=True,
    ),
    "continue_after_partial": TransitionUI(
        _("Reprendre le parcours"),
        _("Un nouveau parcours est ouvert pour les compétences qui restent à valider."),
    ),
    "withdraw": TransitionUI(
        _("Abandonner la candidature"),
        _("La candidature sera close définitivement."),
        reason_label=_("Motif de l'abandon"),
        irreversible=True,
        style="danger",
    ),
}
