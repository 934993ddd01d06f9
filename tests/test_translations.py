"""Every user-facing string goes through the translation functions, and the English
catalogue is complete (issue 17).

- Templates: the text between tags, and the attributes a person reads or hears (aria-label,
  title, alt, placeholder), are written inside {% translate %} / {% blocktranslate %}; what
  is left once template tags, variables and markup are removed is punctuation, numbers or a
  reviewed word of ALLOWED (acronyms, proper names).
- Python: a French literal passed to messages.*, ValidationError, or as a form field's
  label / help_text, is wrapped in _() (gettext or gettext_lazy).
- The catalogue: makemessages run on a copy of the project leaves no msgid of
  locale/en/LC_MESSAGES/django.po missing, untranslated or fuzzy.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("cqp", "candidates", "evaluations", "jury", "pilotage")

# Words a template may show as they are, in every language: acronyms, names of things.
ALLOWED = {
    "CQP",
    "VAE",
    "CPEF",
    "RNCP",
    "SIRET",
    "PDF",
    "CSV",
    "XLSX",
    "Excel",
    "QR",
    "JSON",
    "JWKS",
    "Open",
    "Badges",
    "SHA",
    "ID",
    "Ok",
}

# Reviewed exceptions: the official documents (PDF) are written in French whatever the
# reader's language (legal documents of a French certification); 500.html is rendered
# without a request (no language) when everything else failed.
TEMPLATE_EXCEPTIONS = {"templates/500.html"}
TEMPLATE_EXCEPTION_DIRS = ("templates/documents/",)

TEMPLATE_TAG = re.compile(
    r"\{%\s*blocktranslate\b.*?%\}.*?\{%\s*endblocktranslate\s*%\}"
    r"|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}",
    re.S,
)
NOT_TEXT = re.compile(r"<!--.*?-->|<script\b.*?</script>|<style\b.*?</style>", re.S | re.I)
READ_ATTRIBUTES = re.compile(r"""\b(aria-label|title|alt|placeholder)\s*=\s*(["'])(.*?)\2""", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")


def _untranslated_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def _template_findings() -> list[str]:
    findings = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    ):
        name = str(path.relative_to(ROOT))
        if name in TEMPLATE_EXCEPTIONS or name.startswith(TEMPLATE_EXCEPTION_DIRS):
            continue
        source = path.read_text()
        without_tags = TEMPLATE_TAG.sub(" ", NOT_TEXT.sub(" ", source))
        for attribute, _quote, value in READ_ATTRIBUTES.findall(without_tags):
            words = _untranslated_words(value)
            if words:
                findings.append(f"{name}: {attribute}=« {value.strip()} »")
        text = TAG.sub(" ", without_tags) if path.suffix == ".html" else without_tags
        for line in text.splitlines():
            words = _untranslated_words(line)
            if words:
                findings.append(f"{name}: « {line.strip()} »")
    return findings


FRENCH = re.compile(r"[A-Za-zÀ-ÿ]{2,}.*\s|[À-ÿ]")
MESSAGE_CALLS = {"success", "error", "info", "warning", "add_message", "ValidationError"}
FIELD_KEYWORDS = {"label", "help_text", "empty_label"}
# Reviewed: an official document's name (DocumentKind.label) is its French title, like the
# document itself.
CALL_EXCEPTIONS = {"DocumentKind"}


def _is_literal(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(FRENCH.search(node.value))
    if isinstance(node, ast.JoinedStr):  # an f-string: its own words, not the values it joins
        words = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
        return bool(FRENCH.search(words))
    return False


def _python_findings() -> list[str]:
    findings = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if name in CALL_EXCEPTIONS:
                    continue
                if name in MESSAGE_CALLS:
                    # messages.x(request, "…") or ValidationError("…")
                    texts = node.args[1:2] if name != "ValidationError" else node.args[:1]
                    for arg in texts:
                        if _is_literal(arg):
                            findings.append(f"{where}: {name}() with an untranslated text")
                for keyword in node.keywords:
                    if keyword.arg in FIELD_KEYWORDS and _is_literal(keyword.value):
                        findings.append(f"{where}: {keyword.arg}= an untranslated text")
    return findings


def test_templates_write_their_text_through_the_translation_tags():
    findings = _template_findings()
    assert findings == [], f"{len(findings)} texts outside {{% translate %}}:\n" + "\n".join(
        findings
    )


def test_python_passes_its_messages_through_gettext():
    findings = _python_findings()
    assert findings == [], "\n".join(findings)


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext is not installed")
def test_the_english_catalogue_is_complete(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "node_modules", "__pycache__", "*.pyc", "staticfiles", "media"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
    )
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing = re.findall(r'^msgid "(.+)"$', untranslated, re.M)
    fuzzy_ids = re.findall(r'^msgid "(.+)"$', fuzzy, re.M)
    assert (missing, fuzzy_ids) == ([], []), (
        f"{len(missing)} msgids without an English translation, {len(fuzzy_ids)} fuzzy "
        "(run makemessages -l en and translate them):\n" + "\n".join(missing + fuzzy_ids)
    )
