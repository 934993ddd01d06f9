"""The lists of a candidacy's pages written in Python rather than by template loops: the
candidacy page shows its steps, its latest events and the latest submissions and decisions
of a VAE request on every visit, and a loop of the template language costs about 0.1 ms an
item (each variable resolved, each date formatted, each label translated through the
template machinery), 1 to 2 ms of a page that should cost a few.

`{{ timeline|timeline_items }}` and `{% candidacy_subnav %}`
(candidates/includes/candidacy_header.html),
`{{ entries|history_items }}` (candidates/includes/history.html) and
`{{ events|recevabilite_items }}` (candidates/includes/recevabilite_history.html) and
`{{ documents|document_items }}` (candidates/candidacy_detail.html) write the markup the
templates wrote; so does `{{ page|candidacy_rows }}`, the 20 rows of the
candidacy list (candidates/candidacy_list.html), which every role opens most."""

from django import template
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _lazy

from cqp.models import Document
from cqp.templatetags.main_nav import nav_links, page_name
from cqp.utils import choice_label, table_rows

from ..enums import Pathway, RecevabiliteOutcome, State
from ..models import TransitionLog

register = template.Library()


def _time(moment) -> SafeString:
    """`<time>` with the machine-readable moment and the day and hour, in the current time
    zone (what `|date` shows)."""
    local = timezone.localtime(moment)
    # `|date:"c"` and `|date:"d/m/Y H:i"`, without Django's format parser (30 µs an event);
    # digits and signs only, nothing to escape.
    return mark_safe(  # noqa: S308
        f'<time datetime="{local.isoformat()}">{local.strftime("%d/%m/%Y %H:%M")}</time>'
    )


def _day(moment) -> str:
    """The day of `moment` in the current time zone, as `|date:"d/m/Y"` shows it."""
    return timezone.localtime(moment).strftime("%d/%m/%Y")


# What a screen reader says before each step's name.
STEP_STATUS = {
    "done": _lazy("étape franchie :"),
    "current": _lazy("étape en cours :"),
    "todo": _lazy("étape à venir :"),
}


@register.filter
def timeline_items(steps: list[dict]) -> SafeString:
    """One `<li>` a step of candidates.presenters.timeline, the current one marked."""
    said = {status: escape(str(label)) for status, label in STEP_STATUS.items()}
    return mark_safe(  # noqa: S308 (every text escaped)
        "".join(
            f'<li class="timeline__step timeline__step--{escape(step["status"])}"'
            f"{CURRENT_STEP if step['status'] == 'current' else ''}>"
            f'<span class="visually-hidden">{said[step["status"]]} </span>'
            f"{escape(str(step['label']))}</li>"
            for step in steps
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
    the current page marked."""
    candidacy = context["candidacy"]
    entries = [_SUBNAV_COMMON, *_SUBNAV_PATHWAY.get(candidacy.pathway, ())]
    if candidacy.state in _WITH_DOSSIER:
        entries.append(_SUBNAV_DOSSIER)
    if context.get("can_see_identity"):
        entries.append(_SUBNAV_IDENTITY)
    return nav_links(
        ((reverse(name, args=[candidacy.pk]), label, current) for name, label, current in entries),
        page_name(context),
    )


@register.filter
def history_items(entries: list[TransitionLog]) -> SafeString:
    """One `<li>` an event: when, who in which role, what, and the comment. Each text
    escaped as `format_html` would (html.escape, which it calls), joined as plain strings:
    the same people, roles and events come back, and are named once."""
    names, roles, events, items = {}, {}, {}, []
    for entry in entries:
        if entry.actor_id not in names:
            names[entry.actor_id] = escape(str(entry.actor))
        if entry.role not in roles:
            roles[entry.role] = escape(str(entry.role_label))
        event = (entry.transition, entry.source, entry.target)
        if event not in events:
            events[event] = escape(entry.event_label)
        comment = f"<br><q>{escape(entry.comment_shown)}</q>" if entry.comment else ""
        items.append(
            f"<li>{_time(entry.created_at)} — <strong>{names[entry.actor_id]}</strong> "
            f"({roles[entry.role]}) : {events[event]}{comment}</li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every text escaped above)


@register.filter
def document_items(documents: list[Document]) -> SafeString:
    """One `<li>` a document of the candidacy (candidates/candidacy_detail.html): its title,
    the day it was generated, its pages and size, the link to download it, its digest."""
    download = escape(gettext("Télécharger"))
    items = []
    for document in documents:
        title = escape(document.title)
        stored = ngettext(
            "généré le %(day)s, %(pages)s page",
            "généré le %(day)s, %(pages)s pages",
            document.pages,
        ) % {
            "day": _day(document.generated_at),
            "pages": document.pages,
        }
        href = escape(reverse("document_download", args=[document.pk]))
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
    return mark_safe("\n".join(map(_recevabilite_item, events)))  # noqa: S308 (escaped there)


def _recevabilite_item(event: dict) -> str:
    """Each text escaped (html.escape, as format_html), joined as plain strings."""
    when = _time(event["at"])
    if event["kind"] == "submission":
        sent = gettext("demande envoyée par %(person)s") % {"person": event["entry"].actor}
        return f"<li>{when} — {escape(sent)}</li>"
    decision = event["decision"]
    reason = (
        f"<br><q>{linebreaksbr(decision.reason, autoescape=True)}</q>" if decision.reason else ""
    )
    items = (
        f'<br>{escape(gettext("Éléments à compléter :"))}<ul class="missing-list">'
        + "".join(f"<li>{escape(label)}</li>" for label in event["items"])
        + "</ul>"
        if event["items"]
        else ""
    )
    letter = event["letter"]
    if letter is not None:
        day = _day(decision.decided_at)
        letter_html = (
            f'<a href="{escape(reverse("document_download", args=[letter.pk]))}">'
            f"{escape(gettext('Télécharger le courrier « avis de recevabilité »'))}"
            f'<span class="visually-hidden"> — {day}</span></a>'
        )
    else:
        letter_html = (
            f'<small class="helptext">{escape(gettext("Courrier en cours de préparation."))}'
            "</small>"
        )
    by = gettext("par %(person)s (secrétariat)") % {"person": decision.decided_by}
    asked = gettext("demande du %(day)s, expérience retenue : %(days)s jours") % {
        "day": decision.submitted_on.strftime("%d/%m/%Y"),
        "days": decision.experience_days,
    }
    return (
        f'<li>{when} — <strong class="badge badge--decision-{escape(decision.outcome)}">'
        f"{escape(choice_label(RecevabiliteOutcome, decision.outcome))}</strong> "
        f"{escape(by)} — {escape(asked)}{reason}{items}"
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
    # The URL of a candidacy: reversed once, its key put in its place.
    url = escape(reverse("candidacy_detail", args=[0])).replace("/0/", "/{}/", 1)

    def cells(c) -> dict[str, str]:
        return {
            "candidate": f'<a href="{url.format(c.pk)}">{escape(c.candidate)}</a><br>'
            f"<small>{escape(c.email)}</small>",
            "pathway": pathways.get(c.pathway, escape(c.pathway)),
            "step": f'<span class="badge badge--state badge--{escape(c.state)}">'
            f"{escape(choice_label(State, c.state))}</span>",
            "organisation": escape(c.organisation) if c.organisation is not None else cpef,
            "professionnel": escape(c.professionnel) if c.professionnel is not None else "—",
            "evaluateur": escape(c.evaluateur) if c.evaluateur is not None else "—",
            "updated": _day(c.updated_at),
        }

    return table_rows(_CANDIDACY_COLUMNS, map(cells, candidacies))
