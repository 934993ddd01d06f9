"""The authorization matrix's rows of the candidacy pages (tests/matrix.py explains a row).

« own » objects belong to the candidat of own_org, assigned to the professionnel and the
évaluateur; « other » ones to another organisation, whose gestionnaire is the outsider;
« crossed » URLs pair an own candidacy with another candidacy's item.
"""

from tests.candidates.builders import competence
from tests.matrix import (
    CANDIDACY_VIEWERS,
    EVERYONE,
    OTHER_VIEWERS,
    acts,
    expect,
    get,
    pks,
    post,
    reads,
)

MANAGERS = {"secretariat", "gestionnaire"}
EXPERIENCE = {
    "employer": "Formapro",
    "job_title": "Assistante",
    "start_date": "2020-01-01",
    "end_date": "",
    "is_relevant": "True",
    "activities": "",
}
ACTIVITY = {"title": "Accueil", "description": "Accueil des stagiaires."}
WITHDRAWAL = {"expected_state": "reperage", "comment": "Changement de poste."}


def _c(number):
    return competence(number).pk


def _livret(o) -> dict:
    element = competence(1).elements.order_by("number").first()
    return {"expected_state": "reperage", "action": "draft", f"status_{element.pk}": "acquis"}


def _transition(key, name):
    return lambda o: [o[key].pk, name]


def _no_data(o) -> dict:
    return {}


def _vae_items(kind, candidacy, other_candidacy, *, data, refused=CANDIDACY_VIEWERS) -> list:
    """Add, edit and delete an item of the candidate's VAE dossier (`kind`: an experience
    of partie 2, an activity of partie 3): the candidate only; the objects named `kind` and
    `other_<kind>` are items of `candidacy` and `other_candidacy`."""
    item, other_item = kind, f"other_{kind}"
    options = {"who": {"candidat"}, "refused": refused, "page": True}
    return [
        *acts(
            f"add a VAE {kind}",
            f"vae_{kind}_add",
            own=pks(candidacy),
            other=pks(other_candidacy),
            data=data,
            **options,
        ),
        *acts(
            f"edit a VAE {kind}",
            f"vae_{kind}_edit",
            own=pks(candidacy, item),
            other=pks(other_candidacy, other_item),
            crossed=pks(candidacy, other_item),
            data=data,
            **options,
        ),
        *acts(
            f"delete a VAE {kind}",
            f"vae_{kind}_delete",
            own=pks(candidacy, item),
            other=pks(other_candidacy, other_item),
            crossed=pks(candidacy, other_item),
            data=_no_data,
            **options,
        ),
    ]


ROWS = [
    get("candidacy list", "candidacy_list", lambda o: [], expect(EVERYONE)),
    get(
        "candidacy create",
        "candidacy_create",
        lambda o: [],
        expect({"secretariat", "gestionnaire", "outsider"}),
    ),
    post(
        "open a candidacy in own organisation",
        "candidacy_create",
        lambda o: [],
        lambda o: {
            "organisation": o["own_org"].pk,
            "email": "salarie@exemple.fr",
            "first_name": "Sam",
            "last_name": "Salarié",
        },
        # The outsider manages another organisation: own_org is not among the choices.
        expect(MANAGERS, 302, outsider=200),
    ),
    *reads(
        "candidacy",
        "candidacy_detail",
        own=pks("candidacy"),
        other=pks("other_candidacy"),
        readers=CANDIDACY_VIEWERS,
    ),
    get(
        "candidacy on my session",
        "candidacy_detail",
        lambda o: [o["deliberation"].candidacy_id],
        expect({"secretariat", "jury", "gestionnaire"}),
    ),
    # Only those who manage the candidacy know that its assignment page exists.
    *reads(
        "assign evaluators",
        "candidacy_assign",
        own=pks("candidacy"),
        other=pks("other_candidacy"),
        readers=MANAGERS,
    ),
    post(
        "assign evaluators, posted (own)",
        "candidacy_assign",
        pks("candidacy"),
        lambda o: {"professionnel": o["spare_professionnel"].pk, "evaluateur": ""},
        expect(MANAGERS, 302),
    ),
    post(
        "assign evaluators, posted (other)",
        "candidacy_assign",
        pks("other_candidacy"),
        lambda o: {"professionnel": o["spare_professionnel"].pk, "evaluateur": ""},
        expect(OTHER_VIEWERS, 302),
        fuzz=False,
    ),
    get(
        "withdraw (own)",
        "candidacy_transition",
        _transition("candidacy", "withdraw"),
        expect(MANAGERS | {"candidat"}, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "withdraw, posted (own)",
        "candidacy_transition",
        _transition("candidacy", "withdraw"),
        lambda o: WITHDRAWAL,
        expect(MANAGERS | {"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "withdraw, posted (other)",
        "candidacy_transition",
        _transition("other_candidacy", "withdraw"),
        lambda o: WITHDRAWAL,
        expect(OTHER_VIEWERS, 302),
        fuzz=False,
    ),
    get(
        "complete the repérage",
        "candidacy_transition",
        _transition("candidacy", "complete_reperage"),
        expect({"professionnel"}, refused=CANDIDACY_VIEWERS),
    ),
    *acts(
        "complete a filled livret",
        "candidacy_transition",
        own=_transition("ready_to_complete", "complete_reperage"),
        other=_transition("other_candidacy", "complete_reperage"),
        who={"professionnel"},
        data=lambda o: {"expected_state": "reperage"},
    ),
    get(
        "an unknown action",
        "candidacy_transition",
        _transition("candidacy", "tout-valider"),
        expect(),
    ),
    get("recevabilité queue", "recevabilite_queue", lambda o: [], expect({"secretariat"})),
    # The livret de repérage and the parcours
    *reads(
        "livret de repérage",
        "reperage_edit",
        own=pks("candidacy"),
        other=pks("other_candidacy"),
        readers=CANDIDACY_VIEWERS,
    ),
    get("livret on a VAE candidacy", "reperage_edit", pks("vae_candidacy"), expect()),
    *acts(
        "save the livret",
        "reperage_edit",
        own=pks("candidacy"),
        other=pks("other_candidacy"),
        who={"professionnel"},
        data=_livret,
    ),
    *reads(
        "parcours plan",
        "plan_detail",
        own=pks("candidacy"),
        other=pks("other_candidacy"),
        readers=CANDIDACY_VIEWERS,
    ),
    *acts(
        "add a parcours action",
        "plan_action_add",
        own=pks("candidacy"),
        other=pks("other_in_parcours"),
        who={"professionnel"},
    ),
    post(
        "add an action to own parcours",
        "plan_action_add",
        pks("in_parcours"),
        lambda o: {"competence": o["action"].competence_id, "kind": "formation"},
        expect({"professionnel"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    *acts(
        "edit a parcours action",
        "plan_action_edit",
        own=pks("in_parcours", "action"),
        other=pks("other_in_parcours", "other_action"),
        crossed=pks("in_parcours", "other_action"),
        who={"professionnel"},
        data=lambda o: {"kind": "situation_travail", "provider": "Tutrice", "done": "on"},
        page=True,
    ),
    get(
        "confirm practice during repérage",
        "practice_confirm",
        pks("candidacy"),
        expect(refused=CANDIDACY_VIEWERS),
    ),
    *acts(
        "confirm practice",
        "practice_confirm",
        own=pks("in_parcours"),
        other=pks("other_in_parcours"),
        who={"professionnel"},
        data=lambda o: {"note": "Inscriptions et convocations d'une session."},
        page=True,
    ),
    # The VAE dossier
    get("VAE sign-up", "vae_signup", lambda o: [], expect(EVERYONE, 302, anonymous=200)),
    post(
        "sign up for a VAE",
        "vae_signup",
        lambda o: [],
        lambda o: {
            "email": "vae@exemple.fr",
            "first_name": "Valérie",
            "last_name": "Vaé",
            "password1": "Un-nouveau-secret-2026!",
            "password2": "Un-nouveau-secret-2026!",
            "organisation": "",
        },
        expect(EVERYONE, 302, anonymous=302),
        changes=frozenset({"anonymous"}),
    ),
    get("request a VAE", "vae_request_create", lambda o: [], expect(EVERYONE)),
    post(
        "open a VAE request",
        "vae_request_create",
        lambda o: [],
        lambda o: {"organisation": ""},
        expect(EVERYONE, 302),
    ),
    *reads(
        "VAE partie 2",
        "vae_request_edit",
        own=pks("vae_candidacy"),
        other=pks("other_vae_candidacy"),
        readers=MANAGERS | {"candidat"},
    ),
    *acts(
        "save partie 2",
        "vae_request_edit",
        own=pks("vae_candidacy"),
        other=pks("other_vae_candidacy"),
        who={"candidat"},
        refused=MANAGERS,
        data=lambda o: {"current_situation": "Salariée", "current_job_title": "Assistante"},
    ),
    *_vae_items(
        "experience",
        "vae_candidacy",
        "other_vae_candidacy",
        refused=MANAGERS,
        data=lambda o: EXPERIENCE,
    ),
    *reads(
        "VAE partie 3",
        "vae_activities",
        own=pks("vae_candidacy"),
        other=pks("other_vae_candidacy"),
        readers=MANAGERS | {"candidat"},
    ),
    get(
        "add a VAE activity before recevabilité",
        "vae_activity_add",
        pks("vae_candidacy"),
        expect(refused=MANAGERS | {"candidat"}),
    ),
    *_vae_items(
        "activity",
        "recevable",
        "other_recevable",
        data=lambda o: {"competence": _c(2), **ACTIVITY},
    ),
]
