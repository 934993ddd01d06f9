"""The main menu of every page (templates/base.html): `{% main_nav %}`.

Which entries a person sees depends only on their roles, whether they belong to an
organisation and whether they are staff; which one is the current page, on the page's URL
name. The menu is written once for each such combination and language, then reused: a
dozen links and conditions, each resolved by the template language, cost about 0.5 ms of
every page."""

import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

SECRETARIAT, GESTIONNAIRE, JURY = "secretariat", "gestionnaire", "jury"


def _for(*roles):
    return lambda codes, in_organisation: any(role in codes for role in roles)


def _everyone(codes, in_organisation):
    return True


def _follows_candidacies(codes, in_organisation):
    # The jury works from its sessions; every other role follows candidacies.
    return bool(set(codes) - {JURY})


def _organisations(codes, in_organisation):
    return in_organisation or SECRETARIAT in codes or GESTIONNAIRE in codes


# (URL name, label, who sees it, the URL names (or their start, ending with « * ») of the
# pages it is current on)
ENTRIES = (
    ("dashboard", _("Tableau de bord"), _everyone, ("dashboard",)),
    ("candidacy_list", _("Candidatures"), _follows_candidacies, ("candidacy*",)),
    ("recevabilite_queue", _("Recevabilité"), _for(SECRETARIAT), ("recevabilite_queue",)),
    ("organisation_list", _("Organisations"), _organisations, ("organisation*",)),
    ("habilitation_list", _("Habilitations"), _for(SECRETARIAT), ("habilitation*",)),
    ("session_list", _("Jury"), _for(SECRETARIAT, JURY), ("session*",)),
    ("holder_list", _("Titulaires"), _for(SECRETARIAT, GESTIONNAIRE), ("holder_list",)),
    ("export_list", _("Exports"), _for(SECRETARIAT), ("export_list",)),
    ("jury_instruction", _("Instruction"), _for(SECRETARIAT), ("jury_instruction*",)),
    ("pilotage", _("Pilotage"), _for(SECRETARIAT, GESTIONNAIRE), ("pilotage",)),
    ("certification_list", _("Référentiel"), _everyone, ("certification*",)),
)


def is_current(url_name: str, patterns) -> bool:
    """Whether the page named `url_name` is one of `patterns` (names, or their start ending
    with « * »)."""
    return any(url_name.startswith(p[:-1]) if p.endswith("*") else url_name == p for p in patterns)


def page_name(context) -> str:
    """The URL name of the page `context` renders ("" outside a resolved request)."""
    match = getattr(context.get("request"), "resolver_match", None)
    return (match and match.url_name) or ""


CURRENT_PAGE = mark_safe(' aria-current="page"')


def nav_links(links, url_name: str) -> SafeString:
    """`<li>` links of a navigation, from (address, label, patterns of the pages it is
    current on: `is_current`), the current one marked."""
    return format_html_join(
        "\n",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (href, CURRENT_PAGE if is_current(url_name, current) else "", label)
            for href, label, current in links
        ),
    )


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    """The menu's `<li>` entries for the person and page of `context`."""
    return _menu(
        tuple(context.get("current_role_codes") or ()),
        bool(context.get("current_organisations")),
        bool(getattr(context.get("user"), "is_staff", False)),
        page_name(context),
        get_language(),
        get_script_prefix(),
    )


@functools.lru_cache(maxsize=1024)
def _menu(codes, in_organisation, staff, url_name, language, prefix) -> SafeString:
    links = [
        (reverse(name), label, current)
        for name, label, sees, current in ENTRIES
        if sees(codes, in_organisation)
    ]
    if staff:
        links.append((reverse("admin:index"), _("Back-office"), ()))
    return nav_links(links, url_name)
