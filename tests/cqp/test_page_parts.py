"""The parts of every page written once and kept (cqp.templatetags.language_parts, the main
menu of cqp.templatetags.main_nav, the candidacy's sub-navigation): each still follows the
language, the person and the page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.candidates.builders import candidacy_in
from tests.factories import CandidateFactory, MembershipFactory, NotificationFactory
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


def _account(html: str) -> str:
    return html.split('<div class="account"', 1)[1].split("</div>", 1)[0]


def _token(block: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', block).group(1)


def test_the_account_block_follows_the_person_and_carries_the_page_s_token(
    client, gestionnaire, own_org, other_org
):
    """Kept per name, roles, organisations, unread count and language: each change shows on
    the next page, and each page has its own token in the logout form."""
    client.force_login(gestionnaire)
    url = reverse("dashboard")
    first = _account(page_text(client.get(url)))
    assert f'<p class="account__name">{gestionnaire.get_full_name()}</p>' in first
    assert f'<p class="account__orgs">{own_org.name}</p>' in first
    assert "Gestionnaire" in first and "badge--count" not in first
    again = _account(page_text(client.get(url)))
    assert again.replace(_token(again), "") == first.replace(_token(first), "")

    gestionnaire.first_name = "Zoé"
    gestionnaire.save()
    NotificationFactory.create_batch(2, user=gestionnaire)
    MembershipFactory(user=gestionnaire, organisation=other_org)
    block = _account(page_text(client.get(url)))
    assert f'<p class="account__name">Zoé {gestionnaire.last_name}</p>' in block
    assert ", ".join(sorted([own_org.name, other_org.name])) in block
    assert '<span class="badge badge--count">2<span class="visually-hidden"> non lues' in block

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    block = _account(page_text(client.get(url)))
    assert ">Log out</button>" in block and '2<span class="visually-hidden"> unread' in block


def test_the_logout_form_s_token_is_accepted(gestionnaire):
    """The token written in the kept block is the page's own: a browser enforcing CSRF
    signs out with it."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(gestionnaire)
    block = _account(page_text(browser.get(reverse("dashboard"))))
    response = browser.post(reverse("logout"), {"csrfmiddlewaretoken": _token(block)})
    assert response.status_code == 302
    assert browser.get(reverse("dashboard")).status_code == 302  # signed out: to the login


def test_a_name_like_the_token_s_place_is_shown_as_typed(client, gestionnaire):
    from cqp.templatetags.language_parts import CSRF_MARK

    gestionnaire.first_name, gestionnaire.last_name = CSRF_MARK, "<b>Dupont</b>"
    gestionnaire.save()
    client.force_login(gestionnaire)
    block = _account(client.get(reverse("dashboard")).content.decode())
    assert f'<p class="account__name">{CSRF_MARK} &lt;b&gt;Dupont&lt;/b&gt;</p>' in block
    assert block.count('name="csrfmiddlewaretoken"') == 1


def test_the_candidacy_s_own_key_in_its_kept_sub_navigation(client, candidat, own_org, secretariat):
    client.force_login(secretariat)
    first = candidacy_in("reperage", candidat, own_org)
    second = candidacy_in("reperage", CandidateFactory().user, own_org)
    for candidacy in (first, second, first):
        html = page_text(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
        nav = html.split('class="subnav"', 1)[1].split("</nav>", 1)[0]
        hrefs = re.findall(r'href="([^"]+)"', nav)
        assert hrefs == [
            reverse("candidacy_detail", args=[candidacy.pk]),
            reverse("reperage_edit", args=[candidacy.pk]),
            reverse("plan_detail", args=[candidacy.pk]),
            reverse("candidate_identity", args=[candidacy.pk]),
        ]
