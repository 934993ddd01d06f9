"""What the jury pages' rows of the authorization matrix post (the table:
tests/jury/matrix.md; its format: tests/matrix.py)."""

from django.utils import timezone

from candidates.models import Candidacy
from tests.evaluations.matrix import pdf_upload
from tests.jury.builders import CONFORME_POST


def _decisions(o, deliberation) -> dict:
    """Every competence validated, as the evaluators found them all « acquises »."""
    candidacy = Candidacy.objects.get(pk=deliberation.candidacy_id)
    to_validate = candidacy.competences_to_validate()
    decisions = {f"decision_{competence.pk}": "validee" for competence in to_validate}
    return {**CONFORME_POST, "conformity_notes": "", "motivation": "", **decisions}


# By URL name: (objects, the values of the URL's arguments) -> what is posted.
DATA = {
    "session_create": lambda o: {
        "date": timezone.localdate().isoformat(),
        "start_time": "18:30",
        "place": "Paris",
        "video_link": "",
    },
    "session_edit": lambda o, session: {
        "expected_state": session.state,
        "date": session.date.isoformat(),
        "start_time": "20:15",
        "place": "Lyon",
        "video_link": "",
    },
    "session_cancel": lambda o, session: {
        "expected_state": session.state,
        "reason": "Quorum impossible à réunir.",
    },
    "session_compose": lambda o, session: {
        "members": [o["jury_member"].pk, o["salarie"].pk, o["spare_salarie"].pk],
        "president": o["jury_member"].pk,
    },
    "jury_instruction_place": lambda o: {
        "candidacies": [o["to_place"].pk],
        "session": o["session"].pk,
    },
    "jury_instruction_return": lambda o, candidacy: {
        "expected_state": "jury",
        "reason": "La signature de l'évaluateur manque sur C2.",
    },
    "session_open": lambda o, session: {
        "present": list(session.seats.values_list("member_id", flat=True))
    },
    "certificate_revoke": lambda o, certificate: {"reason": "Fraude établie."},
    "deliberation_detail": _decisions,
    "deliberation_president": lambda o, deliberation: {"president": o["salarie"].pk},
    # A PDF that is not one of ours: the page answers so, and stores nothing.
    "verify_upload": lambda o: {"document": pdf_upload()},
}
