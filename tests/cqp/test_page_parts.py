"""The parts of every page written once and kept (cqp.templatetags.language_parts, the main
menu of cqp.templatetags.main_nav, the candidacy's sub-navigation): each still follows the
language, the person and the page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.candidates.builders import candidacy_in
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _menu(html: str) -> list[str]:
    nav = html.split('id="menu-principal"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a></li>", nav)


def _subnav(html: str) -> list[str]:
    nav = html.split('class="subnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a></li>", nav)


def _current(html: str, where: str) -> list[str]:
    nav = html.split(where, 1)[1].split("</nav>", 1)[0]
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)


def test_the_footer_and_the_language_choice_follow_the_language(client, candidat):
    client.force_login(candidat)
    url = reverse("dashboard")
    for language, legal, selected in (
        ("fr", "Mentions légales", '<option value="fr" selected>'),
        ("en", "Legal notice", '<option value="en" selected>'),
        ("fr", "Mentions légales", '<option value="fr" selected>'),
    ):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = page_text(client.get(url))
        footer = html.split('class="site-footer"', 1)[1]
        assert f">{legal}</a>" in footer and selected in footer
        assert f'<input name="next" type="hidden" value="{url}">' in footer
        assert 'name="csrfmiddlewaretoken"' in footer


def test_the_menu_follows_the_role_and_marks_the_page(client, secretariat, gestionnaire):
    client.force_login(secretariat)
    html = page_text(client.get(reverse("candidacy_list")))
    assert "Habilitations" in _menu(html) and "Instruction" in _menu(html)
    assert _current(html, 'id="menu-principal"') == ["Candidatures"]
    assert "Back-office" not in _menu(html)
    client.force_login(gestionnaire)
    html = page_text(client.get(reverse("holder_list")))
    assert "Habilitations" not in _menu(html) and "Titulaires" in _menu(html)
    assert _current(html, 'id="menu-principal"') == ["Titulaires"]
    gestionnaire.is_staff = True
    gestionnaire.save()
    html = page_text(client.get(reverse("dashboard")))
    assert _menu(html)[-1] == "Back-office"
    assert _current(html, 'id="menu-principal"') == ["Tableau de bord"]


def test_the_candidacy_sub_navigation_follows_the_pathway_the_step_and_the_page(
    client, candidat, own_org, secretariat
):
    client.force_login(secretariat)
    parcours = candidacy_in("reperage", candidat, own_org)
    html = page_text(client.get(reverse("reperage_edit", args=[parcours.pk])))
    links = _subnav(html)
    assert links[:3] == ["Synthèse", "Livret de repérage", "Parcours"]
    assert "Évaluation" not in links
    assert _current(html, 'class="subnav"') == ["Livret de repérage"]
    vae = candidacy_in("evaluation", candidat, own_org, pathway="vae")
    html = page_text(client.get(reverse("candidacy_detail", args=[vae.pk])))
    assert _subnav(html)[:4] == [
        "Synthèse",
        "Dossier VAE — partie 2",
        "Partie 3 — activités",
        "Évaluation",
    ]
    assert f'href="{reverse("dossier_detail", args=[vae.pk])}"' in html
    assert _current(html, 'class="subnav"') == ["Synthèse"]
