"""The authorization matrix's rows of the candidacy pages (tests/matrix.py explains a row).

« own » objects belong to the candidat of own_org, assigned to the professionnel and the
évaluateur; « other » ones to another organisation, whose gestionnaire is the outsider;
« crossed » URLs pair an own candidacy with another candidacy's item.
"""

from tests.candidates.builders import competence
from tests.matrix import CANDIDACY_VIEWERS, EVERYONE, expect, get, pks, post

# Who sees a candidacy of another organisation.
OTHER_VIEWERS = {"secretariat", "outsider"}
EXPERIENCE = {
    "employer": "Formapro",
    "job_title": "Assistante",
    "start_date": "2020-01-01",
    "end_date": "",
    "is_relevant": "True",
    "activities": "",
}


def _c(number):
    return competence(number).pk


def _element():
    return competence(1).elements.order_by("number").first().pk


def _transition(key, name):
    return lambda o: [o[key].pk, name]


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
        expect({"secretariat", "gestionnaire"}, 302, outsider=200),
    ),
    get(
        "own candidacy",
        "candidacy_detail",
        pks("candidacy"),
        expect(CANDIDACY_VIEWERS),
    ),
    get(
        "other organisation's candidacy",
        "candidacy_detail",
        pks("other_candidacy"),
        expect(OTHER_VIEWERS),
    ),
    get(
        "candidacy on my session",
        "candidacy_detail",
        lambda o: [o["deliberation"].candidacy_id],
        expect({"secretariat", "jury", "gestionnaire"}),
    ),
    get(
        "assign evaluators (own)",
        "candidacy_assign",
        pks("candidacy"),
        expect({"secretariat", "gestionnaire"}),
    ),
    get(
        "assign evaluators (other)",
        "candidacy_assign",
        pks("other_candidacy"),
        expect(OTHER_VIEWERS),
    ),
    post(
        "assign evaluators to own candidacy",
        "candidacy_assign",
        pks("candidacy"),
        lambda o: {"professionnel": o["spare_professionnel"].pk, "evaluateur": ""},
        expect({"secretariat", "gestionnaire"}, 302),
    ),
    post(
        "assign evaluators to another organisation's candidacy",
        "candidacy_assign",
        pks("other_candidacy"),
        lambda o: {"professionnel": o["spare_professionnel"].pk, "evaluateur": ""},
        expect(OTHER_VIEWERS, 302),
        fuzz=False,
    ),
    get(
        "withdraw own candidacy",
        "candidacy_transition",
        _transition("candidacy", "withdraw"),
        expect({"secretariat", "gestionnaire", "candidat"}, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "withdraw own candidacy, posted",
        "candidacy_transition",
        _transition("candidacy", "withdraw"),
        lambda o: {"expected_state": "reperage", "comment": "Changement de poste."},
        expect({"secretariat", "gestionnaire", "candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "withdraw another organisation's candidacy",
        "candidacy_transition",
        _transition("other_candidacy", "withdraw"),
        lambda o: {"expected_state": "reperage", "comment": "Changement de poste."},
        expect(OTHER_VIEWERS, 302),
        fuzz=False,
    ),
    get(
        "complete reperage (own)",
        "candidacy_transition",
        _transition("candidacy", "complete_reperage"),
        expect({"professionnel"}, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "complete a filled livret",
        "candidacy_transition",
        _transition("ready_to_complete", "complete_reperage"),
        lambda o: {"expected_state": "reperage"},
        expect({"professionnel"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "complete another organisation's livret",
        "candidacy_transition",
        _transition("other_candidacy", "complete_reperage"),
        lambda o: {"expected_state": "reperage"},
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "an unknown action",
        "candidacy_transition",
        _transition("candidacy", "tout-valider"),
        expect(),
    ),
    get("recevabilité queue", "recevabilite_queue", lambda o: [], expect({"secretariat"})),
    # The livret de repérage and the parcours
    get(
        "livret de repérage (own)",
        "reperage_edit",
        pks("candidacy"),
        expect(CANDIDACY_VIEWERS),
    ),
    get(
        "livret de repérage (other)",
        "reperage_edit",
        pks("other_candidacy"),
        expect(OTHER_VIEWERS),
    ),
    get("livret on a VAE candidacy", "reperage_edit", pks("vae_candidacy"), expect()),
    post(
        "save own livret",
        "reperage_edit",
        pks("candidacy"),
        lambda o: {
            "expected_state": "reperage",
            "action": "draft",
            f"status_{_element()}": "acquis",
        },
        expect({"professionnel"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "save another organisation's livret",
        "reperage_edit",
        pks("other_candidacy"),
        lambda o: {
            "expected_state": "reperage",
            "action": "draft",
            f"status_{_element()}": "acquis",
        },
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "parcours plan (own)",
        "plan_detail",
        pks("candidacy"),
        expect(CANDIDACY_VIEWERS),
    ),
    get(
        "parcours plan (other)",
        "plan_detail",
        pks("other_candidacy"),
        expect(OTHER_VIEWERS),
    ),
    get(
        "add a parcours action (own)",
        "plan_action_add",
        pks("candidacy"),
        expect({"professionnel"}, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "add an action to own parcours",
        "plan_action_add",
        pks("in_parcours"),
        lambda o: {"competence": o["action"].competence_id, "kind": "formation"},
        expect({"professionnel"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "add an action to another organisation's parcours",
        "plan_action_add",
        pks("other_in_parcours"),
        lambda o: {"competence": o["other_action"].competence_id, "kind": "formation"},
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "edit a parcours action (own)",
        "plan_action_edit",
        pks("in_parcours", "action"),
        expect({"professionnel"}, refused=CANDIDACY_VIEWERS),
    ),
    get(
        "edit a parcours action (other)",
        "plan_action_edit",
        pks("other_in_parcours", "other_action"),
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "edit a parcours action (crossed)",
        "plan_action_edit",
        pks("in_parcours", "other_action"),
        expect(),
    ),
    post(
        "edit an action of own parcours",
        "plan_action_edit",
        pks("in_parcours", "action"),
        lambda o: {"kind": "situation_travail", "provider": "Tutrice", "done": "on"},
        expect({"professionnel"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "edit an action of another organisation's parcours",
        "plan_action_edit",
        pks("other_in_parcours", "other_action"),
        lambda o: {"kind": "situation_travail", "provider": "Tutrice", "done": "on"},
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "edit another parcours' action through own candidacy",
        "plan_action_edit",
        pks("in_parcours", "other_action"),
        lambda o: {"kind": "situation_travail", "provider": "Tutrice", "done": "on"},
        expect(),
    ),
    get(
        "confirm practice during repérage (own)",
        "practice_confirm",
        pks("candidacy"),
        expect(refused=CANDIDACY_VIEWERS),
    ),
    get(
        "confirm practice (own)",
        "practice_confirm",
        pks("in_parcours"),
        expect({"professionnel"}, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "confirm the practice of own candidate",
        "practice_confirm",
        pks("in_parcours"),
        lambda o: {"note": "Inscriptions et convocations d'une session."},
        expect({"professionnel"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "confirm the practice of another organisation's candidate",
        "practice_confirm",
        pks("other_in_parcours"),
        lambda o: {"note": "Inscriptions et convocations d'une session."},
        expect(refused=OTHER_VIEWERS),
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
    get(
        "VAE partie 2 (own)",
        "vae_request_edit",
        pks("vae_candidacy"),
        expect({"secretariat", "gestionnaire", "candidat"}),
    ),
    get(
        "VAE partie 2 (other)",
        "vae_request_edit",
        pks("other_vae_candidacy"),
        expect(OTHER_VIEWERS),
    ),
    post(
        "save own partie 2",
        "vae_request_edit",
        pks("vae_candidacy"),
        lambda o: {"current_situation": "Salariée", "current_job_title": "Assistante"},
        expect({"candidat"}, 302, refused={"secretariat", "gestionnaire"}),
    ),
    post(
        "save another organisation's partie 2",
        "vae_request_edit",
        pks("other_vae_candidacy"),
        lambda o: {"current_situation": "Salariée", "current_job_title": "Assistante"},
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "add a VAE experience (own)",
        "vae_experience_add",
        pks("vae_candidacy"),
        expect({"candidat"}, refused={"secretariat", "gestionnaire"}),
    ),
    post(
        "add an experience to own partie 2",
        "vae_experience_add",
        pks("vae_candidacy"),
        lambda o: EXPERIENCE,
        expect({"candidat"}, 302, refused={"secretariat", "gestionnaire"}),
    ),
    post(
        "add an experience to another organisation's partie 2",
        "vae_experience_add",
        pks("other_vae_candidacy"),
        lambda o: EXPERIENCE,
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "edit a VAE experience (own)",
        "vae_experience_edit",
        pks("vae_candidacy", "experience"),
        expect({"candidat"}, refused={"secretariat", "gestionnaire"}),
    ),
    get(
        "edit a VAE experience (other)",
        "vae_experience_edit",
        pks("other_vae_candidacy", "other_experience"),
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "edit a VAE experience (crossed)",
        "vae_experience_edit",
        pks("vae_candidacy", "other_experience"),
        expect(),
    ),
    post(
        "edit an experience of own partie 2",
        "vae_experience_edit",
        pks("vae_candidacy", "experience"),
        lambda o: EXPERIENCE,
        expect({"candidat"}, 302, refused={"secretariat", "gestionnaire"}),
    ),
    post(
        "edit an experience of another organisation's partie 2",
        "vae_experience_edit",
        pks("other_vae_candidacy", "other_experience"),
        lambda o: EXPERIENCE,
        expect(refused=OTHER_VIEWERS),
    ),
    post(
        "edit another partie 2's experience through own candidacy",
        "vae_experience_edit",
        pks("vae_candidacy", "other_experience"),
        lambda o: EXPERIENCE,
        expect(),
    ),
    get(
        "delete a VAE experience (own)",
        "vae_experience_delete",
        pks("vae_candidacy", "experience"),
        expect({"candidat"}, refused={"secretariat", "gestionnaire"}),
    ),
    get(
        "delete a VAE experience (crossed)",
        "vae_experience_delete",
        pks("vae_candidacy", "other_experience"),
        expect(),
    ),
    post(
        "delete an experience of own partie 2",
        "vae_experience_delete",
        pks("vae_candidacy", "experience"),
        lambda o: {},
        expect({"candidat"}, 302, refused={"secretariat", "gestionnaire"}),
    ),
    post(
        "delete an experience of another organisation's partie 2",
        "vae_experience_delete",
        pks("other_vae_candidacy", "other_experience"),
        lambda o: {},
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "VAE partie 3 (own)",
        "vae_activities",
        pks("vae_candidacy"),
        expect({"secretariat", "gestionnaire", "candidat"}),
    ),
    get(
        "VAE partie 3 (other)",
        "vae_activities",
        pks("other_vae_candidacy"),
        expect(OTHER_VIEWERS),
    ),
    get(
        "add a VAE activity before recevabilité (own)",
        "vae_activity_add",
        pks("vae_candidacy"),
        expect(refused={"secretariat", "gestionnaire", "candidat"}),
    ),
    post(
        "add an activity to own partie 3",
        "vae_activity_add",
        pks("recevable"),
        lambda o: {
            "competence": _c(2),
            "title": "Accueil",
            "description": "Accueil des stagiaires.",
        },
        expect({"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "add an activity to another organisation's partie 3",
        "vae_activity_add",
        pks("other_recevable"),
        lambda o: {
            "competence": _c(2),
            "title": "Accueil",
            "description": "Accueil des stagiaires.",
        },
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "edit a VAE activity (own)",
        "vae_activity_edit",
        pks("recevable", "activity"),
        expect({"candidat"}, refused=CANDIDACY_VIEWERS),
    ),
    get(
        "edit a VAE activity (other)",
        "vae_activity_edit",
        pks("other_recevable", "other_activity"),
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "edit a VAE activity (crossed)",
        "vae_activity_edit",
        pks("recevable", "other_activity"),
        expect(),
    ),
    post(
        "edit an activity of own partie 3",
        "vae_activity_edit",
        pks("recevable", "activity"),
        lambda o: {"competence": _c(1), "title": "Bilan", "description": "Bilans de formation."},
        expect({"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "edit an activity of another organisation's partie 3",
        "vae_activity_edit",
        pks("other_recevable", "other_activity"),
        lambda o: {"competence": _c(1), "title": "Bilan", "description": "Bilans de formation."},
        expect(refused=OTHER_VIEWERS),
    ),
    get(
        "delete a VAE activity (own)",
        "vae_activity_delete",
        pks("recevable", "activity"),
        expect({"candidat"}, refused=CANDIDACY_VIEWERS),
    ),
    get(
        "delete a VAE activity (crossed)",
        "vae_activity_delete",
        pks("recevable", "other_activity"),
        expect(),
    ),
    post(
        "delete an activity of own partie 3",
        "vae_activity_delete",
        pks("recevable", "activity"),
        lambda o: {},
        expect({"candidat"}, 302, refused=CANDIDACY_VIEWERS),
    ),
    post(
        "delete an activity of another organisation's partie 3",
        "vae_activity_delete",
        pks("other_recevable", "other_activity"),
        lambda o: {},
        expect(refused=OTHER_VIEWERS),
    ),
]
