"""The core's document views: a preview is always a draft, even of a final document."""

import pytest
from django.urls import reverse

from candidates import services as candidacy_services
from cqp import documents
from tests.candidates.builders import candidacy_in
from tests.helpers import pdf_pages

pytestmark = pytest.mark.django_db


def test_the_preview_of_a_final_document_is_marked_as_a_draft(client, candidat, own_org):
    candidacy = candidacy_in("parcours", candidat, own_org)
    candidacy_services.candidacy_log(
        candidacy=candidacy,
        by=candidat,
        action="complete_reperage",
        source="reperage",
        target="parcours",
    )
    assert documents.get_kind("livret").is_final(candidacy)
    client.force_login(candidat)
    response = client.get(reverse("document_preview", args=["livret", candidacy.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_pages(response.content)[0]
    assert "PROJET" in text
