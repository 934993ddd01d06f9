"""French typography (cqp.typography): the function, and the three paths that apply it —
French pages, e-mails, the documents' HTML."""

import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from fontTools.ttLib import TTFont

from cqp import documents, emails, typography
from cqp.typography import NBSP, NNBSP, french_html, french_text
from tests.factories import InvitationFactory, VaeCandidacyFactory


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Motif : incomplet", f"Motif{NBSP}: incomplet"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("Attention !", f"Attention{NNBSP}!"),
        ("un ; deux", f"un{NNBSP}; deux"),
        ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
        ("«Bonjour»", f"«{NBSP}Bonjour{NBSP}»"),
        # Already non-breaking: the same result, not a second space.
        (f"Motif{NBSP}: x", f"Motif{NBSP}: x"),
        (f"Vraiment{NBSP}?", f"Vraiment{NNBSP}?"),
        (f"«{NNBSP}x{NNBSP}»", f"«{NBSP}x{NBSP}»"),
        ("Motif&nbsp;: x", f"Motif{NBSP}: x"),
        # No space, no change: times, URLs, query strings, English.
        ("« 14:30 »", f"«{NBSP}14:30{NBSP}»"),
        ("à 14:30", "à 14:30"),
        ("https://exemple.fr/liste/?q=a&amp;page=2", "https://exemple.fr/liste/?q=a&amp;page=2"),
        ("Reason: missing", "Reason: missing"),
        ("d&#x27;Inès", "d&#x27;Inès"),
        ("", ""),
        ("Sans signe", "Sans signe"),
    ],
)
def test_french_text_puts_non_breaking_spaces_where_french_wants_them(typed, printed):
    assert french_text(typed) == printed


def test_french_html_changes_text_nodes_only():
    page = (
        '<p title="Vraiment ?">Vraiment ?</p>'
        '<a href="/candidatures/?q=a :b&amp;page=2">Suivant :</a>'
        '<script>if (a ? b : c) { x = "« y »"; }</script>'
        '<script id="data" type="application/json">{"a": "b ?"}</script>'
        '<style>a::after { content: " :"; }</style>'
        "<pre>brut : tel quel</pre><textarea name=t>saisi : tel quel</textarea>"
        "<!-- commentaire : gardé --><code>x ? y : z</code>"
        "<strong>Motif</strong> : <em>« incomplet »</em>"
    )
    assert french_html(page) == (
        f'<p title="Vraiment ?">Vraiment{NNBSP}?</p>'
        f'<a href="/candidatures/?q=a :b&amp;page=2">Suivant{NBSP}:</a>'
        '<script>if (a ? b : c) { x = "« y »"; }</script>'
        '<script id="data" type="application/json">{"a": "b ?"}</script>'
        '<style>a::after { content: " :"; }</style>'
        "<pre>brut : tel quel</pre><textarea name=t>saisi : tel quel</textarea>"
        "<!-- commentaire : gardé --><code>x ? y : z</code>"
        f"<strong>Motif</strong>{NBSP}: <em>«{NBSP}incomplet{NBSP}»</em>"
    )


def test_french_html_leaves_form_values_and_entities_right():
    page = (
        '<input name="motif" value="Motif : à compléter ?">'
        '<option value="a">Choix : « A »</option>'
        "<p>Vraiment&#8239;? Oui&nbsp;: « x&nbsp;»</p>"
    )
    assert french_html(page) == (
        '<input name="motif" value="Motif : à compléter ?">'
        f'<option value="a">Choix{NBSP}: «{NBSP}A{NBSP}»</option>'
        f"<p>Vraiment{NNBSP}? Oui{NBSP}: «{NBSP}x{NBSP}»</p>"
    )


def test_french_html_across_tags_and_case():
    assert french_html("« <a href='x'>lien</a> »<SCRIPT>a ? b : c</SCRIPT>") == (
        f"«{NBSP}<a href='x'>lien</a>{NBSP}»<SCRIPT>a ? b : c</SCRIPT>"
    )


def test_french_html_treats_a_large_page_as_its_parts():
    """It runs on every French page, large ones too (its cost is `make bench`'s, not a
    timed test's): a 165 KiB page comes out as its rows would, one by one."""
    row = (
        '<tr><td><a href="/candidatures/12/?onglet=suivi">Inès Garnier</a></td>'
        "<td>Étape : évaluation ; « en cours »</td><td>Prête ?</td></tr>\n"
    )
    count = 165 * 1024 // len(row)
    page = "<table>" + row * count + "</table>"
    assert len(page) > 160 * 1024
    done = french_html(page)
    assert done == "<table>" + french_html(row) * count + "</table>"
    assert done.count(f"Étape{NBSP}: évaluation{NNBSP}; «{NBSP}en cours{NBSP}»") == count


def test_french_html_keeps_short_stretches_and_writes_long_ones_the_same_way():
    """The short stretches of text are kept once written (typography._french_kept), the long
    ones written each time: both as french_text writes them, however often they come."""
    short = "Prochaine étape : le jury ! « Voir »"
    long = "Une phrase ; " * 40 + "fin ?"
    assert len(short) <= typography._SHORT_STRETCH < len(long)
    page = f"<p>{short}</p><p>{long}</p>"
    expected = f"<p>{french_text(short)}</p><p>{french_text(long)}</p>"
    for _ in range(3):
        assert french_html(page) == expected
    assert typography._french_kept.cache_info().currsize >= 1
    assert french_text(short) == f"Prochaine étape{NBSP}: le jury{NNBSP}! «{NBSP}Voir{NBSP}»"


@pytest.mark.django_db
def test_a_french_page_carries_the_non_breaking_spaces(client, french_typography):
    response = client.get(reverse("help_contact"))
    content = response.content.decode()
    assert f"Selon votre question, la bonne personne n'est pas la même{NBSP}:" in content
    assert f"«{NBSP}Intervenants{NBSP}»" in content
    assert " :" not in _text_of(content)
    assert int(response["Content-Length"]) == len(response.content)


@pytest.mark.django_db
def test_an_english_page_is_left_as_it_is(client, french_typography, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("help_contact")).content.decode()
    assert NNBSP not in content and f"{NBSP}:" not in content


@pytest.mark.django_db
def test_without_the_setting_pages_are_as_typed(client):
    content = client.get(reverse("help_contact")).content.decode()
    assert "Selon votre question, la bonne personne n'est pas la même :" in content


@pytest.mark.django_db
def test_an_email_carries_the_non_breaking_spaces(french_typography, gestionnaire, own_org):
    invitation = InvitationFactory(organisation=own_org, invited_by=gestionnaire)
    emails.invitation_email_send(invitation_id=invitation.pk)
    (message,) = mail.outbox
    assert f"Pour accepter l'invitation, ouvrez ce lien{NBSP}:" in message.body
    assert f"«{NBSP}{own_org.name}{NBSP}»" in message.body
    html = message.alternatives[0][0]
    assert f"«{NBSP}" in html and " :" not in _text_of(html)
    assert "http://" in message.body  # the link's colon stays as it is


@pytest.mark.django_db
def test_a_document_html_carries_the_non_breaking_spaces(french_typography):
    candidacy = VaeCandidacyFactory()
    html = documents.document_html(documents.get_kind("dossier_vae"), candidacy, draft=True)
    assert f"Pas encore faite{NBSP}: elle est cochée à l'envoi de la demande." in html
    assert " :" not in _text_of(html)


def test_the_documents_font_has_both_spaces():
    """DejaVu Sans, the documents' font, draws U+00A0 and U+202F: no missing-glyph box."""
    css = (Path(documents.__file__).parent.parent / "templates/documents/document.css").read_text()
    assert '"DejaVu Sans"' in css
    path = subprocess.run(
        ["fc-match", "--format=%{file}", "DejaVu Sans"], capture_output=True, text=True, check=True
    ).stdout
    cmap = TTFont(path).getBestCmap()
    assert ord(NBSP) in cmap and ord(NNBSP) in cmap


def _text_of(html: str) -> str:
    """The page's text (what the rule applies to): tags and raw elements removed."""
    return re.sub(r"<[^>]*>", "", typography._RAW.sub("", html))
