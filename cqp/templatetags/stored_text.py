"""Texts stored once and read in the reader's language: a notification rendered again from
what happened (`notice`), and the référentiel's French text marked as French on a page in
another language (`fr`), so that screen readers pronounce it as French."""

from django import template
from django.utils import translation
from django.utils.html import format_html

from cqp import notifications

register = template.Library()


@register.simple_tag
def notice(notification) -> dict:
    """`{% notice n as shown %}`: `shown.subject` and `shown.body` in the active language."""
    subject, body = notifications.shown(notification)
    return {"subject": subject, "body": body}


@register.filter
def fr(text):
    """French text (the référentiel's titles and labels), in `<span lang="fr">` when the page
    is in another language; as is (escaped) on a French page."""
    if text in (None, ""):
        return text
    if (translation.get_language() or "fr").split("-")[0] == "fr":
        return text
    return format_html('<span lang="fr">{}</span>', text)
