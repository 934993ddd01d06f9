"""Bad input on every form of the product, through the Django test client.

The forms come from the authorization matrix (tests/matrix.py): every POST row whose data
succeeds for some role, and every page a role reads. The fields are those of the forms the
view binds to the request (read from the page it answers, so a new field is fuzzed too)
and the keys of the row's valid data (a view may read one beside its form). Each field in
turn is left out, or given 100,000 characters, a NUL byte, markup, a date that does not
exist, a number beyond 64 bits..., the rest staying valid.

No answer may be a 500; a refusal (any answer but a redirection without an error message)
changes no table nor file; markup never comes back unescaped. The other roles post nothing,
then garbage in every field: nothing changes. A view that binds posted data without a POST
row in the matrix fails `test_every_view_that_takes_a_post_has_a_post_row`.

The two 500s it found when written (a NUL byte beside a file, a slash in a verified number:
defects 3 and 4 of issue 11) are fixed; their cases run with the others.
"""

import re
from dataclasses import dataclass

import pytest
from django import forms
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.paginator import Page
from django.db import transaction

from tests.cqp.test_authorization_matrix import ROWS
from tests.matrix import (
    LOGIN,
    ROLES,
    changed_tables,
    database_state,
    log_in,
    outcome,
    run_as,
    send,
)

LONG = "x" * 100_000
NUL = "avant\x00après"
# Short enough for most fields' maximum length; with a slash, as paths have.
MARKUP = '"><script>alert(1)</script>'
RAW_MARKUP = "<script>alert(1)</script>"
TOO_BIG = "99999999999999999999"  # beyond a 64-bit integer

# The bad values of each kind of field.
BAD = {
    "text": [("100,000 characters", LONG), ("a NUL byte", NUL), ("markup", MARKUP)],
    "date": [("30 February", "2026-02-30"), ("year 99999", "99999-01-01")],
    "number": [
        ("beyond 64 bits", TOO_BIG),
        ("not a number", "douze"),
        ("100,000 digits", "9" * 100_000),
    ],
    "multiple": [
        ("beyond 64 bits", [TOO_BIG]),
        ("not a number", ["douze"]),
        ("a thousand values", [str(n) for n in range(1000)]),
    ],
    "file": [
        ("empty", lambda: SimpleUploadedFile("vide.pdf", b"", "application/pdf")),
        ("a name of 1,000 characters", lambda: SimpleUploadedFile("x" * 1000 + ".pdf", b"%PDF-")),
        ("markup in its name", lambda: SimpleUploadedFile(f"{MARKUP}.pdf", b"%PDF-")),
        ("a program named .pdf", lambda: SimpleUploadedFile("preuve.pdf", b"MZ\x90\x00" * 64)),
    ],
}
MISSING = "missing"


@dataclass(frozen=True)
class Field:
    kind: str  # a key of BAD
    required: bool  # leaving it out is worth a try (a field read beside the form is)


@dataclass(frozen=True)
class Case:
    field: str
    bad: str  # the label of a bad value, or MISSING

    @property
    def name(self) -> str:
        return f"{self.field}: {self.bad}"


# The fields of a form --------------------------------------------------------------------

PROBE = "fuzz-probe"  # sent alone, it leaves every field out and marks the forms it binds


def _kind_of_field(field: forms.Field) -> str:
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return "multiple"
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return "date"
    if isinstance(
        field, forms.ChoiceField | forms.ModelChoiceField | forms.IntegerField | forms.BooleanField
    ):
        return "number"
    return "text"


def _kind_of_value(value) -> str:
    if isinstance(value, list | tuple):
        return "multiple"
    if isinstance(value, UploadedFile):
        return "file"
    if isinstance(value, int) or re.fullmatch(r"\d+", str(value)):
        return "number"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        return "date"
    return "text"


def _bound(value, depth=0):
    """The forms bound to the request's PROBE found in a template context value."""
    if isinstance(value, forms.BaseForm):
        return [value] if value.is_bound and PROBE in value.data else []
    if depth < 3 and isinstance(value, dict):
        return [f for v in value.values() for f in _bound(v, depth + 1)]
    if depth < 3 and isinstance(value, list | tuple):
        return [f for v in value for f in _bound(v, depth + 1)]
    return []


def _context_values(response) -> list:
    if response.context is None:
        return []
    return [
        value for context in response.context for layer in context.dicts for value in layer.values()
    ]


def bound_forms(response) -> list[forms.BaseForm]:
    """The forms the view bound to a request carrying PROBE, as its page shows them."""
    found = []
    for form in (f for value in _context_values(response) for f in _bound(value)):
        if form not in found:
            found.append(form)
    return found


def fields_of(response, valid: dict) -> dict[str, Field]:
    """Every field to fuzz: those of the forms the view bound, then the keys of the valid
    data. Of the fields a form repeats per item (`status_<element>`), the first stands for
    all; a list page's number is a field too."""
    fields = {
        name: Field(_kind_of_field(field), field.required)
        for form in bound_forms(response)
        for name, field in form.fields.items()
    }
    for name, value in valid.items():
        fields.setdefault(name, Field(_kind_of_value(value), True))
    if any(isinstance(value, Page) for value in _context_values(response)):
        fields.setdefault("page", Field("number", False))
    families = {}
    for name, field in fields.items():
        families.setdefault(re.sub(r"\d+", "#", name), (name, field))
    return dict(families.values())


def cases(fields: dict[str, Field]):
    for name, field in fields.items():
        if field.required:
            yield Case(name, MISSING)
        for bad, _value in BAD[field.kind]:
            yield Case(name, bad)


def case_data(case: Case, valid: dict, fields: dict[str, Field]) -> dict:
    data = dict(valid)
    if case.bad == MISSING:
        data.pop(case.field, None)
        return data
    value = dict(BAD[fields[case.field].kind])[case.bad]
    data[case.field] = value() if callable(value) else value
    return data


# One attempt -------------------------------------------------------------------------------


def accepted(row, role, response, url) -> bool:
    """A form that succeeds redirects, and says nothing went wrong; a download is logged."""
    if row.method == "GET":
        return role in row.changers() and response.status_code == 200
    if response.status_code != 302 or outcome(response, url) == LOGIN:
        return False
    return all(m.level < ERROR for m in get_messages(response.wsgi_request))


def attempt(client, row, role, objects, data, before):
    """Send `data` in a savepoint rolled back afterwards: what went wrong (if anything), the
    state to compare the next attempt with (an accepted file stays stored), the response."""
    client.cookies.pop("messages", None)  # only this answer's messages count
    with transaction.atomic():
        url, response = send(client, row, objects, data)
        after = database_state()
        transaction.set_rollback(True)
    problems = []
    if response.status_code >= 500:
        problems.append(f"answered {response.status_code}")
    elif not response.streaming and RAW_MARKUP in response.content.decode(errors="replace"):
        problems.append("markup came back unescaped")
    if accepted(row, role, response, url):
        return problems, database_state(), response
    if after != before:
        changed = ", ".join(changed_tables(before, after))
        problems.append(f"refused ({response.status_code}) but changed {changed}")
    return problems, before, response


def _prepare(client, actors, objects, row, role):
    """Build the row's objects, log in, take its session step: the state to come back to."""
    row.build(objects)
    client.raise_request_exception = False
    log_in(client, actors, role)
    if row.before is not None:
        row.before(client, objects)
    return database_state()


def fuzz(client, actors, objects, row, role, *, only=None) -> dict:
    """Every case of the row's form for `role` (or `only` that one): {case: problems}."""
    before = _prepare(client, actors, objects, row, role)
    # Built again for each case: a file can be sent once.
    valid = (lambda: row.data(objects)) if row.method == "POST" else dict
    problems, before, response = attempt(client, row, role, objects, {PROBE: "1"}, before)
    failures = {"every field missing": problems} if problems and only is None else {}
    fields = fields_of(response, valid())
    for case in [only] if only else cases(fields):
        data = case_data(case, valid(), fields)
        problems, before, _response = attempt(client, row, role, objects, data, before)
        if problems:
            failures[case.name] = problems
    return failures


# The POST forms ----------------------------------------------------------------------------

FUZZED = [row for row in ROWS if row.method == "POST" and row.changers() and row.fuzz]


def fuzzed_role(row) -> str:
    """The role whose form is fuzzed field by field: the first who may post it (the others
    post garbage in test_bad_input_from_every_other_role_changes_nothing)."""
    return sorted(row.changers())[0]


@pytest.mark.parametrize("row", FUZZED, ids=[f"{row.label}-{fuzzed_role(row)}" for row in FUZZED])
def test_bad_input_gets_a_clear_answer_and_a_refusal_changes_nothing(
    client, actors, matrix_objects, row
):
    assert fuzz(client, actors, matrix_objects, row, fuzzed_role(row)) == {}


@pytest.mark.parametrize("row", FUZZED, ids=[row.label for row in FUZZED])
def test_bad_input_from_every_other_role_changes_nothing(client, actors, matrix_objects, row):
    failures = {}
    for role in ROLES:
        if role == fuzzed_role(row):
            continue
        before = _prepare(client, actors, matrix_objects, row, role)
        garbage = {name: LONG + NUL + MARKUP for name in row.data(matrix_objects)}
        for name, data in (("nothing", {PROBE: "1"}), ("garbage", garbage)):
            problems, before, _response = attempt(client, row, role, matrix_objects, data, before)
            if problems:
                failures[f"{role}: {name}"] = problems
    assert failures == {}


# The pages' queries ------------------------------------------------------------------------

# A page of each URL pattern, and a role that reads it: its filters and page number.
READ = {}
for _row in ROWS:
    _readers = [role for role, answer in _row.expected.items() if answer == 200]
    if _row.method == "GET" and _readers:
        READ.setdefault(_row.url_name, (_row, _readers[0]))


@pytest.mark.parametrize("url_name", sorted(READ))
def test_a_bad_query_gets_a_clear_answer_and_changes_nothing(
    client, actors, matrix_objects, url_name
):
    row, role = READ[url_name]
    assert fuzz(client, actors, matrix_objects, row, role) == {}


# Every view that takes a post is fuzzed ----------------------------------------------------

POSTED = {row.url_name for row in ROWS if row.method == "POST"}


def test_every_url_pattern_is_read_or_posted_in_the_matrix():
    assert {row.url_name for row in ROWS} - POSTED - set(READ) == set()


@pytest.mark.parametrize("url_name", sorted(set(READ) - POSTED))
def test_every_view_that_takes_a_post_has_a_post_row(client, actors, matrix_objects, url_name):
    """A page with no POST row ignores a post: 405, or the answer of a GET, with no form
    bound to the posted data and nothing changed."""
    row, role = READ[url_name]
    row.build(matrix_objects)
    probe = type(row)(row.label, row.url_name, row.args, row.expected, method="POST")
    answer, response, changed = run_as(client, actors, matrix_objects, probe, role, {PROBE: "1"})
    if answer != 405:
        assert (answer, bound_forms(response), changed) == (row.expected[role], [], [])
