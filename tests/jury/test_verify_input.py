"""The public verification page answers any input in French, never with an error 500: what
was typed in its form, or in its address."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.helpers import page_text

pytestmark = pytest.mark.django_db

NOT_FOUND = "Aucun certificat ne correspond à ce numéro."
MALFORMED = (
    "Un numéro de certificat ne contient que des lettres, des chiffres et des tirets, "
    "par exemple CQP-1A2B-3C4D-5E6F-7A8B."
)
TOO_LONG = "Assurez-vous que cette valeur comporte au plus 40 caractères (actuellement 500)."
NUL = "Le caractère nul n’est pas autorisé."

ODD = {
    "slash": ("a/b", MALFORMED),
    "slashes only": ("//", MALFORMED),
    "dots": ("..", MALFORMED),
    "space inside": ("CQP 1A2B", MALFORMED),
    "very long": ("A" * 500, TOO_LONG),
    "unicode": ("CQP-ÉTÉ-😀", MALFORMED),
    "nul": ("CQP\x00", NUL),
    "markup": ('<script>alert("x")</script>', MALFORMED),
    "percent": ("%2F%00", MALFORMED),
    "query and fragment": ("a?b#c", MALFORMED),
}


@pytest.mark.parametrize(("typed", "error"), ODD.values(), ids=ODD.keys())
def test_verify_form_names_what_is_wrong_with_the_number(client, typed, error):
    response = client.get(reverse("verify"), {"number": typed})
    assert response.status_code == 200
    assert error in page_text(response)
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "error"),
    [value for key, value in ODD.items() if "/" not in value[0]],
    ids=[key for key, value in ODD.items() if "/" not in value[0]],
)
def test_verify_address_with_a_malformed_number_is_a_clear_404(client, typed, error):
    response = client.get(f"/verifier/{quote(typed, safe='')}/")
    assert response.status_code == 404
    page = page_text(response)
    assert NOT_FOUND in page
    assert error in page
    assert "<script>alert" not in response.content.decode()


def test_verify_address_with_a_slash_is_not_the_verification_page(client):
    response = client.get("/verifier/a%2Fb/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_verify_form_keeps_well_formed_numbers(client):
    response = client.get(reverse("verify"), {"number": " cqp-00ab-0000-0000-0000 "})
    assert response.status_code == 302
    assert response.url == reverse("verify_number", args=["CQP-00AB-0000-0000-0000"])
    assert client.get(response.url).status_code == 404
