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
from tests.matrix import CANDIDACY_VIEWERS, download, expect, get, pks, post

OTHER_VIEWERS = {"secretariat", "outsider"}
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


OPINION = {"opinion": "acquise", "comment": "Maîtrisée en situation."}
FINAL = {"result": "acquise", "comment": "Maîtrisée après échange."}
SIGNATURE = {"password": PASSWORD}

ROWS = [
    get(
        "evaluation dossier (own)",
        "dossier_detail",
        pks("in_evaluation"),
        expect(CANDIDACY_VIEWERS),
    ),
    get(
        "evaluation dossier (other)",
        "dossier_detail",
        pks("other_evaluation"),
        expect(OTHER_VIEWERS),
    ),
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
    post(
        "write an account in own dossier",
        "account_save",
        _account_of("in_evaluation", 1),
        lambda o: {"text": "J'ai organisé trois sessions."},
        expect({"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "write an account in another organisation's dossier",
        "account_save",
        _account_of("other_evaluation", 1),
        lambda o: {"text": "J'ai organisé trois sessions."},
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "write an account of a competence outside the dossier",
        "account_save",
        pks("in_evaluation", "foreign_competence"),
        lambda o: {"text": "J'ai organisé trois sessions."},
        expect(refused=CANDIDACY_VIEWERS - {"candidat"}),
    ),
    post(
        "join a file to own dossier",
        "evidence_add",
        pks("in_evaluation"),
        _evidence,
        expect({"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "join a file to another organisation's dossier",
        "evidence_add",
        pks("other_evaluation"),
        _evidence,
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "delete an evidence file (own)",
        "evidence_delete",
        _in("in_evaluation", "evidence"),
        expect({"candidat"}, refused=CANDIDACY_VIEWERS),
    ),
    get(
        "delete an evidence file (crossed)",
        "evidence_delete",
        _in("in_evaluation", "other_evidence"),
        expect(),
    ),
    post(
        "delete a file of own dossier",
        "evidence_delete",
        _in("in_evaluation", "evidence"),
        lambda o: {},
        expect({"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "delete a file of another organisation's dossier",
        "evidence_delete",
        _in("other_evaluation", "other_evidence"),
        lambda o: {},
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "delete another dossier's file through own dossier",
        "evidence_delete",
        _in("in_evaluation", "other_evidence"),
        lambda o: {},
        expect(),
    ),
    download(
        "evidence download (own)",
        "evidence_download",
        pks("evidence"),
        CANDIDACY_VIEWERS,
    ),
    download(
        "evidence download (other)",
        "evidence_download",
        pks("other_evidence"),
        OTHER_VIEWERS,
    ),
    # The evaluators' part
    get(
        "assessment (own)",
        "assessment",
        pks("in_evaluation"),
        expect(EVALUATORS, refused=CANDIDACY_VIEWERS),
    ),
    get(
        "assessment (other)",
        "assessment",
        pks("other_evaluation"),
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "give one's opinion (own)",
        "assessment_opinion",
        _in("in_evaluation", "to_assess"),
        lambda o: OPINION,
        expect(EVALUATORS, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "give an opinion in another organisation's dossier",
        "assessment_opinion",
        _in("other_evaluation", "other_assessment"),
        lambda o: OPINION,
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "give an opinion on another dossier's assessment through own dossier",
        "assessment_opinion",
        _in("in_evaluation", "other_assessment"),
        lambda o: OPINION,
        expect(),
    ),
    post(
        "set the joint result (own)",
        "assessment_final",
        _in("in_evaluation", "disagreed"),
        lambda o: FINAL,
        expect(EVALUATORS, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "set a joint result in another organisation's dossier",
        "assessment_final",
        _in("other_evaluation", "other_assessment"),
        lambda o: FINAL,
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "sign the joint result (own)",
        "assessment_sign",
        _in("in_evaluation", "agreed"),
        lambda o: SIGNATURE,
        expect(EVALUATORS, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "sign in another organisation's dossier",
        "assessment_sign",
        _in("other_evaluation", "other_assessment"),
        lambda o: SIGNATURE,
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "record an observation (own)",
        "observation_add",
        pks("in_evaluation"),
        _observation,
        expect(EVALUATORS, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "record an observation in another organisation's dossier",
        "observation_add",
        pks("other_evaluation"),
        _observation,
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "transmit to the jury (own)",
        "dossier_transmit",
        pks("in_evaluation"),
        expect({"evaluateur"}, refused=CANDIDACY_VIEWERS),
    ),
    get(
        "transmit to the jury (other)",
        "dossier_transmit",
        pks("other_evaluation"),
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "transmit a complete dossier",
        "dossier_transmit",
        pks("ready_for_jury"),
        lambda o: {},
        expect({"evaluateur"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "transmit another organisation's dossier",
        "dossier_transmit",
        pks("other_evaluation"),
        lambda o: {},
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "back to the parcours (own)",
        "dossier_resume_parcours",
        pks("in_evaluation"),
        expect(EVALUATORS, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "send the candidate back to the parcours",
        "dossier_resume_parcours",
        pks("ready_for_jury"),
        lambda o: {"comment": "C2 à retravailler."},
        expect(EVALUATORS, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "send another organisation's candidate back to the parcours",
        "dossier_resume_parcours",
        pks("other_evaluation"),
        lambda o: {"comment": "C2 à retravailler."},
        expect(refused=OTHER_VIEWERS),
    ),
]
