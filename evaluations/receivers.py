"""The evaluation dossier follows the candidacy's workflow."""

from django.dispatch import receiver

from candidates.models import Candidacy, State
from candidates.signals import transition_done

from .services import dossier_open


@receiver(transition_done, sender=Candidacy, dispatch_uid="evaluations_open_dossier")
def open_dossier_on_evaluation(sender, candidacy, target, **kwargs):
    if target == State.EVALUATION:
        dossier_open(candidacy=candidacy)
