"""cqp.forms.FastSelect writes the same HTML as Django's Select."""

import pytest
from django import forms
from django.test.html import parse_html

from cqp.forms import FastSelect

CHOICES = [
    ("", "Toutes les organisations"),
    (1, "Formapro & Cie <Lyon>"),
    (2, "L'Atelier « Sud »"),
    ("Groupe", [(3, "Un"), (4, "Deux")]),
]


class Both(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    fast = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect)
    plain_required = forms.ChoiceField(choices=CHOICES)
    fast_required = forms.ChoiceField(choices=CHOICES, widget=FastSelect)


def _same(form, name):
    django_html = (
        str(form[name]).replace(f'name="{name}"', 'name="x"').replace(f"id_{name}", "id_x")
    )
    fast_html = str(form[f"fast{name[5:]}"])
    fast_html = fast_html.replace(f'name="fast{name[5:]}"', 'name="x"')
    fast_html = fast_html.replace(f"id_fast{name[5:]}", "id_x")
    assert parse_html(fast_html) == parse_html(django_html)


@pytest.mark.parametrize("data", [{}, {"plain": "2", "fast": "2"}, {"plain": "4", "fast": "4"}])
def test_the_same_html_as_djangos_select(data):
    form = Both(data={**data, "plain_required": "1", "fast_required": "1"})
    form.is_valid()
    _same(form, "plain")
    _same(form, "plain_required")


def test_an_error_keeps_the_attributes_given():
    form = Both(data={})
    form.fields["fast_required"].widget.attrs["aria-describedby"] = "aide"
    html = str(form["fast_required"])
    assert 'aria-describedby="aide"' in html and "required" in html
    assert "&lt;Lyon&gt;" in html and "Formapro &amp; Cie" in html


FLAT = [("", "Toutes les sessions"), (1, "Session du 01/02/2026"), (2, "L'Atelier « Sud » & <Cie>")]


class Flat(forms.Form):
    plain = forms.ChoiceField(choices=FLAT, required=False)
    fast = forms.ChoiceField(choices=FLAT, required=False, widget=FastSelect)
    plain_required = forms.ChoiceField(choices=FLAT)
    fast_required = forms.ChoiceField(choices=FLAT, widget=FastSelect)


@pytest.mark.parametrize(
    "data",
    [{}, {"plain": "2", "fast": "2"}, {"plain": "9", "fast": "9"}, {"plain": "", "fast": ""}],
)
def test_a_flat_list_written_straight_from_its_choices_is_djangos_select(data):
    form = Flat(data={**data, "plain_required": "1", "fast_required": "1"})
    form.is_valid()
    _same(form, "plain")
    _same(form, "plain_required")
    form.fields["fast"].widget.attrs["aria-describedby"] = "aide"
    assert 'aria-describedby="aide"' in str(form["fast"])


@pytest.mark.django_db
def test_a_model_choice_list_is_read_once(django_assert_num_queries):
    from cqp.models import Certification

    field = forms.ModelChoiceField(
        queryset=Certification.objects.order_by("code"), to_field_name="code", widget=FastSelect
    )
    with django_assert_num_queries(1):
        html = field.widget.render("certification", "")
    assert html.count("<option") == Certification.objects.count() + 1
