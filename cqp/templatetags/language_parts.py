"""Parts of every page that depend on the language only (the style sheet's and the
script's links, the brand, the footer's links, the language choice): `{% language_part
"includes/site_footer_links.html" %}` renders the template once per language and keeps it
for the life of the process, instead of resolving its links and translations on every page
(about 0.5 ms of each). Their templates get the language (`LANGUAGE_CODE`) and nothing
else: no person, no request, no CSRF token. With DEBUG on, they are rendered every time,
so that an edited template shows.

`{% account_part %}` keeps the header's account block (includes/site_account.html) the
same way, per person's name, roles, organisations and unread count as well: about 0.2 ms
of every page a signed-in person opens. Only its logout form's CSRF token is written on
each page."""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cqp.permissions import ROLE_LABELS

register = template.Library()


@register.simple_tag
def language_part(template_name: str) -> SafeString:
    if settings.DEBUG:
        return _render(template_name, get_language())
    return _kept(template_name, get_language(), get_script_prefix())


@functools.lru_cache(maxsize=64)
def _kept(template_name: str, language: str, prefix: str) -> SafeString:
    return _render(template_name, language)


def _render(template_name: str, language: str) -> SafeString:
    return mark_safe(render_to_string(template_name, {"LANGUAGE_CODE": language}))  # noqa: S308


# Where the account block's logout form takes its CSRF token: the last occurrence in the
# block (a name typed as this text comes before it).
CSRF_MARK = "@@csrf-token-input@@"


@register.simple_tag(takes_context=True)
def account_part(context) -> SafeString:
    """The account block of the signed-in person of `context` (its context processor:
    cqp.context_processors.current_roles)."""
    user = context["user"]
    facts = (
        user.get_full_name() or user.email,
        tuple(context.get("current_role_codes") or ()),
        tuple(context.get("current_organisations") or ()),
        context.get("unread_notifications") or 0,
        context.get("unread_notifications_label") or "",
        get_language(),
        get_script_prefix(),
    )
    block = _account(*facts) if not settings.DEBUG else _render_account(*facts)
    before, _mark, after = block.rpartition(CSRF_MARK)
    # What `{% csrf_token %}` writes there.
    return mark_safe(before + CsrfTokenNode().render(context) + after)  # noqa: S308


@functools.lru_cache(maxsize=2048)
def _account(*facts) -> str:
    return _render_account(*facts)


def _render_account(name, role_codes, organisations, unread, unread_label, language, prefix):
    return render_to_string(
        "includes/site_account.html",
        {
            "name": name,
            "current_roles": [ROLE_LABELS[code] for code in role_codes],
            "current_organisations": organisations,
            "unread_notifications": unread,
            "unread_notifications_label": unread_label,
            "csrf_mark": CSRF_MARK,
        },
    )
