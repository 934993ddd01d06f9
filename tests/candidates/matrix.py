"""What the candidacy pages' rows of the authorization matrix post (the table:
tests/candidates/matrix.md; its format: tests/matrix.py)."""

from tests.candidates.builders import competence, identity_of
from tests.evaluations.matrix import pdf_upload

EXPERIENCE = {
    "employer": "Formapro",
    "job_title": "Assistante",
    "start_date": "2020-01-01",
    "end_date": "",
    "is_relevant": "True",
    "activities": "",
    "working_time": "80",
}


def _livret(o, candidacy) -> dict:
    element = competence(1).elements.order_by("number").first()
    return {"expected_state": candidacy.state, "action": "draft", f"status_{element.pk}": "acquis"}


def _activity(o, candidacy, *item) -> dict:
    return {"competence": competence(2).pk, "title": "Accueil", "description": "Accueil."}


# By URL name: (objects, the values of the URL's arguments) -> what is posted.
DATA = {
    "candidacy_create": lambda o: {
        "organisation": o["own_org"].pk,
        "email": "salarie@exemple.fr",
        "first_name": "Sam",
        "last_name": "Salarié",
    },
    "candidacy_assign": lambda o, candidacy: {
        "professionnel": o["spare_professionnel"].pk,
        "evaluateur": "",
    },
    "candidacy_transition": lambda o, candidacy, name: {
        "expected_state": candidacy.state,
        "comment": "Changement de poste.",
    },
    "reperage_edit": _livret,
    "plan_action_add": lambda o, candidacy: {
        "competence": candidacy.parcours_actions.get().competence_id,
        "kind": "formation",
    },
    "plan_action_edit": lambda o, candidacy, action: {
        "kind": "situation_travail",
        "provider": "Tutrice",
        "done": "on",
    },
    "practice_confirm": lambda o, candidacy: {"note": "Convocations d'une session."},
    "vae_signup": lambda o: {
        "email": "vae@exemple.fr",
        "first_name": "Valérie",
        "last_name": "Vaé",
        "password1": "Un-nouveau-secret-2026!",
        "password2": "Un-nouveau-secret-2026!",
        "organisation": "",
    },
    "vae_request_create": lambda o: {"organisation": ""},
    "vae_request_edit": lambda o, candidacy: {"current_situation": "Salariée"},
    "vae_experience_add": lambda o, candidacy: EXPERIENCE,
    "vae_experience_edit": lambda o, candidacy, experience: EXPERIENCE,
    "vae_proof_add": lambda o, candidacy: {
        "expected_state": candidacy.state,
        "kind": "identite",
        "file": pdf_upload(),
    },
    "vae_activity_add": _activity,
    "vae_activity_edit": _activity,
    "recevabilite_review": lambda o, candidacy: {
        "expected_state": candidacy.state,
        "outcome": "favorable",
        "reason": "Dossier complet.",
        "confirm": "1",
    },
    "candidate_identity": lambda o, candidacy: {
        **identity_of(candidacy.candidate.user),
        "birth_date": "1990-05-17",
    },
    "candidate_identity_check": lambda o, candidacy: {},
}
