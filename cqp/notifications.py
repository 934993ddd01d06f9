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
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
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


# Every message by its key: a notification records the key of its message and its values,
# and is rendered again in the reader's language when shown (`shown`).
MESSAGES: dict[str, Message] = {}


@dataclass(frozen=True)
class Message:
    """The title and body of a notification, with %(name)s placeholders filled from the
    values of each occurrence. `own_title` and `own_body`, when set, address the person the
    subject concerns (the candidate, the holder of a habilitation) instead. `key` names the
    message for good (stored on each notification): never reuse one for another text."""

    key: str
    title: str
    body: str
    own_title: str = ""
    own_body: str = ""

    def __post_init__(self):
        if MESSAGES.setdefault(self.key, self) is not self:
            raise ValueError(f"Two notification messages have the key {self.key!r}.")

    def render(self, role: str, values: dict) -> tuple[str, str]:
        own = role in CONCERNED
        title = self.own_title if own and self.own_title else self.title
        body = self.own_body if own and self.own_body else self.body
        return str(title) % values, str(body) % values


def _stored(value):
    """`value` as JSON that `_shown` renders again in any language: a translatable text as its
    French source (msgid), a date as ISO, a tuple as the parts it joins."""
    if isinstance(value, Promise):
        with translation.override(None):
            return {"t": str(value)}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, tuple):
        return {"join": [_stored(part) for part in value]}
    return value


def _shown(value):
    """A value stored by `_stored`, in the active language."""
    if isinstance(value, dict):
        if "t" in value:
            return gettext(value["t"])
        if "d" in value:
            return formats.date_format(datetime.date.fromisoformat(value["d"]), "SHORT_DATE_FORMAT")
        if "join" in value:
            return "".join(str(_shown(part)) for part in value["join"])
    return value


def _rendered(message: Message, role: str, values: dict, comment: str, event: str) -> tuple:
    """The title and body of `message` for `role`, in the active language."""
    shown = {name: _shown(value) for name, value in values.items()}
    title, text = message.render(role, shown)
    if comment:
        text = f"{text}\n\n{_('Commentaire :')} {comment}"
    todo = EVENTS[event].todo
    if todo and role != CANDIDAT:
        text = f"{text}\n\n{_('À faire :')} {todo}"
    return title, text


def shown(notification: Notification) -> tuple[str, str]:
    """The subject and body of `notification` in the active language: rendered again from
    its message and values, or as stored (in French) for a notification recorded before
    messages were (or whose message is gone)."""
    message = MESSAGES.get(notification.message_key)
    if message is None or notification.values is None:
        return notification.subject, notification.body
    try:
        return _rendered(
            message,
            notification.role,
            notification.values,
            notification.comment,
            notification.event,
        )
    except (KeyError, TypeError, ValueError):  # a message changed since: its values no longer fit
        return notification.subject, notification.body


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
    *,
    user: User,
    key: str,
    subject: str,
    url: str = "",
    event: str = "",
    body: str = "",
    message_key: str = "",
    role: str = "",
    values: dict | None = None,
    comment: str = "",
) -> Notification:
    """Record an in-app notification once per (user, key): a retried task adds nothing.
    `subject` and `body` are the French text; `message_key`, `role`, `values` and `comment`
    what happened, rendered in the reader's language when shown."""
    notification, _created = Notification.objects.get_or_create(
        user=user,
        key=key,
        defaults={
            "subject": subject[:255],
            "url": url[:500],
            "event": event,
            "body": body,
            "message_key": message_key,
            "role": role,
            "values": values,
            "comment": comment,
        },
    )
    return notification


def notify(
    event: str,
    subject,
    *,
    key: str,
    message: Message,
    values: dict,
    comment: str = "",
    url: str = "",
    actor=None,
    roles: Iterable[str] | None = None,
) -> list[Notification]:
    """Notify everyone `event` reaches for `subject` in the application; returns the
    notifications (new or already there), whose e-mail copies the calling task sends.

    `key` identifies the occurrence (one notification per user and key, whatever the
    number of calls); `message` is rendered for each recipient's role with `values`
    (texts to translate given lazily, dates as dates, so that each reader gets them in
    their language), and `comment` (what the actor typed, as typed) appended to the body. `roles`
    narrows the event's recipients.
    """
    stored = {name: _stored(value) for name, value in values.items()}
    created: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for user, role in recipients(event, subject, roles=roles).items():
            if actor is not None and user.pk == actor.pk and role != CANDIDAT:
                continue
            title, text = _rendered(message, role, stored, comment, event)
            created.append(
                notification_create(
                    user=user,
                    key=key,
                    event=event,
                    subject=title,
                    body=text,
                    url=url,
                    message_key=message.key,
                    role=role,
                    values=stored,
                    comment=comment,
                )
            )
    return created


ACCOUNT_LOCKED = Message(
    key="account_locked",
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
        values={"failures": failures, "day": shown.date(), "time": f"{shown:%H:%M}"},
        url=reverse("password_reset"),
    )
