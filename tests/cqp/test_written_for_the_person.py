"""Text written for the person in front of the page (issue 17, defect 7): no « (e) » or
« (s) » in what the product writes — pages, e-mails, documents, messages, exports. The
person's name, « vous », an agreement with the stated civility (cqp.french) or a neutral
phrasing (« Présidence ») says it instead; a count says its plural with ngettext.

The one exception is the certification's own title, « Assistant(e) de formation », and the
trade it names, as France compétences registers them."""

import re
import tokenize
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["candidates", "cqp", "evaluations", "jury", "pilotage", "config"]
# « Président(e) », « candidature(s) », « décidée(s) », « lue(s) »…
BRACKETED = re.compile(r"\w\((?:e|s|es|ne|x)\)")
OFFICIAL = re.compile(r"[Aa]ssistant\(e\) de formation")


def _texts(path: Path) -> list[tuple[int, str]]:
    """The lines of a template; the string literals of a Python module (not its code)."""
    if path.suffix != ".py":
        return list(enumerate(path.read_text().splitlines(), 1))
    with path.open("rb") as source:
        return [
            (token.start[0], token.string)
            for token in tokenize.tokenize(source.readline)
            if token.type == tokenize.STRING
        ]


def _found(paths) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in paths
        for number, text in _texts(path)
        for match in BRACKETED.finditer(OFFICIAL.sub("", text))
    ]


def test_no_bracketed_agreement_in_the_templates():
    templates = [p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"}]
    assert len(templates) > 50
    assert _found(templates) == []


def test_no_bracketed_agreement_in_the_python_strings():
    sources = [p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    assert len(sources) > 50
    assert _found(sources) == []
