"""Values taken from a page's address: an odd one is a plain 404, never an error 500 (issue
11, defect 3; the verification page's own inputs are in tests/jury/test_verify_input.py)."""

import pytest
from django.urls import reverse

from tests.helpers import page_text

pytestmark = pytest.mark.django_db

ODD = ["a%00b", "%3Cscript%3E", "é😀", "x" * 3000]


@pytest.mark.parametrize("token", ODD)
def test_an_invitation_link_with_an_odd_token_is_a_plain_404(client, token):
    """Public: the token in the e-mailed link is the credential."""
    response = client.get(f"/invitation/{token}/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


@pytest.mark.parametrize("code", ODD)
def test_a_certification_with_an_odd_code_is_a_plain_404(client, candidat, code):
    client.force_login(candidat)
    response = client.get(reverse("certification_list") + f"{code}/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)
