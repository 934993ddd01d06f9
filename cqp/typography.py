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

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

# Spaces that may stand before a sign: ordinary, tab, and the non-breaking ones (already
# written, or as entities in HTML), normalised to the rule's.
_SPACE = r"(?:[ \t\u00a0\u202f]|&nbsp;|&#160;|&#xa0;|&#8239;|&#x202f;)"
_BEFORE_SHORT = re.compile(_SPACE + r"+(?=[;!?])", re.IGNORECASE)
_BEFORE_COLON = re.compile(_SPACE + r"+(?=:)", re.IGNORECASE)
_AFTER_OPEN = re.compile(r"«" + _SPACE + r"*", re.IGNORECASE)
_BEFORE_CLOSE = re.compile(_SPACE + r"*»", re.IGNORECASE)
# A cheap test: most text nodes hold none of these and are returned as they are.
_SIGNS = re.compile(r"[;:!?«»]")

# What is not text in an HTML page: comments, the raw content of elements whose text is not
# prose (scripts, JSON, styles, preformatted text, a textarea's value, code), and every tag
# with its attributes (URLs, titles read aloud are left as typed).
_NOT_TEXT = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|pre|textarea|code)\b[^>]*>.*?</\1\s*>"
    r"|<[^>]*>",
    re.IGNORECASE | re.DOTALL,
)


def french_text(text: str) -> str:
    """`text` (plain text, or an HTML text node) with French non-breaking spaces."""
    if not _SIGNS.search(text):
        return text
    if "«" in text or "»" in text:
        text = _AFTER_OPEN.sub("«" + NBSP, text)
        text = _BEFORE_CLOSE.sub(NBSP + "»", text)
    text = _BEFORE_SHORT.sub(NNBSP, text)
    return _BEFORE_COLON.sub(NBSP, text)


def french_html(html: str) -> str:
    """`html` with French non-breaking spaces in its text nodes only: never inside a tag
    (attributes, URLs), a comment, <script>, <style>, <pre>, <textarea> or <code>."""
    parts = []
    position = 0
    for match in _NOT_TEXT.finditer(html):
        start = match.start()
        if start > position:
            parts.append(french_text(html[position:start]))
        parts.append(match.group())
        position = match.end()
    parts.append(french_text(html[position:]))
    return "".join(parts)
