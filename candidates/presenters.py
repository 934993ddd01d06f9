"""What the candidacy pages show of a candidacy, shared by the apps built on candidates:
its timeline, the actions a user may take, the context of every candidacy page, and who
downloaded its documents."""

from django.db.models import Count, Window

from cqp.permissions import is_secretariat
from cqp.selectors import download_list

from . import permissions
from .enums import PATHWAY_STEPS, ProofKind, State
from .selectors import due_soon_horizon
from .transitions import with_ui


def timeline(candidacy) -> list[dict]:
    """The pathway's steps with the current one marked; final states end the line."""
    steps = PATHWAY_STEPS[candidacy.pathway]
    current = candidacy.state
    position = steps.index(current) if current in steps else len(steps)
    rows = [
        {
            "label": State(step).label,
            "status": "done" if i < position else "current" if i == position else "todo",
        }
        for i, step in enumerate(steps)
    ]
    if current not in steps:
        rows.append({"label": State(current).label, "status": "current"})
    return rows


def available_actions(candidacy, user, names=None) -> list[dict]:
    """Transitions of the action page (`names`, else all) that this user may take now.

    Buttons only: the server re-checks.
    """
    return [
        {"name": t.name, "ui": t.ui}
        for t in with_ui(names)
        if permissions.may_take(candidacy, t.name, user)
    ]


# The candidacy page shows the latest downloads and how many there were in all.
DOWNLOADS_SHOWN = 20


def downloads(candidacy, user) -> dict | None:
    """The secretariat's « Consultations des documents »: the latest downloads of the
    candidacy's documents and evidence files, newest first, and their count, in one query
    (the count rides on each row) whatever their number; None for anyone else, who does not
    see the section."""
    if not is_secretariat(user):
        return None
    latest = list(
        download_list(candidacy_pk=candidacy.pk).annotate(total=Window(Count("pk")))[
            :DOWNLOADS_SHOWN
        ]
    )
    return {"latest": latest, "count": latest[0].total if latest else 0}


def vae_proofs(vae_request, experiences) -> list:
    """The proofs of the request itself; each of `experiences` (periods of that request)
    receives its own as `joined_proofs`. Two queries whatever their number."""
    proofs = list(vae_request.proofs.all()) if vae_request else []
    for period in experiences:
        period.joined_proofs = [p for p in proofs if p.experience_id == period.pk]
    return [p for p in proofs if p.experience_id is None]


def proof_kind_labels(certification) -> dict[str, list[str]]:
    """The labels of the kinds of proof the certification takes, for the request itself
    (`request`) and for each period (`per_experience`)."""
    return {
        place: [ProofKind(kind).label for kind in kinds]
        for place, kinds in certification.vae_proof_rules.items()
    }


def candidacy_context(request, candidacy, **extra) -> dict:
    """The context of every candidacy page (its header's steps and sub-navigation are
    written from the candidacy by candidates.templatetags.candidacy_items)."""
    return {
        "candidacy": candidacy,
        "can_manage": permissions.can_manage(candidacy, request.user),
        "can_see_identity": permissions.can_see_identity(candidacy, request.user),
        **extra,
    }


def recevabilite_row(candidacy, today) -> dict:
    """A line of the secretariat's queue: the request's age in days and where it stands
    against its due date (`overdue_days` past it, or `due_soon` within the reminder's
    horizon), from a candidacy of `selectors.recevabilite_queue`."""
    request = candidacy.vae_request
    due_on = request.decision_due_on
    return {
        "candidacy": candidacy,
        "age_days": (today - request.submitted_on).days if request.submitted_on else None,
        "due_on": due_on,
        "overdue_days": (today - due_on).days if due_on and due_on < today else 0,
        "due_soon": bool(due_on) and today <= due_on <= due_soon_horizon(today),
    }
