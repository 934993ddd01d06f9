"""Who plays which role in the notification table (cqp.notifications) for a candidacy."""

from cqp import notifications
from cqp.models import MembershipRole, User

from .models import Candidacy, CompetenceValidation


def _candidat(subject):
    if isinstance(subject, Candidacy | CompetenceValidation):
        return [subject.candidate.user]
    return []


def _professionnel(subject):
    if isinstance(subject, Candidacy):
        return [subject.professionnel]
    return []


def _evaluateur(subject):
    if isinstance(subject, Candidacy):
        return [subject.evaluateur]
    return []


def _gestionnaires(subject):
    if isinstance(subject, Candidacy):
        return User.objects.filter(
            memberships__organisation_id=subject.organisation_id,
            memberships__role=MembershipRole.GESTIONNAIRE,
            is_active=True,
        ).distinct()
    return []


notifications.register_recipients(notifications.CANDIDAT, _candidat)
notifications.register_recipients(notifications.PROFESSIONNEL, _professionnel)
notifications.register_recipients(notifications.EVALUATEUR, _evaluateur)
notifications.register_recipients(notifications.GESTIONNAIRES, _gestionnaires)
