"""cqp.form_rendering: the labels written in Python are those Django's templates write
(django/forms/label.html and attrs.html), for every field of every form of the project that
can be made without arguments, and for the arguments a template may give."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils.safestring import mark_safe

from cqp.form_rendering import BoundField

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for app in ("candidates", "cqp", "evaluations", "jury", "pilotage")
    for path in (ROOT / app).glob("forms*.py")
)


def _forms() -> list[forms.BaseForm]:
    made = []
    for name in MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != name:
                continue
            try:
                made.append(cls())
            except (TypeError, KeyError, AttributeError, ValueError):
                continue  # a form that needs its page's arguments
    return made


VARIANTS = [
    {},
    {"attrs": {"class": "x", "data-on": True, "data-off": False, "title": 'a "b" <c>'}},
    {"label_suffix": ""},
    {"label_suffix": " ?"},
    {"contents": "Nom <b>propre</b>"},
    {"contents": mark_safe("Nom <b>propre</b>")},
    {"tag": "legend"},
    {"attrs": {"data-safe": mark_safe("<i>")}},
]


def test_the_project_renders_its_labels_in_python():
    assert type(forms.Form().renderer).bound_field_class is BoundField


def test_every_label_is_the_one_django_writes():
    made = _forms()
    assert len(made) >= 20  # the project's forms are found
    fields = 0
    for form in made:
        for name, field in form.fields.items():
            ours = form[name]
            assert isinstance(ours, BoundField)
            django_s = forms.BoundField(form, field, name)
            for variant in VARIANTS:
                assert ours.label_tag(**variant) == django_s.label_tag(**variant), (
                    type(form).__name__,
                    name,
                    variant,
                )
            fields += 1
    assert fields >= 80


def test_a_required_class_an_empty_id_and_another_template():
    class Form(forms.Form):
        required_css_class = "obligatoire"
        name = forms.CharField(label="Nom")
        note = forms.CharField(label="Note :", required=False)

    for auto_id in ("id_%s", "", "champ-%s"):
        form = Form(auto_id=auto_id)
        for name in ("name", "note"):
            django_s = forms.BoundField(form, form.fields[name], name)
            for variant in VARIANTS:
                assert form[name].label_tag(**variant) == django_s.label_tag(**variant)

    class Other(Form):
        template_name_label = "django/forms/attrs.html"  # another template: Django's way

    form = Other()
    # attrs.html alone: the label's attributes, no tag (Django strips what a form renders).
    assert form["name"].label_tag() == 'for="id_name" class="obligatoire"'
    assert (
        form["name"].label_tag() == forms.BoundField(form, form.fields["name"], "name").label_tag()
    )
