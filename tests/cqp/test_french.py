"""Writing for the person (cqp.french and its template filters): elision, agreement with a
stated civility, and no « (e) » beside a named person."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from cqp.french import agree, de, elides, le, que
from tests.candidates.builders import candidacy_in
from tests.helpers import page_text


@pytest.mark.parametrize(
    ("word", "elided"),
    [
        ("Inès", True),
        ("Émile", True),
        ("évaluateur externe", True),
        ("Yasmine", True),
        ("Hélène", True),  # mute h
        ("habilitation", True),
        ("Hugues", False),  # aspirated h
        ("handicap", False),
        ("Paul", False),
        ("Zoé", False),
        ("", False),
        ("  ", False),
    ],
)
def test_elides_before_a_vowel_or_a_mute_h(word, elided):
    assert elides(word) is elided


def test_de_que_le_in_french():
    with translation.override("fr"):
        assert de("Inès Garnier") == "d'Inès Garnier"
        assert de("Paul Martin") == "de Paul Martin"
        assert de("évaluateur externe") == "d'évaluateur externe"
        assert que("Inès") == "qu'Inès"
        assert que("Paul") == "que Paul"
        assert le("évaluateur externe") == "l'évaluateur externe"
        assert le("professionnel du secteur") == "le professionnel du secteur"


def test_de_gives_the_word_alone_in_english():
    with translation.override("en"):
        assert de("Inès Garnier") == "Inès Garnier"


def test_agree_with_the_stated_civility_or_neutral():
    assert agree("madame", "né", "née", "date de naissance") == "née"
    assert agree("monsieur", "né", "née", "date de naissance") == "né"
    assert agree("", "né", "née", "date de naissance") == "date de naissance"
    assert agree(None, "présent", "présente", "présence") == "présence"


def test_the_template_filters():
    template = Template(
        "{% load french %}{{ name|de }} / {{ role|lower|de }} / {{ civility|agree:'né,née,—' }}"
        " / {% if name|elides %}elided{% endif %}"
    )
    with translation.override("fr"):
        text = template.render(
            Context({"name": "Inès", "role": "Évaluateur externe", "civility": "madame"})
        )
    assert text == "d&#x27;Inès / d&#x27;évaluateur externe / née / elided"


# A candidacy's pages, seen by its gestionnaire: the candidate named, with elision, and no
# « (e) » beside a name anywhere in the page.
NAMED_PAGES = ["candidacy_detail", "reperage_edit", "plan_detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMED_PAGES)
def test_a_named_candidates_pages_elide_and_carry_no_e_in_brackets(
    client, candidat, gestionnaire, own_org, name
):
    candidat.first_name, candidat.last_name = "Inès", "Garnier"
    candidat.save()
    candidacy = candidacy_in("parcours", candidat, own_org)
    client.force_login(gestionnaire)
    response = client.get(reverse(name, args=[candidacy.pk]))
    assert response.status_code == 200
    content = page_text(response)
    assert "d'Inès Garnier" in content
    assert "de Inès" not in content
    main = content[content.index("<main") : content.index("</main>")]
    # The certification's title, « Assistant(e) de formation », is a name, not an agreement.
    assert re.findall(r"\w+\(e\)", main.replace("Assistant(e) de formation", "")) == []


@pytest.mark.django_db
def test_a_named_candidates_page_in_english_has_no_french_particle(
    client, candidat, gestionnaire, own_org, settings
):
    candidat.first_name, candidat.last_name = "Inès", "Garnier"
    candidat.save()
    candidacy = candidacy_in("parcours", candidat, own_org)
    client.force_login(gestionnaire)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    title = re.search(
        r"<title>(.*?)</title>",
        page_text(client.get(reverse("candidacy_detail", args=[candidacy.pk]))),
    ).group(1)
    assert "Inès Garnier" in title and "d'Inès" not in title
