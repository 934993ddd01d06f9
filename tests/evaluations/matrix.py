"""The authorization matrix's rows of the evaluation pages (tests/matrix.py explains a row).

« own » is the open dossier of the candidat of own_org, assessed by the professionnel and
the évaluateur; « other » the open dossier of a candidacy of another organisation (its
gestionnaire is the outsider); « crossed » URLs pair the own dossier with another one's part.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tests.candidates.builders import competence
from tests.factories import PASSWORD
from tests.matrix import (
    CANDIDACY_VIEWERS,
    OTHER_VIEWERS,
    acts,
    download,
    expect,
    get,
    pks,
    post,
    reads,
)

EVALUATORS = {"professionnel", "evaluateur"}


def pdf_upload() -> SimpleUploadedFile:
    """A one-page PDF, a file the upload accepts whatever its checks."""
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return SimpleUploadedFile("preuve.pdf", buffer.getvalue(), "application/pdf")


def _in(key, *parts):
    """The dossier's candidacy, then the pk of each named part."""
    return lambda o: [o[key].pk, *(o[part].pk for part in parts)]


def _account_of(key, number):
    return lambda o: [o[key].pk, competence(number).pk]


def _no_data(o) -> dict:
    return {}


def _observation(o) -> dict:
    return {
        "kind": "observee",
        "competence": "",
        "date": timezone.localdate().isoformat(),
        "context": "Accueil des stagiaires",
        "observed": "Accueil conduit seule",
    }


def _evidence(o) -> dict:
    return {"competence": competence(1).pk, "file": pdf_upload(), "text": ""}


ACCOUNT = {"text": "J'ai organisé trois sessions."}
OPINION = {"opinion": "acquise", "comment": "Maîtrisée en situation."}
FINAL = {"result": "acquise", "comment": "Maîtrisée après échange."}
SIGNATURE = {"password": PASSWORD}

ROWS = [
    *reads(
        "evaluation dossier",
        "dossier_detail",
        own=pks("in_evaluation"),
        other=pks("other_evaluation"),
        readers=CANDIDACY_VIEWERS,
    ),
    # Whoever else sees the dossier is sent to its read-only page.
    get(
        "candidate's dossier part (own)",
        "candidate_dossier",
        pks("in_evaluation"),
        expect({"candidat"}, secretariat=302, gestionnaire=302, professionnel=302, evaluateur=302),
    ),
    get(
        "candidate's dossier part (other)",
        "candidate_dossier",
        pks("other_evaluation"),
        expect(secretariat=302, outsider=302),
    ),
    # The candidate's part: accounts and evidence files
    *acts(
        "write an account",
        "account_save",
        own=_account_of("in_evaluation", 1),
        other=_account_of("other_evaluation", 1),
        who={"candidat"},
        data=lambda o: ACCOUNT,
    ),
    # A competence of another référentiel: the candidate is told it does not exist.
    post(
        "write an account of a competence outside the dossier",
        "account_save",
        pks("in_evaluation", "foreign_competence"),
        lambda o: ACCOUNT,
        expect(refused=CANDIDACY_VIEWERS - {"candidat"}),
    ),
    *acts(
        "join a file",
        "evidence_add",
        own=pks("in_evaluation"),
        other=pks("other_evaluation"),
        who={"candidat"},
        data=_evidence,
    ),
    *acts(
        "delete an evidence file",
        "evidence_delete",
        own=_in("in_evaluation", "evidence"),
        other=_in("other_evaluation", "other_evidence"),
        crossed=_in("in_evaluation", "other_evidence"),
        who={"candidat"},
        data=_no_data,
        page=True,
    ),
    download("evidence download (own)", "evidence_download", pks("evidence"), CANDIDACY_VIEWERS),
    download(
        "evidence download (other)", "evidence_download", pks("other_evidence"), OTHER_VIEWERS
    ),
    # The evaluators' part
    *acts(
        "assessment",
        "assessment",
        own=pks("in_evaluation"),
        other=pks("other_evaluation"),
        who=EVALUATORS,
    ),
    *acts(
        "give one's opinion",
        "assessment_opinion",
        own=_in("in_evaluation", "to_assess"),
        other=_in("other_evaluation", "other_assessment"),
        crossed=_in("in_evaluation", "other_assessment"),
        who=EVALUATORS,
        data=lambda o: OPINION,
    ),
    *acts(
        "set the joint result",
        "assessment_final",
        own=_in("in_evaluation", "disagreed"),
        other=_in("other_evaluation", "other_assessment"),
        who=EVALUATORS,
        data=lambda o: FINAL,
    ),
    *acts(
        "sign the joint result",
        "assessment_sign",
        own=_in("in_evaluation", "agreed"),
        other=_in("other_evaluation", "other_assessment"),
        who=EVALUATORS,
        data=lambda o: SIGNATURE,
    ),
    *acts(
        "record an observation",
        "observation_add",
        own=pks("in_evaluation"),
        other=pks("other_evaluation"),
        who=EVALUATORS,
        data=_observation,
    ),
    *acts(
        "transmit to the jury",
        "dossier_transmit",
        own=pks("in_evaluation"),
        other=pks("other_evaluation"),
        who={"evaluateur"},
    ),
    *acts(
        "transmit a complete dossier",
        "dossier_transmit",
        own=pks("ready_for_jury"),
        other=pks("other_evaluation"),
        who={"evaluateur"},
        data=_no_data,
    ),
    get(
        "back to the parcours",
        "dossier_resume_parcours",
        pks("in_evaluation"),
        expect(EVALUATORS, refused=CANDIDACY_VIEWERS),
    ),
    *acts(
        "send the candidate back to the parcours",
        "dossier_resume_parcours",
        own=pks("ready_for_jury"),
        other=pks("other_evaluation"),
        who=EVALUATORS,
        data=lambda o: {"comment": "C2 à retravailler."},
    ),
]
