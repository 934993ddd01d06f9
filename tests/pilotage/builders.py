"""Candidacies with a history written at chosen instants, for the statistics' tests: the
audit entries are created with their `created_at` (the services stamp the present)."""

import datetime

from django.utils import timezone

from candidates.enums import State
from candidates.models import Candidacy
from tests.factories import CandidacyFactory, TransitionLogFactory


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def log(candidacy, transition, source, target, when, comment=""):
    return TransitionLogFactory(
        candidacy=candidacy,
        transition=transition,
        source=source,
        target=target,
        created_at=when,
        comment=comment,
    )


def created(when, **fields) -> Candidacy:
    """A candidacy created at `when` (its creation logged then)."""
    candidacy = CandidacyFactory(**fields)
    Candidacy.objects.filter(pk=candidacy.pk).update(created_at=when)
    first = State.DEMANDE if candidacy.pathway == "vae" else State.REPERAGE
    log(candidacy, "create", "", first, when)
    candidacy.refresh_from_db()
    return candidacy


def recevabilite_decided(start, days, *, outcome="declare_recevable", **fields) -> Candidacy:
    """A VAE candidacy submitted at `start` and decided `days` later."""
    target = {
        "declare_recevable": State.RECEVABLE,
        "declare_non_recevable": State.NON_RECEVABLE,
        "request_completion": State.DEMANDE,
    }[outcome]
    candidacy = created(start - datetime.timedelta(days=30), pathway="vae", state=target, **fields)
    log(candidacy, "submit_recevabilite", State.DEMANDE, State.RECEVABILITE, start)
    log(candidacy, outcome, State.RECEVABILITE, target, start + datetime.timedelta(days=days))
    return candidacy
