"""The procès-verbal's attendance sheet: a signature line per member present, with their
college and mandating organisation; the absent are not on it."""

import os

import pytest

from cqp import documents
from jury.models import MandatingOrganisation
from tests.helpers import pdf_text

from .builders import EMPLOYEURS, SALARIES, cheap_on_agenda, member, open_session

pytestmark = pytest.mark.django_db


def test_the_pv_has_a_signature_line_per_member_present(secretariat):
    federation = MandatingOrganisation.objects.create(
        name="Fédération de la formation professionnelle", college=EMPLOYEURS
    )
    union = MandatingOrganisation.objects.create(
        name="Confédération des salariés", college=SALARIES
    )
    president = member(EMPLOYEURS, first_name="Claire", last_name="Présidente")
    salarie = member(SALARIES, first_name="Hugo", last_name="Salarié")
    absent = member(SALARIES, first_name="Nina", last_name="Absente")
    for m, organisation in ((president, federation), (salarie, union), (absent, union)):
        m.mandating_organisation = organisation
        m.save()
    session = open_session(
        by=secretariat,
        members=[president, salarie, absent],
        president=president,
        present=[president, salarie],
    )
    cheap_on_agenda(session, secretariat=secretariat)

    data, pages = documents.render_pdf(documents.get_kind("proces_verbal"), session)
    if os.environ.get("PV_PDF"):  # to look at it: PV_PDF=/tmp/pv.pdf pytest …
        with open(os.environ["PV_PDF"], "wb") as handle:
            handle.write(data)
    text = pdf_text(data)
    sheet = text[text.index("Feuille d'émargement") :]
    assert "Claire Présidente présidence de la séance Collège employeurs Fédération de la" in sheet
    assert "Hugo Salarié Collège salariés Confédération des salariés Signature" in sheet
    assert sheet.count("Signature : ____") == 2
    assert "Nina Absente" not in sheet
