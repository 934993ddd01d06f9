"""Every submit button says what it does (« Enregistrer les intervenants »), never only
« Enregistrer », « Valider » or « OK »: a person reading the buttons alone (a screen reader's
list of controls) knows what each one does."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.candidates.builders import parcours_candidacy
from tests.helpers import page_text

BARE = re.compile(
    r"<button[^>]*>\s*\{%\s*translate\s+[\"'](Enregistrer|Valider|OK|Envoyer|Confirmer)[\"']\s*%\}\s*</button>",
    re.IGNORECASE,
)


def _templates() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    return sorted(p for root in roots for p in root.rglob("*.html"))


def test_no_submit_button_says_only_enregistrer_valider_or_ok():
    templates = _templates()
    assert len(templates) > 50
    bare = [
        f"{path.name}: {match.group(0)}"
        for path in templates
        for match in BARE.finditer(path.read_text())
    ]
    assert bare == []


@pytest.mark.django_db
def test_the_assignment_page_button_names_what_it_saves(client, gestionnaire, candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    client.force_login(gestionnaire)
    response = client.get(reverse("candidacy_assign", args=[candidacy.pk]))
    assert response.status_code == 200
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", page_text(response), re.S)
    assert "Enregistrer les intervenants" in buttons
    assert "Enregistrer" not in buttons
