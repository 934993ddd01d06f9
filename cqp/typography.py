"""French typography, applied in one place: the non-breaking spaces of French punctuation.

The rule (Imprimerie nationale, as the Unicode CLDR « fr » data writes it): a narrow
non-breaking space (U+202F) before « ; », « ! » and « ? »; a non-breaking space (U+00A0)
before « : » and inside « ». The narrow space is what a French typesetter puts before the
short signs; the colon and the guillemets take the full-width one. Both characters are in
every font the product uses (the browsers' system fonts, DejaVu Sans in the PDFs), and both
keep a line from starting with the sign.

Only existing spaces are replaced (and a missing space after « or before » added): a time
« 14:30 », a URL « http://…/?q= », « 50 % » are left alone, and English text, which has no
space before its colons, is unchanged. Already non-breaking spaces are normalised.

Three output paths call it: HTML pages in French (`FrenchTypographyMiddleware`, text nodes
only), the e-mails (cqp.emails.send_templated_email) and the documents' HTML
(cqp.documents.document_html).
"""

import functools
import re

NBSP = "\u00a0"
NNBSP = "\u202f"

# Spaces that may stand before a sign: ordinary, tab, and the non-breaking ones already
# written, normalised to the rule's. Non-breaking spaces written as entities are made
# characters first (the same text once parsed), so that these stay simple character classes.
_SPACE = "[ \t\u00a0\u202f]"
_ENTITIES = re.compile(r"&(?:nbsp|#160|#xa0|#8239|#x202f);", re.IGNORECASE)
_ENTITY_CHARS = {"&nbsp;": NBSP, "&#160;": NBSP, "&#xa0;": NBSP}
# In HTML, a match counts only in text: the next angle bracket after it is not the end of a
# tag (an attribute's value: a title, a URL, a field's value as typed). Plain text has no
# tags, and the condition always holds there.
_IN_TEXT = r"(?![^<]*>)"
_BEFORE_SHORT = re.compile(_SPACE + r"+(?=[;!?])" + _IN_TEXT)
_BEFORE_COLON = re.compile(_SPACE + r"+(?=:)" + _IN_TEXT)
_AFTER_OPEN = re.compile("«" + _SPACE + "*" + _IN_TEXT)
_BEFORE_CLOSE = re.compile(_SPACE + "*»" + _IN_TEXT)
# A cheap test: most stretches hold none of these and are returned as they are.
_SIGNS = re.compile(r"[;:!?«»]")

# What is never prose in an HTML page: comments, and the raw content of elements whose text
# is not prose (scripts, JSON, styles, preformatted text, a textarea's value, code). Tags in
# between are skipped by _IN_TEXT.
_RAW = re.compile(
    r"<!--.*?-->|<(script|style|pre|textarea|code)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)


def french_text(text: str) -> str:
    """`text` (plain text, or HTML without raw elements) with French non-breaking spaces."""
    if not _SIGNS.search(text):
        return text
    if "&" in text:
        text = _ENTITIES.sub(lambda m: _ENTITY_CHARS.get(m.group().lower(), NNBSP), text)
    if "«" in text or "»" in text:
        text = _AFTER_OPEN.sub("«" + NBSP, text)
        text = _BEFORE_CLOSE.sub(NBSP + "»", text)
    text = _BEFORE_SHORT.sub(NNBSP, text)
    return _BEFORE_COLON.sub(NBSP, text)


def french_html(html: str) -> str:
    """`html` with French non-breaking spaces in its text only: never inside a tag
    (attributes, URLs), a comment, <script>, <style>, <pre>, <textarea> or <code>.

    It runs on every French page: the regular expressions run on the stretches of text that
    hold a sign only, between the tags (over the whole of the deliberation dashboard's
    44 KiB, trying each space: 2 ms; so: 0.8 ms)."""
    parts = []
    position = 0
    for match in _RAW.finditer(html):
        parts.append(_french_markup(html[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(_french_markup(html[position:]))
    return "".join(parts)


# A stretch of text between two tags that holds a sign: found in one pass of the regular
# expression (from each tag's end, `>`), and only those handed to french_text. Splitting a
# page on its 400 tags and testing each stretch in Python took 0.3 ms of every page.
_TEXT_WITH_SIGN = re.compile(r">([^<>;:!?«»]*[;:!?«»][^<>]*)<")


def _french_markup(markup: str) -> str:
    """HTML without raw elements, with French non-breaking spaces in the text between its
    tags (and before the first, after the last)."""
    if not _SIGNS.search(markup):
        return markup
    first, last = markup.find("<"), markup.rfind(">")
    if first == -1 or last < first:  # no tag: text only
        return french_text(markup)
    body = _TEXT_WITH_SIGN.sub(
        lambda match: ">" + _french_stretch(match.group(1)) + "<", markup[first : last + 1]
    )
    return french_text(markup[:first]) + body + french_text(markup[last + 1 :])


# The stretches of a page's text come back from page to page (a label, a heading, a
# sentence of the product, a name): the short ones are kept, as written once (about 2 µs
# each, fifty of them on a candidacy's page; a dictionary look-up then).
_SHORT_STRETCH = 300


@functools.lru_cache(maxsize=8192)
def _french_kept(text: str) -> str:
    return french_text(text)


def _french_stretch(text: str) -> str:
    return _french_kept(text) if len(text) <= _SHORT_STRETCH else french_text(text)
