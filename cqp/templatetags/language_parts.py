"""Parts of every page that depend on the language only (the style sheet's and the
script's links, the brand, the footer's links, the language choice): `{% language_part
"includes/site_footer_links.html" %}` renders the template once per language and keeps it
for the life of the process, instead of resolving its links and translations on every page
(about 0.5 ms of each). Their templates get the language (`LANGUAGE_CODE`) and nothing
else: no person, no request, no CSRF token. With DEBUG on, they are rendered every time,
so that an edited template shows."""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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
