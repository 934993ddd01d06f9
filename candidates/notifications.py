"""What the candidacy workflow tells whom (cqp.notifications): who plays each role for a
candidacy, and the messages of its transitions and of the candidacy created."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cqp import notifications
from cqp.emails import password_setup_url, send_templated_email
from cqp.models import MembershipRole, User
from cqp.notifications import CANDIDAT

from .enums import state_label
from .models import Candidacy, CompetenceValidation, TransitionLog


def _candidat(subject):
    if isinstance(subject, Candidacy | CompetenceValidation):
        return [subject.candidate.user]
    return []


def _professionnel(subject):
    if isinstance(subject, Candidacy):
        return [subject.professionnel]
    return []


def _evaluateur(subject):
    if isinstance(subject, Candidacy):
        return [subject.evaluateur]
    return []


def _gestionnaires(subject):
    if isinstance(subject, Candidacy):
        return User.objects.filter(
            memberships__organisation_id=subject.organisation_id,
            memberships__role=MembershipRole.GESTIONNAIRE,
            is_active=True,
        ).distinct()
    return []


notifications.register_recipients(notifications.CANDIDAT, _candidat)
notifications.register_recipients(notifications.PROFESSIONNEL, _professionnel)
notifications.register_recipients(notifications.EVALUATEUR, _evaluateur)
notifications.register_recipients(notifications.GESTIONNAIRES, _gestionnaires)


def organisation_name(candidacy: Candidacy) -> str:
    return (
        candidacy.organisation.name if candidacy.organisation else gettext_lazy("sans organisation")
    )


def candidacy_values(candidacy: Candidacy) -> dict:
    """The placeholders every candidacy message may use."""
    return {
        "name": candidacy.candidate.user.get_full_name(),
        "organisation": organisation_name(candidacy),
        "title": candidacy.certification.title,
        "state": state_label(candidacy.state),
    }


TRANSITION = notifications.Message(
    key="transition",
    title=gettext_lazy("%(name)s : %(label)s"),
    body=gettext_lazy("La candidature de %(name)s (%(organisation)s) au %(title)s : %(label)s."),
    own_title=gettext_lazy("Votre candidature : %(label)s"),
    own_body=gettext_lazy("Votre candidature au %(title)s a changé d'étape : %(label)s."),
)


# The secretariat's decisions on a VAE request come with their letter (the candidacy's page
# lists it); a request for completion sends the candidate to partie 2, where the items to
# complete are flagged.
DECISION = notifications.Message(
    key="recevabilite_decision",
    title=TRANSITION.title,
    body=gettext_lazy(
        "La candidature de %(name)s (%(organisation)s) au %(title)s : %(label)s. "
        "L'avis de recevabilité est disponible sur la page de la candidature."
    ),
    own_title=TRANSITION.own_title,
    own_body=gettext_lazy(
        "Votre candidature au %(title)s a changé d'étape : %(label)s. Le courrier « avis de "
        "recevabilité » est disponible sur la page de votre candidature."
    ),
)
COMPLETION = notifications.Message(
    key="completion_requested",
    title=TRANSITION.title,
    body=TRANSITION.body,
    own_title=gettext_lazy("Votre demande de VAE : des compléments sont demandés"),
    own_body=gettext_lazy(
        "Le secrétariat de la CPEF demande des compléments à votre demande de VAE au "
        "%(title)s : les éléments à compléter sont signalés dans votre partie 2. Ce que vous "
        "avez déjà saisi est conservé ; envoyez de nouveau votre demande une fois complétée. "
        "Le courrier « avis de recevabilité » est disponible sur la page de votre candidature."
    ),
)
# On transmission to the jury, a candidate whose civil identity is not yet checked is asked
# for it (the certificate carries it; the secretariat checks it before placing the dossier on
# a session), on their page « État civil ».
IDENTITY_ASKED = notifications.Message(
    key="identity_asked",
    title=TRANSITION.title,
    body=TRANSITION.body,
    own_title=gettext_lazy("Votre dossier est transmis au jury : renseignez votre état civil"),
    own_body=gettext_lazy(
        "Votre candidature au %(title)s a changé d'étape : %(label)s. Votre certificat portera "
        "votre état civil : renseignez votre nom de naissance (et d'usage s'il diffère), vos "
        "prénoms, votre date et votre lieu de naissance sur la page « État civil » de votre "
        "candidature. Le secrétariat de la CPEF le vérifie avant d'inscrire votre dossier à "
        "une session du jury."
    ),
)
MESSAGES = {
    "declare_recevable": DECISION,
    "declare_non_recevable": DECISION,
    "request_completion": COMPLETION,
}


def _page_of(entry) -> str:
    name = "vae_request_edit" if entry.transition == "request_completion" else "candidacy_detail"
    return reverse(name, args=[entry.candidacy_id])


def transition_notify(*, log_id: int) -> list:
    """Tell the candidate, and whoever must act next, that a candidacy moved; keyed by the
    log entry, so that a retried task neither adds a notice nor sends an e-mail twice."""
    entry = (
        TransitionLog.objects.select_related(
            "actor",
            "candidacy__candidate__user",
            "candidacy__certification",
            "candidacy__organisation",
            "candidacy__professionnel",
            "candidacy__evaluateur",
        )
        .filter(pk=log_id)
        .first()
    )
    if entry is None:
        return []
    candidacy = entry.candidacy
    options = {
        "key": f"transition:{entry.pk}",
        "message": MESSAGES.get(entry.transition, TRANSITION),
        "values": {
            **candidacy_values(candidacy),
            "label": (state_label(entry.source), " → ", state_label(entry.target)),
        },
        "comment": entry.comment,
        "url": _page_of(entry),
        "actor": entry.actor,
    }
    if entry.transition == "transmit_to_jury" and candidacy.candidate.identity_checked_at is None:
        others = [r for r in notifications.EVENTS[entry.transition].recipients if r != CANDIDAT]
        asked = {
            **options,
            "message": IDENTITY_ASKED,
            "url": reverse("candidate_identity", args=[candidacy.pk]),
        }
        return notifications.notify(
            entry.transition, candidacy, roles=(CANDIDAT,), **asked
        ) + notifications.notify(entry.transition, candidacy, roles=others, **options)
    return notifications.notify(entry.transition, candidacy, **options)


def candidacy_created_email_send(*, candidacy_id: int, created_account: bool) -> None:
    """The e-mail to the person a candidacy was opened for (with the link to choose a
    password when their account is new)."""
    candidacy = (
        Candidacy.objects.select_related("candidate__user", "organisation", "certification")
        .filter(pk=candidacy_id)
        .first()
    )
    if candidacy is None:
        return
    user = candidacy.candidate.user
    context = {
        "candidacy": candidacy,
        "user": user,
        "url": settings.SITE_URL + reverse("candidacy_detail", args=[candidacy.pk]),
    }
    if created_account:
        context["setup_url"] = password_setup_url(user)
    send_templated_email("candidacy_created", context, user.email)
