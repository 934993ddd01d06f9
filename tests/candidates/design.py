"""DESIGN.md's state machine, copied by hand: the tests compare the code against these
tables, never against tables derived from the code, so a transition that drifts from the
contract fails."""

STATES = [
    "reperage",
    "parcours",
    "demande",
    "recevabilite",
    "recevable",
    "non_recevable",
    "evaluation",
    "jury",
    "certifie",
    "partiel",
    "non_certifie",
    "abandonne",
]
FINAL = {"certifie", "non_certifie", "non_recevable", "abandonne"}
VAE_STATES = {"demande", "recevabilite", "recevable", "non_recevable"}
TRANSITIONS = [
    "complete_reperage",
    "start_evaluation",
    "submit_recevabilite",
    "declare_recevable",
    "declare_non_recevable",
    "request_completion",
    "submit_activities",
    "resume_parcours",
    "transmit_to_jury",
    "return_to_evaluation",
    "record_decision",
    "continue_after_partial",
    "withdraw",
]
SOURCES = {
    "complete_reperage": {"reperage"},
    "start_evaluation": {"parcours"},
    "submit_recevabilite": {"demande"},
    "declare_recevable": {"recevabilite"},
    "declare_non_recevable": {"recevabilite"},
    "request_completion": {"recevabilite"},
    "submit_activities": {"recevable"},
    "resume_parcours": {"evaluation"},
    "transmit_to_jury": {"evaluation"},
    "return_to_evaluation": {"jury"},
    "record_decision": {"jury"},
    "continue_after_partial": {"partiel"},
    "withdraw": {
        "reperage",
        "parcours",
        "demande",
        "recevabilite",
        "recevable",
        "evaluation",
        "jury",
        "partiel",
    },
}
TARGETS = {
    "complete_reperage": "parcours",
    "start_evaluation": "evaluation",
    "submit_recevabilite": "recevabilite",
    "declare_recevable": "recevable",
    "declare_non_recevable": "non_recevable",
    "request_completion": "demande",
    "submit_activities": "evaluation",
    "resume_parcours": "parcours",
    "transmit_to_jury": "jury",
    "return_to_evaluation": "evaluation",
    "continue_after_partial": "parcours",
    "withdraw": "abandonne",
}
DECISIONS = {"certifie", "partiel", "non_certifie"}
# The "who" column, as the candidates app implements it (the jury app later narrows
# record_decision and return_to_evaluation to the president of a session).
WHO = {
    "complete_reperage": {"professionnel"},
    "start_evaluation": {"professionnel"},
    "submit_recevabilite": {"candidat"},
    "declare_recevable": {"secretariat"},
    "declare_non_recevable": {"secretariat"},
    "request_completion": {"secretariat"},
    "submit_activities": {"candidat"},
    "resume_parcours": {"professionnel", "evaluateur"},
    "transmit_to_jury": {"evaluateur"},
    "return_to_evaluation": {"secretariat", "jury"},
    "record_decision": {"jury"},
    "continue_after_partial": {"candidat", "professionnel", "secretariat"},
    "withdraw": {"candidat", "gestionnaire", "secretariat"},
}
STATE_LABELS = {
    "reperage": "Repérage des acquis",
    "parcours": "Parcours de formation",
    "demande": "Demande de VAE",
    "recevabilite": "Recevabilité à l'examen",
    "recevable": "Recevable",
    "non_recevable": "Non recevable",
    "evaluation": "Évaluation des compétences",
    "jury": "Jury paritaire",
    "certifie": "Certification obtenue",
    "partiel": "Validation partielle",
    "non_certifie": "Certification non obtenue",
    "abandonne": "Abandonnée",
}
