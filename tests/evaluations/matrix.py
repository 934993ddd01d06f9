"""What the evaluation pages' rows of the authorization matrix post (the table:
tests/evaluations/matrix.md; its format: tests/matrix.py)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tests.candidates.builders import competence
from tests.factories import PASSWORD


def pdf_upload() -> SimpleUploadedFile:
    """A one-page PDF, a file the upload accepts whatever its checks."""
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return SimpleUploadedFile("preuve.pdf", buffer.getvalue(), "application/pdf")


def _observation(o, candidacy) -> dict:
    return {
        "kind": "observee",
        "competence": "",
        "date": timezone.localdate().isoformat(),
        "context": "Accueil des stagiaires",
        "observed": "Accueil conduit seule",
    }


# By URL name: (objects, the values of the URL's arguments) -> what is posted.
DATA = {
    "account_save": lambda o, candidacy, competence: {"text": "J'ai organisé des sessions."},
    "evidence_add": lambda o, candidacy: {
        "competence": competence(1).pk,
        "file": pdf_upload(),
        "text": "",
    },
    "assessment_opinion": lambda o, candidacy, assessment: {
        "opinion": "acquise",
        "comment": "Maîtrisée en situation.",
    },
    "assessment_final": lambda o, candidacy, assessment: {
        "result": "acquise",
        "comment": "Maîtrisée après échange.",
    },
    "assessment_sign": lambda o, candidacy, assessment: {"password": PASSWORD},
    "observation_add": _observation,
    "dossier_resume_parcours": lambda o, candidacy: {"comment": "C2 à retravailler."},
}
