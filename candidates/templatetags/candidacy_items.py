"""The lists of a candidacy's pages written in Python rather than by template loops: the
candidacy page shows its steps, its latest events and the latest submissions and decisions
of a VAE request on every visit, and a loop of the template language costs about 0.1 ms an
item (each variable resolved, each date formatted, each label translated through the
template machinery), 1 to 2 ms of a page that should cost a few.

`{% candidacy_timeline %}` and `{% candidacy_subnav %}`
(candidates/includes/candidacy_header.html),
`{{ entries|history_items }}` (candidates/includes/history.html) and
`{{ events|recevabilite_items }}` (candidates/includes/recevabilite_history.html) and
`{{ documents|document_items }}` (candidates/candidacy_detail.html) write the markup the
templates wrote; so does `{{ page|candidacy_rows }}`, the 20 rows of the
candidacy list (candidates/candidacy_list.html), which every role opens most."""

import functools

from django import template
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _lazy

from cqp.models import Document
from cqp.templatetags.main_nav import nav_links, page_name
from cqp.utils import KEY_MARK, choice_label, reverse_key, table_rows, url_setting

from ..enums import Pathway, RecevabiliteOutcome, State
from ..models import Candidacy, TransitionLog
from ..presenters import timeline

register = template.Library()


def _time(moment, zone) -> SafeString:
    """`<time>` with the machine-readable moment and the day and hour, in `zone` (the
    current time zone, read once a list: what `|date` shows)."""
    local = moment.astimezone(zone)
    # `|date:"c"` and `|date:"d/m/Y H:i"`, without Django's format parser (30 µs an event);
    # digits and signs only, nothing to escape.
    return mark_safe(  # noqa: S308
        f'<time datetime="{local.isoformat()}">{local.strftime("%d/%m/%Y %H:%M")}</time>'
    )


def _day(moment, zone) -> str:
    """The day of `moment` in `zone` (the current time zone, read once a list), as
    `|date:"d/m/Y"` shows it."""
    return moment.astimezone(zone).strftime("%d/%m/%Y")


# What a screen reader says before each step's name.
STEP_STATUS = {
    "done": _lazy("étape franchie :"),
    "current": _lazy("étape en cours :"),
    "todo": _lazy("étape à venir :"),
}


@register.simple_tag(takes_context=True)
def candidacy_timeline(context) -> SafeString:
    """One `<li>` a step of the candidacy's pathway (candidates.presenters.timeline), the
    current one marked: the same for every candidacy at the same step, written once per
    pathway, step and language (`_timeline_items`)."""
    candidacy = context["candidacy"]
    return _timeline_items(candidacy.pathway, candidacy.state, get_language())


@functools.lru_cache(maxsize=256)
def _timeline_items(pathway: str, state: str, language: str) -> SafeString:
    said = {status: escape(str(label)) for status, label in STEP_STATUS.items()}
    return mark_safe(  # noqa: S308 (every text escaped)
        "".join(
            f'<li class="timeline__step timeline__step--{escape(step["status"])}"'
            f"{CURRENT_STEP if step['status'] == 'current' else ''}>"
            f'<span class="visually-hidden">{said[step["status"]]} </span>'
            f"{escape(str(step['label']))}</li>"
            for step in timeline(Candidacy(pathway=pathway, state=state))
        )
    )


CURRENT_STEP = ' aria-current="step"'


# The candidacy's sub-navigation: (URL name, label, the URL names (or their start, ending
# with « * ») of the pages it is current on).
_SUBNAV_COMMON = ("candidacy_detail", _lazy("Synthèse"), ("candidacy_detail",))
_SUBNAV_PATHWAY = {
    Pathway.PARCOURS: (
        ("reperage_edit", _lazy("Livret de repérage"), ("reperage_edit",)),
        ("plan_detail", _lazy("Parcours"), ("plan*",)),
    ),
    Pathway.VAE: (
        (
            "vae_request_edit",
            _lazy("Dossier VAE — partie 2"),
            ("vae_request_edit", "vae_experience*"),
        ),
        ("vae_activities", _lazy("Partie 3 — activités"), ("vae_activity*", "vae_activities")),
    ),
}
_SUBNAV_DOSSIER = (
    "dossier_detail",
    _lazy("Évaluation"),
    ("dossier_detail", "candidate_dossier", "evidence_delete", "assessment*"),
)
_SUBNAV_IDENTITY = ("candidate_identity", _lazy("État civil"), ("candidate_identity",))
# The steps from which the candidacy has an evaluation dossier to show.
_WITH_DOSSIER = {
    State.EVALUATION,
    State.JURY,
    State.CERTIFIE,
    State.PARTIEL,
    State.NON_CERTIFIE,
}


@register.simple_tag(takes_context=True)
def candidacy_subnav(context) -> SafeString:
    """The `<li>` links of the candidacy's pages (candidates/includes/candidacy_header.html),
    the current page marked: written once per kind of candidacy, page and language
    (`_subnav`), the candidacy's key then put in its links."""
    candidacy = context["candidacy"]
    links = _subnav(
        candidacy.pathway,
        candidacy.state in _WITH_DOSSIER,
        bool(context.get("can_see_identity")),
        page_name(context),
        get_language(),
        url_setting(),
    )
    return mark_safe(links.replace(KEY_MARK, str(int(candidacy.pk))))  # noqa: S308 (digits)


@functools.lru_cache(maxsize=512)
def _subnav(pathway, with_dossier, identity, url_name, language, urls) -> str:
    """The sub-navigation's links, `KEY_MARK` in the place of the candidacy's key (`urls`:
    cqp.utils.url_setting, what the links are reversed under)."""
    entries = [_SUBNAV_COMMON, *_SUBNAV_PATHWAY.get(pathway, ())]
    if with_dossier:
        entries.append(_SUBNAV_DOSSIER)
    if identity:
        entries.append(_SUBNAV_IDENTITY)
    return nav_links(
        ((reverse_key(name, KEY_MARK), label, current) for name, label, current in entries),
        url_name,
    )


@register.filter
def history_items(entries: list[TransitionLog]) -> SafeString:
    """One `<li>` an event: when, who in which role, what, and the comment. Each text
    escaped as `format_html` would (html.escape, which it calls), joined as plain strings:
    the same people come back, and are named once; the roles and the events are named once
    per language (`_role_text`, `_event_text`)."""
    names, items = {}, []
    language, zone = get_language(), timezone.get_current_timezone()
    for entry in entries:
        if entry.actor_id not in names:
            names[entry.actor_id] = escape(str(entry.actor))
        role = _role_text(entry.role, language)
        event = _event_text(entry.transition, entry.source, entry.target, language)
        comment = f"<br><q>{escape(entry.comment_shown)}</q>" if entry.comment else ""
        items.append(
            f"<li>{_time(entry.created_at, zone)} — <strong>{names[entry.actor_id]}</strong> "
            f"({role}) : {event}{comment}</li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every text escaped above)


@functools.lru_cache(maxsize=64)
def _role_text(role: str, language: str) -> str:
    """The role an event was taken in, as its log entry names it, escaped."""
    return escape(str(TransitionLog(role=role).role_label))


@functools.lru_cache(maxsize=1024)
def _event_text(transition: str, source: str, target: str, language: str) -> str:
    """An event, as its log entry names it (TransitionLog.event_label), escaped."""
    return escape(TransitionLog(transition=transition, source=source, target=target).event_label)


@register.filter
def document_items(documents: list[Document]) -> SafeString:
    """One `<li>` a document of the candidacy (candidates/candidacy_detail.html): its title,
    the day it was generated, its pages and size, the link to download it, its digest."""
    download = escape(gettext("Télécharger"))
    zone = timezone.get_current_timezone()
    items = []
    for document in documents:
        title = escape(document.title)
        stored = ngettext(
            "généré le %(day)s, %(pages)s page",
            "généré le %(day)s, %(pages)s pages",
            document.pages,
        ) % {
            "day": _day(document.generated_at, zone),
            "pages": document.pages,
        }
        href = escape(reverse_key("document_download", document.pk))
        items.append(
            f"<li>\n      <strong>{title}</strong> — {escape(stored)}, "
            f'{escape(filesizeformat(document.size))} — <a href="{href}">{download}'
            f'<span class="visually-hidden"> — {title}</span></a>\n'
            f'      <br><small class="helptext document-hash">SHA-256 : {escape(document.sha256)}'
            "</small>\n    </li>"
        )
    return mark_safe("\n    ".join(items))  # noqa: S308 (every text escaped above)


@register.filter
def recevabilite_items(events: list[dict]) -> SafeString:
    """One `<li>` a submission or a decision of a VAE request
    (candidates.presenters_recevabilite.recevabilite_history), a decision with its reason,
    the items to complete and its letter."""
    said, zone = _recevabilite_texts(get_language()), timezone.get_current_timezone()
    return mark_safe(  # noqa: S308 (escaped there)
        "\n".join(_recevabilite_item(event, said, zone) for event in events)
    )


@functools.lru_cache(maxsize=8)
def _recevabilite_texts(language: str) -> "_RecevabiliteTexts":
    return _RecevabiliteTexts()


class _RecevabiliteTexts:
    """What each submission and decision says, translated once per language
    (`_recevabilite_texts`; 2.6 µs a text and five texts an item otherwise)."""

    def __init__(self):
        self.sent = gettext("demande envoyée par %(person)s")
        self.by = gettext("par %(person)s (secrétariat)")
        self.asked = gettext("demande du %(day)s, expérience retenue : %(days)s jours")
        self.to_complete = escape(gettext("Éléments à compléter :"))
        self.letter = escape(gettext("Télécharger le courrier « avis de recevabilité »"))
        self.preparing = escape(gettext("Courrier en cours de préparation."))
        self.outcomes = {outcome: escape(outcome.label) for outcome in RecevabiliteOutcome}


def _recevabilite_item(event: dict, said: _RecevabiliteTexts, zone) -> str:
    """Each text escaped (html.escape, as format_html), joined as plain strings; its
    moments shown in `zone`."""
    when = _time(event["at"], zone)
    if event["kind"] == "submission":
        return f"<li>{when} — {escape(said.sent % {'person': event['entry'].actor})}</li>"
    decision = event["decision"]
    reason = (
        f"<br><q>{linebreaksbr(decision.reason, autoescape=True)}</q>" if decision.reason else ""
    )
    items = (
        f'<br>{said.to_complete}<ul class="missing-list">'
        + "".join(f"<li>{escape(label)}</li>" for label in event["items"])
        + "</ul>"
        if event["items"]
        else ""
    )
    letter = event["letter"]
    if letter is not None:
        letter_html = (
            f'<a href="{escape(reverse_key("document_download", letter.pk))}">{said.letter}'
            f'<span class="visually-hidden"> — {_day(decision.decided_at, zone)}</span></a>'
        )
    else:
        letter_html = f'<small class="helptext">{said.preparing}</small>'
    by = said.by % {"person": decision.decided_by}
    asked = said.asked % {
        "day": decision.submitted_on.strftime("%d/%m/%Y"),
        "days": decision.experience_days,
    }
    outcome = said.outcomes.get(decision.outcome) or escape(decision.outcome)
    return (
        f'<li>{when} — <strong class="badge badge--decision-{escape(decision.outcome)}">'
        f"{outcome}</strong> {escape(by)} — {escape(asked)}{reason}{items}"
        f'<div class="recevabilite-history__letter">{letter_html}</div></li>'
    )


# The candidacy list's columns (candidacy_rows).
_CANDIDACY_COLUMNS = {
    "candidate": gettext_noop("Candidat"),
    "pathway": gettext_noop("Voie"),
    "step": gettext_noop("Étape"),
    "organisation": gettext_noop("Organisation"),
    "professionnel": gettext_noop("Professionnel"),
    "evaluateur": gettext_noop("Évaluateur"),
    "updated": gettext_noop("Mise à jour"),
}


@register.filter
def candidacy_rows(candidacies) -> SafeString:
    """One `<tr>` a candidacy of the list (candidates.selectors.ListedCandidacy): the
    candidate (a link to the candidacy, with the e-mail), the pathway, the step, the
    organisation (the CPEF for a VAE candidacy without one), the professionnel and the
    évaluateur (« — » when not assigned) and the day of the latest change."""
    pathways = {Pathway.VAE: "VAE", Pathway.PARCOURS: escape(gettext("Parcours"))}
    cpef = escape(gettext("CPEF"))
    zone = timezone.get_current_timezone()

    def cells(c) -> dict[str, str]:
        return {
            "candidate": f'<a href="{escape(reverse_key("candidacy_detail", c.pk))}">'
            f"{escape(c.candidate)}</a><br><small>{escape(c.email)}</small>",
            "pathway": pathways.get(c.pathway, escape(c.pathway)),
            "step": f'<span class="badge badge--state badge--{escape(c.state)}">'
            f"{escape(choice_label(State, c.state))}</span>",
            "organisation": escape(c.organisation) if c.organisation is not None else cpef,
            "professionnel": escape(c.professionnel) if c.professionnel is not None else "—",
            "evaluateur": escape(c.evaluateur) if c.evaluateur is not None else "—",
            "updated": _day(c.updated_at, zone),
        }

    return table_rows(_CANDIDACY_COLUMNS, map(cells, candidacies))
