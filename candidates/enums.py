"""The candidacy's vocabulary: pathways, states, livret statuses, kinds of action, and the
capacities in which people act. Stable strings (see DESIGN.md); everything else compares
against these, never against raw strings, and may import them without importing models."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cqp.models import HabilitationKind, MembershipRole, PlatformRole


class Pathway(models.TextChoices):
    PARCOURS = "parcours", _("Parcours de développement des compétences")
    VAE = "vae", _("Validation des acquis de l'expérience (VAE)")


class State(models.TextChoices):
    REPERAGE = "reperage", _("Repérage des acquis")
    PARCOURS = "parcours", _("Parcours de formation")
    DEMANDE = "demande", _("Demande de VAE")
    RECEVABILITE = "recevabilite", _("Recevabilité à l'examen")
    RECEVABLE = "recevable", _("Recevable")
    NON_RECEVABLE = "non_recevable", _("Non recevable")
    EVALUATION = "evaluation", _("Évaluation des compétences")
    JURY = "jury", _("Jury paritaire")
    CERTIFIE = "certifie", _("Certification obtenue")
    PARTIEL = "partiel", _("Validation partielle")
    NON_CERTIFIE = "non_certifie", _("Certification non obtenue")
    ABANDONNE = "abandonne", _("Abandonnée")


FINAL_STATES = [State.CERTIFIE, State.NON_CERTIFIE, State.NON_RECEVABLE, State.ABANDONNE]
NON_FINAL_STATES = [s for s in State.values if s not in FINAL_STATES]
# The steps a candidacy waits on someone at (a partial validation waits on nobody): the
# waiting lists read them, with a partial index on `state_changed_at`.
WAITING_STATES = [s for s in NON_FINAL_STATES if s != State.PARTIEL]
# The outcomes the jury's decision leads to.
DECISION_STATES = [State.CERTIFIE, State.PARTIEL, State.NON_CERTIFIE]

# The steps of each pathway as shown on the timeline.
PATHWAY_STEPS = {
    Pathway.PARCOURS: [State.REPERAGE, State.PARCOURS, State.EVALUATION, State.JURY],
    Pathway.VAE: [State.DEMANDE, State.RECEVABILITE, State.RECEVABLE, State.EVALUATION, State.JURY],
}


def state_label(state: str) -> str:
    """The label of a state value (the value itself when unknown: an old log entry)."""
    try:
        return State(state).label
    except ValueError:  # not `in State.values`: a list of the 15 values built at each call
        return state


class ReperageStatus(models.TextChoices):
    ACQUIS = "acquis", _("Acquis")
    A_DEVELOPPER = "a_developper", _("À développer")


class ActionKind(models.TextChoices):
    FORMATION = "formation", _("Action de formation")
    SITUATION_TRAVAIL = "situation_travail", _("Situation de travail")


class ProofKind(models.TextChoices):
    """The kinds of proof joined to partie 2 of a VAE request (which are required: the
    certification's rules, cqp.referentiel)."""

    IDENTITE = "identite", _("Pièce d'identité")
    ATTESTATION_EMPLOYEUR = "attestation_employeur", _("Attestation de l'employeur")
    CONTRAT = "contrat", _("Contrat de travail")
    BULLETIN_SALAIRE = "bulletin_salaire", _("Bulletin de salaire")
    AUTRE = "autre", _("Autre justificatif")


class RecevabiliteOutcome(models.TextChoices):
    """The secretariat's decisions on a VAE request, each on record."""

    FAVORABLE = "favorable", _("Avis favorable : recevable")
    DEFAVORABLE = "defavorable", _("Avis défavorable : non recevable")
    INCOMPLET = "incomplet", _("Demande de compléments")


class Capacity(models.TextChoices):
    """In what capacity someone acts on a candidacy: who may take each action (see
    transitions.py) and what the audit log records."""

    CANDIDAT = MembershipRole.CANDIDAT.value, MembershipRole.CANDIDAT.label
    PROFESSIONNEL = HabilitationKind.PROFESSIONNEL.value, HabilitationKind.PROFESSIONNEL.label
    EVALUATEUR = HabilitationKind.EVALUATEUR.value, HabilitationKind.EVALUATEUR.label
    SECRETARIAT = PlatformRole.SECRETARIAT.value, PlatformRole.SECRETARIAT.label
    JURY = PlatformRole.JURY.value, PlatformRole.JURY.label
    GESTIONNAIRE = MembershipRole.GESTIONNAIRE.value, MembershipRole.GESTIONNAIRE.label
    AUTRE = "autre", _("Autre")


class Civility(models.TextChoices):
    """As the candidate states it; used for agreement in documents and for registers."""

    MADAME = "madame", _("Madame")
    MONSIEUR = "monsieur", _("Monsieur")


# The kind of document (cqp.documents) of a recevabilité decision's letter.
LETTER = "avis_recevabilite"
