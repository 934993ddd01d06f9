"""What the jury pages' rows of the authorization matrix post (the table:
tests/jury/matrix.md; its format: tests/matrix.py)."""

from django.utils import timezone

from candidates.models import Candidacy
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
        "place": "Paris",
        "video_link": "",
    },
    "session_compose": lambda o, session: {
        "members": [o["jury_member"].pk, o["salarie"].pk, o["spare_salarie"].pk],
        "president": o["jury_member"].pk,
    },
    "session_add_candidacy": lambda o, session: {"candidacy": o["to_place"].pk},
    "session_open": lambda o, session: {
        "present": list(session.seats.values_list("member_id", flat=True))
    },
    "certificate_revoke": lambda o, certificate: {"reason": "Fraude établie."},
    "deliberation_detail": _decisions,
    "deliberation_president": lambda o, deliberation: {"president": o["salarie"].pk},
}
