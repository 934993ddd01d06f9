"""Who is told of what: the one table of events and their recipients.

Every event creates an in-app notification for each recipient (once per recipient and
event key, so a retried task adds nothing) and an e-mail copy: `notify` is called by the
apps' tasks, which then send the copies with `cqp.tasks.send_emails_later` (the sending is
recorded so that it never goes twice). The same table is in the README (« Notifications »):
keep them together.

Recipients are roles, resolved against the event's subject (a candidacy, a jury session,
a habilitation...) by functions the apps register (`register_recipients`), so that the
core never imports the apps built on it. The actor of an event is never told of their
own act, except the candidate, who is told of every change of their candidacy.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Habilitation, Notification, PlatformRole, User

# Role names used in the table.
CANDIDAT = "candidat"
PROFESSIONNEL = "professionnel"
EVALUATEUR = "evaluateur"
GESTIONNAIRES = "gestionnaires"
SECRETARIAT = "secretariat"
MEMBRES_SESSION = "membres_session"
TITULAIRE = "titulaire"  # the holder of a habilitation
COMPTE = "compte"  # the holder of an account


@dataclass(frozen=True)
class Event:
    recipients: tuple[str, ...]
    # What the recipients other than the candidate have to do now (empty: for information).
    todo: str = ""


EVENTS: dict[str, Event] = {
    # The candidacy workflow: one event per transition (candidates.services.run_transition).
    "complete_reperage": Event(
        (CANDIDAT, GESTIONNAIRES),
        _("organiser les actions de formation du parcours individuel."),
    ),
    "start_evaluation": Event(
        (CANDIDAT, PROFESSIONNEL, EVALUATEUR),
        _("évaluer les compétences du candidat et signer les résultats."),
    ),
    "submit_recevabilite": Event(
        (CANDIDAT, SECRETARIAT), _("examiner la recevabilité de la demande de VAE.")
    ),
    "request_completion": Event((CANDIDAT,)),
    "declare_recevable": Event((CANDIDAT, GESTIONNAIRES)),
    "declare_non_recevable": Event((CANDIDAT, GESTIONNAIRES)),
    "submit_activities": Event(
        (CANDIDAT, PROFESSIONNEL, EVALUATEUR),
        _("évaluer les compétences du candidat et signer les résultats."),
    ),
    "resume_parcours": Event(
        (CANDIDAT, PROFESSIONNEL, GESTIONNAIRES),
        _("organiser le nouveau parcours pour les compétences non acquises."),
    ),
    "transmit_to_jury": Event(
        (CANDIDAT, SECRETARIAT), _("inscrire la candidature à une session du jury paritaire.")
    ),
    "return_to_evaluation": Event(
        (CANDIDAT, PROFESSIONNEL, EVALUATEUR),
        _("reprendre le dossier d'évaluation (non-conformité relevée par le jury)."),
    ),
    "record_decision": Event((CANDIDAT, GESTIONNAIRES)),
    "continue_after_partial": Event(
        (CANDIDAT, PROFESSIONNEL, GESTIONNAIRES),
        _("organiser le parcours pour les compétences restant à valider."),
    ),
    "withdraw": Event((CANDIDAT, PROFESSIONNEL, EVALUATEUR, GESTIONNAIRES)),
    # The jury.
    "session_convened": Event((MEMBRES_SESSION,), _("siéger à la session du jury paritaire.")),
    "session_changed": Event(
        (MEMBRES_SESSION,), _("mettre à jour votre agenda (invitation jointe).")
    ),
    "session_cancelled": Event((MEMBRES_SESSION,)),
    # A member taken off a session's composition (the subject: their account).
    "session_unseated": Event((COMPTE,)),
    "candidacy_scheduled": Event((CANDIDAT, GESTIONNAIRES)),
    "candidacy_unscheduled": Event((CANDIDAT, GESTIONNAIRES)),
    "session_closed": Event(
        (SECRETARIAT,), _("archiver le procès-verbal et les fiches de décision.")
    ),
    "certificate_revoked": Event((CANDIDAT, GESTIONNAIRES)),
    # Reminders (celery beat, see CELERY_BEAT_SCHEDULE).
    "reminder_waiting": Event((), _("faire avancer cette candidature en attente.")),
    "habilitation_expiring": Event(
        (TITULAIRE, SECRETARIAT), _("renouveler l'habilitation avant son échéance.")
    ),
    "recevabilite_due_soon": Event(
        (SECRETARIAT,), _("rendre l'avis de recevabilité de cette demande de VAE avant l'échéance.")
    ),
    "recevabilite_due": Event(
        (SECRETARIAT,), _("rendre sans attendre l'avis de recevabilité de cette demande de VAE.")
    ),
    "seal_expiring": Event(
        (SECRETARIAT,), _("faire installer le certificat renouvelé du sceau avant son échéance.")
    ),
    "validation_expiring": Event((CANDIDAT,)),
    "validation_expired": Event((CANDIDAT,)),
    # Security (cqp.limits).
    "account_locked": Event((COMPTE,)),
}

_resolvers: dict[str, list[Callable]] = {}


def register_recipients(role: str, resolver: Callable[[object], Iterable]) -> None:
    """`resolver(subject)` returns the users playing `role` for that subject, or nothing
    when the subject is not of its kind. Registered once in an AppConfig.ready."""
    _resolvers.setdefault(role, []).append(resolver)


def _secretariat(subject):
    return User.objects.filter(platform_role=PlatformRole.SECRETARIAT, is_active=True)


def _titulaire(subject):
    return [subject.user] if isinstance(subject, Habilitation) else []


def _compte(subject):
    return [subject] if isinstance(subject, User) else []


register_recipients(SECRETARIAT, _secretariat)
register_recipients(TITULAIRE, _titulaire)
register_recipients(COMPTE, _compte)


# Files attached to the e-mail copy of an event's notifications, built when it is sent.
_attachments: dict[str, Callable[[Notification], list[tuple[str, str | bytes, str]]]] = {}


def register_attachments(
    event: str, builder: Callable[[Notification], list[tuple[str, str | bytes, str]]]
) -> None:
    """`builder(notification)` returns the (filename, content, mimetype) of the files its
    e-mail carries (a calendar file…), computed at send time from the notification's
    subject. Registered once in an AppConfig.ready."""
    _attachments[event] = builder


def email_attachments(notification: Notification) -> list[tuple[str, str | bytes, str]]:
    builder = _attachments.get(notification.event)
    return builder(notification) if builder else []


def recipients(event: str, subject, *, roles: Iterable[str] | None = None) -> dict:
    """{user: role} of the people `event` reaches for `subject`, each once."""
    found = {}
    for role in roles if roles is not None else EVENTS[event].recipients:
        for resolver in _resolvers.get(role, ()):
            for user in resolver(subject) or ():
                if user is not None and user.is_active:
                    found.setdefault(user, role)
    return found


@dataclass(frozen=True)
class Message:
    """The title and body of a notification, with %(name)s placeholders filled from the
    values of each occurrence. `own_title` and `own_body`, when set, address the person the
    subject concerns (the candidate, the holder of a habilitation) instead."""

    title: str
    body: str
    own_title: str = ""
    own_body: str = ""

    def render(self, role: str, values: dict, footer: str = "") -> tuple[str, str]:
        own = role in CONCERNED
        title = self.own_title if own and self.own_title else self.title
        body = self.own_body if own and self.own_body else self.body
        return str(title) % values, str(body) % values + footer


# The roles of the person an event's subject concerns.
CONCERNED = {CANDIDAT, TITULAIRE, COMPTE}


@dataclass
class Notified:
    """What a notifying service did: the occurrences it notified (reminders sent...), and
    the notifications whose e-mail copies the calling task sends."""

    occurrences: int = 0
    notifications: list[Notification] = field(default_factory=list)

    def add(self, notifications: list[Notification]) -> None:
        self.occurrences += 1
        self.notifications.extend(notifications)


def notification_create(
    *, user: User, key: str, subject: str, url: str = "", event: str = "", body: str = ""
) -> Notification:
    """Record an in-app notification once per (user, key): a retried task adds nothing."""
    notification, _created = Notification.objects.get_or_create(
        user=user,
        key=key,
        defaults={"subject": subject[:255], "url": url[:500], "event": event, "body": body},
    )
    return notification


def notify(
    event: str,
    subject,
    *,
    key: str,
    message: Message,
    values: dict,
    footer: str = "",
    url: str = "",
    actor=None,
    roles: Iterable[str] | None = None,
) -> list[Notification]:
    """Notify everyone `event` reaches for `subject` in the application; returns the
    notifications (new or already there), whose e-mail copies the calling task sends.

    `key` identifies the occurrence (one notification per user and key, whatever the
    number of calls); `message` is rendered for each recipient's role with `values`, and
    `footer` appended to the body. `roles` narrows the event's recipients.
    """
    todo = EVENTS[event].todo
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for user, role in recipients(event, subject, roles=roles).items():
            if actor is not None and user.pk == actor.pk and role != CANDIDAT:
                continue
            title, text = message.render(role, values, footer)
            if todo and role != CANDIDAT:
                text = f"{text}\n\n{_('À faire :')} {todo}"
            created.append(
                notification_create(
                    user=user, key=key, event=event, subject=title, body=text, url=url
                )
            )
    return created


ACCOUNT_LOCKED = Message(
    title=_("Votre compte a été verrouillé après des échecs de connexion"),
    body=_(
        "%(failures)s mots de passe erronés d'affilée ont été saisis pour votre compte : il est "
        "verrouillé jusqu'au %(day)s à %(time)s.\n\nSi ce n'était pas vous, quelqu'un cherche peut-être "
        "à deviner votre mot de passe : choisissez-en un nouveau (« Mot de passe oublié ? » sur "
        "la page de connexion), ce qui lève aussi le verrou."
    ),
)


def account_locked_notify(
    *, email: str, until: datetime.datetime, failures: int
) -> list[Notification]:
    """Tell the holder of the account with this e-mail, if there is one, that it is locked
    until `until` (cqp.limits), once per lock. Side effects: an in-app notification; the
    calling task sends its e-mail copy."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return []
    shown = timezone.localtime(until)
    return notify(
        "account_locked",
        user,
        key=f"account_locked:{until:%Y%m%d%H%M%S}",
        message=ACCOUNT_LOCKED,
        values={"failures": failures, "day": f"{shown:%d/%m/%Y}", "time": f"{shown:%H:%M}"},
        url=reverse("password_reset"),
    )
