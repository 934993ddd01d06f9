"""The authorization matrix's rows of the jury's pages (tests/matrix.py explains a row).

The jury actor presides « my » sessions (one programmed, one open) with a member of the
salariés' college; « other » sessions are presided by someone else.
"""

from django.utils import timezone

from candidates.models import Candidacy
from tests.matrix import EVERYONE, expect, get, pks, post, reads

STAFF = {"secretariat", "jury"}
SECRETARIAT = {"secretariat"}


def _compose(o) -> dict:
    members = [o["jury_member"].pk, o["salarie"].pk, o["spare_salarie"].pk]
    return {"members": members, "president": o["jury_member"].pk}


def _seated(key):
    return lambda o: {"present": list(o[key].seats.values_list("member_id", flat=True))}


def _fiche(key):
    """Every competence validated, as the evaluators found them all « acquises »."""

    def data(o) -> dict:
        candidacy = Candidacy.objects.get(pk=o[key].candidacy_id)
        to_validate = candidacy.competences_to_validate()
        decisions = {f"decision_{competence.pk}": "validee" for competence in to_validate}
        return {"conform": "conforme", "conformity_notes": "", "motivation": "", **decisions}

    return data


def _session_day(o) -> dict:
    return {"date": timezone.localdate().isoformat(), "place": "Paris", "video_link": ""}


ROWS = [
    get("jury sessions", "session_list", lambda o: [], expect(STAFF)),
    get("program a jury session", "session_create", lambda o: [], expect(SECRETARIAT)),
    post(
        "program a session",
        "session_create",
        lambda o: [],
        _session_day,
        expect(SECRETARIAT, 302),
    ),
    *reads(
        "jury session",
        "session_detail",
        own=pks("session"),
        other=pks("other_session"),
        readers=STAFF,
        other_readers=SECRETARIAT,
    ),
    *reads(
        "dossiers ZIP",
        "session_dossiers_zip",
        own=pks("session"),
        other=pks("other_session"),
        readers=STAFF,
        other_readers=SECRETARIAT,
    ),
    post(
        "compose my session",
        "session_compose",
        pks("session"),
        _compose,
        expect(SECRETARIAT, 302),
    ),
    post(
        "compose another session",
        "session_compose",
        pks("other_session"),
        _compose,
        expect(SECRETARIAT, 302),
        fuzz=False,
    ),
    post(
        "put a candidacy on my session's agenda",
        "session_add_candidacy",
        pks("session"),
        lambda o: {"candidacy": o["to_place"].pk},
        expect(SECRETARIAT, 302),
    ),
    post(
        "put a candidacy on another session's agenda",
        "session_add_candidacy",
        pks("other_session"),
        lambda o: {"candidacy": o["to_place"].pk},
        expect(SECRETARIAT, 302),
        fuzz=False,
    ),
    get(
        "take a candidacy off my session",
        "session_remove_candidacy",
        pks("session", "placed"),
        expect(SECRETARIAT),
    ),
    get(
        "take a candidacy off my session (crossed)",
        "session_remove_candidacy",
        pks("session", "other_deliberation"),
        expect(),
    ),
    post(
        "take a candidacy off my session, posted",
        "session_remove_candidacy",
        pks("session", "placed"),
        lambda o: {},
        expect(SECRETARIAT, 302),
    ),
    post(
        "take another session's candidacy off through my session",
        "session_remove_candidacy",
        pks("session", "other_deliberation"),
        lambda o: {},
        expect(),
    ),
    post(
        "open my session",
        "session_open",
        pks("session"),
        _seated("session"),
        expect(STAFF, 302),
    ),
    post(
        "open another session",
        "session_open",
        pks("other_session"),
        _seated("other_session"),
        expect(SECRETARIAT, 302),
        fuzz=False,
    ),
    get("close my open session", "session_close", pks("open_session"), expect(STAFF)),
    get(
        "close my programmed session",
        "session_close",
        pks("session"),
        expect(STAFF, 302),
    ),
    post(
        "close my open session, posted",
        "session_close",
        pks("open_session"),
        lambda o: {},
        expect(STAFF, 302),
    ),
    post(
        "close another session",
        "session_close",
        pks("other_open_session"),
        lambda o: {},
        expect(SECRETARIAT, 302),
        fuzz=False,
    ),
    get(
        "revoke a certificate",
        "certificate_revoke",
        pks("certificate"),
        expect(SECRETARIAT),
    ),
    post(
        "revoke a certificate, posted",
        "certificate_revoke",
        pks("certificate"),
        lambda o: {"reason": "Fraude établie."},
        expect(SECRETARIAT, 302),
    ),
    # Deliberation
    *reads(
        "deliberation dashboard",
        "session_dashboard",
        own=pks("open_session"),
        other=pks("other_session"),
        readers=STAFF,
        other_readers=SECRETARIAT,
    ),
    *reads(
        "fiche de décision",
        "deliberation_detail",
        own=pks("deliberation"),
        other=pks("other_deliberation"),
        readers=STAFF,
        other_readers=SECRETARIAT,
    ),
    post(
        "record a decision",
        "deliberation_detail",
        pks("deliberation"),
        _fiche("deliberation"),
        # Only the president records it; the secretariat reads the fiche.
        expect({"jury"}, 302, refused={"secretariat"}),
    ),
    post(
        "record a decision in another session",
        "deliberation_detail",
        pks("other_deliberation"),
        _fiche("other_deliberation"),
        expect(refused={"secretariat"}),
    ),
    # The public verification of a certificate
    get("public verification", "verify", lambda o: [], expect(EVERYONE, anonymous=200)),
    get(
        "verify a certificate",
        "verify_number",
        lambda o: [o["certificate"].number],
        expect(EVERYONE, anonymous=200),
    ),
    get(
        "verify an unknown number",
        "verify_number",
        lambda o: ["CQP-0000-0000"],
        expect(anonymous=404),
    ),
]
